package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"sync"
	"time"
)

// stats records the answers of one route class.
type stats struct {
	// from is when measuring starts: requests sent before (the warm-up) are not counted.
	from   time.Time
	mu     sync.Mutex
	lat    map[string][]time.Duration
	status map[string]map[int]int
}

func newStats() *stats {
	return &stats{lat: map[string][]time.Duration{}, status: map[string]map[int]int{}}
}

func (s *stats) add(class string, status int, d time.Duration) {
	if time.Now().Add(-d).Before(s.from) {
		return
	}
	s.mu.Lock()
	s.lat[class] = append(s.lat[class], d)
	if s.status[class] == nil {
		s.status[class] = map[int]int{}
	}
	s.status[class][status]++
	s.mu.Unlock()
}

// ledger is what the server acknowledged, to be found in the database afterwards.
type ledger struct {
	mu sync.Mutex
	// filed: appeal id → ticket/unit, for every 201.
	filed map[int64]string
	// unknownFilings and unknownDecisions count writes whose outcome the client could not know (5xx, cut off).
	unknownFilings, unknownDecisions int
	// decided: appeal id → decision, for every 200; doubled counts a second 200 for one appeal.
	decided map[int64]string
	doubled int
	// lost409 counts decisions refused because another won.
	conflicts int
	// editions are the numbers acknowledged by 201; published their times.
	editions  []int
	published []time.Time
	// batches are the import batches acknowledged by 201.
	batches []int64
}

// client sends requests with one token.
type client struct {
	http  *http.Client
	base  string
	token string
	st    *stats
}

// do sends a request and records it under class; it returns the status (0 when no answer came) and body.
func (c *client) do(ctx context.Context, class, method, path string, body io.Reader, ctype string) (int, []byte) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+"/api/v1"+path, body)
	if err != nil {
		panic(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	start := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			c.st.add(class, 0, time.Since(start))
		}
		return 0, nil
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		if ctx.Err() == nil { // not cut off by the end of the run
			c.st.add(class, 0, time.Since(start))
		}
		return 0, nil
	}
	c.st.add(class, res.StatusCode, time.Since(start))
	return res.StatusCode, b
}

func (c *client) postJSON(ctx context.Context, class, path string, v any) (int, []byte) {
	b, _ := json.Marshal(v)
	return c.do(ctx, class, "POST", path, bytes.NewReader(b), "application/json")
}

// pause sleeps about d (0.5 d to 1.5 d); it returns false when ctx ends.
func pause(ctx context.Context, r *rand.Rand, d time.Duration) bool {
	t := time.NewTimer(time.Duration(float64(d) * (0.5 + r.Float64())))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// unitClient reads its unit's results, pages its assignments and files appeals on some of them.
func unitClient(ctx context.Context, c *client, code, period string, think time.Duration, l *ledger, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 7))
	var open []string // tickets seen on its pages, not excluded, not yet appealed
	cursor := ""
	for pause(ctx, r, think) {
		x := r.Float64()
		switch {
		case x < 0.25:
			c.do(ctx, "rankings", "GET", "/periods/"+period+"/rankings", nil, "")
		case x < 0.43:
			c.do(ctx, "scorecards", "GET", "/periods/"+period+"/scorecards/"+code, nil, "")
		case x < 0.45:
			c.do(ctx, "scorecards (year)", "GET", "/periods/2025/scorecards/"+code, nil, "")
		case x < 0.60:
			c.do(ctx, "explanations", "GET", "/periods/"+period+"/explanations/"+code, nil, "")
		case x < 0.90 || len(open) == 0:
			q := url.Values{"unit": {code}, "period": {period}, "limit": {"50"}}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			status, b := c.do(ctx, "assignment pages", "GET", "/assignments?"+q.Encode(), nil, "")
			if status != 200 {
				continue
			}
			var page struct {
				Items []struct {
					TicketID string `json:"ticket_id"`
					Excluded bool   `json:"excluded"`
				} `json:"items"`
				Next string `json:"next"`
			}
			if json.Unmarshal(b, &page) != nil {
				continue
			}
			for _, it := range page.Items {
				if !it.Excluded && len(open) < 200 {
					open = append(open, it.TicketID)
				}
			}
			cursor = page.Next
		default:
			i := r.IntN(len(open))
			ticket := open[i]
			open = append(open[:i], open[i+1:]...)
			status, b := c.postJSON(ctx, "appeals", "/appeals", map[string]string{"ticket_id": ticket, "reason": "回访记录有误，申请剔除"})
			switch {
			case status == 201:
				var a struct {
					ID int64 `json:"id"`
				}
				json.Unmarshal(b, &a)
				l.mu.Lock()
				l.filed[a.ID] = ticket + "/" + code
				l.mu.Unlock()
			case status == 0 || status >= 500:
				l.mu.Lock()
				l.unknownFilings++
				l.mu.Unlock()
			}
		}
	}
}

// decider approves (with an exclusion) or rejects one of the three oldest pending appeals, so that
// deciders often decide the same appeal at the same moment.
func decider(ctx context.Context, c *client, think time.Duration, l *ledger, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 11))
	for pause(ctx, r, think/2) {
		status, b := c.do(ctx, "pending lists", "GET", "/appeals?status=pending", nil, "")
		if status != 200 {
			continue
		}
		var list struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		if json.Unmarshal(b, &list) != nil || len(list.Items) == 0 {
			continue
		}
		id := list.Items[r.IntN(min(3, len(list.Items)))].ID
		decision := map[string]any{"decision": "reject", "comment": "证据不足"}
		if r.IntN(2) == 0 {
			decision = map[string]any{"decision": "approve", "comment": "核实属实", "exclude": map[string]string{"reason": "非本单位职责"}}
		}
		status, _ = c.postJSON(ctx, "decisions", "/appeals/"+strconv.FormatInt(id, 10)+"/decision", decision)
		l.mu.Lock()
		switch {
		case status == 200:
			if _, ok := l.decided[id]; ok {
				l.doubled++
			}
			l.decided[id] = decision["decision"].(string)
		case status == 409:
			l.conflicts++
		case status == 0 || status >= 500:
			l.unknownDecisions++
		}
		l.mu.Unlock()
	}
}

// staffReader reads what the office reads: every scorecard, the audit log, pending appeals, now and
// then a what-if and the year-end appraisal.
func staffReader(ctx context.Context, c *client, period string, think time.Duration, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 13))
	for pause(ctx, r, think/2) {
		x := r.Float64()
		switch {
		case x < 0.45:
			c.do(ctx, "staff scorecards", "GET", "/periods/"+period+"/scorecards", nil, "")
		case x < 0.70:
			c.do(ctx, "staff audit", "GET", "/audit?limit=50", nil, "")
		case x < 0.93:
			c.do(ctx, "pending lists", "GET", "/appeals?status=pending", nil, "")
		case x < 0.98:
			c.do(ctx, "staff what-if", "GET", "/periods/"+period+"/whatif?policy_b="+url.QueryEscape("12345热线达标基数考核(县级示例)"), nil, "")
		default:
			c.do(ctx, "staff annual", "GET", "/years/2025/annual", nil, "")
		}
	}
}

// importer uploads the correction file again and again, a share of its rows changed each time.
func importer(ctx context.Context, c *client, corr *correction, every time.Duration, l *ledger) {
	for i := 0; ; i++ {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", fmt.Sprintf("correction-%d.csv", i))
		fw.Write(corr.next())
		mw.Close()
		status, b := c.do(ctx, "imports", "POST", "/imports/tickets", &buf, mw.FormDataContentType())
		if status == 201 {
			var res struct {
				BatchID int64 `json:"batch_id"`
			}
			json.Unmarshal(b, &res)
			l.mu.Lock()
			l.batches = append(l.batches, res.BatchID)
			l.mu.Unlock()
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// publisher publishes the period again and again.
func publisher(ctx context.Context, c *client, period string, every time.Duration, l *ledger) {
	for {
		status, b := c.do(ctx, "publish", "POST", "/periods/"+period+"/editions", nil, "")
		if status == 201 {
			var e struct {
				Number int `json:"number"`
			}
			json.Unmarshal(b, &e)
			l.mu.Lock()
			l.editions = append(l.editions, e.Number)
			l.published = append(l.published, time.Now())
			l.mu.Unlock()
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// quantile returns the q-quantile of sorted durations.
func quantile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d[min(len(d)-1, int(q*float64(len(d))))]
}

// report prints requests per second, p50 and p99 per class and answers by status; it returns the
// number of 5xx answers and of answers that never came.
func (s *stats) report(w io.Writer, elapsed time.Duration) (fivexx, none int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var classes []string
	total := 0
	for k, v := range s.lat {
		classes = append(classes, k)
		total += len(v)
	}
	sort.Strings(classes)
	fmt.Fprintf(w, "%-20s %8s %8s %10s %10s  %s\n", "class", "requests", "req/s", "p50", "p99", "statuses")
	for _, k := range classes {
		d := append([]time.Duration(nil), s.lat[k]...)
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		var codes []int
		for code := range s.status[k] {
			codes = append(codes, code)
		}
		sort.Ints(codes)
		st := ""
		for _, code := range codes {
			n := s.status[k][code]
			st += fmt.Sprintf("%d×%d ", code, n)
			if code >= 500 {
				fivexx += n
			}
			if code == 0 {
				none += n
			}
		}
		fmt.Fprintf(w, "%-20s %8d %8.1f %10s %10s  %s\n", k, len(d), float64(len(d))/elapsed.Seconds(),
			quantile(d, 0.5).Round(100*time.Microsecond), quantile(d, 0.99).Round(100*time.Microsecond), st)
	}
	fmt.Fprintf(w, "%-20s %8d %8.1f\n", "all", total, float64(total)/elapsed.Seconds())
	return fivexx, none
}
