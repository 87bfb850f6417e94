package component_test

import (
	"testing"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

func TestScaledClockRunsFaster(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := component.NewScaledClock(start, 3600) // an hour per real second
	if got := c.Now(); got.Before(start) || got.After(start.Add(time.Hour)) {
		t.Fatalf("Now() = %v right after creation, want within an hour of %v", got, start)
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
	c := component.NewScaledClock(start, 0)
	time.Sleep(20 * time.Millisecond)
	if elapsed := c.Now().Sub(start); elapsed < 20*time.Millisecond || elapsed > time.Minute {
		t.Errorf("clock advanced %v in 20ms of real time at scale 0, want about 20ms", elapsed)
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
