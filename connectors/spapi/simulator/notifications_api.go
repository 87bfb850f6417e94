package simulator

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/pipewright/pipewright/connectors/spapi/models"
)

// Notifications API v1: destinations (grantless) and subscriptions, kept
// in Amazon's shapes and by Amazon's rules (one destination per queue ARN
// or EventBridge account, each type on its channel and payload versions,
// one subscription per type). Notifications carry their type's
// subscription id once there is one, and go where delivery.go routes
// them.

type destination struct {
	Name     string   `json:"name"`
	ID       string   `json:"destinationId"`
	Resource resource `json:"resource"`
}

// resource is a destination's resource: exactly one of the two.
type resource struct {
	SQS         *sqsResource         `json:"sqs,omitempty"`
	EventBridge *eventBridgeResource `json:"eventBridge,omitempty"`
}

type sqsResource struct {
	ARN string `json:"arn"`
}

type eventBridgeResource struct {
	Name      string `json:"name"`
	Region    string `json:"region"`
	AccountID string `json:"accountId"`
}

type subscription struct {
	ID                  string          `json:"subscriptionId"`
	PayloadVersion      string          `json:"payloadVersion"`
	DestinationID       string          `json:"destinationId"`
	ProcessingDirective json.RawMessage `json:"processingDirective,omitempty"`
}

var accountID = regexp.MustCompile(`^[0-9]{12}$`)

func payload(v any) response { return ok(map[string]any{"payload": v}) }

// conflict is Amazon's 409 answer: a generic message, the reason in details.
func conflict(details string) response {
	return errorResponse(http.StatusConflict, "Conflict", "The requested resource conflict with a resource in the server.", details)
}

func (s *Server) createDestination(c *call) response {
	var req struct {
		Name string   `json:"name"`
		Spec resource `json:"resourceSpecification"`
	}
	if err := json.Unmarshal(c.body, &req); err != nil {
		return invalidInput("The request body is not a destination.")
	}
	d := &destination{Name: req.Name, ID: s.newUUID()}
	switch {
	case (req.Spec.SQS == nil) == (req.Spec.EventBridge == nil):
		return invalidInput("resourceSpecification must give exactly one of sqs and eventBridge.")
	case req.Spec.SQS != nil:
		d.Resource.SQS = &sqsResource{ARN: req.Spec.SQS.ARN}
	default:
		eb := req.Spec.EventBridge
		if !accountID.MatchString(eb.AccountID) || eb.Region == "" {
			return invalidInput("eventBridge needs a region and a 12-digit accountId.")
		}
		d.Resource.EventBridge = &eventBridgeResource{
			Name: "aws.partner/sellingpartnerapi.amazon.com/" + eb.AccountID + "/" + applicationID, Region: eb.Region, AccountID: eb.AccountID,
		}
	}
	// Amazon keys destinations by resource, not by name: one destination
	// per queue ARN, and one EventBridge destination per AWS account.
	for _, old := range s.dests {
		if old.sameResource(d) {
			return conflict("A destination for " + d.resourceName() + " already exists for the application " + applicationID + ".")
		}
	}
	s.dests = append(s.dests, d)
	return payload(d)
}

func (s *Server) getDestinations(*call) response {
	out := []*destination{}
	return payload(append(out, s.dests...))
}

func (s *Server) getDestination(c *call) response {
	if i := s.destinationIndex(c.pathValue("destinationId")); i >= 0 {
		return payload(s.dests[i])
	}
	return notFound("Destination %s was not found.", c.pathValue("destinationId"))
}

func (s *Server) deleteDestination(c *call) response {
	i := s.destinationIndex(c.pathValue("destinationId"))
	if i < 0 {
		return notFound("Destination %s was not found.", c.pathValue("destinationId"))
	}
	for _, sub := range s.subs {
		if sub.DestinationID == s.dests[i].ID {
			return conflict("Destination has subscriptions.")
		}
	}
	s.dests = slices.Delete(s.dests, i, i+1)
	return ok(map[string]any{})
}

// channel is the destination's kind.
func (d *destination) channel() models.NotificationChannel {
	if d.Resource.SQS != nil {
		return models.ChannelSQS
	}
	return models.ChannelEventBridge
}

// resourceName names what the destination delivers to: the queue ARN, or
// the EventBridge account.
func (d *destination) resourceName() string {
	if d.Resource.SQS != nil {
		return "arn " + d.Resource.SQS.ARN
	}
	return "EventBridge account " + d.Resource.EventBridge.AccountID
}

// sameResource reports whether two destinations deliver to the same queue
// or AWS account.
func (d *destination) sameResource(o *destination) bool { return d.resourceName() == o.resourceName() }

func (s *Server) destinationIndex(id string) int {
	return slices.IndexFunc(s.dests, func(d *destination) bool { return d.ID == id })
}

func (s *Server) createSubscription(c *call) response {
	typ := c.pathValue("notificationType")
	delivery, known := models.LookupNotificationDelivery(typ)
	if !known {
		return invalidInput("%s is not a notification type.", typ)
	}
	var sub subscription
	if err := json.Unmarshal(c.body, &sub); err != nil {
		return invalidInput("The request body is not a subscription.")
	}
	if !slices.Contains(delivery.PayloadVersions, sub.PayloadVersion) {
		return invalidInput("%s supports payload versions %s, not %q.", typ, strings.Join(delivery.PayloadVersions, ", "), sub.PayloadVersion)
	}
	i := s.destinationIndex(sub.DestinationID)
	if i < 0 {
		return invalidInput("Destination %s does not exist.", sub.DestinationID)
	}
	if ch := s.dests[i].channel(); ch != delivery.Channel {
		return invalidInput("%s notifications are delivered to %s destinations; %s is %s.", typ, delivery.Channel, sub.DestinationID, ch)
	}
	if old := s.subs[typ]; old != nil {
		return conflict("A subscription for " + typ + " already exists: " + old.ID + ".")
	}
	sub.ID = s.newUUID()
	s.subs[typ] = &sub
	return payload(&sub)
}

func (s *Server) getSubscription(c *call) response {
	if sub := s.subs[c.pathValue("notificationType")]; sub != nil {
		return payload(sub)
	}
	return notFound("There is no subscription for %s.", c.pathValue("notificationType"))
}

func (s *Server) getSubscriptionByID(c *call) response {
	if sub := s.subs[c.pathValue("notificationType")]; sub != nil && sub.ID == c.pathValue("subscriptionId") {
		return payload(sub)
	}
	return notFound("Subscription %s was not found.", c.pathValue("subscriptionId"))
}

func (s *Server) deleteSubscriptionByID(c *call) response {
	typ := c.pathValue("notificationType")
	if sub := s.subs[typ]; sub != nil && sub.ID == c.pathValue("subscriptionId") {
		delete(s.subs, typ)
		return ok(map[string]any{})
	}
	return notFound("Subscription %s was not found.", c.pathValue("subscriptionId"))
}

// subscriptionID is the id ORDER_CHANGE notifications carry.
func (s *Server) subscriptionID(typ string) string {
	if sub := s.subs[typ]; sub != nil {
		return sub.ID
	}
	return "sandbox-subscription-" + typ
}
