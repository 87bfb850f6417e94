package transport_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/internal/transport"
	"github.com/pipewright/pipewright/engine/natstest"
)

func TestState_update_keeps_every_concurrent_change(t *testing.T) {
	c := natstest.StartServer(t)
	js, err := jetstream.New(c.Connect())
	require.NoError(t, err)
	ctx := context.Background()
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "state"})
	require.NoError(t, err)
	s := transport.NewState(kv, "prices/steps")

	const writers = 8
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, s.Update(ctx, "guard/price-guard/A", func(prev []byte) ([]byte, error) {
				return append(append([]byte(nil), prev...), []byte(strconv.Itoa(i)+",")...), nil
			}))
		}()
	}
	componenttest.Wait(t, "the writers", &wg)
	got, err := s.Get(ctx, "guard/price-guard/A")
	require.NoError(t, err)
	assert.Len(t, strings.Split(strings.TrimSuffix(string(got), ","), ","), writers, "no change lost: %s", got)

	require.Error(t, s.Update(ctx, "bad..key", func(prev []byte) ([]byte, error) { return prev, nil }))
}
