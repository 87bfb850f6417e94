package dialect

import (
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/govalues/decimal"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
)

// ColumnInfo is what FromDB needs to know about a result column.
type ColumnInfo struct {
	Name string
	// DatabaseType is the driver's upper-case type name: "DECIMAL" on SQL
	// Server, the declared type such as "DECIMAL(15,3)" on SQLite, "" for an
	// expression on SQLite.
	DatabaseType string
	// Scale is a decimal column's scale, or -1 when unknown.
	Scale int
}

var declaredScale = regexp.MustCompile(`\(\s*\d+\s*,\s*(\d+)\s*\)`)

// Infos describes the columns of a result.
func Infos(rows *sql.Rows) ([]ColumnInfo, error) {
	cts, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	out := make([]ColumnInfo, len(cts))
	for i, ct := range cts {
		info := ColumnInfo{Name: ct.Name(), DatabaseType: strings.ToUpper(ct.DatabaseTypeName()), Scale: -1}
		if _, s, ok := ct.DecimalSize(); ok && s >= 0 && s <= 38 {
			info.Scale = int(s)
		} else if m := declaredScale.FindStringSubmatch(info.DatabaseType); m != nil {
			info.Scale, _ = strconv.Atoi(m[1])
		}
		out[i] = info
	}
	return out, nil
}

// declared describes a column of a declared type.
func declared(name string, t catalog.Type) ColumnInfo {
	info := ColumnInfo{Name: name, DatabaseType: strings.ToUpper(t.String()), Scale: -1}
	if t.Kind == catalog.KindDecimal {
		info.Scale = t.Scale
	}
	return info
}

// IsDecimal reports whether the column holds exact decimals.
func (c ColumnInfo) IsDecimal() bool {
	for _, p := range []string{"DECIMAL", "NUMERIC", "MONEY", "SMALLMONEY"} {
		if strings.HasPrefix(c.DatabaseType, p) {
			return true
		}
	}
	return false
}

// fromDB is FromDB for both dialects. SQLite keeps Sage's decimal columns
// as REAL (up to 15 significant digits, which a float64 holds exactly in its
// shortest form), and so are expressions over them; floatDecimals says that
// such untyped floats are decimals too.
func (b *base) fromDB(v any, col ColumnInfo, floatDecimals bool) (any, error) {
	switch x := v.(type) {
	case nil, bool:
		return x, nil
	case []byte:
		return b.fromDB(string(x), col, floatDecimals)
	case string:
		if strings.HasPrefix(col.DatabaseType, "DATETIME") {
			return b.parseTime(col, x)
		}
		if !col.IsDecimal() {
			return x, nil
		}
		d, err := decimal.Parse(x)
		if err != nil {
			return nil, fmt.Errorf("column %s: %q is not a decimal", col.Name, x)
		}
		return pad(d, col.Scale), nil
	case int64:
		if col.IsDecimal() {
			return pad(decimal.MustNew(x, 0), col.Scale), nil
		}
		return x, nil
	case int32:
		return b.fromDB(int64(x), col, floatDecimals)
	case float64:
		if !col.IsDecimal() && !(floatDecimals && col.DatabaseType == "") {
			return x, nil
		}
		d, err := decimal.NewFromFloat64(x)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", col.Name, err)
		}
		return pad(d, col.Scale), nil
	case time.Time:
		return time.Date(x.Year(), x.Month(), x.Day(), x.Hour(), x.Minute(), x.Second(), x.Nanosecond(), b.loc), nil
	}
	return nil, fmt.Errorf("column %s: unsupported value of type %T", col.Name, v)
}

// parseTime reads a datetime the database returned as text (an expression
// declared datetime in a query's types, on SQLite) as wall clock in loc.
func (b *base) parseTime(col ColumnInfo, s string) (any, error) {
	for _, l := range catalog.TimeLayouts {
		if t, err := time.ParseInLocation(l, s, b.loc); err == nil {
			return t, nil
		}
	}
	return nil, fmt.Errorf("column %s: %q is not a datetime", col.Name, s)
}

// pad gives d the column's scale when it has no more decimal places.
func pad(d decimal.Decimal, scale int) decimal.Decimal {
	if scale < 0 {
		return d
	}
	return d.Round(scale).Pad(scale)
}

func (d *sqlite) FromDB(v any, col ColumnInfo) (any, error) { return d.fromDB(v, col, true) }
func (d *mssql) FromDB(v any, col ColumnInfo) (any, error)  { return d.fromDB(v, col, false) }

// EachRow reads every row of rows as a map from column name to value in the
// message value model and calls fn with it. types declares the types of
// columns the database does not report (may be nil). It closes rows.
func EachRow(d Dialect, rows *sql.Rows, types map[string]catalog.Type, fn func(map[string]any) error) error {
	defer rows.Close()
	infos, err := Infos(rows)
	if err != nil {
		return err
	}
	for i, info := range infos {
		if t, ok := types[info.Name]; ok {
			infos[i] = declared(info.Name, t)
		}
	}
	raw := make([]any, len(infos))
	ptrs := make([]any, len(infos))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return d.Classify(err)
		}
		row := make(map[string]any, len(infos))
		for i, info := range infos {
			v, err := d.FromDB(raw[i], info)
			if err != nil {
				return err
			}
			row[info.Name] = v
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	return d.Classify(rows.Err())
}
