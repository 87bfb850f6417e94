package cli

import (
	"flag"
	"fmt"
	"regexp"
	"runtime/debug"

	"github.com/pipewright/pipewright/cmd/pipewright/internal/scaffold"
	"github.com/pipewright/pipewright/engine/config"
)

func init() {
	register(&command{
		name:    "init",
		summary: "create a client directory (the reference or a minimal template)",
		usage:   "DIR",
		help: `
Init creates a client directory from the reference directory (every flow:
orders, shipments, inventory, prices, catalog, settlements, reconcile) or,
with -template minimal, from its orders flow alone. DIR must not exist or
be empty. The directory gets:

  - the pipelines, mappings, tables and tests, named -name (default: DIR's
    name), with modelines that point at .pipewright/schemas, where the JSON
    Schemas are written ('pipewright schema -write' renews them);
  - README.md for the client;
  - CI for GitHub Actions (.github/workflows/pipewright.yml) and GitLab CI
    (.gitlab-ci.yml): they install this pipewright version with go install,
    validate (also with deploy/production.env) and test, with annotations or
    a JUnit report;
  - deploy/production.env, the production settings without secrets.

It is safe for production as created: the SP-API simulator is off and the
demo warehouse is left out. -demo keeps both, as 'make run' has them; the
engine still refuses to run the demo warehouse on a SQL Server connection.

Examples:
  pipewright init acme && cd acme && pipewright validate . && pipewright test .
  pipewright init -template minimal -name acme-eu clients/acme-eu
  pipewright init -demo demo`,
		run: func(e *env, fs *flag.FlagSet) func([]string) error {
			tmpl := fs.String("template", "reference", "`template`: reference (every flow) or minimal (the orders flow)")
			demo := fs.Bool("demo", false, "keep the SP-API simulator on and the demo warehouse in")
			name := fs.String("name", "", "project `name` (default: the directory's name)")
			return func(args []string) error {
				if len(args) != 1 {
					return usagef("want one directory")
				}
				dir := args[0]
				if *name == "" {
					n, err := scaffold.ProjectName(dir)
					if err != nil {
						return usagef("%v", err)
					}
					*name = n
				}
				schemas, err := config.EditorSchemas(newRegistry(e.stdout))
				if err != nil {
					return err
				}
				opts := scaffold.Options{Template: *tmpl, Demo: *demo, Name: *name, Version: installVersion(), Schemas: schemas}
				if err := scaffold.Create(dir, opts); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "created %s (project %s, %s template", dir, *name, *tmpl)
				if *demo {
					fmt.Fprint(e.stdout, ", with the demo")
				}
				fmt.Fprintf(e.stdout, ")\nnext: cd %s && pipewright validate . && pipewright test .\n", dir)
				return nil
			}
		},
	})
}

var releaseVersion = regexp.MustCompile(`^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`)

// installVersion is the version CI files install: this binary's release
// version, or latest for a development build.
func installVersion() string {
	if releaseVersion.MatchString(version) {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && releaseVersion.MatchString(bi.Main.Version) {
		return bi.Main.Version
	}
	return "latest"
}
