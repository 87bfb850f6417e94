package simulator_test

import (
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// An in-process simulator on a manual clock, as tests use it: serve its
// Handler (or call Start), move the clock, and inspect the world.
func Example() {
	clock := componenttest.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	cfg := simulator.DefaultConfig()
	cfg.Clock, cfg.OrdersPerHour, cfg.Seed = clock, 120, 7
	srv, err := simulator.New(cfg)
	if err != nil {
		panic(err)
	}
	hs := httptest.NewServer(srv.Handler()) // LWA at /auth/o2/token, SP-API paths, document URLs
	defer hs.Close()

	clock.Advance(time.Hour)
	orders := srv.Orders()
	fmt.Println(len(orders) > 0, orders[0].Status)

	o, _ := srv.CreateOrder(simulator.OrderSpec{MarketplaceID: "ATVPDKIKX0DER", Items: []simulator.ItemSpec{{SKU: "WB-0001-BK", Quantity: 2}}})
	fmt.Println(o.Status, o.Items[0].SKU, o.Items[0].Principal())
	// Output:
	// true UNSHIPPED
	// UNSHIPPED WB-0001-BK 49.98
}
