package cli

import (
	"flag"
	"fmt"
	"runtime/debug"
)

func init() {
	register(&command{
		name:    "version",
		summary: "print the version",
		help: `
Version prints the module version and the Go version the binary was built with.

Examples:
  pipewright version`,
		run: func(e *env, _ *flag.FlagSet) func([]string) error {
			return func([]string) error {
				v, goVersion := "(devel)", ""
				if bi, ok := debug.ReadBuildInfo(); ok {
					v, goVersion = bi.Main.Version, bi.GoVersion
				}
				fmt.Fprintf(e.stdout, "pipewright %s %s\n", v, goVersion)
				return nil
			}
		},
	})
}
