package transport

import (
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// PublishAckWait bounds the wait for JetStream's acknowledgement of an
// asynchronous publish. nats.go waits forever by default, and an
// acknowledgement can be lost: the stream's leader node stopped after it
// received the message, or the connection's server went away with the
// message in its buffers. Then the publish fails with
// jetstream.ErrAsyncPublishTimeout and the caller publishes again; a
// message that did land is dropped as a duplicate by its Nats-Msg-Id
// (within the stream's duplicate window, far longer than this).
const PublishAckWait = 15 * time.Second

// JetStream returns the JetStream API on the connection, with every
// asynchronous publish bounded by PublishAckWait.
func (c *Conn) JetStream() (jetstream.JetStream, error) {
	js, err := jetstream.New(c.NC, jetstream.WithPublishAsyncTimeout(PublishAckWait))
	if err != nil {
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	return js, nil
}
