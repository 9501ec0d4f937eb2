package store_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"sanlv/store"
	"sanlv/synth"
)

func TestExpLoad(t *testing.T) {
	cfg := synth.Config{Units: 400, Assignments: 200000, Seed: 1, Year: 2025}
	var u bytes.Buffer
	synth.WriteUnits(&u, synth.Units(cfg))
	db, err := store.Open(context.Background(), os.Getenv("EXP_DSN"))
	if err != nil {
		t.Fatal(err)
	}
	db.ImportUnits(context.Background(), "u", &u, store.ImportOptions{})
	f, _ := os.Open("/tmp/bench/t.csv")
	res, err := db.ImportTickets(context.Background(), "t", f, store.ImportOptions{})
	t.Log(res, err)
}
