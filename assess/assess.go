// Package assess runs each operation of a centre's assessment once — score, explain, annual,
// what-if, bulletin, detail export, publish — over the database or a pair of files, so that the
// command line and the API are thin adapters over one path.
package assess

import (
	"context"

	"sanlv/scoring"
	"sanlv/store"
)

// StoredPolicy returns the stored policy name at version; with no version the name's active
// version, else its newest; with no name the active policy.
func StoredPolicy(ctx context.Context, db *store.DB, name, version string) (*scoring.Policy, error) {
	if name == "" {
		return db.ActivePolicy(ctx)
	}
	if version == "" {
		recs, err := db.Policies(ctx)
		if err != nil {
			return nil, err
		}
		newest := ""
		for _, r := range recs { // by name, then age
			if r.Name == name {
				newest = r.Version
				if r.Active {
					version = r.Version
				}
			}
		}
		if version == "" {
			version = newest
		}
		if version == "" {
			return nil, scoring.Errorf(scoring.NotFound, "policy %s not found", name)
		}
	}
	p, _, err := db.Policy(ctx, name, version)
	if err != nil && scoring.ErrorCode(err) == scoring.NotFound {
		return nil, scoring.Errorf(scoring.NotFound, "policy %s has no version %s", name, version)
	}
	return p, err
}

// Pick decides where a period's scorecards come from: edition n when one is asked for, else, when
// no policy is named, the period's latest edition; 0 means scored now (under the named policy, or
// the active one). latest returns a period's latest edition number (0: none).
func Pick(ctx context.Context, period string, edition int, policyNamed bool, latest func(context.Context, string) (int, error)) (int, error) {
	if edition > 0 || policyNamed {
		return edition, nil
	}
	return latest(ctx, period)
}

// EditionPolicy returns the stored policy an edition was published under.
func EditionPolicy(ctx context.Context, db *store.DB, e *store.Edition) (*scoring.Policy, error) {
	p, _, err := db.Policy(ctx, e.PolicyName, e.PolicyVersion)
	if err != nil && scoring.ErrorCode(err) == scoring.NotFound {
		return nil, scoring.Errorf(scoring.Conflict, "edition %d of %s was published under policy %s %s, which is not stored: save it to print the bulletin",
			e.Number, e.Period, e.PolicyName, e.PolicyVersion)
	}
	return p, err
}
