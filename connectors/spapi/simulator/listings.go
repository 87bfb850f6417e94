package simulator

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// Listings Items API 2021-08-01: getListingsItem, patchListingsItem,
// putListingsItem.

type itemJSON struct {
	SKU                     string             `json:"sku"`
	Summaries               []itemSummaryJSON  `json:"summaries,omitempty"`
	Attributes              json.RawMessage    `json:"attributes,omitempty"`
	Issues                  []issueJSON        `json:"issues,omitempty"`
	Offers                  []offerJSON        `json:"offers,omitempty"`
	FulfillmentAvailability []availabilityJSON `json:"fulfillmentAvailability,omitempty"`
}

type itemSummaryJSON struct {
	MarketplaceID   string   `json:"marketplaceId"`
	ASIN            string   `json:"asin"`
	ProductType     string   `json:"productType"`
	ConditionType   string   `json:"conditionType"`
	Status          []string `json:"status"`
	ItemName        string   `json:"itemName"`
	CreatedDate     string   `json:"createdDate"`
	LastUpdatedDate string   `json:"lastUpdatedDate"`
}

type offerJSON struct {
	MarketplaceID string       `json:"marketplaceId"`
	OfferType     string       `json:"offerType"`
	Price         money        `json:"price"`
	Audience      audienceJSON `json:"audience"`
}

type audienceJSON struct {
	Value       string `json:"value"`
	DisplayName string `json:"displayName"`
}

type availabilityJSON struct {
	FulfillmentChannelCode string `json:"fulfillmentChannelCode"`
	Quantity               *int64 `json:"quantity,omitempty"`
}

type issueJSON struct {
	Code           string   `json:"code"`
	Message        string   `json:"message"`
	Severity       string   `json:"severity"`
	AttributeNames []string `json:"attributeNames,omitempty"`
	Categories     []string `json:"categories"`
}

type submissionJSON struct {
	SKU          string           `json:"sku"`
	Status       string           `json:"status"`
	SubmissionID string           `json:"submissionId"`
	Issues       []issueJSON      `json:"issues"`
	Identifiers  []identifierJSON `json:"identifiers,omitempty"`
}

type identifierJSON struct {
	MarketplaceID string `json:"marketplaceId"`
	ASIN          string `json:"asin"`
}

// listingsCall checks the parts every Listings Items call shares: the
// seller and the marketplaces.
func (s *Server) listingsCall(c *call) ([]string, *response) {
	if c.pathValue("sellerId") != s.cfg.SellerID {
		r := unauthorized("The sellerId does not match the selling partner of the access token.")
		return nil, &r
	}
	mkts := c.list("marketplaceIds")
	for _, id := range mkts {
		if !s.cfg.sells(id) {
			r := invalidInput("Invalid marketplace id %s: the seller does not sell there.", id)
			return nil, &r
		}
	}
	return mkts, nil
}

func (s *Server) getListingsItem(c *call) response {
	mkts, bad := s.listingsCall(c)
	if bad != nil {
		return *bad
	}
	l := s.listings[c.pathValue("sku")]
	if l == nil {
		return notFound("SKU '%s' was not found for this seller.", c.pathValue("sku"))
	}
	included := c.list("includedData")
	if len(included) == 0 {
		included = []string{"summaries"}
	}
	return ok(listingWire(l, mkts, included))
}

func listingWire(l *Listing, mkts, included []string) itemJSON {
	w := itemJSON{SKU: l.SKU}
	for _, id := range mkts {
		if slices.Contains(included, "summaries") {
			status := []string{"DISCOVERABLE"}
			if _, ok := listedOffer(l, id); ok {
				status = []string{"BUYABLE", "DISCOVERABLE"}
			}
			w.Summaries = append(w.Summaries, itemSummaryJSON{
				MarketplaceID: id, ASIN: l.ASIN, ProductType: l.ProductType, ConditionType: "new_new", Status: status,
				ItemName: l.Title, CreatedDate: iso(l.Created), LastUpdatedDate: iso(l.Updated),
			})
		}
		if e, ok := listedOffer(l, id); ok && slices.Contains(included, "offers") {
			price, _ := offerPrice(e)
			w.Offers = append(w.Offers, offerJSON{
				MarketplaceID: id, OfferType: "B2C", Audience: audienceJSON{Value: "ALL", DisplayName: "Sell on Amazon"},
				Price: money{Amount: price.Pad(2).String(), CurrencyCode: e["currency"].(string)},
			})
		}
	}
	if slices.Contains(included, "attributes") {
		w.Attributes, _ = component.EncodeJSON(l.Attributes) // value-model data: cannot fail
	}
	if slices.Contains(included, "issues") {
		w.Issues = []issueJSON{}
	}
	if slices.Contains(included, "fulfillmentAvailability") {
		for _, e := range entries(l.Attributes["fulfillment_availability"]) {
			a := availabilityJSON{FulfillmentChannelCode: e["fulfillment_channel_code"].(string)}
			if q, ok := e["quantity"].(int64); ok {
				a.Quantity = &q
			}
			w.FulfillmentAvailability = append(w.FulfillmentAvailability, a)
		}
	}
	return w
}

// listedOffer returns the listing's normal offer on a marketplace.
func listedOffer(l *Listing, marketplaceID string) (map[string]any, bool) {
	for _, e := range entries(l.Attributes["purchasable_offer"]) {
		if e["marketplace_id"] == marketplaceID && audienceOf(e) == "ALL" {
			return e, true
		}
	}
	return nil, false
}

func (s *Server) patchListingsItem(c *call) response {
	return s.submitListing(c, func(l *Listing, body map[string]any) (map[string]any, []issue) {
		if l == nil {
			return nil, []issue{skuNotFound(c.pathValue("sku"))}
		}
		return s.applyPatches(l.Attributes, patchesOf(body["patches"]))
	})
}

func (s *Server) putListingsItem(c *call) response {
	return s.submitListing(c, func(_ *Listing, body map[string]any) (map[string]any, []issue) {
		attrs, _ := body["attributes"].(map[string]any)
		if issues := s.checkAttributes(attrs); len(issues) > 0 {
			return nil, issues
		}
		return cloneAttributes(attrs), nil
	})
}

func skuNotFound(sku string) issue {
	return issue{Code: issueSKUNotFound, Severity: "ERROR", Message: "SKU '" + sku + "' was not found for this seller."}
}

// submitListing runs a patch or put: it answers ACCEPTED and saves the new
// attributes, INVALID with the issues, or VALID without saving in
// VALIDATION_PREVIEW mode.
func (s *Server) submitListing(c *call, change func(l *Listing, body map[string]any) (map[string]any, []issue)) response {
	mkts, bad := s.listingsCall(c)
	if bad != nil {
		return *bad
	}
	v, err := component.DecodeJSON(c.body)
	body, _ := v.(map[string]any)
	if err != nil || body == nil {
		return invalidInput("The request body is not a JSON object.")
	}
	sku := c.pathValue("sku")
	l := s.listings[sku]
	attrs, issues := change(l, body)
	resp := submissionJSON{SKU: sku, Status: "ACCEPTED", SubmissionID: s.submissionID(), Issues: issuesWire(issues)}
	switch {
	case len(issues) > 0:
		resp.Status = "INVALID"
	case c.query.Get("mode") == "VALIDATION_PREVIEW":
		resp.Status = "VALID"
	default:
		productType, _ := body["productType"].(string)
		l = s.saveListing(sku, productType, attrs, c.now)
	}
	if l != nil && slices.Contains(c.list("includedData"), "identifiers") {
		for _, id := range mkts {
			resp.Identifiers = append(resp.Identifiers, identifierJSON{MarketplaceID: id, ASIN: l.ASIN})
		}
	}
	return ok(resp)
}

// saveListing stores new attributes for sku, creating the listing when
// needed. The caller holds s.mu.
func (s *Server) saveListing(sku, productType string, attrs map[string]any, now time.Time) *Listing {
	l := s.listings[sku]
	if l == nil {
		l = &Listing{SKU: sku, ASIN: "B0SIM" + s.nextID()[6:], Title: sku, Created: now}
		s.listings[sku] = l
	}
	if names := entries(attrs["item_name"]); len(names) > 0 {
		if t, ok := names[0]["value"].(string); ok {
			l.Title = t
		}
	}
	if productType != "" {
		l.ProductType = productType
	}
	l.Attributes, l.Updated = attrs, now
	s.listingHealth(l, now)
	return l
}

func (s *Server) submissionID() string {
	return fmt.Sprintf("%016x%016x", s.idRNG.Uint64(), s.idRNG.Uint64())
}

func issuesWire(issues []issue) []issueJSON {
	out := []issueJSON{}
	for _, is := range issues {
		w := issueJSON{Code: is.Code, Message: is.Message, Severity: is.Severity, Categories: []string{"INVALID_ATTRIBUTE"}}
		if is.Attribute != "" {
			w.AttributeNames = []string{is.Attribute}
		}
		out = append(out, w)
	}
	return out
}
