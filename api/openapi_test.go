package api_test

import (
	"sanlv/store/storetest"
	"sort"
	"strings"
	"testing"
)

// TestOpenAPIListsExactlyTheRoutes checks the served OpenAPI document against the routes the router
// actually has (chi.Walk), both ways, so that the document cannot drift from the code.
func TestOpenAPIListsExactlyTheRoutes(t *testing.T) {
	e := newEnv(t, storetest.Open(t, storetest.SQLiteDSN(t)))
	doc := e.get("/api/v1/openapi.json", "").want(t, 200).json(t)
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.") {
		t.Fatalf("openapi version %v", doc["openapi"])
	}
	base := at(t, doc, "servers", 0, "url").(string)
	documented := map[string]bool{}
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			documented[strings.ToUpper(method)+" "+base+path] = true
			m := op.(map[string]any)
			if m["summary"] == "" || m["responses"] == nil {
				t.Errorf("%s %s: no summary or responses", method, path)
			}
			for _, name := range pathParams(path) {
				if !hasPathParam(m, name) {
					t.Errorf("%s %s: path parameter %s undocumented", method, path, name)
				}
			}
		}
	}
	served := walk(t, e.api.Handler())
	for _, rt := range served {
		if !documented[rt] {
			t.Errorf("route %s is not in the OpenAPI document", rt)
		}
		delete(documented, rt)
	}
	var extra []string
	for rt := range documented {
		extra = append(extra, rt)
	}
	sort.Strings(extra)
	for _, rt := range extra {
		t.Errorf("the OpenAPI document lists %s, which the router does not serve", rt)
	}
}

func pathParams(path string) []string {
	var out []string
	for _, part := range strings.Split(path, "/") {
		if strings.HasPrefix(part, "{") {
			out = append(out, strings.Trim(part, "{}"))
		}
	}
	return out
}

func hasPathParam(op map[string]any, name string) bool {
	ps, _ := op["parameters"].([]any)
	for _, p := range ps {
		if m := p.(map[string]any); m["name"] == name && m["in"] == "path" && m["required"] == true {
			return true
		}
	}
	return false
}
