package spapi

import (
	"context"
	"log/slog"
	"net/url"
	"strings"

	"github.com/pipewright/pipewright/connectors/spapi/internal/sqsrecv"
	"github.com/pipewright/pipewright/engine/component"
)

// newRotationReceiver returns the receiver of the rotation queue
// (sqsrecv: long polls, visibility renewed while a message is handled),
// reached with the connection's notifications.sqs access. Without an
// endpoint there, a queue URL whose host is not AWS's (a local SQS server)
// is also the endpoint.
func newRotationReceiver(ctx context.Context, cfg RotationConfig, access sqsrecv.Access, clock component.Clock, log *slog.Logger) (*sqsrecv.Receiver, error) {
	if u, err := url.Parse(cfg.QueueURL); err == nil && access.Endpoint == "" && !strings.HasSuffix(u.Hostname(), ".amazonaws.com") {
		access.Endpoint = u.Scheme + "://" + u.Host
	}
	client, err := sqsrecv.NewClient(ctx, access, cfg.QueueURL)
	if err != nil {
		return nil, err
	}
	return sqsrecv.New(client, sqsrecv.Config{QueueURL: cfg.QueueURL, Clock: clock, Logger: log}), nil
}
