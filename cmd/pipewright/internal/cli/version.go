package cli

import (
	"flag"
	"fmt"
	"runtime/debug"
	"strings"
)

// Stamped by `make build` with -ldflags "-X ...cli.version=... -X ...cli.commit=...";
// empty in a plain `go build`, where the build information is read instead.
var (
	version string
	commit  string
)

// BuildVersion describes the binary: the module version and VCS commit,
// from the values `make build` stamps or else from the build information
// (`go install module@version` records the version; a build inside a git
// checkout records the commit unless -buildvcs=false).
func BuildVersion() string {
	v, c, dirty, goVersion := version, commit, false, ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		if v == "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && c == "":
				c = s.Value
			case s.Key == "vcs.modified" && commit == "":
				dirty = s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	if c == "" {
		c = "unknown"
	}
	if base, ok := strings.CutSuffix(c, "-dirty"); ok {
		c, dirty = base, true
	}
	if len(c) > 12 {
		c = c[:12]
	}
	if dirty {
		c += "-dirty"
	}
	return fmt.Sprintf("pipewright %s (commit %s, %s)", v, c, goVersion)
}

func init() {
	register(&command{
		name:    "version",
		summary: "print the version and commit",
		help: `
Version prints the module version, the VCS commit and the Go version the
binary was built with. 'make build' stamps the version (git describe) and
the commit; 'go install github.com/pipewright/pipewright/cmd/pipewright@v1.2.3'
records the module version. 'pipewright --version' prints the same line.

Examples:
  pipewright version
  pipewright --version`,
		run: func(e *env, _ *flag.FlagSet) func([]string) error {
			return func(args []string) error {
				if len(args) > 0 {
					return usagef("version takes no arguments")
				}
				fmt.Fprintln(e.stdout, BuildVersion())
				return nil
			}
		},
	})
}
