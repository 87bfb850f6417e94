package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"sort"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/connectors/sage500/sage500demo"
)

func init() {
	register(&command{
		name:    "sage500",
		summary: "Sage 500 tools: create the demo database, check or create custom fields",
		usage:   "demo-db PATH | fields [-apply] DIR",
		help: `
Sage500 demo-db PATH creates a SQLite database with the Sage 500 table subset
the flows use (sales orders, customers and addresses, items and inventory,
ship methods, shipments, GL accounts and journals, key and number tables,
staging tables), with Sage's column names and widths, seeded with the demo
company, channel customers, items, stock in two warehouses, ship methods and
a chart of accounts. It refuses to overwrite an existing file.

Sage500 fields DIR shows, for every sage500 connection of a pipeline
directory, the difference between the custom fields it declares and the
database: tables and columns to create ("+"), conflicts ("!") that would
need a column dropped, narrowed or retyped, and extra columns ("="). With
-apply it creates what is missing. It never drops or narrows anything, and
running it twice changes nothing the second time. The exit status is 1 when
there are conflicts, or (without -apply) changes to make.

Examples:
  pipewright sage500 demo-db data/sage500-demo.db
  pipewright sage500 fields pipelines/sage500-amazon
  pipewright sage500 fields -apply pipelines/sage500-amazon`,
		run: func(e *env, fs *flag.FlagSet) func([]string) error {
			apply := fs.Bool("apply", false, "fields: create missing extension tables, columns and unique indexes")
			return func(args []string) error {
				switch {
				case len(args) == 2 && args[0] == "demo-db":
					return createDemoDB(e, args[1])
				case len(args) == 2 && args[0] == "fields":
					return customFields(e, args[1], *apply)
				}
				return usagef("want: demo-db PATH, or fields [-apply] DIR")
			}
		},
	})
}

func createDemoDB(e *env, path string) error {
	err := sage500demo.CreateDB(context.Background(), path)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists: remove it first to create a fresh demo database", path)
	}
	if err == nil {
		err = seedMCFOrders(path)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "created the Sage 500 demo database %s (with %d web store orders for Amazon Multi-Channel Fulfillment)\n", path, sage500demo.MCFOrders)
	return nil
}

// seedMCFOrders adds the demo's web store orders that Amazon fulfils.
func seedMCFOrders(path string) error {
	db, err := sage500demo.OpenDB(path)
	if err != nil {
		return err
	}
	err = sage500demo.SeedMCFOrders(context.Background(), db)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

func customFields(e *env, dir string, apply bool) error {
	p, err := e.loadProject(dir)
	if err != nil {
		printLoadError(e, err)
		return errReported
	}
	var names []string
	for name, c := range p.Connections {
		if c.Type == "sage500" {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return fmt.Errorf("%s has no sage500 connection", dir)
	}
	sort.Strings(names)
	failed := false
	for _, name := range names {
		cfg := p.Connections[name].Config.(*sage500.ConnectionConfig)
		do := sage500.DiffFields
		if apply {
			do = sage500.ApplyFields
		}
		diff, err := do(context.Background(), cfg)
		if err != nil {
			return fmt.Errorf("connection %s: %w", name, err)
		}
		fmt.Fprintf(e.stdout, "connection %s:\n", name)
		switch {
		case diff.UpToDate():
			fmt.Fprintln(e.stdout, "  custom fields are up to date")
		default:
			fmt.Fprint(e.stdout, diff.String())
		}
		failed = failed || len(diff.Conflicts) > 0 || (!apply && len(diff.Changes) > 0)
	}
	if failed {
		return errReported
	}
	return nil
}
