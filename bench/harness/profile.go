package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// profileSlice is the length of each CPU profile taken during a profiled
// run, in seconds: the profiles are taken back to back and merged, and the
// run's last slice (cut short when the engine stops) is lost.
const profileSlice = 5

// profileRun runs the engine once more on n orders with its pprof listener
// on (server.pprof, through BENCH_PPROF), not counted in the figures (the
// profiler costs CPU): it takes CPU profiles back to back for the whole
// run and the heap when half the orders are written, writes them to
// o.profile, merged, and prints the CPU profile's top functions.
func (o options) profileRun(n int) error {
	input, _, err := o.input(n)
	if err != nil {
		return err
	}
	addr, err := freePort()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.profile, 0o755); err != nil {
		return err
	}
	s := engineSpec{bin: o.engine, project: o.project, input: input, orders: n,
		data: filepath.Join(o.out, "run-profile"), log: filepath.Join(o.out, fmt.Sprintf("profile-%d.log", n)),
		env: []string{"BENCH_PPROF=" + addr}}
	_ = os.RemoveAll(s.data)
	defer os.RemoveAll(s.data)
	p, err := startEngine(s)
	if err != nil {
		return err
	}
	base := "http://" + addr + "/debug/pprof/"
	var slices []string
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			path := filepath.Join(o.profile, fmt.Sprintf("cpu-%d.%02d.pprof", n, i))
			if fetch(fmt.Sprintf("%sprofile?seconds=%d", base, profileSlice), path) != nil {
				_ = os.Remove(path)
				select {
				case <-p.done:
					return
				default:
					if i > 0 { // the listener is up: a failure now is the end of the run
						return
					}
					i = -1 // not up yet: try again
					time.Sleep(pollEvery)
					continue
				}
			}
			slices = append(slices, path)
		}
	}()
	heap := filepath.Join(o.profile, fmt.Sprintf("heap-%d.pprof", n))
	_, _, err = p.waitLines(n/2, runTimeout(n))
	if err == nil {
		err = fetch(base+"heap", heap)
	}
	if err == nil {
		_, _, err = p.waitLines(n, runTimeout(n))
	}
	stopErr := p.stop()
	wg.Wait()
	if err = errors.Join(err, stopErr); err != nil {
		return fmt.Errorf("profiled run of %d orders: %w", n, err)
	}
	return o.mergeProfiles(n, slices, heap)
}

// mergeProfiles merges the CPU slices into cpu-N.pprof and prints the top
// of it and of the heap profile (go tool pprof).
func (o options) mergeProfiles(n int, slices []string, heap string) error {
	if len(slices) == 0 {
		return fmt.Errorf("profiled run of %d orders: no CPU profile was taken", n)
	}
	cpu := filepath.Join(o.profile, fmt.Sprintf("cpu-%d.pprof", n))
	merged, err := exec.Command("go", append([]string{"tool", "pprof", "-proto"}, slices...)...).Output()
	if err != nil {
		return fmt.Errorf("merging CPU profiles: %w", err)
	}
	if err := os.WriteFile(cpu, merged, 0o644); err != nil {
		return err
	}
	for _, sl := range slices {
		_ = os.Remove(sl)
	}
	fmt.Printf("== profile of a %s-order run (not measured): %s, %s\n", thousands(float64(n)), cpu, heap)
	for _, args := range [][]string{{"-top", "-nodecount=25", cpu}, {"-top", "-cum", "-nodecount=25", cpu}, {"-top", "-nodecount=15", heap}} {
		out, err := exec.Command("go", append([]string{"tool", "pprof"}, args...)...).Output()
		if err != nil {
			return fmt.Errorf("go tool pprof %s: %w", strings.Join(args, " "), err)
		}
		fmt.Print(indent(string(out)))
	}
	return nil
}

// fetch saves url's body to path.
func fetch(url, path string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// freePort is a loopback address with a port free now.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ") + "\n"
}
