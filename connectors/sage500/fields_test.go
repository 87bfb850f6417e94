package sage500_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/connectors/sage500/sage500demo"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// schemaOf lists the extension tables' columns and indexes as the
// database has them.
func schemaOf(t testing.TB, conn *sage500.Connection) string {
	t.Helper()
	query := `SELECT name, sql FROM sqlite_master WHERE (type = 'table' OR type = 'index') AND tbl_name LIKE '%_ext' ORDER BY name`
	if conn.Dialect() == "sqlserver" {
		query = `SELECT TABLE_NAME + '.' + COLUMN_NAME, DATA_TYPE + COALESCE('(' + CAST(CHARACTER_MAXIMUM_LENGTH AS varchar(10)) + ')', '')
FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME LIKE '%[_]ext' UNION ALL SELECT name, type_desc FROM sys.indexes WHERE name LIKE 'ux[_]%' ORDER BY 1`
	}
	rows, err := conn.DB().Query(query)
	require.NoError(t, err)
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var name string
		var ddl sql.NullString
		require.NoError(t, rows.Scan(&name, &ddl))
		fmt.Fprintf(&b, "%s: %s\n", name, ddl.String)
	}
	return b.String()
}

func TestApplyFields_twice_leaves_the_schema_unchanged_the_second_time(t *testing.T) {
	forEachTarget(t, testApplyFields_twice_leaves_the_schema_unchanged_the_second_time)
}

func testApplyFields_twice_leaves_the_schema_unchanged_the_second_time(t *testing.T, tg target) {
	conn := startConn(t, connOptions(t, tg.dsn), componenttest.NewSettings(t, "connection/sage"))
	ctx := context.Background()
	diff, err := conn.DiffFields(ctx)
	require.NoError(t, err)
	assert.Len(t, diff.Changes, 8, "four tables, four unique indexes:\n%s", diff)

	first, err := conn.ApplyFields(ctx)
	require.NoError(t, err)
	assert.Equal(t, diff.Changes, first.Changes)
	before := schemaOf(t, conn)
	assert.Contains(t, before, "ux_tsoSalesOrder_ext_AmazonOrderId")

	second, err := conn.ApplyFields(ctx)
	require.NoError(t, err)
	assert.Empty(t, second.Changes)
	assert.Empty(t, second.Conflicts)
	assert.True(t, second.UpToDate())
	assert.Equal(t, "custom fields are up to date\n", second.String())
	assert.Equal(t, before, schemaOf(t, conn))
}

func TestApplyFields_never_drops_or_narrows(t *testing.T) {
	forEachTarget(t, testApplyFields_never_drops_or_narrows)
}

func testApplyFields_never_drops_or_narrows(t *testing.T, tg target) {
	dsn := tg.dsn
	db := newConn(t, tg).DB()
	_, err := db.Exec(`ALTER TABLE tsoSalesOrder_ext ADD LegacyRef varchar(10)`)
	require.NoError(t, err)
	changed := strings.Replace(connOptions(t, dsn), "{ name: MarketplaceId, type: varchar(20) }",
		"{ name: MarketplaceId, type: varchar(30) }\n    - { name: FulfillmentChannel, type: varchar(10) }", 1)
	changed = strings.Replace(changed, "{ name: AmazonOrderId, type: varchar(19), unique: true }", "{ name: AmazonOrderId, type: varchar(17), unique: true }", 1)
	conn := startConn(t, changed, componenttest.NewSettings(t, "connection/sage"))

	diff, err := conn.ApplyFields(context.Background())
	require.NoError(t, err)
	require.Len(t, diff.Changes, 1)
	ch := diff.Changes[0]
	assert.Equal(t, []string{"sales_order", "tsoSalesOrder_ext", "add column", "FulfillmentChannel"}, []string{ch.Entity, ch.Table, ch.Action, ch.Column})
	if tg.name == "sqlite" {
		assert.Equal(t, `ALTER TABLE "tsoSalesOrder_ext" ADD COLUMN "FulfillmentChannel" varchar(10) CHECK (length("FulfillmentChannel") <= 10)`, ch.SQL)
	}
	require.Len(t, diff.Conflicts, 1, "wider in the database is fine, narrower in the database is a conflict")
	assert.Equal(t, "MarketplaceId", diff.Conflicts[0].Column)
	assert.Contains(t, diff.Conflicts[0].Message, "is varchar(20) in the database but declared varchar(30); the connector never narrows or retypes")
	assert.Equal(t, []string{"tsoSalesOrder_ext.LegacyRef"}, diff.Extra)
	assert.Contains(t, diff.String(), "= tsoSalesOrder_ext.LegacyRef: not declared, kept")

	again, err := conn.DiffFields(context.Background())
	require.NoError(t, err)
	assert.Empty(t, again.Changes)
	assert.Len(t, again.Conflicts, 1, "conflicts are reported, never fixed")
	assert.Equal(t, []string{"tsoSalesOrder_ext.LegacyRef"}, again.Extra, "the undeclared column is kept")
}

func TestDiffFields_opens_the_database_from_a_config(t *testing.T) {
	cfg := sage500demo.ConnectionConfig(demoDB(t))
	cfg.CustomFields = map[string][]sage500.FieldConfig{"item": {{Name: "BulletPoint1", Type: "varchar(255)"}}}
	require.NoError(t, cfg.Validate())
	diff, err := sage500.ApplyFields(context.Background(), cfg)
	require.NoError(t, err)
	assert.Equal(t, "create table", diff.Changes[0].Action)
	diff, err = sage500.DiffFields(context.Background(), cfg)
	require.NoError(t, err)
	assert.True(t, diff.UpToDate())

	cfg.DSN = "sqlite:" + t.TempDir() + "/missing.db"
	_, err = sage500.DiffFields(context.Background(), cfg)
	assert.ErrorContains(t, err, "sage500 database unreachable")
}
