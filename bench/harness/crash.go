package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// kills is how many times the crash run kills the engine.
const kills = 2

// crashRun runs n orders through an engine that is killed with SIGKILL
// after a third and after two thirds of the orders were written, and
// started again on the same data directory each time; the output must
// then hold the floor's documents, each once. The file sink writes each
// order's key once, as a sink must to repeat nothing after a crash: orders
// written but not yet acknowledged when the engine died are delivered
// again. It runs the crash project (bench/crash): the bench workload with
// that sink.
func (o options) crashRun(n int) error {
	input, ref, err := o.input(n)
	if err != nil {
		return err
	}
	fmt.Printf("== kill -9: %s orders, the engine killed %d times during the run\n", thousands(float64(n)), kills)
	s := engineSpec{bin: o.engine, project: o.crashProject, input: input, orders: n,
		data: filepath.Join(o.out, "run-crash"),
		log:  filepath.Join(o.out, fmt.Sprintf("crash-%d.log", n))}
	if err := os.RemoveAll(s.data); err != nil {
		return err
	}
	_ = os.Remove(s.log)
	for k := 1; k <= kills; k++ {
		p, err := startEngine(s)
		if err != nil {
			return err
		}
		at := n * k / (kills + 1)
		if _, _, err := p.waitLines(at, runTimeout(n)); err != nil {
			_ = p.kill()
			return fmt.Errorf("kill -9 run: %w", err)
		}
		if err := p.kill(); err != nil {
			return err
		}
		fmt.Printf("killed (SIGKILL) with %s or more orders written; starting again\n", thousands(float64(at)))
	}
	p, err := startEngine(s)
	if err != nil {
		return err
	}
	if _, _, err := p.waitLines(n, runTimeout(n)); err != nil {
		_ = p.kill()
		return fmt.Errorf("kill -9 run: %w", err)
	}
	if err := p.stop(); err != nil {
		return err
	}
	if err := o.sameDocuments(ref, s.output()); err != nil {
		fmt.Println("  OUTPUT DIFFERS:", err)
		return fmt.Errorf("kill -9 run: %w", err)
	}
	_ = os.RemoveAll(s.data)
	fmt.Println("  output: the floor's documents, each once: nothing lost, nothing repeated")
	return nil
}
