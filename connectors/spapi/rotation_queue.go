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
// (sqsrecv: long polls, visibility renewed while a message is handled).
// A queue URL whose host is not AWS's (a local SQS server) is also the
// endpoint. Without configured keys the SDK's default credential chain
// applies (environment, shared files, instance role).
func newRotationReceiver(ctx context.Context, cfg RotationConfig, clock component.Clock, log *slog.Logger) (*sqsrecv.Receiver, error) {
	access := sqsrecv.Access{Region: cfg.Region, AccessKeyID: cfg.AccessKeyID, SecretAccessKey: cfg.SecretAccessKey}
	if u, err := url.Parse(cfg.QueueURL); err == nil && !strings.HasSuffix(u.Hostname(), ".amazonaws.com") {
		access.Endpoint = u.Scheme + "://" + u.Host
	}
	client, err := sqsrecv.NewClient(ctx, access, cfg.QueueURL)
	if err != nil {
		return nil, err
	}
	return sqsrecv.New(client, sqsrecv.Config{QueueURL: cfg.QueueURL, Clock: clock, Logger: log}), nil
}
