package main

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"sanlv/store"
)

// runCalendar imports and lists the working-day calendars policies may name (SPEC §4).
func (m *Main) runCalendar(ctx context.Context, args []string) error {
	usage := "Usage: sanlv calendar import FILE.yaml [--replace] [--db DSN]\n       sanlv calendar list [--format table|json] [--db DSN]"
	return m.subcommand(ctx, "calendar", usage, args, map[string]func(context.Context, []string) error{
		"import": m.calendarImport,
		"list":   m.calendarList,
	})
}

func (m *Main) calendarImport(ctx context.Context, args []string) error {
	var dsn, actor string
	var replace bool
	fs := m.flags("calendar import", "calendar import FILE.yaml [--replace] [--db DSN]")
	fs.BoolVar(&replace, "replace", false, "replace a stored calendar, or override a shipped one, of the same name")
	dbFlags(fs, &dsn, &actor)
	pos, err := parsePositional(fs, args, 1, "calendar import FILE.yaml")
	if err != nil {
		return err
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	db, err := m.openDB(ctx, dsn)
	if err != nil {
		return err
	}
	rec, changed, err := db.ImportCalendar(ctx, pos[0], data, replace, m.actorOf(actor))
	if err != nil {
		return m.fail(err)
	}
	switch {
	case !changed:
		fmt.Fprintf(m.Stderr, "calendar %s (%d) is already stored with this content; nothing changed\n", rec.Name, rec.Year)
	case rec.Replaces:
		fmt.Fprintf(m.Stderr, "calendar %s (%d) stored; it overrides the shipped calendar of that name\n", rec.Name, rec.Year)
	default:
		fmt.Fprintf(m.Stderr, "calendar %s (%d) stored; policies may name it\n", rec.Name, rec.Year)
	}
	return nil
}

func (m *Main) calendarList(ctx context.Context, args []string) error {
	fs := m.flags("calendar list", "calendar list [--format table|json] [--db DSN]")
	origins := map[string]string{"shipped": "内置", "stored": "导入", "replaced": "导入(替换内置)"}
	_, err := listing(ctx, m, fs, args, func(db *store.DB) ([]store.CalendarInfo, error) { return db.Calendars(ctx) },
		[]string{"名称", "年份", "来源", "节假日", "调休上班", "导入人", "导入时间"},
		func(c store.CalendarInfo) []string {
			at := ""
			if !c.ImportedAt.IsZero() {
				at = c.ImportedAt.Local().Format("2006-01-02 15:04")
			}
			return []string{c.Name, strconv.Itoa(c.Year), origins[c.Origin], strconv.Itoa(c.Holidays), strconv.Itoa(c.Workdays), c.ImportedBy, at}
		})
	return err
}
