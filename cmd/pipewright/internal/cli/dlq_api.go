package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/pipewright/pipewright/engine/runtime"
)

// apiBackend uses a running engine's dead-letter API.
type apiBackend struct {
	base   string
	token  string
	client *http.Client
}

func (b *apiBackend) alive() bool {
	c := &http.Client{Timeout: time.Second}
	resp, err := c.Get(b.base + "/healthz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func (b *apiBackend) do(ctx context.Context, method, path string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, b.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if b.token != "" {
		req.Header.Set("Authorization", "Bearer "+b.token)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(data, &e) == nil && e.Error != "" {
			return fmt.Errorf("engine: %s", e.Error)
		}
		return fmt.Errorf("engine: %s", resp.Status)
	}
	return json.Unmarshal(data, out)
}

func (b *apiBackend) list(ctx context.Context, _ runtime.DeadLetterFilter, q url.Values) ([]*runtime.DeadLetter, error) {
	var recs []*runtime.DeadLetter
	err := b.do(ctx, http.MethodGet, "/api/dlq?"+q.Encode(), nil, &recs)
	return recs, err
}

func (b *apiBackend) get(ctx context.Context, seq uint64) (*runtime.DeadLetter, error) {
	var rec runtime.DeadLetter
	return &rec, b.do(ctx, http.MethodGet, fmt.Sprintf("/api/dlq/%d", seq), nil, &rec)
}

func (b *apiBackend) drop(ctx context.Context, seq uint64) error {
	var out map[string]any
	return b.do(ctx, http.MethodDelete, fmt.Sprintf("/api/dlq/%d", seq), nil, &out)
}

func (b *apiBackend) replay(ctx context.Context, seq uint64, body json.RawMessage, wait time.Duration) (*runtime.ReplayOutcome, error) {
	var o runtime.ReplayOutcome
	return &o, b.do(ctx, http.MethodPost, fmt.Sprintf("/api/dlq/%d/replay?wait=%s", seq, wait), body, &o)
}

func (b *apiBackend) close() {}
