package main

import (
	"context"
	"fmt"
	"strings"

	"sanlv/fixtures"
	"sanlv/scoring"
)

// runPolicy checks policy files and keeps the database's policies: save a version, activate it, list them.
func (m *Main) runPolicy(ctx context.Context, args []string) error {
	usage := "Usage: sanlv policy check FILE [--calendars DIR] [--db DSN]   (FILE may also be a shipped policy name)\n" +
		"       sanlv policy save FILE [--activate] [--db DSN] [--actor NAME]\n" +
		"       sanlv policy activate NAME VERSION [--db DSN] [--actor NAME]\n" +
		"       sanlv policy list [--format table|json] [--db DSN]"
	return m.subcommand(ctx, "policy", usage, args, map[string]func(context.Context, []string) error{
		"check":    m.policyCheck,
		"save":     m.policySave,
		"activate": m.policyActivate,
		"list":     m.policyList,
	})
}

// policyCheck parses and validates a policy file and prints what it sets.
func (m *Main) policyCheck(ctx context.Context, args []string) error {
	var calendars, dsn string
	fs := m.flags("policy check", "policy check FILE [--calendars DIR] [--db DSN]")
	fs.StringVar(&calendars, "calendars", "", "directory of calendar YAML files the policy may name besides the shipped ones")
	fs.StringVar(&dsn, "db", "", "check against the calendars stored in this database (sanlv calendar import) besides the shipped ones")
	pos, err := parsePositional(fs, args, 1, "policy check FILE")
	if err != nil {
		return err
	}
	var p *scoring.Policy
	switch {
	case calendars != "" && dsn != "":
		return fmt.Errorf("give --calendars or --db, not both: %w", errUsage)
	case dsn != "":
		db, err := m.openExistingDB(ctx, dsn)
		if err != nil {
			return err
		}
		p, err = fixtures.LoadPolicyWith(pos[0], db.CalendarSource(ctx))
		if err != nil {
			return err
		}
	default:
		if p, err = m.loadPolicy(pos[0], calendars); err != nil {
			return err
		}
	}
	args = []string{"check", pos[0]}
	weights := []string{}
	names := scoring.RateNames()
	for i, w := range p.Weights {
		if w != 0 {
			weights = append(weights, fmt.Sprintf("%s %g", names[i], w))
		}
	}
	fmt.Fprintf(m.Stdout, "%s: ok — %s %s, zone %s, period start day %d, calendars %s, weights [%s], %d thresholds, %d point rules\n",
		args[1], p.Name, p.Version, p.Loc, p.StartDay, strings.Join(p.Calendars, ", "), strings.Join(weights, ", "), len(p.Thresholds), len(p.Rules))
	return nil
}
