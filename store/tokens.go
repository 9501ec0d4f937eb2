package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"sanlv/scoring"
)

// Roles of SPEC §12.
const (
	RoleAdmin     = "admin"
	RoleCommittee = "committee"
	RoleUnit      = "unit"
)

// tokenPrefix starts every plaintext token, so that a leaked one is recognisable.
const tokenPrefix = "sanlv_"

// Token is an API token; only the SHA-256 of its plaintext is stored.
type Token struct {
	bun.BaseModel `bun:"table:api_tokens"`

	ID   int64  `bun:"id,pk,autoincrement" json:"id"`
	Name string `bun:"name" json:"name"`
	Role string `bun:"role" json:"role"`
	// Unit is the unit code of a unit token, "" otherwise.
	Unit      string    `bun:"unit,nullzero" json:"unit,omitempty"`
	Hash      []byte    `bun:"hash" json:"-"`
	CreatedBy string    `bun:"created_by" json:"created_by"`
	CreatedAt time.Time `bun:"created_at" json:"created_at"`
	RevokedAt time.Time `bun:"revoked_at,nullzero" json:"revoked_at,omitzero"`
}

func tokenHash(plaintext string) []byte {
	h := sha256.Sum256([]byte(plaintext))
	return h[:]
}

// CreateToken creates a token for a role (and the unit of a unit token) and returns its plaintext,
// which is shown once and never stored.
func (db *DB) CreateToken(ctx context.Context, role, unit, name, actor string) (string, Token, error) {
	switch role {
	case RoleAdmin, RoleCommittee:
		if unit != "" {
			return "", Token{}, invalid("token: role %s takes no unit", role)
		}
	case RoleUnit:
		if unit == "" {
			return "", Token{}, invalid("token: role unit needs a unit code")
		}
	default:
		return "", Token{}, invalid("token: unknown role %q (admin, committee, unit)", role)
	}
	var secret [32]byte
	if _, err := rand.Read(secret[:]); err != nil {
		return "", Token{}, err
	}
	plain := tokenPrefix + base64.RawURLEncoding.EncodeToString(secret[:])
	t := Token{Name: name, Role: role, Unit: unit, Hash: tokenHash(plain), CreatedBy: actor, CreatedAt: db.now().UTC()}
	err := db.inTx(ctx, func(tx bun.Tx) error {
		if unit != "" {
			ok, err := tx.NewSelect().Table("units").Where("code = ?", unit).Exists(ctx)
			if err != nil {
				return dbError(err, "find unit")
			}
			if !ok {
				return notFound("token: unit %s not found", unit)
			}
		}
		if _, err := tx.NewInsert().Model(&t).Returning("id").Exec(ctx); err != nil {
			return dbError(err, "store token")
		}
		return db.audit(ctx, tx, AuditEntry{Actor: actor, Entity: EntityToken, Key: strconv.FormatInt(t.ID, 10),
			Action: ActionTokenCreate, After: mustJSON(t)})
	})
	if err != nil {
		return "", Token{}, err
	}
	return plain, t, nil
}

// TokenByPlaintext finds the live token with the plaintext; an unknown or revoked token is Unauthorized.
func (db *DB) TokenByPlaintext(ctx context.Context, plaintext string) (Token, error) {
	var t Token
	if !strings.HasPrefix(plaintext, tokenPrefix) {
		return t, scoring.Errorf(scoring.Unauthorized, "unknown token")
	}
	err := db.bun.NewSelect().Model(&t).Where("hash = ?", tokenHash(plaintext)).Where("revoked_at IS NULL").Scan(ctx)
	if err != nil {
		if noRows(err) {
			return t, scoring.Errorf(scoring.Unauthorized, "unknown or revoked token")
		}
		return t, dbError(err, "find token")
	}
	return t, nil
}

// RevokeToken revokes a token.
func (db *DB) RevokeToken(ctx context.Context, id int64, actor string) error {
	return db.inTx(ctx, func(tx bun.Tx) error {
		var t Token
		if err := tx.NewSelect().Model(&t).Where("id = ?", id).Scan(ctx); err != nil {
			if noRows(err) {
				return notFound("token %d not found", id)
			}
			return dbError(err, "find token")
		}
		if !t.RevokedAt.IsZero() {
			return nil
		}
		t.RevokedAt = db.now().UTC()
		// Conditional: of two simultaneous revocations one writes and audits, the other finds it done.
		res, err := tx.NewUpdate().Model(&t).Column("revoked_at").WherePK().Where("revoked_at IS NULL").Exec(ctx)
		if err != nil {
			return dbError(err, "revoke token %d", id)
		}
		if n, err := res.RowsAffected(); err != nil {
			return dbError(err, "revoke token %d", id)
		} else if n == 0 {
			return nil
		}
		return db.audit(ctx, tx, AuditEntry{Actor: actor, Entity: EntityToken, Key: strconv.FormatInt(id, 10),
			Action: ActionTokenRevoke, After: mustJSON(t)})
	})
}

// Tokens lists all tokens (hashes omitted), revoked ones included.
func (db *DB) Tokens(ctx context.Context) ([]Token, error) {
	var out []Token
	err := db.bun.NewSelect().Model(&out).ExcludeColumn("hash").OrderExpr("id").Scan(ctx)
	return out, dbError(err, "list tokens")
}
