package ratelimit_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/connectors/internal/ratelimit"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestBucket_burst_then_sustained_rate(t *testing.T) {
	b := ratelimit.NewBucket(0.5, 3, t0) // one token per 2 s, burst 3
	for i := 0; i < 3; i++ {
		ok, _ := b.TryTake(t0)
		assert.True(t, ok, "burst token %d", i)
	}
	ok, wait := b.TryTake(t0)
	assert.False(t, ok)
	assert.Equal(t, 2*time.Second, wait)
	ok, _ = b.TryTake(t0.Add(1999 * time.Millisecond))
	assert.False(t, ok)
	ok, _ = b.TryTake(t0.Add(2 * time.Second))
	assert.True(t, ok)
}

func TestBucket_refill_stops_at_burst(t *testing.T) {
	b := ratelimit.NewBucket(10, 2, t0)
	later := t0.Add(time.Hour)
	n := 0
	for {
		if ok, _ := b.TryTake(later); !ok {
			break
		}
		n++
	}
	assert.Equal(t, 2, n)
}

func TestBucket_Reserve_queues_callers_in_order(t *testing.T) {
	b := ratelimit.NewBucket(1, 1, t0)
	assert.Equal(t, time.Duration(0), b.Reserve(t0))
	assert.Equal(t, time.Second, b.Reserve(t0))
	assert.Equal(t, 2*time.Second, b.Reserve(t0))
	// The reserved tokens are spent: at t0+2s the next free slot is t0+3s.
	assert.Equal(t, time.Second, b.Reserve(t0.Add(2*time.Second)))
}

func TestBucket_SetRate_keeps_accrued_tokens(t *testing.T) {
	b := ratelimit.NewBucket(0.1, 1, t0)
	b.TryTake(t0)
	b.SetRate(5, t0.Add(5*time.Second)) // accrued 0.5 token at the old rate
	ok, wait := b.TryTake(t0.Add(5 * time.Second))
	assert.False(t, ok)
	assert.Equal(t, 100*time.Millisecond, wait)
	assert.Equal(t, 5.0, b.Rate())
}
