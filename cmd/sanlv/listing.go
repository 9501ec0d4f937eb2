package main

import (
	"context"
	"flag"
	"fmt"

	"sanlv/store"
)

// listing runs a list command: it parses args with fs (the command's own flags, plus --format and
// --db added here), reads the list from the existing database, and writes it as JSON (an empty list
// as []) or as an aligned table of header and one row per item.
func listing[T any](ctx context.Context, m *Main, fs *flag.FlagSet, args []string, read func(*store.DB) ([]T, error), header []string, row func(T) []string) ([]T, error) {
	var dsn, format string
	fs.StringVar(&format, "format", "table", "output: table or json")
	dbFlags(fs, &dsn, nil)
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	if format != "table" && format != "json" {
		return nil, fmt.Errorf("--format must be table or json: %w", errUsage)
	}
	db, err := m.openExistingDB(ctx, dsn)
	if err != nil {
		return nil, err
	}
	list, err := read(db)
	if err != nil {
		return nil, m.fail(err)
	}
	if format == "json" {
		if list == nil {
			list = []T{}
		}
		return list, writeJSON(m.Stdout, list)
	}
	rows := [][]string{header}
	for _, x := range list {
		rows = append(rows, row(x))
	}
	printAligned(m.Stdout, rows)
	return list, nil
}
