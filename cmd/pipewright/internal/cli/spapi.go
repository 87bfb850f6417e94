package cli

import (
	"flag"
	"os"

	"github.com/pipewright/pipewright/connectors/spapi/settlement"
)

func init() {
	register(&command{
		name:    "spapi",
		summary: "SP-API tools: inspect a settlement report",
		usage:   "settlement FILE",
		help: `
Spapi settlement parses a settlement report file the way the spapi.settlements
source does (tab-separated, by header names: the V2 layout and the older flat
file; ISO, US and German dates; decimal commas; gzip; Cp1252) and prints it as
JSON: settlement_id, currency, total_amount (as in the report), rows_sum,
reconciled, the typed rows, and problems, each with its line number. The exit
status is 0 when the report parses and its rows add up to its total, 1
otherwise: a consultant can check a report a client sends before it reaches
the engine.

Examples:
  pipewright spapi settlement report-2026-11.txt
  pipewright spapi settlement report.txt.gz | jq '.rows_sum, .problems'`,
		run: func(e *env, _ *flag.FlagSet) func([]string) error {
			return func(args []string) error {
				if len(args) != 2 || args[0] != "settlement" {
					return usagef("want: settlement FILE")
				}
				f, err := os.Open(args[1])
				if err != nil {
					return err
				}
				defer f.Close()
				if code := settlement.Inspect(f, e.stdout); code != 0 {
					return errReported
				}
				return nil
			}
		},
	})
}
