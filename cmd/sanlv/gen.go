package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"sanlv/synth"
)

func (m *Main) runGen(ctx context.Context, args []string) error {
	var cfg synth.Config
	var out string
	fs := m.flags("gen", "gen --units 400 --assignments 1000000 --seed 1 --year 2025 --out DIR [--mixed] [--second-edition]")
	fs.IntVar(&cfg.Units, "units", 60, "number of units")
	fs.IntVar(&cfg.Assignments, "assignments", 10000, "number of assignment rows")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed: the same seed gives the same files")
	fs.IntVar(&cfg.Year, "year", 2025, "year the tickets are received in")
	fs.BoolVar(&cfg.Mixed, "mixed", true, "mix Chinese and English spellings and datetime layouts, as real exports do (false: canonical English)")
	fs.BoolVar(&cfg.SecondEdition, "second-edition", false, "add the SPEC §13.1 columns (acceptance, returns, repeats, extensions, channels, two hotlines)")
	fs.StringVar(&out, "out", "", "output directory (units.csv and tickets.csv are written there)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if out == "" || cfg.Units < 2 || cfg.Assignments < 0 {
		return fmt.Errorf("--out is required, --units ≥ 2: %w", errUsage)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	write := func(name string, fn func(f *os.File) error) error {
		f, err := os.Create(filepath.Join(out, name))
		if err != nil {
			return err
		}
		if err := fn(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	if err := write("units.csv", func(f *os.File) error { return synth.WriteUnits(f, synth.Units(cfg)) }); err != nil {
		return err
	}
	if err := write("tickets.csv", func(f *os.File) error { return synth.WriteTickets(f, cfg) }); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "wrote %s and %s (%d units, %d assignments, seed %d)\n",
		filepath.Join(out, "units.csv"), filepath.Join(out, "tickets.csv"), cfg.Units, cfg.Assignments, cfg.Seed)
	return nil
}
