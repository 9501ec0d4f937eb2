package scoring_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"sanlv/fixtures"
	"sanlv/scoring"
)

// BenchmarkBookAdd measures the engine on already-parsed rows: the district policy, twelve monthly periods of 2025, 400 units.
func BenchmarkBookAdd(b *testing.B) {
	p, err := fixtures.Policy("district-2025")
	if err != nil {
		b.Fatal(err)
	}
	us := make([]scoring.Unit, 400)
	for i := range us {
		us[i] = scoring.Unit{Code: fmt.Sprintf("U%03d", i), Group: []string{"street", "department", "enterprise"}[i%3], Population: 50000}
	}
	d, _ := scoring.NewDirectory(us)
	periods, _ := p.AnnualPeriods("2025")
	r := rand.New(rand.NewPCG(3, 4))
	rows := make([]scoring.Assignment, 1<<12)
	for i := range rows {
		a := good(fmt.Sprint(i), int32(r.IntN(400)))
		shift := int64(r.IntN(300)) * 86400
		a.Received += shift - 270*86400
		a.Dispatched += shift - 270*86400
		a.ContactAt += shift - 270*86400
		a.Closed += shift - 270*86400 + int64(r.IntN(10*86400))
		a.Urgency = scoring.Urgency(r.IntN(4))
		a.Role = scoring.Role(r.IntN(10) / 9)
		a.Resolution = scoring.Resolution(r.IntN(4))
		a.Satisfaction = scoring.Satisfaction(r.IntN(6))
		a.CallbackValid = r.IntN(10) > 0
		a.Redispatches = int32(r.IntN(20) / 19)
		rows[i] = a
	}
	book, _ := scoring.NewBook(p, d, periods)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := book.Add(&rows[i&(len(rows)-1)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds()/1e6, "M_assignments/s")
}

// BenchmarkBookAddSecondEdition measures a second-edition policy with repeat detection by window
// (caller phone and category), overdue-open rows, acceptance and returns; Finish is included, and
// the heap the book holds before Finish is reported per row, with the memory it maps outside the heap.
func BenchmarkBookAddSecondEdition(b *testing.B) {
	src := `name: bench
version: "1"
period: {start_day: 19}
calendar: [cn-2024, cn-2025, cn-2026]
roles: {lead: 1, co: 0.5}
response: {mode: callback}
deadlines: {limits: {emergency: 2h, priority: 24h, normal: 7wd, complex: 15wd}}
acceptance: {limits: {emergency: 1h, priority: 2h, normal: 24h, complex: 24h}}
on_time: {count_open_overdue: true}
duplicates: {window: 30d, same: [caller_phone, category]}
items: [{label: 按时办结, rate: on_time, max: 10, linear: {zero: 0.6, full: 0.95}}]
ticket_points: [{label: 双否, when: {callback_valid: true, resolved: [unresolved, partial], satisfied: false}, points: -1}, {label: 签收超时, when: {accepted_late: true}, points: -0.5}]
`
	p, err := scoring.ParsePolicy([]byte(src), fixtures.Calendar)
	if err != nil {
		b.Fatal(err)
	}
	us := make([]scoring.Unit, 400)
	for i := range us {
		us[i] = scoring.Unit{Code: fmt.Sprintf("U%03d", i), Group: []string{"street", "department", "enterprise"}[i%3], Population: 50000}
	}
	d, _ := scoring.NewDirectory(us)
	periods, _ := p.AnnualPeriods("2025")
	r := rand.New(rand.NewPCG(3, 4))
	rows := make([]scoring.Assignment, 1<<16)
	cats := []string{"市政设施/道路/坑洼", "住房/物业管理/电梯故障", "环境保护/噪声/施工噪音", "园林绿化/树木修剪/遮挡采光"}
	for i := range rows {
		a := good(fmt.Sprintf("2025%010d", i), int32(r.IntN(400)))
		shift := int64(r.IntN(300))*86400 - 270*86400
		a.Received += shift
		a.Dispatched += shift
		a.ContactAt += shift
		a.Accepted = a.Dispatched + int64(r.IntN(30*3600))
		a.Closed += shift + int64(r.IntN(10*86400))
		if r.IntN(20) == 0 {
			a.Closed = 0
		}
		if r.IntN(50) == 0 {
			a.Return, a.Returned = scoring.ReturnApproved, a.Dispatched+3600
		}
		a.Urgency = scoring.Urgency(r.IntN(4))
		a.Role = scoring.Role(r.IntN(10) / 9)
		a.Resolution = scoring.Resolution(r.IntN(4))
		a.Satisfaction = scoring.Satisfaction(r.IntN(6))
		a.CallbackValid = r.IntN(10) > 0
		a.CallerPhone = fmt.Sprintf("139%08d", r.IntN(300)) // about one row in ten repeats an earlier call
		a.Category = cats[r.IntN(len(cats))]
		rows[i] = a
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	book, _ := scoring.NewBook(p, d, periods)
	for i := 0; i < b.N; i++ {
		a := rows[i&(len(rows)-1)]
		a.Received += int64(i>>16) * 40 * 86400 // each pass over the rows calls 40 days later
		if err := book.Add(&a); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.StartTimer()
	if err := book.Finish(); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	var done runtime.MemStats
	runtime.ReadMemStats(&done)
	b.ReportMetric(float64(done.Sys)/1e6, "sys_after_finish_MB")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds()/1e6, "M_assignments/s")
	b.ReportMetric(float64(int64(after.HeapInuse)-int64(before.HeapInuse))/float64(b.N), "heap_B/row")
	b.ReportMetric(float64(after.Sys)/1e6, "sys_MB")
}
