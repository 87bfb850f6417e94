// Package demo holds the demo seller's catalogue that the SP-API simulator
// sells from and the Sage 500 demo database stocks, so the two agree: the
// marketplaces, the products with their SKUs and prices, the warehouses and
// the ship methods. It is demo data only; nothing in a client's pipelines
// depends on it.
package demo

// SellerID is the simulated seller's merchant token.
const SellerID = "A1DEMOSELLER00"

// CompanyID is the Sage 500 company of the demo database.
const CompanyID = "SOA"

// Marketplace is an Amazon marketplace the demo seller sells on.
type Marketplace struct {
	ID       string // Amazon marketplace id
	Country  string // ISO 3166 alpha-2, as Amazon writes it
	Country3 string // Sage 500 CountryID (3 letters)
	Currency string // ISO 4217
	Name     string // sales channel, e.g. "Amazon.com"
	CustID   string // the Sage 500 channel customer for this marketplace
	WhseID   string // the Sage 500 warehouse that ships this marketplace
}

// Marketplaces are the demo seller's marketplaces.
var Marketplaces = []Marketplace{
	{ID: "ATVPDKIKX0DER", Country: "US", Country3: "USA", Currency: "USD", Name: "Amazon.com", CustID: "AMZUS", WhseID: "MAIN"},
	{ID: "A2EUQ1WTGCTBG2", Country: "CA", Country3: "CAN", Currency: "CAD", Name: "Amazon.ca", CustID: "AMZCA", WhseID: "MAIN"},
	{ID: "A1F83G8C2ARO7P", Country: "GB", Country3: "GBR", Currency: "GBP", Name: "Amazon.co.uk", CustID: "AMZUK", WhseID: "EAST"},
	{ID: "A1PA6795UKMFR9", Country: "DE", Country3: "DEU", Currency: "EUR", Name: "Amazon.de", CustID: "AMZDE", WhseID: "EAST"},
}

// Product is a catalogue item. SellerSKU is what Amazon knows; ItemID is the
// Sage 500 item. They are equal except for the few products whose listing
// SKU differs (the client's SKU override table maps them).
type Product struct {
	SellerSKU string
	ItemID    string
	ASIN      string
	Title     string
	Price     string // list price in the marketplace currency, two decimals
	Stock     int    // on hand per warehouse in the demo database
}

// Products is the demo catalogue.
var Products = []Product{
	{SellerSKU: "WB-0001-BK", ItemID: "WB-0001-BK", ASIN: "B0DEMO0001", Title: "Stainless Steel Water Bottle, Black, 32 oz", Price: "24.99", Stock: 120},
	{SellerSKU: "WB-0002-BL", ItemID: "WB-0002-BL", ASIN: "B0DEMO0002", Title: "Stainless Steel Water Bottle, Blue, 32 oz", Price: "24.99", Stock: 80},
	{SellerSKU: "CG-0003-SS", ItemID: "CG-0003-SS", ASIN: "B0DEMO0003", Title: "Ceramic Burr Coffee Grinder, Stainless", Price: "49.95", Stock: 40},
	{SellerSKU: "BS-0004-BK", ItemID: "BS-0004-BK", ASIN: "B0DEMO0004", Title: "Waterproof Bluetooth Speaker, Black", Price: "39.00", Stock: 65},
	{SellerSKU: "DL-0005-WH", ItemID: "DL-0005-WH", ASIN: "B0DEMO0005", Title: "Ergonomic LED Desk Lamp, White", Price: "32.50", Stock: 55},
	{SellerSKU: "YM-0006-GR", ItemID: "YM-0006-GR", ASIN: "B0DEMO0006", Title: "Organic Cotton Yoga Mat, Green", Price: "28.00", Stock: 90},
	{SellerSKU: "PC-0007-CL", ItemID: "PC-0007-CL", ASIN: "B0DEMO0007", Title: "Slim Phone Case, Clear", Price: "12.99", Stock: 300},
	{SellerSKU: "KS-0008-BK", ItemID: "KS-0008-BK", ASIN: "B0DEMO0008", Title: "Digital Kitchen Scale, Black", Price: "19.49", Stock: 75},
	{SellerSKU: "BP-0009-GY", ItemID: "BP-0009-GY", ASIN: "B0DEMO0009", Title: "Heavy Duty Travel Backpack, Grey, 35 L", Price: "64.90", Stock: 30},
	{SellerSKU: "SP-0010-WD", ItemID: "SP-0010-WD", ASIN: "B0DEMO0010", Title: "Salt & Pepper Mill Set, Walnut", Price: "27.75", Stock: 45},
	{SellerSKU: "CB-0011-BM", ItemID: "CB-0011-BM", ASIN: "B0DEMO0011", Title: "Bamboo Cutting Board, Large", Price: "22.00", Stock: 60},
	{SellerSKU: "DG-0012-RD", ItemID: "DG-0012-RD", ASIN: "B0DEMO0012", Title: "Reflective Dog Leash, Red, 6 ft", Price: "15.95", Stock: 110},
	{SellerSKU: "TP-0013-BG", ItemID: "TP-0013-BG", ASIN: "B0DEMO0013", Title: "Linen Throw Pillow, Beige, 18\" x 18\"", Price: "21.00", Stock: 70},
	{SellerSKU: "UC-0014-6F", ItemID: "UC-0014-6F", ASIN: "B0DEMO0014", Title: "Braided USB-C Cable, 6 ft, Pack of 2", Price: "11.99", Stock: 400},
	{SellerSKU: "TM-0015-SS", ItemID: "TM-0015-SS", ASIN: "B0DEMO0015", Title: "Vacuum Travel Mug, Stainless, 16 oz", Price: "18.50", Stock: 150},
	{SellerSKU: "FL-0016-BK", ItemID: "FL-0016-BK", ASIN: "B0DEMO0016", Title: "Rechargeable LED Flashlight, Black", Price: "26.40", Stock: 85},
	// Listing SKUs that differ from the Sage item (FBA labels, legacy SKUs).
	{SellerSKU: "WB-0001-BK-FBA", ItemID: "WB-0001-BK", ASIN: "B0DEMO0101", Title: "Stainless Steel Water Bottle, Black, 32 oz (FBA)", Price: "25.99", Stock: 0},
	{SellerSKU: "legacy-grinder-01", ItemID: "CG-0003-SS", ASIN: "B0DEMO0103", Title: "Coffee Grinder (legacy listing)", Price: "49.95", Stock: 0},
}

// ShipMethod is a Sage 500 ship method and the carrier it ships with.
type ShipMethod struct {
	ShipMethID string // Sage 500 tciShipMethod.ShipMethID (varchar(15))
	Desc       string
	Carrier    string // carrier name as printed on the label
}

// ShipMethods are the demo database's ship methods. The last one is a local
// courier that Amazon's carrier list does not know.
var ShipMethods = []ShipMethod{
	{ShipMethID: "UPS GROUND", Desc: "UPS Ground", Carrier: "UPS"},
	{ShipMethID: "UPS 2DAY", Desc: "UPS 2nd Day Air", Carrier: "UPS"},
	{ShipMethID: "FEDEX GROUND", Desc: "FedEx Ground", Carrier: "FedEx"},
	{ShipMethID: "USPS PRIORITY", Desc: "USPS Priority Mail", Carrier: "USPS"},
	{ShipMethID: "DHL EXPRESS", Desc: "DHL Express Worldwide", Carrier: "DHL Express"},
	{ShipMethID: "ROYAL MAIL 48", Desc: "Royal Mail Tracked 48", Carrier: "Royal Mail"},
	{ShipMethID: "CITYSPRINT", Desc: "CitySprint same-day courier", Carrier: "CitySprint"},
}

// Warehouses are the demo database's warehouses (Sage WhseID, varchar(6)).
// FBA ones stand for Amazon's fulfilment centres of a marketplace: they
// start empty, and the reference directory's FBA inventory flow keeps their
// quantities equal to Amazon's.
var Warehouses = []struct {
	WhseID, Desc string
	FBA          bool
}{
	{WhseID: "MAIN", Desc: "Main warehouse, Columbus OH"},
	{WhseID: "EAST", Desc: "East warehouse, Newark NJ"},
	{WhseID: "FBAUS", Desc: "Amazon FBA, Amazon.com", FBA: true},
	{WhseID: "FBACA", Desc: "Amazon FBA, Amazon.ca", FBA: true},
	{WhseID: "FBAUK", Desc: "Amazon FBA, Amazon.co.uk", FBA: true},
	{WhseID: "FBADE", Desc: "Amazon FBA, Amazon.de", FBA: true},
}
