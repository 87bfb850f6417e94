package sage500

import (
	"fmt"
	"time"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
)

// entity is a Sage entity that custom fields extend. Its fields live in a
// 1:1 extension table named after the entity's table with "_ext", keyed by
// the entity's surrogate key (a pattern Sage sites use, README §1.5, §8).
type entity struct {
	Name  string // as in custom_fields
	Table string // the Sage table
	Key   string // its surrogate key column
}

var entities = []entity{
	{"sales_order", "tsoSalesOrder", "SOKey"},
	{"order_line", "tsoSOLine", "SOLineKey"},
	{"shipment", "tsoShipment", "ShipKey"},
	{"item", "timItem", "ItemKey"},
	{"customer", "tarCustomer", "CustKey"},
	{"journal", "tglJournalHdr", "JrnlHdrKey"},
}

func entityByName(name string) (entity, bool) {
	for _, e := range entities {
		if e.Name == name {
			return e, true
		}
	}
	return entity{}, false
}

func entityNames() []string {
	names := make([]string, len(entities))
	for i, e := range entities {
		names[i] = e.Name
	}
	return names
}

// ExtTable returns the extension table's name.
func (e entity) ExtTable() string { return e.Table + "_ext" }

// extTable describes the extension table the fields ask for: the key, then
// the fields (nullable) in configuration order, a unique index per unique
// field.
func (e entity) extTable(fields []FieldConfig) *catalog.Table {
	cols := []catalog.Column{{Name: e.Key, Type: catalog.Type{Kind: catalog.KindInt}, NotNull: true}}
	var indexes []catalog.Index
	for _, f := range fields {
		typ, err := catalog.ParseType(f.Type)
		if err != nil {
			panic(fmt.Sprintf("sage500: custom field %s passed validation with type %q", f.Name, f.Type))
		}
		cols = append(cols, catalog.Column{Name: f.Name, Type: typ})
		if f.Unique {
			indexes = append(indexes, catalog.Index{Name: "ux_" + e.ExtTable() + "_" + f.Name, Columns: []string{f.Name}, Unique: true})
		}
	}
	t := catalog.NewTable(e.ExtTable(), []string{e.Key}, cols...)
	t.Indexes = indexes
	return t
}

// fieldSet is the custom fields of one entity, resolved.
type fieldSet struct {
	entity
	table *catalog.Table
}

// newFieldSets resolves the validated custom_fields option.
func newFieldSets(cfg map[string][]FieldConfig) map[string]*fieldSet {
	out := map[string]*fieldSet{}
	for name, fields := range cfg {
		e, _ := entityByName(name)
		out[name] = &fieldSet{entity: e, table: e.extTable(fields)}
	}
	return out
}

// coerce checks custom values against the fields; path names the values in
// errors (e.g. "custom" or "lines.2.custom").
func (fs *fieldSet) coerce(path string, values map[string]any, loc *time.Location) (map[string]any, error) {
	out := make(map[string]any, len(values))
	for name, v := range values {
		var col catalog.Column
		ok := fs != nil
		if ok {
			col, ok = fs.table.Column(name)
		}
		if !ok || col.Name == fs.Key {
			return nil, fmt.Errorf("%s.%s: no such custom field (declare it under custom_fields of the connection)", path, name)
		}
		cv, err := catalog.Coerce(col, v, loc)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", path, name, err)
		}
		out[col.Name] = cv
	}
	return out, nil
}
