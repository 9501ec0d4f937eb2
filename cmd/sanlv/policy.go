package main

import (
	"context"
	"fmt"
	"strings"

	"sanlv/scoring"
)

func (m *Main) runPolicy(ctx context.Context, args []string) error {
	if len(args) != 2 || args[0] != "check" {
		fmt.Fprintln(m.Stderr, "Usage: sanlv policy check FILE   (FILE may also be a shipped policy name)")
		if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errUsage
	}
	p, err := m.loadPolicy(args[1], "")
	if err != nil {
		return err
	}
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
