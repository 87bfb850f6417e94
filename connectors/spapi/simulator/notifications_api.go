package simulator

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"

	"github.com/pipewright/pipewright/connectors/spapi/models"
)

// Notifications API v1: destinations (grantless) and subscriptions. The
// simulator records them in Amazon's shapes; ORDER_CHANGE notifications
// carry the ORDER_CHANGE subscription's id once there is one, and go to
// Config.Notify.URL, which stands in for the destination.

type destination struct {
	Name     string         `json:"name"`
	ID       string         `json:"destinationId"`
	Resource map[string]any `json:"resource"`
}

type subscription struct {
	ID                  string          `json:"subscriptionId"`
	PayloadVersion      string          `json:"payloadVersion"`
	DestinationID       string          `json:"destinationId"`
	ProcessingDirective json.RawMessage `json:"processingDirective,omitempty"`
}

// notificationTypes are the types the simulator accepts subscriptions for.
var notificationTypes = append(models.NotificationTypes(),
	"ANY_OFFER_CHANGED", "B2B_ANY_OFFER_CHANGED", "PRICING_HEALTH", "FEE_PROMOTION", "BRANDED_ITEM_CONTENT_CHANGE",
	"ITEM_PRODUCT_TYPE_CHANGE", "PRODUCT_TYPE_DEFINITIONS_CHANGE", "ACCOUNT_STATUS_CHANGED")

var accountID = regexp.MustCompile(`^[0-9]{12}$`)

func payload(v any) response { return ok(map[string]any{"payload": v}) }

func conflict(msg string) response { return errorResponse(http.StatusConflict, "Conflict", msg, "") }

func (s *Server) createDestination(c *call) response {
	var req struct {
		Name string `json:"name"`
		Spec struct {
			SQS *struct {
				ARN string `json:"arn"`
			} `json:"sqs"`
			EventBridge *struct {
				Region    string `json:"region"`
				AccountID string `json:"accountId"`
			} `json:"eventBridge"`
		} `json:"resourceSpecification"`
	}
	if err := json.Unmarshal(c.body, &req); err != nil {
		return invalidInput("The request body is not a destination.")
	}
	d := &destination{Name: req.Name, ID: s.newUUID()}
	switch {
	case (req.Spec.SQS == nil) == (req.Spec.EventBridge == nil):
		return invalidInput("resourceSpecification must give exactly one of sqs and eventBridge.")
	case req.Spec.SQS != nil:
		d.Resource = map[string]any{"sqs": map[string]string{"arn": req.Spec.SQS.ARN}}
	default:
		eb := req.Spec.EventBridge
		if !accountID.MatchString(eb.AccountID) || eb.Region == "" {
			return invalidInput("eventBridge needs a region and a 12-digit accountId.")
		}
		d.Resource = map[string]any{"eventBridge": map[string]string{
			"name": "aws.partner/sellingpartnerapi.amazon.com/" + eb.AccountID + "/" + applicationID, "region": eb.Region, "accountId": eb.AccountID,
		}}
	}
	for _, old := range s.dests {
		if old.Name == d.Name {
			return conflict("A destination named " + d.Name + " already exists.")
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
	s.dests = slices.Delete(s.dests, i, i+1)
	return ok(map[string]any{})
}

func (s *Server) destinationIndex(id string) int {
	return slices.IndexFunc(s.dests, func(d *destination) bool { return d.ID == id })
}

func (s *Server) createSubscription(c *call) response {
	typ := c.pathValue("notificationType")
	if !slices.Contains(notificationTypes, typ) {
		return invalidInput("%s is not a notification type.", typ)
	}
	var sub subscription
	if err := json.Unmarshal(c.body, &sub); err != nil {
		return invalidInput("The request body is not a subscription.")
	}
	if s.destinationIndex(sub.DestinationID) < 0 {
		return invalidInput("Destination %s does not exist.", sub.DestinationID)
	}
	if s.subs[typ] != nil {
		return conflict("A subscription for " + typ + " already exists.")
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
