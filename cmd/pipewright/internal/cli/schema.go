package cli

import (
	"flag"
	"fmt"
	"strings"

	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/registry"
	"github.com/pipewright/pipewright/schemas"
)

// composed are the schemas printed with the binary's component options.
var composed = map[string]func(*registry.Registry) ([]byte, error){
	"pipeline": config.PipelineSchema,
	"project":  config.ProjectSchema,
}

func init() {
	register(&command{
		name:    "schema",
		summary: "print a JSON Schema (the directory format or the canonical model)",
		usage:   "[NAME]",
		help: `
Schema prints one of pipewright's JSON Schemas, or lists them without NAME.
The pipeline schema printed here includes the options of every component
type this binary knows, so an editor can complete and check them.

Editors that use yaml-language-server (VS Code's YAML extension, Neovim,
IntelliJ) pick a schema up from a modeline at the top of a file:

  # yaml-language-server: $schema=../../schemas/pipeline.v1.json

Examples:
  pipewright schema
  pipewright schema pipeline.v1 > schemas/pipeline.v1.json
  pipewright schema canonical/sales-order.v1`,
		run: func(e *env, fs *flag.FlagSet) func([]string) error {
			return func(args []string) error {
				switch len(args) {
				case 0:
					fmt.Fprintln(e.stdout, strings.Join(schemas.Names(), "\n"))
					return nil
				case 1:
				default:
					return usagef("want at most one schema name")
				}
				name := strings.TrimSuffix(args[0], ".json")
				if compose, ok := composed[strings.TrimSuffix(name, ".v1")]; ok {
					out, err := compose(newRegistry())
					if err != nil {
						return err
					}
					fmt.Fprintln(e.stdout, string(out))
					return nil
				}
				data, ok := schemas.Get(name)
				if !ok {
					data, ok = schemas.Get(name + ".v1")
				}
				if !ok {
					return usagef("unknown schema %q (known: %s)", args[0], strings.Join(schemas.Names(), ", "))
				}
				fmt.Fprint(e.stdout, string(data))
				return nil
			}
		},
	})
}
