package cli

import (
	"flag"
	"os"

	"github.com/pipewright/pipewright/connectors/spapi/settlement"
)

func init() {
	register(&command{
		name:    "spapi",
		summary: "SP-API tools: inspect a settlement report, set up notification subscriptions, rotate the LWA client secret",
		usage:   "settlement FILE | subscriptions [-apply] [-json] DIR | rotate-secret [-connection NAME] DIR",
		help: `
Spapi settlement parses a settlement report file the way the spapi.settlements
source does (tab-separated, by header names: the V2 layout and the older flat
file; ISO, US and German dates; decimal commas; gzip; Cp1252) and prints it as
JSON: settlement_id, currency, total_amount (as in the report), rows_sum,
reconciled, the typed rows, and problems, each with its line number. The exit
status is 0 when the report parses and its rows add up to its total, 1
otherwise: a consultant can check a report a client sends before it reaches
the engine.

` + subscriptionsHelp + `

Spapi rotate-secret DIR rotates the LWA client secret of every spapi
connection of the directory that has credentials.rotation (or only the one
-connection names): it calls rotateApplicationClientSecret, receives the new
secret from the queue registered in the developer console and writes it to
credentials.rotation.secret_file (atomically, mode 0600). It prints no secret.
A running engine on the same machine picks the new file up within
credentials.rotation.check_every and shares it with the other engines; the
old secret keeps working until the expiry Amazon announced (7 days). Engines
rotate on their own on the schedule; the command is for a rotation now.

Examples:
  pipewright spapi settlement report-2026-11.txt
  pipewright spapi settlement report.txt.gz | jq '.rows_sum, .problems'
  pipewright spapi subscriptions pipelines/sage500-amazon
  pipewright spapi subscriptions -apply pipelines/sage500-amazon
  pipewright spapi subscriptions -json pipelines/sage500-amazon | jq '.[].subscriptions[] | select(.state != "exists")'
  pipewright spapi rotate-secret pipelines/sage500-amazon
  pipewright spapi rotate-secret -connection amazon pipelines/sage500-amazon`,
		run: func(e *env, fs *flag.FlagSet) func([]string) error {
			apply := fs.Bool("apply", false, "subscriptions: create the missing destinations and subscriptions")
			asJSON := fs.Bool("json", false, "subscriptions: print the result as JSON")
			connection := fs.String("connection", "", "rotate-secret: only this spapi connection")
			return func(args []string) error {
				switch {
				case len(args) == 2 && args[0] == "settlement":
					return inspectSettlement(e, args[1])
				case len(args) == 2 && args[0] == "subscriptions":
					return subscriptions(e, args[1], *apply, *asJSON)
				case len(args) == 2 && args[0] == "rotate-secret":
					return rotateSecret(e, args[1], *connection)
				}
				return usagef("want: settlement FILE, subscriptions [-apply] [-json] DIR, or rotate-secret [-connection NAME] DIR")
			}
		},
	})
}

func inspectSettlement(e *env, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if code := settlement.Inspect(f, e.stdout); code != 0 {
		return errReported
	}
	return nil
}
