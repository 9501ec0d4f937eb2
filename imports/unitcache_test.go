package imports

import (
	"fmt"
	"testing"

	"sanlv/scoring"
)

func TestUnitCacheFindsEachUnitByCodeAndName(t *testing.T) {
	var units []scoring.Unit
	for i := range 600 {
		units = append(units, scoring.Unit{Code: fmt.Sprintf("S%03d", i), Name: fmt.Sprintf("第%d街道办事处（城关片区）", i), Group: "street"})
	}
	dir, err := scoring.NewDirectory(units)
	if err != nil {
		t.Fatal(err)
	}
	p := &rowParser{dir: dir}
	for round := range 3 {
		for i, u := range units {
			for _, key := range []string{u.Code, u.Name} {
				got, ok := p.unit([]byte(key))
				if !ok || got != int32(i) {
					t.Fatalf("round %d: unit(%q) = %d, %v; want %d", round, key, got, ok, i)
				}
			}
		}
		for _, key := range []string{"", "S600", "S0001", "s001", "第1街道"} {
			if got, ok := p.unit([]byte(key)); ok {
				t.Errorf("round %d: unit(%q) = %d, want not found", round, key, got)
			}
		}
	}
}
