package transport_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/internal/transport"
	"github.com/pipewright/pipewright/engine/natstest"
)

// A publish whose acknowledgement is lost (here: a subscriber takes it and
// never answers, as a stream leader that stopped after receiving it) fails
// instead of waiting forever, so that its publisher tries again.
func TestJetStream_fails_a_publish_whose_acknowledgement_never_comes(t *testing.T) {
	c := natstest.StartServer(t)
	conn, err := transport.Connect(context.Background(), transport.Config{URL: c.URL(), Name: "publish-ack-test"})
	require.NoError(t, err)
	t.Cleanup(conn.Close)
	silent, err := c.Connect().SubscribeSync("lost.ack")
	require.NoError(t, err)
	js, err := conn.JetStream()
	require.NoError(t, err)

	f, err := js.PublishMsgAsync(nats.NewMsg("lost.ack"))
	require.NoError(t, err)
	_, err = silent.NextMsg(componenttest.WaitLimit)
	require.NoError(t, err, "the message went out")
	select {
	case <-f.Ok():
		t.Fatal("acknowledged by no one")
	case err := <-f.Err():
		assert.ErrorIs(t, err, jetstream.ErrAsyncPublishTimeout)
	case <-time.After(componenttest.WaitLimit):
		t.Fatal("the publish still waits for its acknowledgement")
	}
}
