package service

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// blockingSink holds every Write until release is closed.
type blockingSink struct {
	component.StartFunc
	component.ShutdownFunc
	entered chan struct{}
	release chan struct{}
}

func (s *blockingSink) Write(context.Context, []*component.Message) error {
	select {
	case s.entered <- struct{}{}:
	default:
	}
	<-s.release
	return nil
}

func TestBatcher_writes_after_stop_return_instead_of_waiting_forever(t *testing.T) {
	sink := &blockingSink{entered: make(chan struct{}, 1), release: make(chan struct{})}
	b := newBatcher(sink, false, time.Minute)
	msgs := []*component.Message{component.NewMessage("a", nil)}
	first := make(chan []error, 1)
	go func() { first <- b.write(context.Background(), msgs) }()
	componenttest.Recv(t, "the loop to write the first batch", sink.entered)
	b.stop()
	close(sink.release)
	require.NoError(t, componenttest.Recv(t, "the first write", first)[0], "the batch being written completes")
	componenttest.Recv(t, "the batcher's loop to exit", b.exited)

	results := make(chan error, 20)
	for range 20 {
		go func() { results <- b.write(context.Background(), msgs)[0] }()
	}
	for range 20 {
		select {
		case err := <-results:
			assert.True(t, component.IsRetryable(err), "handed back to the stream, got %v", err)
		case <-time.After(componenttest.WaitLimit):
			t.Fatal("a write after stop never returned")
		}
	}
}
