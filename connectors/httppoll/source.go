// Package httppoll is the generic HTTP poller: its http.poll source GETs a
// JSON API with a cursor and publishes one message per item. It is also
// the example of docs/connectors.md: a polling connector implements one
// poll and leaves the loop to the engine.
package httppoll

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/pipewright/pipewright/connectors/internal/httpretry"
	"github.com/pipewright/pipewright/connectors/internal/jsonptr"
	"github.com/pipewright/pipewright/engine/component"
)

// Factories returns the connector's factories for the engine's registry.
func Factories() []component.Factory { return []component.Factory{NewFactory()} }

type factory struct{}

// NewFactory returns the factory of the http.poll source.
func NewFactory() component.SourceFactory { return factory{} }

func (factory) Type() component.Type { return "http.poll" }
func (factory) Kind() component.Kind { return component.KindSource }
func (factory) Schema() []byte {
	return component.EmbeddedSchema(schemaFiles, component.KindSource, "http.poll")
}
func (factory) NewConfig() any                 { return newConfig() }
func (factory) ConnectionType() component.Type { return "" }

func (factory) CreateSource(_ context.Context, set component.SourceSettings, cfg any) (component.Source, error) {
	c := cfg.(*Config)
	u, err := url.Parse(c.URL)
	if err != nil {
		return nil, err
	}
	return &source{cfg: c, set: set, url: u, client: &http.Client{Timeout: c.Timeout.D()},
		items: jsonptr.Parse(c.Items), next: jsonptr.Parse(c.NextCursor), id: jsonptr.Parse(c.ID)}, nil
}

// source is polled by the engine; its cursor is the last next cursor read.
type source struct {
	component.Lifecycle
	cfg             *Config
	set             component.SourceSettings
	url             *url.URL
	client          *http.Client
	items, next, id jsonptr.Pointer
}

// maxBody bounds a response.
const maxBody = 16 << 20

var _ component.Poller = (*source)(nil)

// Polls is one loop every interval.
func (s *source) Polls() []component.Poll {
	return []component.Poll{{Every: s.cfg.Every.D(), Read: s.poll}}
}

// poll fetches the page after cursor.
func (s *source) poll(ctx context.Context, cursor []byte) (component.Batch, error) {
	cur := s.cfg.Start
	if cursor != nil {
		cur = string(cursor)
	}
	doc, err := s.get(ctx, cur)
	if err != nil {
		return component.Batch{}, err
	}
	items, ok := s.items.Resolve(doc).([]any)
	if !ok && s.items.Resolve(doc) != nil { // no items is an empty page
		return component.Batch{}, component.Permanentf("items %q is not an array", s.cfg.Items)
	}
	var b component.Batch
	for _, item := range items {
		id := text(s.id.Resolve(item))
		if id == "" {
			reason := component.Permanentf("the item has no id at %q", s.cfg.ID)
			if err := s.set.DeadLetter.DeadLetter(ctx, component.NewMessage("", item), reason); err != nil {
				return component.Batch{}, err
			}
			continue
		}
		m := component.NewMessage(id, item)
		m.SetMeta(component.MetaKey, id)
		b.Messages = append(b.Messages, m)
	}
	if next := text(s.next.Resolve(doc)); next != "" {
		b.Cursor, b.More = []byte(next), next != cur && len(items) > 0
	}
	return b, nil
}

// get fetches the URL with the cursor and decodes the response. Network
// errors and the statuses httpretry.RetryableStatus names (408, 429, 5xx)
// are retryable, no sooner than Retry-After; other answers that are not
// 2xx, and bodies that are not JSON, permanent.
func (s *source) get(ctx context.Context, cursor string) (any, error) {
	u := *s.url
	if cursor != "" {
		q := u.Query()
		q.Set(s.cfg.CursorParam, cursor)
		u.RawQuery = q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, component.Permanent(err)
	}
	req.Header.Set("Accept", "application/json")
	if s.cfg.AuthSecret != "" {
		req.Header.Set(s.cfg.AuthHeader, s.cfg.AuthSecret)
	}
	get := "GET " + u.Redacted()
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, component.Retryable(fmt.Errorf("%s: %w", get, httpretry.RedactURL(err)))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	switch {
	case err != nil:
		return nil, component.Retryable(fmt.Errorf("reading the response: %w", err))
	case httpretry.RetryableStatus(resp.StatusCode):
		after, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		return nil, component.RetryableAfter(fmt.Errorf("%s: %s", get, resp.Status), time.Duration(after)*time.Second)
	case resp.StatusCode >= 300:
		return nil, component.Permanentf("%s: %s", get, resp.Status)
	case len(body) > maxBody:
		return nil, component.Permanentf("%s: the response is over %d bytes", get, maxBody)
	}
	doc, err := component.DecodeJSON(body)
	if err != nil {
		return nil, component.Permanentf("%s: the response is not JSON: %w", get, err)
	}
	return doc, nil
}

// text writes a JSON string or integer; "" for anything else.
func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return ""
}
