package component_test

import (
	"testing"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

func TestScaledClockRunsFaster(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	before := time.Now()
	c := component.NewScaledClock(start, 3600) // an hour per real second
	got := c.Now()
	// However long this goroutine was paused, the clock ran at most 3600
	// times the real time that passed.
	if limit := start.Add(3600 * time.Since(before)); got.Before(start) || got.After(limit) {
		t.Fatalf("Now() = %v right after creation, want between %v and %v", got, start, limit)
	}
	fired := <-c.After(36 * time.Second) // 10ms of real time
	if elapsed := fired.Sub(start); elapsed < 36*time.Second {
		t.Errorf("After(36s) fired at clock %v after start, want at least 36s", elapsed)
	}
	select {
	case <-c.After(0):
	default:
		t.Error("After(0) should be ready at once")
	}
}

func TestScaledClockNonPositiveScaleIsRealTime(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	before := time.Now()
	c := component.NewScaledClock(start, 0)
	time.Sleep(20 * time.Millisecond)
	elapsed := c.Now().Sub(start)
	if passed := time.Since(before); elapsed < 20*time.Millisecond || elapsed > passed {
		t.Errorf("clock advanced %v in %v of real time at scale 0, want at least 20ms and at most the real time", elapsed, passed)
	}
}

func TestFixedClockStandsStill(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := component.FixedClock(at)
	time.Sleep(time.Millisecond)
	if !c.Now().Equal(at) {
		t.Errorf("Now() = %v, want %v", c.Now(), at)
	}
}
