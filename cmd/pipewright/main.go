// Command pipewright validates, tests and runs pipeline directories that keep
// Amazon Seller Central and Sage 500 in sync. See README.md.
package main

import (
	"os"

	_ "time/tzdata" // time zones work on machines without a zoneinfo database

	"github.com/pipewright/pipewright/cmd/pipewright/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
