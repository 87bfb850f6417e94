// Command harness is what `make bench` runs (bench/run.sh builds the
// binaries and calls it; see bench/README.md). For every input size it runs
// the engine and the hand-written floor alternately, round after round
// (and a second engine binary, -base, when given), and prints each one's
// orders/s, CPU-seconds per 100,000 orders and peak resident memory, with
// the paired ratio of CPU per order (and, with -profile, the top of a CPU
// and a heap profile of one more run); it checks that the engine's output
// holds the floor's documents. Then, unless switched off, it compares
// replicated (R3) with single-node (R1) transport on an external cluster,
// and kills the engine with SIGKILL twice during a run to check that
// nothing is lost or repeated, and again with a file sink without a key,
// which may repeat the records of the packs in flight at each kill.
//
// The harness never asks the engine anything while it runs (only the
// keyless kill -9 run, which is not measured, reads the engine's metrics
// at its end): it counts the lines of the output file and reads the
// process's CPU time and peak memory from /proc (Linux) when the last
// order is written.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// options are the harness's flags.
type options struct {
	sizes        []int
	rounds       int
	engine       string
	base         string
	floor        string
	cmp          string
	gen          string
	cluster      string
	project      string
	crashProject string
	// crashKeylessProject is the crash project with a keyless sink.
	crashKeylessProject string
	out                 string
	replicated          int
	crash               int
	profile             string
}

func main() {
	var o options
	sizes := flag.String("sizes", "50000,200000,400000", "input sizes in orders, comma-separated")
	flag.IntVar(&o.rounds, "rounds", 3, "rounds per size: each runs every contender once, in alternating order")
	flag.StringVar(&o.engine, "engine", "bin/pipewright", "the engine binary measured")
	flag.StringVar(&o.base, "base", "", "a second engine binary to pair with -engine (before/after)")
	flag.StringVar(&o.floor, "floor", "bin/bench-floor", "the hand-written floor")
	flag.StringVar(&o.cmp, "cmp", "bin/bench-jsonlcmp", "the output comparison tool")
	flag.StringVar(&o.gen, "gen", "bin/bench-gen", "the input generator")
	flag.StringVar(&o.cluster, "cluster", "bin/bench-natscluster", "the external NATS cluster")
	flag.StringVar(&o.project, "project", "bench/pipeline", "the bench project directory")
	flag.StringVar(&o.crashProject, "crash-project", "bench/crash", "the bench project with a sink that writes each order once")
	flag.StringVar(&o.crashKeylessProject, "crash-keyless-project", "bench/crash-keyless", "the bench project with a file sink without a key")
	flag.StringVar(&o.out, "out", "bench/out", "inputs, outputs and logs")
	flag.IntVar(&o.replicated, "replicated", 50000, "orders for the R3 against R1 comparison (0: skip)")
	flag.IntVar(&o.crash, "crash", 200000, "orders for the kill -9 runs, with a keyed and with a keyless sink (0: skip)")
	flag.StringVar(&o.profile, "profile", "", "after each size, one more engine run (not measured) with CPU and heap profiles written to this directory")
	flag.Parse()
	var err error
	if o.sizes, err = parseSizes(*sizes); err == nil {
		err = o.run()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func parseSizes(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-sizes: %q is not a positive number of orders", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func (o options) run() error {
	var failed []error
	var reports []sizeReport
	for _, n := range o.sizes {
		rep, err := o.measureSize(n)
		if err != nil {
			return err
		}
		rep.print(os.Stdout)
		if o.profile != "" {
			if err := o.profileRun(n); err != nil {
				return err
			}
		}
		failed = append(failed, rep.mismatch...)
		reports = append(reports, rep)
	}
	if len(reports) > 1 {
		printSummary(os.Stdout, reports)
	}
	if o.replicated > 0 {
		if err := o.measureReplicated(o.replicated); err != nil {
			failed = append(failed, err)
		}
	}
	if o.crash > 0 {
		if err := o.crashRun(o.crash); err != nil {
			failed = append(failed, err)
		}
		if err := o.crashKeylessRun(o.crash); err != nil {
			failed = append(failed, err)
		}
	}
	return errors.Join(failed...)
}

// input returns the input of n orders and the floor's output of it (the
// reference), generating them when missing.
func (o options) input(n int) (input, ref string, err error) {
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return "", "", err
	}
	input, err = filepath.Abs(filepath.Join(o.out, fmt.Sprintf("orders-%d.jsonl", n)))
	if err != nil {
		return "", "", err
	}
	ref = filepath.Join(o.out, fmt.Sprintf("floor-%d.jsonl", n))
	if !nonEmpty(input) {
		if err := runQuiet(o.gen, "-n", strconv.Itoa(n), "-seed", "20260101", "-out", input); err != nil {
			return "", "", fmt.Errorf("generating %d orders: %w", n, err)
		}
	}
	if !nonEmpty(ref) {
		if err := runQuiet(o.floor, "-workers", "2", "-in", input, "-out", ref); err != nil {
			return "", "", fmt.Errorf("the floor's output of %d orders: %w", n, err)
		}
	}
	return input, ref, nil
}

// sameDocuments checks with the comparison tool that got holds the
// documents of want, each once.
func (o options) sameDocuments(want, got string) error {
	_, err := o.compare(want, got, 0)
	return err
}

// compare checks with the comparison tool that got holds the documents
// of want, each at least once, and at most repeats lines more; it returns
// the tool's verdict.
func (o options) compare(want, got string, repeats int) (string, error) {
	cmd := exec.Command(o.cmp, "-key", "CustPONo", "-repeats", strconv.Itoa(repeats), want, got)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%s differs from %s: %v\n%s", got, want, err, out)
	}
	return strings.TrimSpace(string(out)), nil
}

func nonEmpty(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Size() > 0
}

func runQuiet(bin string, args ...string) error {
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w\n%s", bin, err, out)
	}
	return nil
}
