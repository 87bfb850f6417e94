package sage500

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
	"github.com/pipewright/pipewright/engine/component"
)

// resolver turns the IDs of a document into Sage keys inside the
// transaction. An unknown ID is a permanent error naming it and where it
// appeared; repeated IDs are read once.
type resolver struct {
	ctx  context.Context
	t    *txn
	sql  *orderSQL
	keys map[string]int64
}

// customer is what an order takes from its customer and the customer's
// default ship-to address (tarCustAddr).
type customer struct {
	CustKey, CustClassKey, BillToAddrKey, ShipToAddrKey int64
	CurrID                                              sql.NullString
	ShipMethKey, WhseKey                                sql.NullInt64
}

// item is what an order line takes from its item.
type item struct {
	ItemKey                                int64
	UnitMeasKey, SalesAcctKey, DfltWhseKey sql.NullInt64
	ShortDesc                              sql.NullString
}

func (r *resolver) customer(path, id string) (customer, error) {
	var c customer
	err := r.t.QueryRowContext(r.ctx, r.sql.customer, r.args(id)...).Scan(
		&c.CustKey, &c.CustClassKey, &c.BillToAddrKey, &c.ShipToAddrKey, &c.CurrID, &c.ShipMethKey, &c.WhseKey)
	return c, r.t.lookupErr(err, path, "customer", id)
}

func (r *resolver) item(path, id string) (item, error) {
	var it item
	err := r.t.QueryRowContext(r.ctx, r.sql.item, r.args(id)...).Scan(
		&it.ItemKey, &it.UnitMeasKey, &it.SalesAcctKey, &it.DfltWhseKey, &it.ShortDesc)
	return it, r.t.lookupErr(err, path, "item", id)
}

// key resolves an ID with one of the single-key queries: kind is
// "warehouse", "ship method", "unit of measure" or "GL account".
func (r *resolver) key(kind, path, id string) (int64, error) {
	if k, ok := r.keys[kind+"\x00"+id]; ok {
		return k, nil
	}
	k, err := r.t.keyByID(r.ctx, r.sql.keys[kind], kind, path, id)
	if err != nil {
		return 0, err
	}
	r.keys[kind+"\x00"+id] = k
	return k, nil
}

// optKey resolves id when given, else returns def.
func (r *resolver) optKey(kind, path, id string, def sql.NullInt64) (sql.NullInt64, error) {
	if id == "" {
		return def, nil
	}
	k, err := r.key(kind, path, id)
	return sql.NullInt64{Int64: k, Valid: err == nil}, err
}

func (r *resolver) args(id string) []any {
	return dialect.Args(r.t.c.dialect, r.t.c.cfg.CompanyID, id)
}

// keyByID reads the key of the company's row of the given kind and ID with
// query (parameters: company and ID); path is where the ID appeared.
func (t *txn) keyByID(ctx context.Context, query, kind, path, id string) (int64, error) {
	var k int64
	err := t.QueryRowContext(ctx, query, dialect.Args(t.c.dialect, t.c.cfg.CompanyID, id)...).Scan(&k)
	return k, t.lookupErr(err, path, kind, id)
}

// lookupErr is the error of reading a row by its ID: an unknown ID is a
// permanent error naming it and where it appeared.
func (t *txn) lookupErr(err error, path, kind, id string) error {
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return component.Permanentf("%s: unknown %s %q in company %s", path, kind, id, t.c.cfg.CompanyID)
	case err != nil:
		return fmt.Errorf("looking up %s %q: %w", kind, id, t.c.dialect.Classify(err))
	}
	return nil
}

// accountSQL reads a GL account's key by its number (both sinks post to
// accounts).
const accountSQL = `SELECT {GLAcctKey} FROM {tglAccount} WHERE {CompanyID} = ? AND {GLAcctNo} = ?`

// orderSQL is the statements of the sales-order sink, rendered once for the
// connection's dialect.
type orderSQL struct {
	customer, item string
	keys           map[string]string
	findByKey      string
	tranTypeID     string
	shipped        string
	cancelHeader   string
	cancelLines    string
	cancelDists    string
	setStatus      string
	// staging mode
	byTranNo, lineByNo, readLog, clearLog string
}

func newOrderSQL(d dialect.Dialect, ext, keyField string) *orderSQL {
	r := func(s string) string { return dialect.Render(d, s) }
	return &orderSQL{
		customer: r(`SELECT c.{CustKey}, c.{CustClassKey}, c.{DfltBillToAddrKey}, c.{DfltShipToAddrKey}, a.{CurrID}, a.{ShipMethKey}, a.{WhseKey}
FROM {tarCustomer} c LEFT JOIN {tarCustAddr} a ON a.{AddrKey} = c.{DfltShipToAddrKey} WHERE c.{CompanyID} = ? AND c.{CustID} = ?`),
		item: r(`SELECT i.{ItemKey}, i.{SalesUnitMeasKey}, i.{SalesAcctKey}, i.{DfltWhseKey}, d.{ShortDesc}
FROM {timItem} i LEFT JOIN {timItemDescription} d ON d.{ItemKey} = i.{ItemKey} AND d.{LanguageID} = 1033 WHERE i.{CompanyID} = ? AND i.{ItemID} = ?`),
		keys: map[string]string{
			"warehouse":       r(`SELECT {WhseKey} FROM {timWarehouse} WHERE {CompanyID} = ? AND {WhseID} = ?`),
			"ship method":     r(`SELECT {ShipMethKey} FROM {tciShipMethod} WHERE {CompanyID} = ? AND {ShipMethID} = ?`),
			"unit of measure": r(`SELECT {UnitMeasKey} FROM {tciUnitMeasure} WHERE {CompanyID} = ? AND {UnitMeasID} = ?`),
			"GL account":      r(accountSQL),
		},
		findByKey: r(`SELECT x.{SOKey}, o.{Status}, o.{TranNo} FROM {` + ext + `} x{LOCK} LEFT JOIN {tsoSalesOrder} o ON o.{SOKey} = x.{SOKey}
WHERE x.{` + keyField + `} = ?`),
		tranTypeID: r(`SELECT {TranTypeID} FROM {tciTranTypeCompany} WHERE {CompanyID} = ? AND {TranType} = ?`),
		shipped: r(`SELECT (SELECT COALESCE(SUM(d.{QtyShip}), 0) FROM {tsoSOLine} l JOIN {tsoSOLineDist} d ON d.{SOLineKey} = l.{SOLineKey} WHERE l.{SOKey} = ?),
(SELECT COUNT(*) FROM {tsoShipLine} s JOIN {tsoSOLine} l ON l.{SOLineKey} = s.{SOLineKey} WHERE l.{SOKey} = ?)`),
		cancelHeader: r(`UPDATE {tsoSalesOrder} SET {Status} = ?, {OpenAmt} = 0, {OpenAmtHC} = 0, {CloseDate} = ?, {UpdateDate} = ?, {UpdateUserID} = ?,
{UpdateCounter} = {UpdateCounter} + 1 WHERE {SOKey} = ?`),
		cancelLines: r(`UPDATE {tsoSOLine} SET {Status} = 2, {CloseDate} = ?, {UpdateCounter} = {UpdateCounter} + 1 WHERE {SOKey} = ?`),
		cancelDists: r(`UPDATE {tsoSOLineDist} SET {Status} = 2, {QtyOpenToShip} = 0, {UpdateCounter} = {UpdateCounter} + 1
WHERE {SOLineKey} IN (SELECT {SOLineKey} FROM {tsoSOLine} WHERE {SOKey} = ?)`),
		setStatus: r(`UPDATE {tsoSalesOrder} SET {Status} = ?, {UpdateDate} = ?, {UpdateUserID} = ?, {UpdateCounter} = {UpdateCounter} + 1 WHERE {SOKey} = ?`),
		byTranNo:  r(`SELECT {SOKey} FROM {tsoSalesOrder} WHERE {CompanyID} = ? AND {TranType} = ? AND {TranNo} = ?`),
		lineByNo:  r(`SELECT {SOLineKey} FROM {tsoSOLine} WHERE {SOKey} = ? AND {SOLineNo} = ?`),
		readLog: r(`SELECT {EntityID}, {ColumnID}, {ColumnValue}, CAST({Status} AS varchar(30)) AS {Status}, {Comment} FROM {tdmMigrationLogWrk}
WHERE {SessionKey} = ? ORDER BY CASE WHEN CAST({Status} AS varchar(30)) IN ('1', 'Failure') THEN 0 ELSE 1 END`),
		clearLog: r(`DELETE FROM {tdmMigrationLogWrk} WHERE {SessionKey} = ?`),
	}
}
