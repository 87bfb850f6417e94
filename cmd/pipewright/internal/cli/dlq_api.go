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

	"github.com/pipewright/pipewright/engine/service"
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

func (b *apiBackend) list(ctx context.Context, q url.Values, full, mask bool) ([]*service.DeadLetter, error) {
	var out struct {
		Records []*service.DeadLetter `json:"records"`
	}
	err := b.do(ctx, http.MethodGet, "/api/dlq?"+boolParam(boolParam(q, "full", full), "mask", mask).Encode(), nil, &out)
	return out.Records, err
}

func (b *apiBackend) groups(ctx context.Context, q url.Values, mask bool) ([]*service.DeadLetterGroup, error) {
	var out struct {
		Groups []*service.DeadLetterGroup `json:"groups"`
	}
	q.Set("examples", "5")
	err := b.do(ctx, http.MethodGet, "/api/dlq/groups?"+boolParam(q, "mask", mask).Encode(), nil, &out)
	return out.Groups, err
}

func (b *apiBackend) get(ctx context.Context, seq uint64, mask bool) (*service.DeadLetter, error) {
	var rec service.DeadLetter
	return &rec, b.do(ctx, http.MethodGet, fmt.Sprintf("/api/dlq/%d?%s", seq, boolParam(url.Values{}, "mask", mask).Encode()), nil, &rec)
}

func (b *apiBackend) drop(ctx context.Context, seq uint64) error {
	var out map[string]any
	return b.do(ctx, http.MethodDelete, fmt.Sprintf("/api/dlq/%d", seq), nil, &out)
}

func (b *apiBackend) resolve(ctx context.Context, seq uint64, note string) (*service.DeadLetter, error) {
	body, _ := json.Marshal(map[string]string{"note": note})
	var rec service.DeadLetter
	return &rec, b.do(ctx, http.MethodPost, fmt.Sprintf("/api/dlq/%d/resolve", seq), body, &rec)
}

func (b *apiBackend) approve(ctx context.Context, seq uint64, by, note string, wait time.Duration) (*service.ReplayOutcome, error) {
	body, _ := json.Marshal(map[string]string{"by": by, "note": note})
	var o service.ReplayOutcome
	return &o, b.do(ctx, http.MethodPost, fmt.Sprintf("/api/dlq/%d/approve?wait=%s", seq, wait), body, &o)
}

func (b *apiBackend) reject(ctx context.Context, seq uint64, by, note string) (*service.DeadLetter, error) {
	body, _ := json.Marshal(map[string]string{"by": by, "note": note})
	var rec service.DeadLetter
	return &rec, b.do(ctx, http.MethodPost, fmt.Sprintf("/api/dlq/%d/reject", seq), body, &rec)
}

func (b *apiBackend) replay(ctx context.Context, seq uint64, req service.ReplayRequest, wait time.Duration, mask bool) (*service.ReplayOutcome, error) {
	q := boolParam(boolParam(url.Values{"wait": {wait.String()}}, "resume", req.Resume), "mask", mask)
	var o service.ReplayOutcome
	return &o, b.do(ctx, http.MethodPost, fmt.Sprintf("/api/dlq/%d/replay?%s", seq, q.Encode()), req.Body, &o)
}

func (b *apiBackend) bulk(ctx context.Context, action string, body service.BulkBody, progress func(service.Job)) (service.Job, error) {
	data, _ := json.Marshal(body)
	var job service.Job
	if err := b.do(ctx, http.MethodPost, "/api/dlq/"+action, data, &job); err != nil {
		return job, err
	}
	for {
		progress(job)
		if job.Finished() {
			return job, nil
		}
		select {
		case <-ctx.Done():
			return job, ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
		if err := b.do(ctx, http.MethodGet, "/api/dlq/jobs/"+job.ID, nil, &job); err != nil {
			return job, err
		}
	}
}

func (b *apiBackend) close() {}
