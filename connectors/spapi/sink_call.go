package spapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/govalues/decimal"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/connectors/internal/metric"
	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

type callFactory struct{ factory }

var _ component.SinkFactory = callFactory{}

// NewCallFactory returns the factory of the spapi.call sink.
func NewCallFactory() component.SinkFactory {
	return callFactory{factory{typ: "spapi.call", kind: component.KindSink,
		newConfig: func() any { return newCallConfig() }}}
}

// callSink sends one call per message.
type callSink struct {
	cfg  *CallConfig
	op   *models.Operation
	api  *client.Client
	log  *slog.Logger
	done prometheus.Counter // calls answered with a done_on error
	// repeats drops a redelivered message id when no done_on makes a
	// repeated call harmless.
	repeats *component.Repeats
	component.StartFunc
	component.ShutdownFunc
}

// CreateSink returns the sink.
func (callFactory) CreateSink(_ context.Context, set component.SinkSettings, cfg any) (component.Sink, error) {
	c, err := configAs[CallConfig]("spapi.call", cfg)
	if err != nil {
		return nil, err
	}
	conn, err := connectionOf(set.Settings)
	if err != nil {
		return nil, err
	}
	op, err := models.LookupOperation(c.Operation)
	if err != nil {
		return nil, err
	}
	done := metric.CounterVec(set.Metrics, prometheus.CounterOpts{
		Name: "pipewright_spapi_calls_already_done_total",
		Help: "Calls answered with an error that done_on says means the effect is already in place.",
	}).WithLabelValues()
	s := &callSink{cfg: c, op: op, api: conn.api(), log: set.Logger, done: done}
	if len(c.DoneOn) == 0 {
		s.repeats = component.NewRepeats(set)
	}
	return s, nil
}

// Write calls the operation for each message, in order; the outcome of
// each is reported in a *component.BatchError. Without done_on, a message
// id called before is not called again (a redelivery after a lost
// acknowledgement).
func (s *callSink) Write(ctx context.Context, batch []*component.Message) error {
	return s.repeats.Write(ctx, batch, s.callEach)
}

// callEach calls the operation for each message of batch.
func (s *callSink) callEach(ctx context.Context, batch []*component.Message) error {
	errs := map[int]error{}
	for i, m := range batch {
		if err := s.call(ctx, m); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			errs[i] = err
		}
	}
	if len(errs) > 0 {
		return &component.BatchError{Errors: errs}
	}
	return nil
}

func (s *callSink) call(ctx context.Context, m *component.Message) error {
	req, err := s.request(ctx, m)
	if err != nil {
		if component.IsRetryable(err) || component.IsPermanent(err) {
			return err
		}
		return component.Permanent(err)
	}
	resp, err := s.api.Do(ctx, req)
	if err != nil {
		if d, ok := s.alreadyDone(err); ok {
			s.log.Info("the call's effect is already in place", "operation", s.op.Name, "id", m.ID, "matched", d.Message, "error", err.Error())
			s.done.Inc()
			return nil
		}
		return err
	}
	return listingsOutcome(s.op, resp.Body)
}

// alreadyDone reports which done_on entry, if any, err matches.
func (s *callSink) alreadyDone(err error) (DoneOn, bool) {
	var ae *client.Error
	if len(s.cfg.DoneOn) == 0 || !errors.As(err, &ae) {
		return DoneOn{}, false
	}
	for _, d := range s.cfg.DoneOn {
		if d.matches(ae) {
			return d, true
		}
	}
	return DoneOn{}, false
}

// request evaluates the configured parameters and body for m.
func (s *callSink) request(ctx context.Context, m *component.Message) (*client.Request, error) {
	req := &client.Request{Operation: s.op, Path: map[string]string{}, Query: map[string][]string{}}
	for name, e := range s.cfg.Path {
		v, err := evalOption(ctx, &e, m, "path."+name, paramString)
		if err != nil {
			return nil, err
		}
		req.Path[name] = v
	}
	for name, e := range s.cfg.Query {
		v, err := evalOption(ctx, &e, m, "query."+name, paramStrings)
		if err != nil {
			return nil, err
		}
		req.Query[name] = v
	}
	scopeToMarketplace(req)
	if !s.cfg.Body.IsZero() {
		v, err := s.cfg.Body.Eval(ctx, m)
		if err != nil {
			return nil, fmt.Errorf("body: %w", err)
		}
		if req.Body, err = component.EncodeJSON(v); err != nil {
			return nil, fmt.Errorf("body: %w", err)
		}
	}
	return req, nil
}

// scopeToMarketplace scopes the request's rate-limit bucket to its
// marketplace when it names exactly one (for operations limited per
// marketplace).
func scopeToMarketplace(req *client.Request) {
	if ids := req.Query["marketplaceIds"]; len(ids) == 1 {
		req.Marketplace = ids[0]
	}
}

// evalOption evaluates an option's expression for m and converts the
// result; errors name the option.
func evalOption[T any](ctx context.Context, e *component.Expr, m *component.Message, option string, conv func(any) (T, error)) (T, error) {
	var zero T
	v, err := e.Eval(ctx, m)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", option, err)
	}
	out, err := conv(v)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", option, err)
	}
	return out, nil
}

// paramString renders a scalar parameter value.
func paramString(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case int:
		return strconv.Itoa(x), nil
	case bool:
		return strconv.FormatBool(x), nil
	case decimal.Decimal:
		return x.String(), nil
	}
	return "", fmt.Errorf("want a string or number, got %s", component.TypeName(v))
}

// paramStrings renders a query value: a list or a single scalar.
func paramStrings(v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		s, err := paramString(v)
		return []string{s}, err
	}
	out := make([]string, len(list))
	for i, e := range list {
		s, err := paramString(e)
		if err != nil {
			return nil, fmt.Errorf("element %d: %w", i, err)
		}
		out[i] = s
	}
	return out, nil
}

// listingsOutcome turns a Listings Items submission answered 2xx with
// status INVALID into a permanent error carrying Amazon's issues.
func listingsOutcome(op *models.Operation, body []byte) error {
	if op.API != "listings-items" {
		return nil
	}
	var sub struct {
		SKU    string `json:"sku"`
		Status string `json:"status"`
		Issues []struct {
			Code     string   `json:"code"`
			Message  string   `json:"message"`
			Severity string   `json:"severity"`
			Names    []string `json:"attributeNames"`
		} `json:"issues"`
	}
	if json.Unmarshal(body, &sub) != nil || sub.Status != "INVALID" {
		return nil
	}
	var msgs []string
	for _, is := range sub.Issues {
		if is.Severity == "ERROR" {
			msg := is.Code + ": " + is.Message
			if len(is.Names) > 0 {
				msg += " (" + strings.Join(is.Names, ", ") + ")"
			}
			msgs = append(msgs, msg)
		}
	}
	return component.Permanentf("%s: SKU %s is INVALID: %s", op.Name, sub.SKU, strings.Join(msgs, "; "))
}
