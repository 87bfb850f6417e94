package simulator

import (
	"slices"

	"github.com/govalues/decimal"
)

// Wire shapes of Orders API v2026-01-01 (models/api/orders_2026-01-01.json).
// Blocks outside the base order appear only when includedData asks for
// them.

type money struct {
	Amount       string `json:"amount"`
	CurrencyCode string `json:"currencyCode"`
}

type window struct {
	Earliest string `json:"earliestDateTime,omitempty"`
	Latest   string `json:"latestDateTime,omitempty"`
}

type orderJSON struct {
	OrderID         string           `json:"orderId"`
	CreatedTime     string           `json:"createdTime"`
	LastUpdatedTime string           `json:"lastUpdatedTime"`
	Programs        []string         `json:"programs,omitempty"`
	SalesChannel    salesChannelJSON `json:"salesChannel"`
	Buyer           *buyerJSON       `json:"buyer,omitempty"`
	Recipient       *recipientJSON   `json:"recipient,omitempty"`
	Proceeds        *proceedsJSON    `json:"proceeds,omitempty"`
	Fulfillment     *fulfillmentJSON `json:"fulfillment,omitempty"`
	OrderItems      []orderItemJSON  `json:"orderItems"`
	Packages        []packageJSON    `json:"packages,omitempty"`
}

type salesChannelJSON struct {
	ChannelName     string `json:"channelName"`
	MarketplaceID   string `json:"marketplaceId"`
	MarketplaceName string `json:"marketplaceName"`
}

type buyerJSON struct {
	BuyerName  string `json:"buyerName"`
	BuyerEmail string `json:"buyerEmail"`
}

type recipientJSON struct {
	DeliveryAddress addressJSON `json:"deliveryAddress"`
}

type addressJSON struct {
	Name          string `json:"name"`
	CompanyName   string `json:"companyName,omitempty"`
	AddressLine1  string `json:"addressLine1"`
	AddressLine2  string `json:"addressLine2,omitempty"`
	AddressLine3  string `json:"addressLine3,omitempty"`
	City          string `json:"city"`
	StateOrRegion string `json:"stateOrRegion"`
	PostalCode    string `json:"postalCode"`
	CountryCode   string `json:"countryCode"`
	Phone         string `json:"phone,omitempty"`
	AddressType   string `json:"addressType"`
}

type proceedsJSON struct {
	GrandTotal money           `json:"grandTotal"`
	Breakdowns []breakdownJSON `json:"breakdowns"`
}

type breakdownJSON struct {
	Type     string         `json:"type"`
	Subtotal money          `json:"subtotal"`
	Detailed []detailedJSON `json:"detailedBreakdowns,omitempty"`
}

type detailedJSON struct {
	Subtype string `json:"subtype"`
	Value   money  `json:"value"`
}

type fulfillmentJSON struct {
	FulfillmentStatus       Status `json:"fulfillmentStatus"`
	FulfilledBy             string `json:"fulfilledBy"`
	FulfillmentServiceLevel string `json:"fulfillmentServiceLevel"`
	ShipByWindow            window `json:"shipByWindow"`
	DeliverByWindow         window `json:"deliverByWindow"`
}

type orderItemJSON struct {
	OrderItemID     string                `json:"orderItemId"`
	QuantityOrdered int                   `json:"quantityOrdered"`
	Product         productJSON           `json:"product"`
	Proceeds        *itemProceedsJSON     `json:"proceeds,omitempty"`
	Promotion       *itemPromotionJSON    `json:"promotion,omitempty"`
	Cancellation    *itemCancellationJSON `json:"cancellation,omitempty"`
	Fulfillment     *itemFulfillmentJSON  `json:"fulfillment,omitempty"`
	Tax             *itemTaxJSON          `json:"tax,omitempty"`
}

type productJSON struct {
	ASIN      string        `json:"asin"`
	Title     string        `json:"title"`
	SellerSKU string        `json:"sellerSku"`
	Condition conditionJSON `json:"condition"`
	Price     priceJSON     `json:"price"`
}

type conditionJSON struct {
	ConditionType    string `json:"conditionType"`
	ConditionSubtype string `json:"conditionSubtype"`
}

type priceJSON struct {
	UnitPrice money `json:"unitPrice"`
}

type itemProceedsJSON struct {
	ProceedsTotal money           `json:"proceedsTotal"`
	Breakdowns    []breakdownJSON `json:"breakdowns"`
}

type itemPromotionJSON struct {
	Breakdowns []promotionIDJSON `json:"breakdowns"`
}

type promotionIDJSON struct {
	PromotionID string `json:"promotionId"`
}

type itemCancellationJSON struct {
	Request   *cancelRequestJSON   `json:"cancellationRequest,omitempty"`
	Execution *cancelExecutionJSON `json:"cancellationExecution,omitempty"`
}

type cancelRequestJSON struct {
	Requester    string `json:"requester"`
	CancelReason string `json:"cancelReason"`
}

type cancelExecutionJSON struct {
	CancelledBy  string `json:"cancelledBy"`
	CancelReason string `json:"cancelReason"`
}

type itemFulfillmentJSON struct {
	QuantityFulfilled   int `json:"quantityFulfilled"`
	QuantityUnfulfilled int `json:"quantityUnfulfilled"`
}

type itemTaxJSON struct {
	Collections []taxCollectionJSON `json:"taxCollections"`
}

type taxCollectionJSON struct {
	Model            string `json:"model"`
	ResponsibleParty string `json:"responsibleParty"`
}

type packageJSON struct {
	PackageReferenceID string            `json:"packageReferenceId"`
	CreatedTime        string            `json:"createdTime"`
	PackageStatus      packageStatusJSON `json:"packageStatus"`
	Carrier            string            `json:"carrier"`
	ShipTime           string            `json:"shipTime"`
	ShippingService    string            `json:"shippingService,omitempty"`
	TrackingNumber     string            `json:"trackingNumber"`
	PackageItems       []packageItemJSON `json:"packageItems"`
}

type packageStatusJSON struct {
	Status string `json:"status"`
}

type packageItemJSON struct {
	OrderItemID string `json:"orderItemId"`
	Quantity    int    `json:"quantity"`
}

// orderWire renders an order with the includedData blocks asked for.
func orderWire(o *Order, included []string) orderJSON {
	has := func(block string) bool { return slices.Contains(included, block) }
	w := orderJSON{
		OrderID: o.ID, CreatedTime: iso(o.Created), LastUpdatedTime: iso(o.LastUpdated), Programs: o.Programs,
		SalesChannel: salesChannelJSON{ChannelName: "AMAZON", MarketplaceID: o.MarketplaceID, MarketplaceName: marketplaceName(o.MarketplaceID)},
	}
	if has("BUYER") {
		w.Buyer = &buyerJSON{BuyerName: o.Buyer.Name, BuyerEmail: o.Buyer.Email}
	}
	if has("RECIPIENT") {
		w.Recipient = &recipientJSON{DeliveryAddress: addressWire(o.ShipTo)}
	}
	if has("PROCEEDS") {
		w.Proceeds = orderProceeds(o)
	}
	if has("FULFILLMENT") {
		w.Fulfillment = &fulfillmentJSON{
			FulfillmentStatus: o.Status, FulfilledBy: o.FulfilledBy, FulfillmentServiceLevel: o.ServiceLevel,
			ShipByWindow:    window{Earliest: iso(o.ShipBy.Earliest), Latest: iso(o.ShipBy.Latest)},
			DeliverByWindow: window{Earliest: iso(o.DeliverBy.Earliest), Latest: iso(o.DeliverBy.Latest)},
		}
	}
	for i := range o.Items {
		w.OrderItems = append(w.OrderItems, itemWire(o, i, has))
	}
	if has("PACKAGES") {
		for _, p := range o.Packages {
			w.Packages = append(w.Packages, packageWire(p))
		}
	}
	return w
}

func addressWire(a Address) addressJSON {
	return addressJSON{
		Name: a.Name, CompanyName: a.Company, AddressLine1: a.Line1, AddressLine2: a.Line2, AddressLine3: a.Line3,
		City: a.City, StateOrRegion: a.State, PostalCode: a.PostalCode, CountryCode: a.CountryCode, Phone: a.Phone,
		AddressType: a.AddressType,
	}
}

func itemWire(o *Order, i int, has func(string) bool) orderItemJSON {
	it := &o.Items[i]
	w := orderItemJSON{
		OrderItemID: it.ID, QuantityOrdered: it.Quantity,
		Product: productJSON{
			ASIN: it.ASIN, Title: it.Title, SellerSKU: it.SKU,
			Condition: conditionJSON{ConditionType: "NEW", ConditionSubtype: "NEW"},
			Price:     priceJSON{UnitPrice: o.money(it.UnitPrice)},
		},
	}
	if has("PROCEEDS") {
		w.Proceeds = &itemProceedsJSON{ProceedsTotal: o.money(o.LineTotal(i)), Breakdowns: o.lineBreakdowns(i)}
	}
	if has("PROMOTION") && len(it.PromotionIDs) > 0 {
		p := &itemPromotionJSON{}
		for _, id := range it.PromotionIDs {
			p.Breakdowns = append(p.Breakdowns, promotionIDJSON{PromotionID: id})
		}
		w.Promotion = p
	}
	if has("CANCELLATION") {
		w.Cancellation = cancellationWire(o)
	}
	if has("FULFILLMENT") {
		w.Fulfillment = &itemFulfillmentJSON{QuantityFulfilled: it.QuantityShipped, QuantityUnfulfilled: it.Quantity - it.QuantityShipped}
	}
	if has("TAX") && o.facilitatorTax() {
		w.Tax = &itemTaxJSON{Collections: []taxCollectionJSON{{Model: "MARKETPLACE_FACILITATOR", ResponsibleParty: "Amazon Services, Inc."}}}
	}
	return w
}

func cancellationWire(o *Order) *itemCancellationJSON {
	var c itemCancellationJSON
	if o.BuyerCancelRequested {
		c.Request = &cancelRequestJSON{Requester: "BUYER", CancelReason: "Buyer Requested Cancel"}
	}
	if o.Status == StatusCancelled {
		by := "AMAZON"
		if o.BuyerCancelRequested {
			by = "BUYER"
		}
		c.Execution = &cancelExecutionJSON{CancelledBy: by, CancelReason: "Order cancelled"}
	}
	if c.Request == nil && c.Execution == nil {
		return nil
	}
	return &c
}

func packageWire(p Package) packageJSON {
	w := packageJSON{
		PackageReferenceID: p.ReferenceID, CreatedTime: iso(p.ConfirmedAt), PackageStatus: packageStatusJSON{Status: "SHIPPED"},
		Carrier: p.CarrierCode, ShipTime: iso(p.ShipDate), ShippingService: p.ShippingMethod, TrackingNumber: p.TrackingNumber,
	}
	if p.CarrierCode == "Other" {
		w.Carrier = p.CarrierName
	}
	for _, it := range p.Items {
		w.PackageItems = append(w.PackageItems, packageItemJSON(it))
	}
	return w
}

// lineBreakdowns splits a line total into ITEM, SHIPPING, TAX and DISCOUNT
// (the last two only when not zero); they add up to the line total. Where
// prices include VAT, ITEM and SHIPPING are net of it and TAX holds it.
func (o *Order) lineBreakdowns(i int) []breakdownJSON {
	it := &o.Items[i]
	item, ship := it.Principal(), it.Shipping
	if o.TaxIncluded {
		item, ship = sub(item, it.Tax), sub(ship, it.ShippingTax)
	}
	out := []breakdownJSON{{Type: "ITEM", Subtotal: o.money(item)}, {Type: "SHIPPING", Subtotal: o.money(ship)}}
	if tax := sum(it.Tax, it.ShippingTax); !tax.IsZero() {
		out = append(out, breakdownJSON{Type: "TAX", Subtotal: o.money(tax), Detailed: []detailedJSON{
			{Subtype: "ITEM", Value: o.money(it.Tax)}, {Subtype: "SHIPPING", Value: o.money(it.ShippingTax)},
		}})
	}
	if disc := sum(it.Promotion, it.ShippingPromotion); !disc.IsZero() {
		out = append(out, breakdownJSON{Type: "DISCOUNT", Subtotal: o.money(disc.Neg()), Detailed: []detailedJSON{
			{Subtype: "ITEM", Value: o.money(it.Promotion.Neg())}, {Subtype: "SHIPPING", Value: o.money(it.ShippingPromotion.Neg())},
		}})
	}
	return out
}

// orderProceeds sums the lines' breakdowns by type.
func orderProceeds(o *Order) *proceedsJSON {
	totals := map[string]decimal.Decimal{}
	var order []string
	for i := range o.Items {
		for _, b := range o.lineBreakdowns(i) {
			if _, seen := totals[b.Type]; !seen {
				order = append(order, b.Type)
				totals[b.Type] = zero
			}
			totals[b.Type] = sum(totals[b.Type], decimal.MustParse(b.Subtotal.Amount))
		}
	}
	p := &proceedsJSON{GrandTotal: o.money(o.Total())}
	for _, t := range order {
		p.Breakdowns = append(p.Breakdowns, breakdownJSON{Type: t, Subtotal: o.money(totals[t])})
	}
	return p
}

func (o *Order) money(d decimal.Decimal) money {
	return money{Amount: d.Pad(2).String(), CurrencyCode: o.Currency}
}
