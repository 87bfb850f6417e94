package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"
)

// contender is one program measured at a size.
type contender struct {
	name string
	run  func() (result, error)
	out  string // its output file, checked against the floor's ("" for the floor)
}

// sizeReport is what one size measured: every contender's runs, in
// rounds, and output checks that failed.
type sizeReport struct {
	orders   int
	rounds   int
	names    []string
	runs     map[string][]result
	mismatch []error
}

// measureSize runs every contender once a round, rotating who goes first,
// so that a machine getting busier or quieter weighs on all of them alike.
// The engines' outputs of the first round are checked against the floor's.
func (o options) measureSize(n int) (sizeReport, error) {
	input, ref, err := o.input(n)
	if err != nil {
		return sizeReport{}, err
	}
	cs := []contender{o.engineContender("pipewright", o.engine, input, n, nil)}
	if o.base != "" {
		cs = append(cs, o.engineContender("base", o.base, input, n, nil))
	}
	scratch := filepath.Join(o.out, "floor-run.jsonl")
	cs = append(cs, contender{name: "floor", run: func() (result, error) {
		return runFloor(o.floor, input, scratch, n)
	}})
	defer os.Remove(scratch)
	rep := sizeReport{orders: n, rounds: o.rounds, runs: map[string][]result{}}
	for _, c := range cs {
		rep.names = append(rep.names, c.name)
	}
	fmt.Printf("== %s orders: %s of %v in alternating order\n", thousands(float64(n)), rounds(o.rounds), rep.names)
	for r := range o.rounds {
		for i := range cs {
			c := cs[(i+r)%len(cs)]
			res, err := c.run()
			if err != nil {
				return sizeReport{}, fmt.Errorf("%s, %d orders, round %d: %w", c.name, n, r+1, err)
			}
			rep.runs[c.name] = append(rep.runs[c.name], res)
			if r == 0 && c.out != "" {
				if err := o.sameDocuments(ref, c.out); err != nil {
					rep.mismatch = append(rep.mismatch, fmt.Errorf("%s, %d orders: %w", c.name, n, err))
				}
			}
		}
	}
	for _, c := range cs {
		if c.out != "" {
			_ = os.RemoveAll(filepath.Dir(c.out))
		}
	}
	return rep, nil
}

// engineContender runs bin on the bench project with input.
func (o options) engineContender(name, bin, input string, n int, env []string) contender {
	s := engineSpec{bin: bin, project: o.project, input: input, orders: n,
		data: filepath.Join(o.out, "run-"+name),
		log:  filepath.Join(o.out, fmt.Sprintf("%s-%d.log", name, n)), env: env}
	return contender{name: name, out: s.output(), run: func() (result, error) { return runEngine(s, 0) }}
}

func (rep sizeReport) cpu(name string) []float64 {
	return column(rep.runs[name], func(r result) float64 { return r.cpu.Seconds() })
}

// medians is a contender's row: the medians of its orders/s, CPU-seconds
// per 100k orders and peak RSS, and of its paired CPU ratio to the floor,
// tab-separated.
func (rep sizeReport) medians(name string) string {
	rs := rep.runs[name]
	ratio := "-"
	if name != "floor" {
		ratio = fmt.Sprintf("%.2f", median(ratios(rep.cpu(name), rep.cpu("floor"))))
	}
	return fmt.Sprintf("%s\t%.2f\t%.0f\t%s\t", thousands(median(column(rs, result.ordersPerSecond))),
		median(column(rs, result.cpuPer100k)), mib(median(column(rs, peakRSS))), ratio)
}

func peakRSS(r result) float64 { return float64(r.peakRSS) }

func (rep sizeReport) print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "median of the rounds\torders/s\tCPU-s/100k\tpeak RSS MB\tCPU/floor\t")
	for _, name := range rep.names {
		fmt.Fprintf(tw, "%s\t%s\n", name, rep.medians(name))
	}
	_ = tw.Flush()
	floor := rep.cpu("floor")
	for _, name := range rep.names {
		rs := rep.runs[name]
		fmt.Fprintf(w, "  %s runs: orders/s %v; CPU-s/100k %s; peak RSS MB %s\n", name,
			intList(column(rs, result.ordersPerSecond)), list(column(rs, result.cpuPer100k)),
			intList(column(rs, func(r result) float64 { return mib(peakRSS(r)) })))
	}
	fmt.Fprintf(w, "  paired CPU ratio to the floor, by round: %s\n", list(ratios(rep.cpu("pipewright"), floor)))
	if _, ok := rep.runs["base"]; ok {
		cpu := ratios(rep.cpu("pipewright"), rep.cpu("base"))
		ops := ratios(column(rep.runs["pipewright"], result.ordersPerSecond), column(rep.runs["base"], result.ordersPerSecond))
		fmt.Fprintf(w, "  pipewright against base, paired: CPU per order x%.2f (%s), orders/s x%.2f (%s)\n",
			median(cpu), list(cpu), median(ops), list(ops))
	}
	if len(rep.mismatch) == 0 {
		fmt.Fprintln(w, "  output (round 1): every engine's holds the floor's documents, each once")
	}
	for _, err := range rep.mismatch {
		fmt.Fprintln(w, "  OUTPUT DIFFERS:", err)
	}
}

// printSummary prints the medians of every size in one table.
func printSummary(w io.Writer, reps []sizeReport) {
	fmt.Fprintln(w, "== summary (medians)")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "orders\tprogram\torders/s\tCPU-s/100k\tpeak RSS MB\tCPU/floor\t")
	for _, rep := range reps {
		for _, name := range rep.names {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", thousands(float64(rep.orders)), name, rep.medians(name))
		}
	}
	_ = tw.Flush()
}

func intList(xs []float64) string {
	s := ""
	for i, x := range xs {
		if i > 0 {
			s += " "
		}
		s += thousands(x)
	}
	return s
}
