package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// publishedReads publishes the period once, then has n clients (unit tokens, no pause) read its
// published rankings and their own scorecards for c.duration after c.warmup, as units' browsers
// would (accepting gzip): from this process, a separate one from the server. Readers use raw keep-alive connections
// with prepared requests, as wrk does, so that the load generator takes little of the machine.
func publishedReads(ctx context.Context, c config, w *world, srv *server, n int) (bool, error) {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConns: n, MaxIdleConnsPerHost: n}, Timeout: 10 * time.Second}
	st := newStats()
	mk := func(tok string) *client { return &client{http: hc, base: srv.base, token: tok, st: st} }
	if status, b := mk(w.admin).do(ctx, "publish", "POST", "/periods/"+c.period+"/editions", nil, ""); status != 201 {
		return false, fmt.Errorf("publish %s: status %d: %s", c.period, status, b)
	}
	st = newStats()
	st.from = time.Now().Add(c.warmup)
	rctx, cancel := context.WithTimeout(ctx, c.warmup+c.duration)
	defer cancel()
	load0 := loadAvg()
	u, err := url.Parse(srv.base)
	if err != nil {
		return false, err
	}
	var wg sync.WaitGroup
	for i := range n {
		code := w.unitCodes[i%len(w.unitCodes)]
		get := func(path string) []byte {
			return []byte("GET /api/v1" + path + " HTTP/1.1\r\nHost: " + u.Host + "\r\nAccept-Encoding: gzip, deflate, br\r\nAuthorization: Bearer " + w.unitTokens[code] + "\r\n\r\n")
		}
		reqs := [2][]byte{get("/periods/" + c.period + "/rankings"), get("/periods/" + c.period + "/scorecards/" + code)}
		classes := [2]string{"published rankings", "published scorecard"}
		wg.Go(func() {
			conn, err := dialRaw(u.Host)
			if err != nil {
				st.add(classes[0], 0, 0)
				return
			}
			defer conn.Close()
			go func() { <-rctx.Done(); conn.Close() }()
			for k := 0; rctx.Err() == nil; k++ {
				start := time.Now()
				status, err := conn.do(reqs[k%2])
				if err != nil {
					if rctx.Err() == nil {
						st.add(classes[k%2], 0, time.Since(start))
					}
					return
				}
				st.add(classes[k%2], status, time.Since(start))
			}
		})
	}
	samples := sampleLoad(rctx)
	wg.Wait()
	fmt.Printf("\npublished reads on %s: %d clients without pause, %s measured after %s\n", c.db, n, c.duration, c.warmup)
	fivexx, none := st.report(os.Stdout, c.duration)
	fmt.Printf("machine: %d CPUs, load average before %s, during %s\n", runtime.NumCPU(), load0, <-samples)
	if fivexx > 0 || none > 0 {
		// A reader whose connection failed stops: it is counted once as no answer.
		fmt.Printf("FAIL: %d answers were 5xx, %d got no answer\n", fivexx, none)
		return false, nil
	}
	return true, nil
}

// rawConn is a keep-alive HTTP/1.1 connection that sends prepared requests and reads answers with a
// Content-Length, as every answer of the API has.
type rawConn struct {
	net.Conn
	r *bufio.Reader
}

func dialRaw(addr string) (*rawConn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &rawConn{Conn: c, r: bufio.NewReaderSize(c, 64<<10)}, nil
}

// do sends one request and reads its answer; it returns the status code.
func (c *rawConn) do(req []byte) (int, error) {
	if _, err := c.Write(req); err != nil {
		return 0, err
	}
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	f := bytes.Fields(line)
	if len(f) < 2 {
		return 0, fmt.Errorf("status line %q", bytes.TrimSpace(line))
	}
	status, err := strconv.Atoi(string(f[1]))
	if err != nil {
		return 0, fmt.Errorf("status line %q", bytes.TrimSpace(line))
	}
	n := -1
	for {
		h, err := c.r.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		if len(h) <= 2 {
			break
		}
		if k, v, ok := bytes.Cut(h, []byte(":")); ok && bytes.EqualFold(k, []byte("Content-Length")) {
			if n, err = strconv.Atoi(string(bytes.TrimSpace(v))); err != nil {
				return 0, err
			}
		}
	}
	if n < 0 {
		return 0, fmt.Errorf("answer without Content-Length")
	}
	_, err = c.r.Discard(n)
	return status, err
}
