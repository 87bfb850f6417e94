package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// orderFollower counts the different orders (by CustPONo) in the output
// file an engine appends to, reading only what was added since it last
// looked. When the file got shorter (an engine started after a kill cut a
// torn last line) it counts again from the start.
type orderFollower struct {
	path    string
	f       *os.File
	read    int64  // bytes read
	partial []byte // the start of a line not complete yet
	orders  map[string]bool
}

func newOrderFollower(path string) *orderFollower {
	return &orderFollower{path: path, orders: map[string]bool{}}
}

// count returns the different orders in the file so far.
func (fl *orderFollower) count() (int, error) {
	if fl.f == nil {
		f, err := os.Open(fl.path)
		if errors.Is(err, os.ErrNotExist) {
			return 0, nil
		}
		if err != nil {
			return 0, err
		}
		fl.f = f
	}
	st, err := fl.f.Stat()
	if err != nil {
		return 0, err
	}
	if st.Size() < fl.read {
		if _, err := fl.f.Seek(0, io.SeekStart); err != nil {
			return 0, err
		}
		fl.read, fl.partial, fl.orders = 0, nil, map[string]bool{}
	}
	more, err := io.ReadAll(bufio.NewReaderSize(fl.f, 1<<20))
	if err != nil {
		return 0, err
	}
	fl.read += int64(len(more))
	buf := append(fl.partial, more...)
	for {
		i := bytes.IndexByte(buf, '\n')
		if i < 0 {
			break
		}
		var d struct{ CustPONo string }
		if err := json.Unmarshal(buf[:i], &d); err != nil {
			return 0, fmt.Errorf("%s: %w", fl.path, err)
		}
		fl.orders[d.CustPONo] = true
		buf = buf[i+1:]
	}
	fl.partial = bytes.Clone(buf)
	return len(fl.orders), nil
}

func (fl *orderFollower) close() {
	if fl.f != nil {
		_ = fl.f.Close()
	}
}

// freeAddr returns a loopback address with a port free at the moment.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
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
		if strings.HasPrefix(line, `pipewright_stream_backlog{pipeline="orders"} `) {
			return strconv.ParseFloat(strings.TrimSpace(line[strings.LastIndexByte(line, ' ')+1:]), 64)
		}
	}
	return 0, errors.New("no pipewright_stream_backlog of the orders pipeline")
}
