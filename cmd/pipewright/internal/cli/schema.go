package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/pipewright/pipewright/cmd/pipewright/internal/scaffold"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/schemas"
)

func init() {
	register(&command{
		name:    "schema",
		summary: "print or write JSON Schemas (the directory format and the canonical model)",
		usage:   "[NAME] | -write DIR",
		help: `
Schema prints one of pipewright's JSON Schemas (Draft 2020-12), or lists
them without NAME. -write DIR writes all of them into DIR (created if
missing): project.v1.json, pipeline.v1.json, mapping.v1.json, test.v1.json
and canonical/*.json.

The schemas of the directory format are the ones editors and CI validators
need: the project and pipeline schemas include the options of every
component type this binary knows, each is self-contained, and wherever a
file may write a value as an interpolation (${env:NAME}, ${env:NAME:-default},
${file:path}) the schema accepts one while still checking a literal value.
Each keeps a stable $id, https://pipewright.dev/schemas/NAME.json.

Editors that use yaml-language-server (VS Code's YAML extension, Neovim,
IntelliJ) pick a schema up from a modeline at the top of a file, relative
to the file:

  # yaml-language-server: $schema=.pipewright/schemas/pipeline.v1.json

'pipewright init' writes the schemas to .pipewright/schemas and the
modelines into every file; run -write again after upgrading pipewright.

Examples:
  pipewright schema
  pipewright schema pipeline > pipeline.schema.json
  pipewright schema canonical/sales-order.v1
  pipewright schema -write .pipewright/schemas`,
		run: func(e *env, fs *flag.FlagSet) func([]string) error {
			write := fs.String("write", "", "write every schema into `DIR`")
			return func(args []string) error {
				if *write != "" {
					if len(args) > 0 {
						return usagef("-write takes no schema names")
					}
					return writeSchemas(*write)
				}
				switch len(args) {
				case 0:
					fmt.Fprintln(e.stdout, strings.Join(schemas.Names(), "\n"))
					return nil
				case 1:
				default:
					return usagef("want at most one schema name")
				}
				all, err := config.EditorSchemas(newRegistry(e.stdout))
				if err != nil {
					return err
				}
				name := strings.TrimSuffix(args[0], ".json")
				data, ok := all[name+".json"]
				if !ok {
					data, ok = all[name+".v1.json"]
				}
				if !ok {
					return usagef("unknown schema %q (known: %s)", args[0], strings.Join(schemas.Names(), ", "))
				}
				_, err = e.stdout.Write(data)
				return err
			}
		},
	})
}

// writeSchemas writes every editor schema into dir.
func writeSchemas(dir string) error {
	all, err := config.EditorSchemas(newRegistry(io.Discard)) // only the components' schemas are read
	if err != nil {
		return err
	}
	return scaffold.WriteFiles(dir, all)
}
