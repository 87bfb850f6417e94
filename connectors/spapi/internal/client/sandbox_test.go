package client_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// replay answers every request with the current sandbox case and records
// what it received.
type replay struct {
	mu     sync.Mutex
	status int
	body   []byte
	got    *http.Request
	gotRaw []byte
}

func (r *replay) set(status int, body []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status, r.body, r.got = status, body, nil
}

func (r *replay) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = req
	r.gotRaw, _ = io.ReadAll(req.Body)
	w.Header().Set("x-amzn-RequestId", "req-1")
	w.WriteHeader(r.status)
	if r.status != http.StatusNoContent {
		_, _ = w.Write(r.body)
	}
}

// requestFor turns a sandbox case's parameters into a client request.
func requestFor(t *testing.T, op *models.Operation, c models.SandboxCase) *client.Request {
	req := &client.Request{Operation: op, Path: map[string]string{}, Query: map[string][]string{}, Header: map[string]string{}}
	for name, raw := range c.Params {
		var v any
		require.NoError(t, json.Unmarshal(raw, &v))
		var vals []string
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				vals = append(vals, fmt.Sprint(e))
			}
		default:
			vals = []string{fmt.Sprint(x)}
		}
		p, ok := op.Param(name)
		require.True(t, ok, "sandbox parameter %s", name)
		switch p.In {
		case "path":
			req.Path[name] = vals[0]
		case "header":
			req.Header[name] = vals[0]
		default:
			req.Query[name] = vals
		}
	}
	if op.Body != nil && c.RequestBody != nil {
		req.Body = c.RequestBody
	}
	// A case lists only the parameters the sandbox matches on: fill in the
	// other required ones.
	for _, p := range op.Parameters {
		switch {
		case !p.Required:
		case p.In == "path" && req.Path[p.Name] == "":
			req.Path[p.Name] = "placeholder"
		case p.In == "query" && req.Query[p.Name] == nil:
			req.Query[p.Name] = []string{placeholder(p)}
		case p.In == "header" && req.Header[p.Name] == "":
			req.Header[p.Name] = "placeholder"
		}
	}
	if op.Body != nil && op.Body.Required && req.Body == nil {
		req.Body = []byte(`{}`)
	}
	return req
}

func placeholder(p models.Parameter) string {
	if len(p.Enum) > 0 {
		return p.Enum[0]
	}
	return "placeholder"
}

var userAgent = regexp.MustCompile(`^pipewright-test/1\.0 \(Language=Go/[0-9.a-z]+; Platform=[a-z0-9]+/[a-z0-9]+\)$`)

// The client sends every static sandbox request of every operation in the
// models, reads the answer Amazon's sandbox gives (success or Amazon's error
// shape), and each answer validates against the model.
func TestClient_parses_every_sandbox_example(t *testing.T) {
	rp := &replay{}
	tc := newTestClient(t, rp, func(c *client.Config) { c.RestrictedDataTokens = false })
	n := 0
	for _, op := range models.Operations() {
		for i, c := range op.SandboxCases() {
			n++
			t.Run(fmt.Sprintf("%s/%d/%d", op.Name, c.Status, i), func(t *testing.T) {
				body := c.Response
				if c.Status == http.StatusNoContent {
					body = nil
				}
				require.NoError(t, op.ValidateResponse(c.Status, body))
				rp.set(c.Status, body)
				req := requestFor(t, op, c)
				resp, err := tc.Do(context.Background(), req)
				if rp.got == nil && c.Status == http.StatusBadRequest {
					// The case sends a value the model forbids: the client
					// refuses it before sending, as permanent.
					assert.True(t, component.IsPermanent(err), "%v", err)
					assert.Contains(t, err.Error(), "is not one of")
					return
				}
				if c.Status < 300 {
					require.NoError(t, err)
					assert.Equal(t, c.Status, resp.Status)
					assert.Equal(t, "req-1", resp.RequestID)
					_, err := resp.Value()
					require.NoError(t, err)
				} else {
					require.Error(t, err)
					var apiErr *client.Error
					if !assert.ErrorAs(t, err, &apiErr) {
						return
					}
					assert.Equal(t, c.Status, apiErr.Status)
					var shape struct{ Errors []client.ErrorDetail }
					require.NoError(t, json.Unmarshal(body, &shape))
					assert.Equal(t, shape.Errors, apiErr.Errors)
					if len(shape.Errors) > 0 {
						assert.Equal(t, shape.Errors[0].Code, apiErr.Code)
					}
					assert.Equal(t, "req-1", apiErr.RequestID)
					assert.Equal(t, apiErr.Retryable(), component.IsRetryable(err))
					assert.Equal(t, !apiErr.Retryable(), component.IsPermanent(err))
				}
				got := rp.got
				require.NotNil(t, got, "request reached the server")
				assert.Equal(t, op.Method, got.Method)
				assert.NotEmpty(t, got.Header.Get("x-amz-access-token"))
				assert.Regexp(t, userAgent, got.Header.Get("User-Agent"))
				assert.Regexp(t, `^\d{8}T\d{6}Z$`, got.Header.Get("x-amz-date"))
				if req.Body != nil {
					assert.JSONEq(t, string(req.Body), string(rp.gotRaw))
				}
			})
		}
	}
	assert.Equal(t, 122, n)
}
