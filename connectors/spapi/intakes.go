package spapi

import (
	"context"
	"fmt"
	"net/http"

	"github.com/pipewright/pipewright/connectors/internal/webhook"
	"github.com/pipewright/pipewright/engine/component"
)

// intakes are the two ways a notifications block (NotificationIntake)
// receives Amazon's notifications: the webhook path (EventBridge API
// destinations, a forwarder) and the SQS queue. Both hand each verified
// notification to the same handler.
type intakes struct {
	path    string
	webhook *webhook.Endpoint // nil without a path
	sqs     *sqsIntake        // nil without a queue
}

// newIntakes returns the intakes of n (nil n: none) for component typ,
// reaching SQS with conn's access; invalid SQS messages go to dead.
func newIntakes(ctx context.Context, typ string, n *NotificationIntake, conn *Connection, set component.Settings, dead component.DeadLetterer, handle notificationFunc) (*intakes, error) {
	in := &intakes{}
	if n == nil {
		return in, nil
	}
	var err error
	if n.UsesWebhook() {
		in.path = n.Path
		if in.webhook, err = newIntake(&n.Options, set, handle); err != nil {
			return nil, fmt.Errorf("%s: %w", typ, err)
		}
	}
	if n.UsesSQS() {
		if in.sqs, err = newSQSIntake(ctx, typ, n.SQS, conn.sqsAccess(), set, dead, handle); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// active says whether a notification can arrive.
func (in *intakes) active() bool { return in.webhook != nil || in.sqs != nil }

// routes serves the webhook path, if any.
func (in *intakes) routes() map[string]http.Handler {
	if in.webhook == nil {
		return nil
	}
	return map[string]http.Handler{in.path: in.webhook}
}

// polls is the SQS loop of a source, if any.
func (in *intakes) polls() []component.Poll {
	if in.sqs == nil {
		return nil
	}
	return []component.Poll{in.sqs.poll()}
}

// release lets go of the SQS batch the intake may still hold.
func (in *intakes) release() {
	if in.sqs != nil {
		in.sqs.release()
	}
}
