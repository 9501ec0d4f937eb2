package api

import (
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	if err := s.decodeParams(r, &struct{}{}); err != nil {
		return err
	}
	s.doc.once.Do(func() { s.doc.b, s.doc.err = marshal(s.OpenAPI()) })
	if s.doc.err != nil {
		return s.doc.err
	}
	writeRawJSON(w, http.StatusOK, s.doc.b)
	return nil
}

type obj = map[string]any

// OpenAPI returns the OpenAPI 3 document of the route table.
func (s *Server) OpenAPI() map[string]any {
	paths := obj{}
	for _, rt := range s.routes() {
		item, _ := paths[rt.pattern].(obj)
		if item == nil {
			item = obj{}
			paths[rt.pattern] = item
		}
		item[strings.ToLower(rt.method)] = operation(rt)
	}
	errRef := obj{"$ref": "#/components/schemas/Error"}
	return obj{
		"openapi": "3.0.3",
		"info": obj{"title": "Sanlv API", "version": "1",
			"description": "Scores, rankings, explanations, appeals and editions of the 12345 hotline assessment. " +
				"Every route but this document needs a bearer token; x-roles lists the roles that may call it. " +
				"A unit token sees its own unit only: another unit's data answers 404."},
		"servers": []obj{{"url": Prefix}},
		"paths":   paths,
		"components": obj{
			"securitySchemes": obj{"bearer": obj{"type": "http", "scheme": "bearer"}},
			"schemas": obj{"Error": obj{"type": "object", "required": []string{"error"}, "properties": obj{
				"error": obj{"type": "object", "required": []string{"code", "message"}, "properties": obj{
					"code":       obj{"type": "string", "enum": codes()},
					"message":    obj{"type": "string"},
					"request_id": obj{"type": "string"},
					"fields": obj{"type": "array", "items": obj{"type": "object", "properties": obj{
						"field": obj{"type": "string"}, "reason": obj{"type": "string"}}}},
				}}}}},
			"responses": obj{"Error": obj{"description": "an error", "content": obj{"application/json": obj{"schema": errRef}}}},
		},
	}
}

func codes() []string {
	var out []string
	for c := range statusOf {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

func operation(rt route) obj {
	op := obj{"summary": rt.summary, "operationId": operationID(rt), "x-roles": append([]string{}, rt.roles.names()...)}
	if rt.roles == public {
		op["security"] = []obj{}
	} else {
		op["security"] = []obj{{"bearer": []string{}}}
	}
	var params []obj
	if rt.params != nil {
		params = parameters(reflect.TypeOf(rt.params))
	}
	for _, name := range pathNames(rt.pattern) {
		if !hasParam(params, name, "path") {
			params = append(params, obj{"name": name, "in": "path", "required": true, "schema": obj{"type": "string"}})
		}
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	switch {
	case rt.body != nil:
		op["requestBody"] = obj{"required": true, "content": obj{"application/json": obj{"schema": schemaOf(reflect.TypeOf(rt.body))}}}
	case rt.yaml:
		op["requestBody"] = obj{"required": true, "content": obj{"application/yaml": obj{"schema": obj{"type": "string"}}}}
	case rt.upload:
		op["requestBody"] = obj{"required": true, "content": obj{"multipart/form-data": obj{"schema": obj{"type": "object",
			"required": []string{"file"}, "properties": obj{
				"mapping": obj{"type": "string", "format": "binary", "description": "column mapping YAML (tickets only), before file"},
				"file":    obj{"type": "string", "format": "binary", "description": "CSV (UTF-8 or GB18030) or XLSX"}}}}}}
	}
	ok := obj{"description": "OK", "content": obj{"application/json": obj{"schema": obj{"type": "object"}}}}
	if rt.xlsx {
		ok = obj{"description": "the workbook", "content": obj{XLSX: obj{"schema": obj{"type": "string", "format": "binary"}}}}
	}
	if rt.docx {
		ok = obj{"description": "the document", "content": obj{DOCX: obj{"schema": obj{"type": "string", "format": "binary"}}}}
	}
	errResp := obj{"$ref": "#/components/responses/Error"}
	resp := obj{"200": ok, "400": errResp, "404": errResp}
	if rt.created {
		resp["201"] = ok
		resp["200"] = obj{"description": "nothing new was stored", "content": ok["content"]}
	}
	if rt.method == "POST" {
		resp["409"] = errResp
	}
	if rt.roles != public {
		resp["401"], resp["403"] = errResp, errResp
	}
	op["responses"] = resp
	return op
}

func operationID(rt route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.method))
	for _, part := range strings.Split(rt.pattern, "/") {
		part = strings.Trim(part, "{}")
		part = strings.NewReplacer(".", "_", "-", "_").Replace(part)
		if part != "" {
			b.WriteString("_" + part)
		}
	}
	return b.String()
}

func pathNames(pattern string) []string {
	var out []string
	for _, part := range strings.Split(pattern, "/") {
		if strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") {
			out = append(out, strings.Trim(part, "{}"))
		}
	}
	return out
}

func hasParam(ps []obj, name, in string) bool {
	for _, p := range ps {
		if p["name"] == name && p["in"] == in {
			return true
		}
	}
	return false
}

// parameters describes the path and query fields of a params struct.
func parameters(t reflect.Type) []obj {
	var out []obj
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		in, name := "path", f.Tag.Get("path")
		if name == "" {
			in, name = "query", f.Tag.Get("query")
		}
		if name == "" {
			continue
		}
		tags := strings.Split(f.Tag.Get("validate"), ",")
		p := obj{"name": name, "in": in, "schema": fieldSchema(f.Type, tags)}
		if in == "path" || contains(tags, "required") {
			p["required"] = true
		}
		out = append(out, p)
	}
	return out
}

// schemaOf describes a JSON body struct.
func schemaOf(t reflect.Type) obj {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return fieldSchema(t, nil)
	}
	props := obj{}
	var required []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		tags := strings.Split(f.Tag.Get("validate"), ",")
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct {
			props[name] = schemaOf(ft)
		} else {
			props[name] = fieldSchema(f.Type, tags)
		}
		if contains(tags, "required") {
			required = append(required, name)
		}
	}
	s := obj{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// fieldSchema describes a scalar with its validation tags.
func fieldSchema(t reflect.Type, tags []string) obj {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	s := obj{}
	switch t.Kind() {
	case reflect.Bool:
		s["type"] = "boolean"
	case reflect.Int, reflect.Int32, reflect.Int64:
		s["type"] = "integer"
	case reflect.Float64:
		s["type"] = "number"
	default:
		s["type"] = "string"
	}
	for _, tag := range tags {
		k, v, _ := strings.Cut(tag, "=")
		switch k {
		case "oneof":
			s["enum"] = strings.Fields(v)
		case "period":
			s["pattern"] = `^[0-9]{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$`
		case "year":
			s["pattern"] = `^[0-9]{4}$`
		case "min", "max":
			n, err := strconv.Atoi(v)
			if err != nil {
				continue
			}
			key := map[string]string{"min": "minimum", "max": "maximum"}[k]
			if s["type"] == "string" {
				key = map[string]string{"min": "minLength", "max": "maxLength"}[k]
			}
			s[key] = n
		}
	}
	return s
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
