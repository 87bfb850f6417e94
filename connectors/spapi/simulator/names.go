package simulator

// People and places the generator draws from, per country. Some names are
// not ASCII and some address lines are longer than 40 characters, as real
// Amazon addresses are; integrations that truncate or mangle them should
// show it in a demo.

var firstNames = []string{
	"James", "Mary", "José", "Zoë", "François", "Jürgen", "Åsa", "Łukasz", "Søren", "Chloé",
	"Mohammed", "Siobhán", "Renée", "Björn", "Ana", "Wei", "Priya", "Noël", "Dagmar", "Oliver",
}

var lastNames = []string{
	"Müller", "Smith", "Nuñez", "O'Brien", "Dvořák", "Schäfer", "García", "Johnson", "Brontë",
	"Lefèvre", "Nguyen", "Kowalski", "Fitzgerald-Hamilton", "Østergaard", "Weiß", "Patel", "Brown",
}

var companies = []string{"", "", "", "", "Acme Widgets LLC", "Zürich Präzisionstechnik GmbH", "Northwind Traders Ltd"}

// place is a city with its region, postal code and sales tax rate (for
// countries where tax is added to prices).
type place struct {
	City, State, PostalCode, Phone string
	TaxRate                        string
}

// streets holds address line 1 and 2 candidates per country; the long ones
// are deliberate.
type streets struct {
	Line1, Line2 []string
}

var places = map[string][]place{
	"US": {
		{"Seattle", "WA", "98101", "+1 206-555-0142", "0.101"},
		{"Columbus", "OH", "43215", "+1 614-555-0199", "0.0725"},
		{"Austin", "TX", "78701", "+1 512-555-0110", "0.0825"},
		{"Brooklyn", "NY", "11201", "+1 718-555-0163", "0.08875"},
		{"Portland", "OR", "97205", "+1 503-555-0177", "0"},
		{"Chicago", "IL", "60601", "+1 312-555-0120", "0.1025"},
	},
	"CA": {
		{"Toronto", "ON", "M5V 2T6", "+1 416-555-0134", "0.13"},
		{"Montréal", "QC", "H2X 1Y4", "+1 514-555-0188", "0.14975"},
		{"Vancouver", "BC", "V6B 1A1", "+1 604-555-0105", "0.12"},
		{"Calgary", "AB", "T2P 1J9", "+1 403-555-0171", "0.05"},
	},
	"GB": {
		{"London", "Greater London", "W8 4LL", "+44 20 7946 0123", ""},
		{"Manchester", "Greater Manchester", "M1 1AE", "+44 161 496 0456", ""},
		{"Edinburgh", "Midlothian", "EH1 1YZ", "+44 131 496 0789", ""},
	},
	"DE": {
		{"München", "Bayern", "80331", "+49 89 123456", ""},
		{"Köln", "Nordrhein-Westfalen", "50667", "+49 221 987654", ""},
		{"Düsseldorf", "Nordrhein-Westfalen", "40213", "+49 211 555123", ""},
		{"Berlin", "Berlin", "10115", "+49 30 901820", ""},
	},
}

var streetsByCountry = map[string]streets{
	"US": {
		Line1: []string{"1234 Main Street", "77 Massachusetts Avenue", "4567 Northwest Corporate Technology Park Boulevard", "2001 Martin Luther King Jr. Memorial Highway East"},
		Line2: []string{"", "", "Apt 5B", "Suite 1200, Attention: Receiving Department, Building C"},
	},
	"CA": {
		Line1: []string{"100 Queen Street West", "1455 Boulevard de Maisonneuve Ouest", "888 Rue Sainte-Catherine Est, Porte arrière"},
		Line2: []string{"", "Unit 1408", "Appartement 12, Entrée par la ruelle côté nord"},
	},
	"GB": {
		Line1: []string{"Flat 3, 27 Kensington Church Street", "221B Baker Street", "Unit 14, The Old Biscuit Factory Business Centre, Clements Road"},
		Line2: []string{"", "Second Floor", "c/o Reception, Building 4, Riverside Industrial Estate"},
	},
	"DE": {
		Line1: []string{"Müllerstraße 12", "Königsallee 92a", "Friedrich-Wilhelm-von-Steuben-Straße 117, Hinterhaus"},
		Line2: []string{"", "3. OG links", "bei Schäfer, Eingang über den Innenhof, Aufgang B"},
	},
}

// vatRates are the VAT rates of the countries whose prices include tax.
var vatRates = map[string]string{"GB": "0.20", "DE": "0.19"}
