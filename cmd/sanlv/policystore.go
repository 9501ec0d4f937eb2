package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"

	"sanlv/fixtures"
	"sanlv/store"
)

// policySave stores a policy file (or a shipped policy) as a version of its name, and activates it
// when asked; the same content saved again changes nothing.
func (m *Main) policySave(ctx context.Context, args []string) error {
	var dsn, actor string
	var activate bool
	fs := m.flags("policy save", "policy save FILE [--activate] [--db DSN] [--actor NAME]")
	fs.BoolVar(&activate, "activate", false, "make the saved version the active one of its name")
	dbFlags(fs, &dsn, &actor)
	pos, err := parsePositional(fs, args, 1, "policy save FILE")
	if err != nil {
		return err
	}
	data, err := policySource(pos[0])
	if err != nil {
		return err
	}
	db, err := m.openDB(ctx, dsn)
	if err != nil {
		return err
	}
	who := m.actorOf(actor)
	rec, err := db.SavePolicy(ctx, data, who)
	if err != nil {
		return m.fail(fmt.Errorf("%s: %w", pos[0], err))
	}
	if rec.Created {
		fmt.Fprintf(m.Stderr, "policy %s %s stored (id %d)\n", rec.Name, rec.Version, rec.ID)
	} else {
		fmt.Fprintf(m.Stderr, "policy %s %s is already stored with this content (id %d); nothing stored\n", rec.Name, rec.Version, rec.ID)
	}
	if activate {
		return m.activate(ctx, db, rec.Name, rec.Version, who)
	}
	if !rec.Active {
		fmt.Fprintf(m.Stderr, "it is not the active version: sanlv policy activate %s %s\n", quoteArg(rec.Name), quoteArg(rec.Version))
	}
	return nil
}

// policySource reads a policy file, or the YAML of the shipped policy ref names.
func policySource(ref string) ([]byte, error) {
	data, err := os.ReadFile(ref)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return data, err
	}
	if shipped, e := fs.ReadFile(fixtures.Files(), path.Join("policies", ref+".yaml")); e == nil {
		return shipped, nil
	}
	return nil, fmt.Errorf("%w (shipped policies: %s)", err, strings.Join(fixtures.PolicyNames(), ", "))
}

// policyActivate makes a stored version the active one of its name.
func (m *Main) policyActivate(ctx context.Context, args []string) error {
	var dsn, actor string
	fs := m.flags("policy activate", "policy activate NAME VERSION [--db DSN] [--actor NAME]")
	dbFlags(fs, &dsn, &actor)
	pos, err := parsePositional(fs, args, 2, "policy activate NAME VERSION")
	if err != nil {
		return err
	}
	db, err := m.openExistingDB(ctx, dsn)
	if err != nil {
		return err
	}
	return m.activate(ctx, db, pos[0], pos[1], m.actorOf(actor))
}

// activate activates a stored version and says which version of the name it replaced.
func (m *Main) activate(ctx context.Context, db *store.DB, name, version, actor string) error {
	before, err := db.Policies(ctx)
	if err != nil {
		return m.fail(err)
	}
	rec, err := db.ActivatePolicy(ctx, name, version, actor)
	if err != nil {
		return m.fail(err)
	}
	for _, p := range before {
		if p.Name == name && p.Active && p.Version != version {
			fmt.Fprintf(m.Stderr, "policy %s %s is now active (was %s)\n", rec.Name, rec.Version, p.Version)
			return nil
		}
	}
	fmt.Fprintf(m.Stderr, "policy %s %s is now active\n", rec.Name, rec.Version)
	return nil
}

// policyList prints the stored policy versions.
func (m *Main) policyList(ctx context.Context, args []string) error {
	fs := m.flags("policy list", "policy list [--format table|json] [--db DSN]")
	list, err := listing(ctx, m, fs, args, func(db *store.DB) ([]store.PolicyRecord, error) { return db.Policies(ctx) },
		[]string{"编号", "名称", "版本", "状态", "保存人", "保存时间", "启用时间"},
		func(p store.PolicyRecord) []string {
			state, activated := "", ""
			if p.Active {
				state = "启用中"
			}
			if !p.ActivatedAt.IsZero() {
				activated = p.ActivatedAt.Local().Format("2006-01-02 15:04")
			}
			return []string{strconv.FormatInt(p.ID, 10), p.Name, p.Version, state, p.CreatedBy, p.CreatedAt.Local().Format("2006-01-02 15:04"), activated}
		})
	if err == nil && len(list) == 0 {
		fmt.Fprintln(m.Stderr, "no policy is stored: sanlv policy save FILE --activate")
	}
	return err
}

// quoteArg quotes a command-line argument that is empty or holds spaces, so that it can be pasted.
func quoteArg(s string) string {
	if s == "" || strings.ContainsAny(s, " \t　") {
		return strconv.Quote(s)
	}
	return s
}
