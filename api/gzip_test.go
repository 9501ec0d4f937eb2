package api_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"testing"

	"sanlv/store"
	"sanlv/store/storetest"
)

// rawGet sends a GET with the Accept-Encoding given and returns the answer as sent, undecoded.
func (e *env) rawGet(t *testing.T, path, key, accept string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", e.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.tokens[key])
	req.Header.Set("Accept-Encoding", accept)
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

func TestLargeAnswersAreGzippedForClientsThatAcceptIt(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.setup()
		e.do("POST", "/api/v1/periods/2025-10/editions", "admin", nil, "").want(t, 201)
		for _, path := range []string{"/api/v1/periods/2025-10/rankings", "/api/v1/periods/2025-10/rankings/street", "/api/v1/periods/2025-10/scorecards"} {
			plainRes, plain := e.rawGet(t, path, "admin", "identity")
			if plainRes.StatusCode != 200 || plainRes.Header.Get("Content-Encoding") != "" {
				t.Fatalf("%s identity: status %d, encoding %q", path, plainRes.StatusCode, plainRes.Header.Get("Content-Encoding"))
			}
			for _, accept := range []string{"gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8"} {
				res, body := e.rawGet(t, path, "admin", accept)
				if res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Vary") != "Accept-Encoding" {
					t.Fatalf("%s %q: encoding %q, vary %q", path, accept, res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
				}
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(zr)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, plain) {
					t.Errorf("%s %q: gunzipped answer differs from the plain one", path, accept)
				}
				if len(body) >= len(plain) {
					t.Errorf("%s: gzip %d bytes, plain %d", path, len(body), len(plain))
				}
			}
			if res, _ := e.rawGet(t, path, "admin", "gzip;q=0"); res.Header.Get("Content-Encoding") != "" {
				t.Errorf("%s: gzip sent although refused with q=0", path)
			}
		}
	})
}
