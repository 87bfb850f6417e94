package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// orderFollower counts the different orders (by CustPONo) in the output
// file an engine appends to, reading only what was added since it last
// looked.
type orderFollower struct {
	*follower
	partial []byte // the start of a line not complete yet
	orders  map[string]bool
}

func newOrderFollower(path string) *orderFollower {
	return &orderFollower{follower: newFollower(path), orders: map[string]bool{}}
}

// count returns the different orders in the file so far.
func (fl *orderFollower) count() (int, error) {
	err := fl.follow(func() { fl.partial, fl.orders = nil, map[string]bool{} }, func(b []byte) error {
		for len(b) > 0 {
			i := bytes.IndexByte(b, '\n')
			if i < 0 {
				fl.partial = append(fl.partial, b...)
				return nil
			}
			line := b[:i]
			if len(fl.partial) > 0 {
				line = append(fl.partial, line...)
				fl.partial = fl.partial[:0]
			}
			var d struct{ CustPONo string }
			if err := json.Unmarshal(line, &d); err != nil {
				return fmt.Errorf("%s: %w", fl.path, err)
			}
			fl.orders[d.CustPONo] = true
			b = b[i+1:]
		}
		return nil
	})
	return len(fl.orders), err
}

// streamBacklog reads the bench pipeline's pipewright_stream_backlog (the
// stream messages its consumer has not settled) from the engine's
// metrics on addr.
func streamBacklog(addr string) (float64, error) {
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get("http://" + addr + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(body)) {
		if v, ok := strings.CutPrefix(line, `pipewright_stream_backlog{pipeline="orders"} `); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	return 0, errors.New("no pipewright_stream_backlog of the orders pipeline")
}
