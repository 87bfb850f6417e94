package sage500demo

import (
	"context"
	"unicode/utf8"

	"github.com/govalues/decimal"

	"github.com/pipewright/pipewright/connectors/internal/demo"
	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
)

// accounts is the demo chart of GL accounts (GLAcctNo, description).
var accounts = [][2]string{
	{"1000", "Cash - operating account"},
	{"1050", "Amazon clearing"},
	{"1060", "Amazon balance transfers clearing"},
	{"1070", "Amazon reserve"},
	{"1200", "Accounts receivable"},
	{"1300", "Inventory"},
	{"2300", "Sales tax payable"},
	{"4000", "Product sales"},
	{"4100", "Shipping revenue"},
	{"4500", "Promotions and discounts"},
	{"4900", "Refunds and returns"},
	{"4910", "Amazon reimbursements"},
	{"5000", "Cost of goods sold"},
	{"6100", "Amazon selling fees"},
	{"6110", "Amazon fulfilment (FBA) fees"},
	{"6120", "Amazon advertising"},
	{"6190", "Amazon other fees"},
	{"9999", "Suspense"},
}

// address is a seeded address.
type address struct{ name, line1, city, state, postal, country string }

// channels are the channel customers' addresses and ship methods, by
// marketplace CustID.
var channels = map[string]struct {
	addr     address
	shipMeth string
}{
	"AMZUS": {address{"Amazon.com customers", "410 Terry Ave N", "Seattle", "WA", "98109", "USA"}, "UPS GROUND"},
	"AMZCA": {address{"Amazon.ca customers", "40 King St W", "Toronto", "ON", "M5H3Y2", "CAN"}, "UPS GROUND"},
	"AMZUK": {address{"Amazon.co.uk customers", "1 Principal Place", "London", "", "EC2A2FA", "GBR"}, "ROYAL MAIL 48"},
	"AMZDE": {address{"Amazon.de customers", "Marcel-Breuer-Str. 12", "Muenchen", "BY", "80807", "DEU"}, "DHL EXPRESS"},
}

// warehouseAddrs are the warehouses' addresses, by WhseID.
var warehouseAddrs = map[string]address{
	"MAIN":  {"Demo Seller main warehouse", "1200 Logistics Pkwy", "Columbus", "OH", "43215", "USA"},
	"EAST":  {"Demo Seller east warehouse", "85 Port St", "Newark", "NJ", "07114", "USA"},
	"FBAUS": {"Amazon fulfilment (US)", "410 Terry Ave N", "Seattle", "WA", "98109", "USA"},
	"FBACA": {"Amazon fulfilment (CA)", "40 King St W", "Toronto", "ON", "M5H3Y2", "CAN"},
	"FBAUK": {"Amazon fulfilment (UK)", "1 Principal Place", "London", "", "EC2A2FA", "GBR"},
	"FBADE": {"Amazon fulfilment (DE)", "Marcel-Breuer-Str. 12", "Muenchen", "BY", "80807", "DEU"},
}

// seeder writes the demo rows, allocating keys the way the sinks do.
type seeder struct {
	ctx   context.Context
	t     *tx
	keys  map[string]int64 // "table/ID" -> key
	err   error
	klass int64
}

// seed writes the demo rows in t.
func seed(ctx context.Context, t *tx) error {
	s := &seeder{ctx: ctx, t: t, keys: map[string]int64{}}
	s.row("tciTranTypeCompany", map[string]any{"TranType": int64(801), "TranTypeID": "SO"})
	s.row("tciTranTypeCompany", map[string]any{"TranType": int64(810), "TranTypeID": "SH"})
	s.row("tciTranTypeCompany", map[string]any{"TranType": int64(811), "TranTypeID": "CR"})
	s.row("tciBatchTypCompany", map[string]any{"BatchType": int64(301), "BatchTypeID": "GJ"})
	s.row("tciBatchTypCompany", map[string]any{"BatchType": int64(801), "BatchTypeID": "SH"})
	s.row("tciBatchTypCompany", map[string]any{"BatchType": int64(802), "BatchTypeID": "CR"})
	for _, a := range accounts {
		s.keyed("tglAccount", "GLAcctKey", a[0], map[string]any{"GLAcctNo": a[0], "Description": a[1]})
	}
	s.keyed("tglJournal", "JrnlKey", "GJ", map[string]any{"JrnlID": "GJ", "Description": "General journal"})
	s.keyed("tciUnitMeasure", "UnitMeasKey", "EA", map[string]any{"UnitMeasID": "EA"})
	for _, m := range demo.ShipMethods {
		s.keyed("tciShipMethod", "ShipMethKey", m.ShipMethID, map[string]any{"ShipMethID": m.ShipMethID, "ShipMethDesc": m.Desc})
	}
	s.seedWarehouses()
	s.klass = s.keyed("tarCustClass", "CustClassKey", "AMAZON", map[string]any{"CustClassID": "AMAZON", "Description": "Amazon sales channels"})
	for _, m := range demo.Marketplaces {
		s.seedCustomer(m)
	}
	s.seedItems()
	s.seedMCF()
	return s.err
}

// row inserts one row unless an earlier one failed.
func (s *seeder) row(table string, vals map[string]any) {
	if s.err == nil {
		s.err = s.t.insert(s.ctx, table, vals)
	}
}

// keyed allocates the table's next key, inserts the row with it under
// keyCol and remembers it as table/id.
func (s *seeder) keyed(table, keyCol, id string, vals map[string]any) int64 {
	if s.err != nil {
		return 0
	}
	key, err := dialect.NextKey(s.ctx, s.t.w.d, s.t, table)
	if err != nil {
		s.err = err
		return 0
	}
	vals[keyCol] = key
	s.row(table, vals)
	s.keys[table+"/"+id] = key
	return key
}

func (s *seeder) key(table, id string) int64 { return s.keys[table+"/"+id] }

func (s *seeder) address(id string, a address) int64 {
	vals := map[string]any{"AddrName": a.name, "AddrLine1": a.line1, "City": a.city, "PostalCode": a.postal, "CountryID": a.country}
	if a.state != "" {
		vals["StateID"] = a.state
	}
	return s.keyed("tciAddress", "AddrKey", id, vals)
}

func (s *seeder) seedWarehouses() {
	for _, w := range demo.Warehouses {
		addr := s.address("whse-"+w.WhseID, warehouseAddrs[w.WhseID])
		whse := s.keyed("timWarehouse", "WhseKey", w.WhseID, map[string]any{
			"WhseID": w.WhseID, "Description": w.Desc, "ShipAddrKey": addr,
			"SalesAcctKey": s.key("tglAccount", "4000"), "InvtAcctKey": s.key("tglAccount", "1300"), "COSAcctKey": s.key("tglAccount", "5000"),
		})
		s.keyed("timWhseBin", "WhseBinKey", w.WhseID+"/A-01", map[string]any{"WhseKey": whse, "WhseBinID": "A-01", "DfltBin": int64(1), "Location": "Aisle A"})
		s.keyed("timWhseBin", "WhseBinKey", w.WhseID+"/RETURNS", map[string]any{"WhseKey": whse, "WhseBinID": "RETURNS", "ExclFromAvail": int64(1)})
	}
}

func (s *seeder) seedCustomer(m demo.Marketplace) {
	ch := channels[m.CustID]
	addr := s.address("cust-"+m.CustID, ch.addr)
	cust := s.keyed("tarCustomer", "CustKey", m.CustID, map[string]any{
		"CustID": m.CustID, "CustName": m.Name + " channel", "CustClassKey": s.klass,
		"PrimaryAddrKey": addr, "DfltBillToAddrKey": addr, "DfltShipToAddrKey": addr,
		"DfltSalesAcctKey": s.key("tglAccount", "4000"), "CustRefNo": m.ID,
	})
	s.row("tarCustAddr", map[string]any{
		"AddrKey": addr, "CustKey": cust, "CustAddrID": m.CustID, "CurrID": m.Currency,
		"ShipMethKey": s.key("tciShipMethod", ch.shipMeth), "WhseKey": s.key("timWarehouse", m.WhseID),
	})
}

func (s *seeder) seedItems() {
	for _, p := range demo.Products {
		if s.key("timItem", p.ItemID) != 0 || s.err != nil {
			continue // a listing SKU of an item already seeded
		}
		ea := s.key("tciUnitMeasure", "EA")
		item := s.keyed("timItem", "ItemKey", p.ItemID, map[string]any{
			"ItemID": p.ItemID, "StockUnitMeasKey": ea, "SalesUnitMeasKey": ea, "PurchUnitMeasKey": ea, "PriceUnitMeasKey": ea,
			"StdPrice": decimal.MustParse(p.Price), "DfltWhseKey": s.key("timWarehouse", "MAIN"),
			"SalesAcctKey": s.key("tglAccount", "4000"), "COSAcctKey": s.key("tglAccount", "5000"),
		})
		s.row("timItemDescription", map[string]any{"ItemKey": item, "ShortDesc": shorten(p.Title, 40), "LongDesc": p.Title})
		for _, w := range demo.Warehouses {
			if w.FBA {
				continue // filled by the FBA inventory flow
			}
			s.row("timWhseBinInvt", map[string]any{
				"WhseBinKey": s.key("timWhseBin", w.WhseID+"/A-01"), "ItemKey": item, "QtyOnHand": decimal.MustNew(int64(p.Stock), 0),
			})
		}
	}
}

// shorten cuts s to at most n characters for a seed value (never used on
// data from messages, which is refused when too long).
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
