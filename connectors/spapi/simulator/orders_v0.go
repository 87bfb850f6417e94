package simulator

import (
	"slices"
	"strconv"

	"github.com/govalues/decimal"
)

// Orders API v0 reads (getOrders, getOrder, getOrderItems), deprecated by
// Amazon but served for completeness, in their v0 shapes: PascalCase keys,
// a payload wrapper, and personal data (names, address lines, e-mail) only
// with a restricted data token that grants it.

var paramsV0 = &orderParams{
	createdAfter: "CreatedAfter", createdBefore: "CreatedBefore",
	updatedAfter: "LastUpdatedAfter", updatedBefore: "LastUpdatedBefore",
	statuses: "OrderStatuses", marketplaces: "MarketplaceIds", fulfilledBy: "FulfillmentChannels",
	pageSize: "MaxResultsPerPage", token: "NextToken",
	status: v2026Statuses,
	channel: func(v string) string {
		if v == "AFN" {
			return FulfilledByAmazon
		}
		return FulfilledByMerchant
	},
}

type moneyV0 struct {
	Amount       string `json:"Amount"`
	CurrencyCode string `json:"CurrencyCode"`
}

type orderV0 struct {
	AmazonOrderID          string     `json:"AmazonOrderId"`
	PurchaseDate           string     `json:"PurchaseDate"`
	LastUpdateDate         string     `json:"LastUpdateDate"`
	OrderStatus            string     `json:"OrderStatus"`
	FulfillmentChannel     string     `json:"FulfillmentChannel"`
	SalesChannel           string     `json:"SalesChannel"`
	ShipServiceLevel       string     `json:"ShipServiceLevel"`
	OrderTotal             moneyV0    `json:"OrderTotal"`
	NumberOfItemsShipped   int        `json:"NumberOfItemsShipped"`
	NumberOfItemsUnshipped int        `json:"NumberOfItemsUnshipped"`
	PaymentMethod          string     `json:"PaymentMethod"`
	PaymentMethodDetails   []string   `json:"PaymentMethodDetails"`
	MarketplaceID          string     `json:"MarketplaceId"`
	ServiceLevelCategory   string     `json:"ShipmentServiceLevelCategory"`
	OrderType              string     `json:"OrderType"`
	EarliestShipDate       string     `json:"EarliestShipDate"`
	LatestShipDate         string     `json:"LatestShipDate"`
	EarliestDeliveryDate   string     `json:"EarliestDeliveryDate"`
	LatestDeliveryDate     string     `json:"LatestDeliveryDate"`
	IsBusinessOrder        bool       `json:"IsBusinessOrder"`
	IsPrime                bool       `json:"IsPrime"`
	IsPremiumOrder         bool       `json:"IsPremiumOrder"`
	IsReplacementOrder     bool       `json:"IsReplacementOrder"`
	ShippingAddress        *addressV0 `json:"ShippingAddress,omitempty"`
	BuyerInfo              *buyerV0   `json:"BuyerInfo,omitempty"`
}

type addressV0 struct {
	Name          string `json:"Name,omitempty"`
	CompanyName   string `json:"CompanyName,omitempty"`
	AddressLine1  string `json:"AddressLine1,omitempty"`
	AddressLine2  string `json:"AddressLine2,omitempty"`
	City          string `json:"City"`
	StateOrRegion string `json:"StateOrRegion"`
	PostalCode    string `json:"PostalCode"`
	CountryCode   string `json:"CountryCode"`
	Phone         string `json:"Phone,omitempty"`
	AddressType   string `json:"AddressType,omitempty"`
}

type buyerV0 struct {
	BuyerEmail string `json:"BuyerEmail"`
	BuyerName  string `json:"BuyerName"`
}

type orderItemV0 struct {
	ASIN                 string         `json:"ASIN"`
	SellerSKU            string         `json:"SellerSKU"`
	OrderItemID          string         `json:"OrderItemId"`
	Title                string         `json:"Title"`
	QuantityOrdered      int            `json:"QuantityOrdered"`
	QuantityShipped      int            `json:"QuantityShipped"`
	ItemPrice            moneyV0        `json:"ItemPrice"`
	ShippingPrice        moneyV0        `json:"ShippingPrice"`
	ItemTax              moneyV0        `json:"ItemTax"`
	ShippingTax          moneyV0        `json:"ShippingTax"`
	ShippingDiscount     moneyV0        `json:"ShippingDiscount"`
	PromotionDiscount    moneyV0        `json:"PromotionDiscount"`
	PromotionIDs         []string       `json:"PromotionIds,omitempty"`
	IsGift               string         `json:"IsGift"`
	ConditionID          string         `json:"ConditionId"`
	ConditionSubtypeID   string         `json:"ConditionSubtypeId"`
	TaxCollection        *taxCollectV0  `json:"TaxCollection,omitempty"`
	BuyerRequestedCancel *buyerCancelV0 `json:"BuyerRequestedCancel,omitempty"`
}

type taxCollectV0 struct {
	Model            string `json:"Model"`
	ResponsibleParty string `json:"ResponsibleParty"`
}

type buyerCancelV0 struct {
	IsBuyerRequestedCancel string `json:"IsBuyerRequestedCancel"`
	BuyerCancelReason      string `json:"BuyerCancelReason,omitempty"`
}

type ordersPayloadV0 struct {
	Payload struct {
		Orders            []orderV0 `json:"Orders"`
		NextToken         string    `json:"NextToken,omitempty"`
		LastUpdatedBefore string    `json:"LastUpdatedBefore,omitempty"`
		CreatedBefore     string    `json:"CreatedBefore,omitempty"`
	} `json:"payload"`
}

type orderPayloadV0 struct {
	Payload orderV0 `json:"payload"`
}

type orderItemsPayloadV0 struct {
	Payload struct {
		AmazonOrderID string        `json:"AmazonOrderId"`
		OrderItems    []orderItemV0 `json:"OrderItems"`
	} `json:"payload"`
}

func (s *Server) getOrdersV0(c *call) response {
	cur, hits, next, msg := s.orderPage(c, paramsV0)
	if msg != "" {
		return invalidInput("%s", msg)
	}
	var resp ordersPayloadV0
	resp.Payload.Orders = []orderV0{}
	for _, h := range hits {
		resp.Payload.Orders = append(resp.Payload.Orders, orderWireV0(h.o, c.dataElements()))
	}
	resp.Payload.NextToken = next
	if cur.Query.ByCreated {
		resp.Payload.CreatedBefore = iso(cur.Query.Before)
	} else {
		resp.Payload.LastUpdatedBefore = iso(cur.Query.Before)
	}
	return ok(resp)
}

func (s *Server) getOrderV0(c *call) response {
	o := s.orders[c.pathValue("orderId")]
	if o == nil {
		return notFound("Order %s was not found.", c.pathValue("orderId"))
	}
	return ok(orderPayloadV0{Payload: orderWireV0(o, c.dataElements())})
}

func (s *Server) getOrderItemsV0(c *call) response {
	o := s.orders[c.pathValue("orderId")]
	if o == nil {
		return notFound("Order %s was not found.", c.pathValue("orderId"))
	}
	if c.query.Get("NextToken") != "" {
		return invalidInput("%s.", errBadToken.Error())
	}
	var resp orderItemsPayloadV0
	resp.Payload.AmazonOrderID = o.ID
	for i := range o.Items {
		resp.Payload.OrderItems = append(resp.Payload.OrderItems, itemWireV0(o, i))
	}
	return ok(resp)
}

// dataElements returns the personal data a restricted data token grants
// for this call (none for an ordinary LWA token).
func (c *call) dataElements() []string {
	if c.token.kind != tokenRestricted {
		return nil
	}
	els, _ := c.token.grants(c.r.Method, c.r.URL.Path)
	return els
}

func orderWireV0(o *Order, granted []string) orderV0 {
	shipped, unshipped := o.unitsShipped()
	category := "Standard"
	if o.ServiceLevel != "STANDARD" {
		category = "Expedited"
	}
	w := orderV0{
		AmazonOrderID: o.ID, PurchaseDate: iso(o.Created), LastUpdateDate: iso(o.LastUpdated), OrderStatus: v0Status(o.Status),
		FulfillmentChannel: "MFN", SalesChannel: marketplaceName(o.MarketplaceID), ShipServiceLevel: category,
		OrderTotal: moneyV0(o.money(o.Total())), NumberOfItemsShipped: shipped, NumberOfItemsUnshipped: unshipped,
		PaymentMethod: "Other", PaymentMethodDetails: []string{"Standard"}, MarketplaceID: o.MarketplaceID,
		ServiceLevelCategory: category, OrderType: "StandardOrder",
		EarliestShipDate: iso(o.ShipBy.Earliest), LatestShipDate: iso(o.ShipBy.Latest),
		EarliestDeliveryDate: iso(o.DeliverBy.Earliest), LatestDeliveryDate: iso(o.DeliverBy.Latest),
		IsPrime: slices.Contains(o.Programs, "PRIME"),
	}
	if o.FulfilledBy == FulfilledByAmazon {
		w.FulfillmentChannel = "AFN"
	}
	if o.Status != StatusPending && o.Status != StatusCancelled {
		a := o.ShipTo
		w.ShippingAddress = &addressV0{City: a.City, StateOrRegion: a.State, PostalCode: a.PostalCode, CountryCode: a.CountryCode}
		if slices.Contains(granted, "shippingAddress") {
			w.ShippingAddress.Name, w.ShippingAddress.CompanyName = a.Name, a.Company
			w.ShippingAddress.AddressLine1, w.ShippingAddress.AddressLine2 = a.Line1, a.Line2
			w.ShippingAddress.Phone = a.Phone
			w.ShippingAddress.AddressType = "Residential"
			if a.AddressType == "COMMERCIAL" {
				w.ShippingAddress.AddressType = "Commercial"
			}
		}
	}
	if slices.Contains(granted, "buyerInfo") {
		w.BuyerInfo = &buyerV0{BuyerEmail: o.Buyer.Email, BuyerName: o.Buyer.Name}
	}
	return w
}

func itemWireV0(o *Order, i int) orderItemV0 {
	it := &o.Items[i]
	m := func(v decimal.Decimal) moneyV0 { return moneyV0(o.money(v)) }
	w := orderItemV0{
		ASIN: it.ASIN, SellerSKU: it.SKU, OrderItemID: it.ID, Title: it.Title,
		QuantityOrdered: it.Quantity, QuantityShipped: it.QuantityShipped,
		ItemPrice: m(it.Principal()), ShippingPrice: m(it.Shipping), ItemTax: m(it.Tax), ShippingTax: m(it.ShippingTax),
		ShippingDiscount: m(it.ShippingPromotion), PromotionDiscount: m(it.Promotion), PromotionIDs: it.PromotionIDs,
		IsGift: "false", ConditionID: "New", ConditionSubtypeID: "New",
		BuyerRequestedCancel: &buyerCancelV0{IsBuyerRequestedCancel: strconv.FormatBool(o.BuyerCancelRequested)},
	}
	if o.BuyerCancelRequested {
		w.BuyerRequestedCancel.BuyerCancelReason = "Buyer Requested Cancel"
	}
	if o.facilitatorTax() {
		w.TaxCollection = &taxCollectV0{Model: "MarketplaceFacilitator", ResponsibleParty: "Amazon Services, Inc."}
	}
	return w
}
