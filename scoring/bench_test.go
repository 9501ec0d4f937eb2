package scoring_test

import (
	"fmt"
	"math/rand/v2"
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
