package catalog_test

import (
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
)

func TestParseType_reads_and_writes_the_supported_types(t *testing.T) {
	for _, s := range []string{"int", "smallint", "float", "datetime", "varchar(15)", "decimal(15,3)", "decimal(19,0)"} {
		t.Run(s, func(t *testing.T) {
			typ, err := catalog.ParseType(s)
			require.NoError(t, err)
			assert.Equal(t, s, typ.String())
		})
	}
}

func TestParseType_rejects_unsupported_types(t *testing.T) {
	for _, s := range []string{"nvarchar(10)", "varchar(0)", "varchar(8001)", "decimal(20,2)", "decimal(3,4)", "text", "int; drop table x"} {
		t.Run(s, func(t *testing.T) {
			_, err := catalog.ParseType(s)
			assert.Error(t, err)
		})
	}
}

func TestType_Covers_allows_only_widening(t *testing.T) {
	tests := []struct {
		have, want string
		ok         bool
	}{
		{"varchar(20)", "varchar(19)", true},
		{"varchar(15)", "varchar(19)", false},
		{"decimal(15,3)", "decimal(12,2)", true},
		{"decimal(15,3)", "decimal(15,4)", false},
		{"decimal(15,3)", "decimal(16,3)", false},
		{"int", "smallint", true},
		{"smallint", "int", false},
		{"int", "varchar(5)", false},
	}
	for _, tt := range tests {
		t.Run(tt.have+" covers "+tt.want, func(t *testing.T) {
			have, _ := catalog.ParseType(tt.have)
			want, _ := catalog.ParseType(tt.want)
			assert.Equal(t, tt.ok, have.Covers(want))
		})
	}
}

func TestTables_parse_with_keys_and_audit_columns(t *testing.T) {
	so := catalog.Lookup("tsoSalesOrder")
	require.NotNil(t, so)
	assert.Equal(t, []string{"SOKey"}, so.Key)
	c, ok := so.Column("custpono")
	require.True(t, ok, "columns are found case-insensitively")
	assert.Equal(t, "varchar(15)", c.Type.String())
	c, ok = so.Column("UpdateCounter")
	require.True(t, ok, "audit expands to the audit columns")
	assert.True(t, c.NotNull)
	assert.Nil(t, catalog.Lookup("tsoSalesOrderLog"), "the log table is tsoSalesOrdLog")
	for _, tb := range catalog.Tables() {
		for _, k := range tb.Key {
			_, ok := tb.Column(k)
			assert.True(t, ok, "%s: key column %s exists", tb.Name, k)
		}
		for _, ix := range tb.Indexes {
			for _, col := range ix.Columns {
				_, ok := tb.Column(col)
				assert.True(t, ok, "%s: index column %s exists", tb.Name, col)
			}
		}
	}
}

func TestColumn_DefaultValue_resolves_the_words(t *testing.T) {
	env := catalog.Env{Now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), User: "pipewright", Company: "SOA"}
	so := catalog.MustLookup("tsoSalesOrder")
	for col, want := range map[string]any{"CompanyID": "SOA", "CreateUserID": "pipewright", "CreateDate": env.Now, "Status": int64(1)} {
		c, _ := so.Column(col)
		got, ok := c.DefaultValue(env)
		assert.True(t, ok, col)
		assert.Equal(t, want, got, col)
	}
	c, _ := catalog.MustLookup("tglJournalHdr").Column("SourceModule")
	got, _ := c.DefaultValue(env)
	assert.Equal(t, "GL", got)
	c, _ = so.Column("CustPONo")
	_, ok := c.DefaultValue(env)
	assert.False(t, ok)
}

func TestCoerce_checks_values_against_the_column(t *testing.T) {
	addr := catalog.MustLookup("tciAddress")
	dist := catalog.MustLookup("tsoSOLineDist")
	col := func(tb *catalog.Table, name string) catalog.Column { c, _ := tb.Column(name); return c }
	tests := []struct {
		name    string
		col     catalog.Column
		in      any
		want    any
		wantErr string
	}{
		{"string fits", col(addr, "City"), "Columbus", "Columbus", ""},
		{"width counts characters not bytes", col(addr, "City"), "Düsseldorf-Oberkassel", nil, "tciAddress.City: value is 21 characters long, the column holds 20"},
		{"overlong address line", col(addr, "AddrLine1"), "1234567890123456789012345678901234567890X", nil, "tciAddress.AddrLine1: value is 41 characters long, the column holds 40"},
		{"decimal padded to the scale", col(dist, "ExtAmt"), decimal.MustParse("12.5"), decimal.MustParse("12.500"), ""},
		{"trailing zeros beyond the scale are fine", col(dist, "ExtAmt"), decimal.MustParse("12.5000"), decimal.MustParse("12.500"), ""},
		{"too many decimal places", col(dist, "ExtAmt"), decimal.MustParse("12.3456"), nil, "tsoSOLineDist.ExtAmt: 12.3456 has 4 decimal places, the column holds 3"},
		{"too many integer digits", col(dist, "QtyOrd"), decimal.MustParse("123456789"), nil, "too large for decimal(16,8)"},
		{"integer to decimal", col(dist, "QtyOrd"), int64(2), decimal.MustParse("2.00000000"), ""},
		{"string to decimal", col(dist, "ExtAmt"), "3.10", decimal.MustParse("3.100"), ""},
		{"float is not money", col(dist, "ExtAmt"), 3.1, nil, "want a decimal number"},
		{"smallint range", col(dist, "Status"), int64(40000), nil, "out of range for smallint"},
		{"integral decimal to int", col(dist, "Status"), decimal.MustParse("2.0"), int64(2), ""},
		{"date string", col(dist, "ShipDate"), "2026-03-01", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), ""},
		{"nil stays nil", col(addr, "City"), nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := catalog.Coerce(tt.col, tt.in, time.UTC)
			if tt.wantErr != "" {
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
