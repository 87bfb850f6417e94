package spapi

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/pipewright/pipewright/connectors/spapi/models"
)

// SubscriptionState is where a needed destination or subscription stands.
type SubscriptionState string

// The states of a needed destination or subscription.
const (
	// StateExists: Amazon has it as needed.
	StateExists SubscriptionState = "exists"
	// StateMissing: Amazon does not have it; -apply creates it.
	StateMissing SubscriptionState = "missing"
	// StateCreated: -apply created it.
	StateCreated SubscriptionState = "created"
	// StateConflict: Amazon has something else in its place (the type is
	// subscribed to another destination, or the account's EventBridge
	// destination is in another region); nothing is changed.
	StateConflict SubscriptionState = "conflict"
	// StateUnconfigured: the directory does not say where the type goes.
	StateUnconfigured SubscriptionState = "no destination configured"
	// StateRefused: the configured destination cannot work (a FIFO queue,
	// a queue URL without an account, an unknown type).
	StateRefused SubscriptionState = "refused"
)

// PipelineNeed is a notification need of one pipeline's component.
type PipelineNeed struct {
	// Pipeline names the pipeline.
	Pipeline string
	NotificationNeed
}

// NotificationTargets are where a connection's notifications go besides
// the queue URLs the components name.
type NotificationTargets struct {
	// Connection names the connection, for hints.
	Connection string
	// SQSRegion is the region of queues on an SQS-compatible endpoint,
	// whose URL names none.
	SQSRegion string
	// EventBridge receives the types Amazon sends to EventBridge (nil: not
	// configured).
	EventBridge *EventBridgeConfig
}

// DestinationStatus is a destination the needs ask for.
type DestinationStatus struct {
	Channel models.NotificationChannel `json:"channel"`
	// Resource is the queue ARN, or eventbridge:<region>:<account>.
	Resource string            `json:"resource"`
	ID       string            `json:"destination_id,omitempty"`
	State    SubscriptionState `json:"state"`
	Detail   string            `json:"detail,omitempty"`
	// name is the name -apply gives the destination.
	name string
	// spec is the resourceSpecification of createDestination.
	spec map[string]any
}

// SubscriptionStatus is a needed notification type.
type SubscriptionStatus struct {
	Type    string                     `json:"type"`
	Channel models.NotificationChannel `json:"channel"`
	// Destination is the Resource of the destination the type goes to (""
	// when unconfigured or refused).
	Destination    string            `json:"destination,omitempty"`
	DestinationID  string            `json:"destination_id,omitempty"`
	SubscriptionID string            `json:"subscription_id,omitempty"`
	PayloadVersion string            `json:"payload_version,omitempty"`
	NeededBy       []string          `json:"needed_by"`
	State          SubscriptionState `json:"state"`
	Detail         string            `json:"detail,omitempty"`
	dest           *DestinationStatus
}

// SubscriptionReport is what a connection's needs ask of Amazon and where
// each stands.
type SubscriptionReport struct {
	Connection    string                `json:"connection"`
	Destinations  []*DestinationStatus  `json:"destinations"`
	Subscriptions []*SubscriptionStatus `json:"subscriptions"`
}

// Pending reports whether something needed is missing.
func (r *SubscriptionReport) Pending() bool {
	return slices.ContainsFunc(r.Subscriptions, func(s *SubscriptionStatus) bool { return s.State == StateMissing }) ||
		slices.ContainsFunc(r.Destinations, func(d *DestinationStatus) bool { return d.State == StateMissing })
}

// Problems reports whether a need cannot be met by -apply: a conflict, a
// refused or an unconfigured destination.
func (r *SubscriptionReport) Problems() bool {
	bad := func(s SubscriptionState) bool {
		return s == StateConflict || s == StateRefused || s == StateUnconfigured
	}
	return slices.ContainsFunc(r.Subscriptions, func(s *SubscriptionStatus) bool { return bad(s.State) }) ||
		slices.ContainsFunc(r.Destinations, func(d *DestinationStatus) bool { return bad(d.State) })
}

// resolveNeeds turns the needs into one status per type and the
// destinations they ask for, before asking Amazon anything.
func resolveNeeds(needs []PipelineNeed, t NotificationTargets) *SubscriptionReport {
	byType := map[string][]PipelineNeed{}
	for _, n := range needs {
		byType[n.Type] = append(byType[n.Type], n)
	}
	r := &SubscriptionReport{Connection: t.Connection}
	dests := map[string]*DestinationStatus{}
	for _, typ := range slices.Sorted(maps.Keys(byType)) {
		s := &SubscriptionStatus{Type: typ, NeededBy: pipelines(byType[typ])}
		r.Subscriptions = append(r.Subscriptions, s)
		d, ok := models.LookupNotificationDelivery(typ)
		if !ok {
			s.State, s.Detail = StateRefused, "Amazon documents no notification type "+typ
			continue
		}
		s.Channel, s.PayloadVersion = d.Channel, d.PayloadVersions[0]
		dest := destinationFor(s, byType[typ], t)
		if dest == nil {
			continue
		}
		if old, ok := dests[dest.Resource]; ok {
			dest = old
		} else {
			dests[dest.Resource] = dest
			r.Destinations = append(r.Destinations, dest)
		}
		s.Destination, s.dest = dest.Resource, dest
	}
	sort.Slice(r.Destinations, func(i, j int) bool { return r.Destinations[i].Resource < r.Destinations[j].Resource })
	return r
}

// destinationFor returns the destination a type goes to, or nil after
// setting the status's state when there is none.
func destinationFor(s *SubscriptionStatus, needs []PipelineNeed, t NotificationTargets) *DestinationStatus {
	if s.Channel == models.ChannelEventBridge {
		eb := t.EventBridge
		if eb == nil {
			s.State = StateUnconfigured
			s.Detail = fmt.Sprintf("Amazon sends %s only to EventBridge: set notifications.eventbridge (region, account_id) on connection %s", s.Type, t.Connection)
			return nil
		}
		return &DestinationStatus{Channel: s.Channel, Resource: "eventbridge:" + eb.Region + ":" + eb.AccountID, State: StateMissing,
			name: "pipewright-eventbridge", spec: map[string]any{"eventBridge": map[string]string{"region": eb.Region, "accountId": eb.AccountID}}}
	}
	urls, hints := map[string][]string{}, []string{}
	for _, n := range needs {
		if n.QueueURL == "" {
			hints = append(hints, fmt.Sprintf("%s in pipeline %s", n.QueueOption, n.Pipeline))
			continue
		}
		urls[n.QueueURL] = append(urls[n.QueueURL], n.Pipeline)
	}
	switch len(urls) {
	case 0:
		s.State = StateUnconfigured
		s.Detail = fmt.Sprintf("Amazon sends %s only to SQS: set %s", s.Type, strings.Join(hints, " or "))
		return nil
	case 1:
	default:
		s.State = StateConflict
		s.Detail = fmt.Sprintf("the pipelines name %d queues for %s; Amazon delivers a type to one destination", len(urls), s.Type)
		return nil
	}
	var queueURL string
	for u := range urls {
		queueURL = u
	}
	arn, err := QueueARN(queueURL, t.SQSRegion)
	if err != nil {
		s.State, s.Detail = StateRefused, err.Error()
		return nil
	}
	name := arn[strings.LastIndex(arn, ":")+1:]
	return &DestinationStatus{Channel: s.Channel, Resource: arn, State: StateMissing,
		name: "pipewright-" + name, spec: map[string]any{"sqs": map[string]string{"arn": arn}}}
}

func pipelines(needs []PipelineNeed) []string {
	var out []string
	for _, n := range needs {
		if !slices.Contains(out, n.Pipeline) {
			out = append(out, n.Pipeline)
		}
	}
	sort.Strings(out)
	return out
}
