// Package cli implements the pipewright command: one file per subcommand,
// errors printed once, exit codes 0 (success), 1 (invalid input, failing
// tests, failed run), 2 (usage) and 3 (a plan with changes to make).
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
	// ExitPending: a plan has changes to make and nothing is wrong (spapi
	// subscriptions without -apply).
	ExitPending = 3
)

// errReported means the command already printed what went wrong.
var errReported = errors.New("reported")

// exitCode ends a command with a code other than ExitFailure, after it
// printed what it found.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// usageError is a command-line mistake: it is printed with the usage.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// env is what a command runs with.
type env struct {
	stdout, stderr io.Writer
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	// usage is the argument synopsis, e.g. "DIR...".
	usage string
	// help is the long help; it ends with examples.
	help string
	// run declares the command's flags on fs and returns the function that
	// runs the command with the positional arguments.
	run func(e *env, fs *flag.FlagSet) func(args []string) error
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// Main runs the command line args and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr}
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		fmt.Fprintln(stdout, BuildVersion())
		return ExitOK
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				fs := flag.NewFlagSet("pipewright "+c.name, flag.ContinueOnError)
				c.run(e, fs) // declares the flags
				printHelp(stdout, c, fs)
				return ExitOK
			}
		}
		printOverview(stdout)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "pipewright: unknown command %q\n", args[0])
		printOverview(stderr)
		return ExitUsage
	}
	fs := flag.NewFlagSet("pipewright "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	run := c.run(e, fs)
	positional, err := parseInterspersed(fs, args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printHelp(stdout, c, fs)
			return ExitOK
		}
		fmt.Fprintf(stderr, "pipewright %s: %v\n", c.name, err)
		printUsage(stderr, c, fs)
		return ExitUsage
	}
	err = run(positional)
	var ue usageError
	var code exitCode
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &code):
		return int(code)
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "pipewright %s: %s\n", c.name, ue.msg)
		printUsage(stderr, c, fs)
		return ExitUsage
	case errors.Is(err, errReported):
		return ExitFailure
	}
	fmt.Fprintf(stderr, "pipewright %s: %v\n", c.name, err)
	return ExitFailure
}

func printOverview(w io.Writer) {
	fmt.Fprintln(w, "pipewright keeps Amazon Seller Central and Sage 500 in sync, driven by a directory of YAML pipelines.")
	fmt.Fprintln(w, "\nUsage: pipewright COMMAND [flags] [args]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'pipewright help COMMAND' for details.")
}

func printUsage(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: pipewright %s [flags] %s\n", c.name, c.usage)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// printHelp prints a command's long help; fs holds its declared flags.
func printHelp(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "%s\n\n", c.summary)
	printUsage(w, c, fs)
	fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.help))
}

// parseInterspersed parses flags wherever they appear among the positional
// arguments ("dlq list -pipeline x DIR" and "dlq -pipeline x list DIR" are
// the same); "--" ends flag parsing.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if len(args) > 0 && len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}
