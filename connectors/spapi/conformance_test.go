package spapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/internal/demo"
	"github.com/pipewright/pipewright/connectors/spapi"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/connectortest"
)

func TestOrders_conformance(t *testing.T) {
	connectortest.TestSource(t, func(t *testing.T) connectortest.SourceSpec {
		clock := componenttest.NewManualClock(epoch)
		e := newEnv(t, clock, "", "")
		f := spapi.NewOrdersFactory()
		return connectortest.SourceSpec{
			New: func(t testing.TB, set *component.SourceSettings) component.Source {
				set.Clock, set.Connection = clock, e.conn
				src, err := f.CreateSource(context.Background(), *set, componenttest.DecodeConfig(t, f, "{poll: {every: 5m, lookback: 1h, overlap: 0s}}"))
				require.NoError(t, err)
				return src
			},
			Input: func(t testing.TB, n int) int {
				for range n {
					_, err := e.sim.CreateOrder(simulator.OrderSpec{})
					require.NoError(t, err)
				}
				return n
			},
			Step: func() {
				clock.Advance(30 * time.Second)
				e.sim.Sync()
			},
			Features: connectortest.SourceFeatures{Backlog: true},
		}
	})
}

// reportServer is SP-API's reports API with the settlement reports a test
// adds: each a copy of one report under a settlement id of its own.
type reportServer struct {
	srv     *httptest.Server
	doc     string
	created time.Time
	n       atomic.Int32
}

func newReportServer(t *testing.T, from time.Time) *reportServer {
	doc, err := os.ReadFile("settlement/testdata/ca-flatfile-v1-50041020342.txt")
	require.NoError(t, err)
	r := &reportServer{doc: string(doc), created: from}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *reportServer) serve(w http.ResponseWriter, req *http.Request) {
	switch p := req.URL.Path; {
	case p == "/auth/o2/token":
		fmt.Fprint(w, `{"access_token":"Atza|t","token_type":"bearer","expires_in":3600}`)
	case p == "/reports/2021-06-30/reports":
		since, _ := time.Parse(time.RFC3339, req.URL.Query().Get("createdSince"))
		var reports []map[string]any
		for i := range int(r.n.Load()) {
			if at := r.created.Add(time.Duration(i) * time.Minute); !at.Before(since) {
				reports = append(reports, map[string]any{"reportId": fmt.Sprint("R", i), "reportType": spapi.SettlementReportType,
					"processingStatus": "DONE", "createdTime": at.Format(time.RFC3339), "reportDocumentId": fmt.Sprint("D", i)})
			}
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"reports": reports})
	case strings.HasPrefix(p, "/reports/2021-06-30/documents/"):
		id := strings.TrimPrefix(p, "/reports/2021-06-30/documents/")
		fmt.Fprintf(w, `{"reportDocumentId":%q,"url":"%s/download/%s"}`, id, r.srv.URL, id)
	case strings.HasPrefix(p, "/download/D"):
		fmt.Fprint(w, strings.ReplaceAll(r.doc, "24391894961", "2439189"+strings.TrimPrefix(p, "/download/D")))
	default:
		http.NotFound(w, req)
	}
}

func TestSettlements_conformance(t *testing.T) {
	connectortest.TestSource(t, func(t *testing.T) connectortest.SourceSpec {
		clock := componenttest.NewManualClock(epoch)
		reports := newReportServer(t, epoch.Add(-24*time.Hour))
		conn := newDirectConnection(t, reports.srv.URL, clock)
		f := spapi.NewSettlementsFactory()
		return connectortest.SourceSpec{
			New: func(t testing.TB, set *component.SourceSettings) component.Source {
				set.Clock, set.Connection = clock, conn
				src, err := f.CreateSource(context.Background(), *set, componenttest.DecodeConfig(t, f, "{every: 1h, lookback: 720h}"))
				require.NoError(t, err)
				return src
			},
			Input: func(_ testing.TB, n int) int {
				reports.n.Add(int32(n))
				return n
			},
			Step:     func() { clock.Advance(time.Minute) },
			Features: connectortest.SourceFeatures{Backlog: true},
		}
	})
}

func TestNotifications_conformance(t *testing.T) {
	connectortest.TestSource(t, func(t *testing.T) connectortest.SourceSpec {
		var orderChange map[string]any
		for _, ex := range schemaExamples(t) {
			if ex.typ == "ORDER_CHANGE" {
				require.NoError(t, json.Unmarshal(ex.body, &orderChange))
			}
		}
		f := spapi.NewNotificationsFactory()
		return connectortest.SourceSpec{
			New: func(t testing.TB, set *component.SourceSettings) component.Source {
				src, err := f.CreateSource(context.Background(), *set, componenttest.DecodeConfig(t, f, "{path: /hooks/n, auth: {token: s3cret}, types: [ORDER_CHANGE]}"))
				require.NoError(t, err)
				return src
			},
			Request: func(t testing.TB, i int) *http.Request {
				orderChange["NotificationMetadata"].(map[string]any)["NotificationId"] = fmt.Sprint("n-", i)
				body, err := json.Marshal(orderChange)
				require.NoError(t, err)
				req := httptest.NewRequest(http.MethodPost, "/hooks/n", strings.NewReader(string(body)))
				req.Header.Set("X-Hook-Token", "s3cret")
				return req
			},
		}
	})
}

// gate passes requests to a handler, or answers 503 while down.
type gate struct {
	h    http.Handler
	down atomic.Bool
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if g.down.Load() {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, `{"errors":[{"code":"ServiceUnavailable","message":"down for the test"}]}`)
		return
	}
	g.h.ServeHTTP(w, r)
}

// The call sink is idempotent both ways: by done_on (Amazon's "already
// confirmed" answer) when it has one, else by message id.
func TestCall_conformance(t *testing.T) {
	for _, doneOn := range []string{"\ndone_on: [{status: 400, message: HAS ALREADY BEEN CONFIRMED}]", ""} {
		name := map[bool]string{true: "by_done_on", false: "by_message_id"}[doneOn != ""]
		t.Run(name, func(t *testing.T) {
			connectortest.TestSink(t, func(t *testing.T) connectortest.SinkSpec { return callSpec(t, doneOn) })
		})
	}
}

func callSpec(t *testing.T, doneOn string) connectortest.SinkSpec {
	clock := componenttest.NewManualClock(epoch)
	e := newEnv(t, clock, "", "")
	g := &gate{h: e.sim.Handler()}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	conn := startConnection(t, clock, fmt.Sprintf(`
endpoint: %s
lwa_endpoint: %s/auth/o2/token
credentials: {client_id: %q, client_secret: %q, refresh_token: %q}
seller_id: %s
marketplaces: [ATVPDKIKX0DER]
retry: {max_attempts: 1}`, srv.URL, srv.URL, simulator.DemoClientID, simulator.DemoClientSecret, simulator.DemoRefreshToken, demo.SellerID))
	var orders []simulator.Order
	for range 4 {
		o, err := e.sim.CreateOrder(simulator.OrderSpec{FulfilledBy: simulator.FulfilledByMerchant, MarketplaceID: "ATVPDKIKX0DER",
			Items: []simulator.ItemSpec{{SKU: demo.Products[0].SellerSKU, Quantity: 1}}})
		require.NoError(t, err)
		orders = append(orders, o)
	}
	confirm := func(o simulator.Order, market string) *component.Message {
		return component.NewMessage("ship-"+o.ID, map[string]any{"orderId": o.ID, "marketplaceId": market, "itemId": o.Items[0].ID, "quantity": int64(1)})
	}
	f := spapi.NewCallFactory()
	return connectortest.SinkSpec{
		New: func(t testing.TB, set component.SinkSettings) component.Sink {
			cfg := componenttest.DecodeConfig(t, f, confirmYAML+doneOn).(*spapi.CallConfig)
			for path, fn := range confirmBindings() {
				if path == "body" {
					bindTemplate(&cfg.Body, fn)
				} else {
					ex := cfg.Path["orderId"]
					bind(&ex, fn)
					cfg.Path["orderId"] = ex
				}
			}
			set.Connection, set.Clock = conn, clock
			s, err := f.CreateSink(context.Background(), set, cfg)
			require.NoError(t, err)
			return s
		},
		Message: func(i int) *component.Message { return confirm(orders[i], orders[i].MarketplaceID) },
		Want:    func(i int) string { return orders[i].ID },
		Written: func(testing.TB) []string {
			var out []string
			for _, o := range orders {
				if len(e.sim.Confirmations(o.ID)) > 0 {
					out = append(out, o.ID)
				}
			}
			return out
		},
		Bad: func() *component.Message { return confirm(orders[3], "A1F83G8C2ARO7P") },
		Break: func(testing.TB) func() {
			g.down.Store(true)
			return func() { g.down.Store(false) }
		},
		Features: connectortest.SinkFeatures{Idempotent: true, IdempotentAcrossRestarts: true},
	}
}

// breakableState is a State whose writes fail while broken.
type breakableState struct {
	*componenttest.MemState
	broken atomic.Bool
}

func (s *breakableState) Put(ctx context.Context, key string, v []byte) error {
	if s.broken.Load() {
		return fmt.Errorf("the KV store is down for the test")
	}
	return s.MemState.Put(ctx, key, v)
}

func TestFeed_conformance(t *testing.T) {
	connectortest.TestSink(t, func(t *testing.T) connectortest.SinkSpec {
		clock := componenttest.NewManualClock(epoch)
		e := newEnv(t, clock, "", "")
		state := &breakableState{MemState: componenttest.NewMemState()}
		msg := func(id string, body map[string]any) *component.Message { return component.NewMessage(id, body) }
		return connectortest.SinkSpec{
			New: func(t testing.TB, set component.SinkSettings) component.Sink {
				set.Connection, set.Clock, set.State = e.conn, clock, state
				return newFeedSinkOn(t, set)
			},
			Message: func(i int) *component.Message {
				return msg(fmt.Sprint("inv-", i), map[string]any{"sku": demo.Products[i].SellerSKU, "quantity": int64(i)})
			},
			Want: func(i int) string { return fmt.Sprint("inv-", i) },
			Written: func(t testing.TB) []string {
				var out []string
				for _, k := range stateKeys(t, state, "buf/") {
					data, err := state.Get(context.Background(), k)
					require.NoError(t, err)
					var entry struct {
						Message struct{ ID string } `json:"message"`
					}
					require.NoError(t, json.Unmarshal(data, &entry))
					out = append(out, entry.Message.ID)
				}
				return out
			},
			Bad: func() *component.Message { return msg("inv-bad", map[string]any{"sku": "X", "op": "frobnicate"}) },
			Break: func(testing.TB) func() {
				state.broken.Store(true)
				return func() { state.broken.Store(false) }
			},
			Features: connectortest.SinkFeatures{Idempotent: true, IdempotentAcrossRestarts: true}, // by message id
		}
	})
}
