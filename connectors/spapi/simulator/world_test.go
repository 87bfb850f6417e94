package simulator_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
)

// A world saved and loaded again goes on exactly as one that never
// stopped: the same orders, status changes, feeds, settlements and
// notifications, because the random sources and the events to come are
// saved with it.
func TestWorld_a_saved_world_goes_on_as_if_it_never_stopped(t *testing.T) {
	state := filepath.Join(t.TempDir(), "world", "amazon.json.gz")
	world := func(c *simulator.Config) {
		c.Seed, c.OrdersPerHour, c.History, c.SettlementPeriod = 7, 60, 2*time.Hour, time.Hour
	}
	ref := newSim(t, world)
	saved := newSim(t, world, func(c *simulator.Config) { c.StateFile = state })
	for _, s := range []*sim{ref, saved} {
		s.advance(90 * time.Minute)
		_, err := s.srv.CreateOrder(simulator.OrderSpec{MarketplaceID: "ATVPDKIKX0DER", FulfilledBy: simulator.FulfilledByMerchant})
		require.NoError(t, err)
		submitFeed(t, s, "JSON_LISTINGS_FEED", listingsFeed(t)) // processed after the restart
	}
	require.NoError(t, saved.srv.SaveWorld())

	restarted := newSim(t, world, func(c *simulator.Config) { c.StateFile, c.Clock = state, saved.clock })
	restarted.clock = saved.clock
	assert.Equal(t, saved.srv.Orders(), restarted.srv.Orders(), "the loaded world is the saved one")
	for _, s := range []*sim{ref, restarted} {
		s.advance(5 * time.Hour)
	}
	assert.Equal(t, ref.srv.Orders(), restarted.srv.Orders())
	assert.Equal(t, ref.srv.Feeds(), restarted.srv.Feeds())
	assert.Equal(t, ref.srv.Reports(), restarted.srv.Reports())
	assert.Equal(t, ref.srv.Listings(), restarted.srv.Listings())
	assert.Equal(t, ref.srv.Notifications(), restarted.srv.Notifications())
	assert.Greater(t, len(restarted.srv.Reports()), 4, "settlements went on")
	for _, f := range restarted.srv.Feeds() {
		assert.Equal(t, "DONE", f.Status, "the feed submitted before the restart was processed after it")
	}
}

// Notifications that could not be pushed before a stop are pushed after
// the restart: none is lost.
func TestWorld_notifications_not_pushed_before_a_stop_are_pushed_after_it(t *testing.T) {
	var mu sync.Mutex
	up, got := false, map[string]bool{}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if !up {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		var n struct {
			NotificationMetadata struct{ NotificationId string }
		}
		_ = json.NewDecoder(r.Body).Decode(&n)
		got[n.NotificationMetadata.NotificationId] = true
	}))
	defer hook.Close()
	state := filepath.Join(t.TempDir(), "amazon.json.gz")
	cfg := simulator.DefaultConfig()
	cfg.Listen, cfg.OrdersPerHour, cfg.SettlementPeriod = "127.0.0.1:0", 0, 0
	cfg.Clock = newSim(t).clock
	cfg.Notify.URL, cfg.StateFile = hook.URL, state
	first, err := simulator.New(cfg)
	require.NoError(t, err)
	require.NoError(t, first.Start(t.Context()))
	for range 5 {
		_, err := first.CreateOrder(simulator.OrderSpec{})
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool {
		for _, n := range first.Notifications() {
			if n.Attempts == 0 {
				return false
			}
		}
		return true
	}, 60*time.Second, 10*time.Millisecond, "every push tried and failed")
	require.NoError(t, first.Close())
	_, err = os.Stat(state)
	require.NoError(t, err, "Close saved the world")

	mu.Lock()
	up = true
	mu.Unlock()
	second, err := simulator.New(cfg)
	require.NoError(t, err)
	require.NoError(t, second.Start(t.Context()))
	defer second.Close()
	cfg.Clock.(interface{ Advance(time.Duration) }).Advance(cfg.Notify.Redelivery + time.Minute)
	second.Sync()
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) == 5
	}, 60*time.Second, 10*time.Millisecond, "the five notifications pushed by the restarted simulator")
}
