package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// runToken creates, lists and revokes API tokens.
func (m *Main) runToken(ctx context.Context, args []string) error {
	usage := "Usage: sanlv token create --role admin|committee|unit [--unit CODE] --name NAME [--db DSN]\n" +
		"       sanlv token list [--db DSN]\n       sanlv token revoke ID [--db DSN]"
	return m.subcommand(ctx, "token", usage, args, map[string]func(context.Context, []string) error{
		"create": m.tokenCreate,
		"list":   m.tokenList,
		"revoke": m.tokenRevoke,
	})
}

// subcommand runs the command of a group (token, adjust, calendar) that args[0] names; without one, or
// with -h, it prints the group's usage.
func (m *Main) subcommand(ctx context.Context, group, usage string, args []string, cmds map[string]func(context.Context, []string) error) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(m.Stderr, usage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	if run, ok := cmds[args[0]]; ok {
		return run(ctx, args[1:])
	}
	fmt.Fprintln(m.Stderr, usage)
	return fmt.Errorf("unknown %s command %q: %w", group, args[0], errUsage)
}

// cliActor names the command line as the actor of its writes.
const cliActor = "sanlv token (command line)"

func (m *Main) tokenCreate(ctx context.Context, args []string) error {
	var role, unit, name, db string
	fs := m.flags("token create", "token create --role admin|committee|unit [--unit CODE] --name NAME [--db DSN]")
	fs.StringVar(&role, "role", "", "admin, committee or unit")
	fs.StringVar(&unit, "unit", "", "the unit code of a unit token")
	fs.StringVar(&name, "name", "", "who holds the token (recorded with every write it makes)")
	fs.StringVar(&db, "db", "", "database: SQLite path or postgres:// DSN (default $SANLV_DB)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if role == "" || strings.TrimSpace(name) == "" {
		return fmt.Errorf("--role and --name are required: %w", errUsage)
	}
	d, err := m.openDB(ctx, db)
	if err != nil {
		return m.fail(err)
	}
	plain, t, err := d.CreateToken(ctx, role, unit, strings.TrimSpace(name), cliActor)
	if err != nil {
		return m.fail(err)
	}
	fmt.Fprintln(m.Stdout, plain)
	who := t.Role
	if t.Unit != "" {
		who += " " + t.Unit
	}
	fmt.Fprintf(m.Stderr, "token %d for %s (%s) created; it is shown once, store it now\n", t.ID, t.Name, who)
	return nil
}

func (m *Main) tokenList(ctx context.Context, args []string) error {
	var db string
	fs := m.flags("token list", "token list [--db DSN]")
	fs.StringVar(&db, "db", "", "database: SQLite path or postgres:// DSN (default $SANLV_DB)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	d, err := m.openExistingDB(ctx, db)
	if err != nil {
		return m.fail(err)
	}
	ts, err := d.Tokens(ctx)
	if err != nil {
		return m.fail(err)
	}
	rows := [][]string{{"id", "role", "unit", "name", "created", "revoked"}}
	for _, t := range ts {
		revoked := ""
		if !t.RevokedAt.IsZero() {
			revoked = t.RevokedAt.Local().Format("2006-01-02 15:04")
		}
		rows = append(rows, []string{strconv.FormatInt(t.ID, 10), t.Role, t.Unit, t.Name, t.CreatedAt.Local().Format("2006-01-02 15:04"), revoked})
	}
	printAligned(m.Stdout, rows)
	return nil
}

func (m *Main) tokenRevoke(ctx context.Context, args []string) error {
	var db string
	var id int64
	fs := m.flags("token revoke", "token revoke ID [--db DSN]")
	fs.Int64Var(&id, "id", 0, "the token's id (see token list)")
	fs.StringVar(&db, "db", "", "database: SQLite path or postgres:// DSN (default $SANLV_DB)")
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") { // token revoke ID, as adjust revoke ID
		n, err := strconv.ParseInt(args[0], 10, 64)
		if err != nil {
			return fmt.Errorf("token id %q: want a number (see token list): %w", args[0], errUsage)
		}
		id, args = n, args[1:]
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if id <= 0 {
		return fmt.Errorf("--id is required: %w", errUsage)
	}
	d, err := m.openExistingDB(ctx, db)
	if err != nil {
		return m.fail(err)
	}
	if err := d.RevokeToken(ctx, id, cliActor); err != nil {
		return m.fail(err)
	}
	fmt.Fprintf(m.Stderr, "token %d revoked (API servers stop accepting it within seconds)\n", id)
	return nil
}
