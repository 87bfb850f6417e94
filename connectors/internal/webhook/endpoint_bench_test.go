package webhook_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkEndpoint measures verified requests per second through the
// endpoint (in-process, no network), publishing to the recording publisher.
func BenchmarkEndpoint(b *testing.B) {
	body := []byte(`{"id":"A-1","amount":12.30,"lines":[{"sku":"SKU-1","qty":2,"price":"4.99"},{"sku":"SKU-2","qty":1,"price":"2.32"}]}`)
	cases := []struct {
		name    string
		options string
		header  http.Header
	}{
		{"token", "auth: {token: " + token + "}", hdr("X-Hook-Token", token)},
		{"hmac", "auth: {hmac: {secret: " + secret + "}}", signed(string(body), 0)},
		{"hmac+schema", "auth: {hmac: {secret: " + secret + "}}\nschema: order.schema.json", signed(string(body), 0)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			h := newHarness(b, c.options)
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				r := httptest.NewRequest(http.MethodPost, "/hooks/test", bytes.NewReader(body))
				r.Header = c.header
				w := httptest.NewRecorder()
				h.ep.ServeHTTP(w, r)
				if w.Code != http.StatusAccepted {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}
