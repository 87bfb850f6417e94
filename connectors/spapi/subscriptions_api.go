package spapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/connectors/spapi/models"
)

// PlanSubscriptions compares what needs ask for with the destinations and
// subscriptions Amazon has for the connection's application and seller. It
// changes nothing. Destination calls use a grantless token, subscription
// calls the seller's.
func (c *Connection) PlanSubscriptions(ctx context.Context, needs []PipelineNeed, t NotificationTargets) (*SubscriptionReport, error) {
	api := c.api()
	if api == nil {
		return nil, errNoConnection
	}
	r := resolveNeeds(needs, t)
	if len(r.Destinations) == 0 {
		return r, nil
	}
	existing, err := destinations(ctx, api)
	if err != nil {
		return nil, err
	}
	for _, d := range r.Destinations {
		matchDestination(d, existing)
	}
	for _, s := range r.Subscriptions {
		if s.dest == nil {
			continue
		}
		if err := checkSubscription(ctx, api, s, existing); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// ApplySubscriptions creates the missing destinations and subscriptions of
// a plan, and records what it created in r. It deletes and changes nothing
// that exists: conflicts stay as they are.
func (c *Connection) ApplySubscriptions(ctx context.Context, r *SubscriptionReport) error {
	api := c.api()
	if api == nil {
		return errNoConnection
	}
	for _, d := range r.Destinations {
		if d.State != StateMissing {
			continue
		}
		if err := createDestination(ctx, api, d); err != nil {
			return err
		}
	}
	for _, s := range r.Subscriptions {
		if s.State != StateMissing || s.dest.ID == "" {
			continue
		}
		if err := createSubscription(ctx, api, s); err != nil {
			return err
		}
	}
	return nil
}

// wireDestination is a destination as the Notifications API returns it.
type wireDestination struct {
	Name     string `json:"name"`
	ID       string `json:"destinationId"`
	Resource struct {
		SQS *struct {
			ARN string `json:"arn"`
		} `json:"sqs"`
		EventBridge *struct {
			Region    string `json:"region"`
			AccountID string `json:"accountId"`
		} `json:"eventBridge"`
	} `json:"resource"`
}

// resource names what the destination delivers to, as
// DestinationStatus.Resource does.
func (d *wireDestination) resource() string {
	if eb := d.Resource.EventBridge; eb != nil {
		return "eventbridge:" + eb.Region + ":" + eb.AccountID
	}
	if d.Resource.SQS != nil {
		return d.Resource.SQS.ARN
	}
	return ""
}

func destinations(ctx context.Context, api *client.Client) ([]wireDestination, error) {
	resp, err := api.Do(ctx, &client.Request{Operation: models.MustLookupOperation("getDestinations")})
	if err != nil {
		return nil, fmt.Errorf("listing notification destinations: %w", err)
	}
	var out struct {
		Payload []wireDestination `json:"payload"`
	}
	if err := json.Unmarshal(resp.Body, &out); err != nil {
		return nil, fmt.Errorf("listing notification destinations: %w", err)
	}
	return out.Payload, nil
}

// matchDestination finds d among Amazon's destinations: the same queue
// ARN, or the EventBridge destination of the same account (Amazon allows
// one per account: in another region it is a conflict).
func matchDestination(d *DestinationStatus, existing []wireDestination) {
	for _, e := range existing {
		switch {
		case e.resource() == d.Resource:
			d.ID, d.State = e.ID, StateExists
			return
		case d.Channel == models.ChannelEventBridge && e.Resource.EventBridge != nil &&
			e.Resource.EventBridge.AccountID == d.spec["eventBridge"].(map[string]string)["accountId"]:
			d.State = StateConflict
			d.Detail = fmt.Sprintf("the account's EventBridge destination %s is in %s; Amazon allows one per account", e.ID, e.Resource.EventBridge.Region)
			return
		}
	}
}

// checkSubscription reads the type's subscription: none is missing, one to
// the needed destination exists, one elsewhere is a conflict.
func checkSubscription(ctx context.Context, api *client.Client, s *SubscriptionStatus, existing []wireDestination) error {
	resp, err := api.Do(ctx, &client.Request{Operation: models.MustLookupOperation("getSubscription"), Path: map[string]string{"notificationType": s.Type}})
	var apiErr *client.Error
	switch {
	case errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound:
		s.State = StateMissing
		return nil
	case err != nil:
		return fmt.Errorf("reading the %s subscription: %w", s.Type, err)
	}
	var out struct {
		Payload struct {
			ID            string `json:"subscriptionId"`
			DestinationID string `json:"destinationId"`
		} `json:"payload"`
	}
	if err := json.Unmarshal(resp.Body, &out); err != nil {
		return fmt.Errorf("reading the %s subscription: %w", s.Type, err)
	}
	s.SubscriptionID = out.Payload.ID
	if s.dest.ID != "" && out.Payload.DestinationID == s.dest.ID {
		s.State, s.DestinationID = StateExists, s.dest.ID
		return nil
	}
	elsewhere := out.Payload.DestinationID
	for _, e := range existing {
		if e.ID == elsewhere && e.resource() != "" {
			elsewhere += " (" + e.resource() + ")"
		}
	}
	s.State, s.DestinationID = StateConflict, out.Payload.DestinationID
	s.Detail = "subscribed to destination " + elsewhere + "; left unchanged"
	return nil
}

func createDestination(ctx context.Context, api *client.Client, d *DestinationStatus) error {
	body, err := json.Marshal(map[string]any{"name": d.name, "resourceSpecification": d.spec})
	if err != nil {
		return err
	}
	resp, err := api.Do(ctx, &client.Request{Operation: models.MustLookupOperation("createDestination"), Body: body, Detach: true})
	if err != nil {
		return fmt.Errorf("creating the destination for %s: %w", d.Resource, err)
	}
	var out struct {
		Payload wireDestination `json:"payload"`
	}
	if err := json.Unmarshal(resp.Body, &out); err != nil || out.Payload.ID == "" {
		return fmt.Errorf("creating the destination for %s: the answer has no destinationId", d.Resource)
	}
	d.ID, d.State = out.Payload.ID, StateCreated
	return nil
}

func createSubscription(ctx context.Context, api *client.Client, s *SubscriptionStatus) error {
	body, err := json.Marshal(map[string]string{"payloadVersion": s.PayloadVersion, "destinationId": s.dest.ID})
	if err != nil {
		return err
	}
	resp, err := api.Do(ctx, &client.Request{Operation: models.MustLookupOperation("createSubscription"), Path: map[string]string{"notificationType": s.Type}, Body: body, Detach: true})
	if err != nil {
		return fmt.Errorf("subscribing to %s: %w", s.Type, err)
	}
	var out struct {
		Payload struct {
			ID string `json:"subscriptionId"`
		} `json:"payload"`
	}
	if err := json.Unmarshal(resp.Body, &out); err != nil || out.Payload.ID == "" {
		return fmt.Errorf("subscribing to %s: the answer has no subscriptionId", s.Type)
	}
	s.SubscriptionID, s.DestinationID, s.State = out.Payload.ID, s.dest.ID, StateCreated
	return nil
}
