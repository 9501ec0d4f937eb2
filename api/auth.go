package api

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"sanlv/scoring"
	"sanlv/store"
)

// role is a set of roles as bits, so that a route names who may call it in one value.
type role uint8

// Roles of SPEC §12 and their unions.
const (
	admin role = 1 << iota
	committee
	unit

	staff   = admin | committee
	anyRole = admin | committee | unit
	// public routes need no token.
	public role = 0
)

func roleOf(name string) role {
	switch name {
	case store.RoleAdmin:
		return admin
	case store.RoleCommittee:
		return committee
	case store.RoleUnit:
		return unit
	}
	return 0
}

// names lists the roles of a set.
func (r role) names() []string {
	var out []string
	for _, x := range []struct {
		bit  role
		name string
	}{{admin, store.RoleAdmin}, {committee, store.RoleCommittee}, {unit, store.RoleUnit}} {
		if r&x.bit != 0 {
			out = append(out, x.name)
		}
	}
	return out
}

// principal is the caller behind a token.
type principal struct {
	role  role
	token store.Token
	// actor is what every write records: the token's name and id.
	actor string
}

// caller returns the principal of an authenticated request.
func caller(r *http.Request) *principal {
	if i := requestInfo(r.Context()); i != nil && i.actor != nil {
		return i.actor
	}
	return &principal{}
}

// tokenCache remembers recent token lookups for a short time, so that reads do not hit the database
// for every request; a token revoked elsewhere stops working within the TTL.
type tokenCache struct {
	ttl time.Duration
	mu  sync.RWMutex
	m   map[[32]byte]cachedToken
}

type cachedToken struct {
	p       *principal
	err     error
	expires time.Time
}

func (c *tokenCache) get(k [32]byte, now time.Time) (cachedToken, bool) {
	c.mu.RLock()
	t, ok := c.m[k]
	c.mu.RUnlock()
	return t, ok && now.Before(t.expires)
}

func (c *tokenCache) put(k [32]byte, t cachedToken) {
	c.mu.Lock()
	if len(c.m) > 10000 {
		clear(c.m)
	}
	c.m[k] = t
	c.mu.Unlock()
}

// authenticate finds the principal of the request's bearer token.
func (s *Server) authenticate(r *http.Request) (*principal, error) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if h == "" {
		return nil, newError(scoring.Unauthorized, "missing bearer token (Authorization: Bearer TOKEN)")
	}
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return nil, newError(scoring.Unauthorized, "malformed Authorization header: want Bearer TOKEN")
	}
	tok = strings.TrimSpace(tok)
	k := sha256.Sum256([]byte(tok))
	now := time.Now()
	if c, ok := s.tokens.get(k, now); ok {
		return c.p, c.err
	}
	t, err := s.db.TokenByPlaintext(r.Context(), tok)
	if err != nil {
		if scoring.ErrorCode(err) != scoring.Unauthorized {
			return nil, err
		}
		s.tokens.put(k, cachedToken{err: err, expires: now.Add(s.tokens.ttl)})
		return nil, err
	}
	p := &principal{role: roleOf(t.Role), token: t, actor: actorName(t)}
	s.tokens.put(k, cachedToken{p: p, expires: now.Add(s.tokens.ttl)})
	return p, nil
}

// actorName is how writes name a token's holder: "城关街道 (unit S01, token 3)".
func actorName(t store.Token) string {
	if t.Unit != "" {
		return fmt.Sprintf("%s (%s %s, token %d)", t.Name, t.Role, t.Unit, t.ID)
	}
	return fmt.Sprintf("%s (%s, token %d)", t.Name, t.Role, t.ID)
}

// guard authenticates the request and checks that its role may call the route: 401 without a valid
// token, 403 for a role the route does not admit.
func (s *Server) guard(allowed role, next http.Handler) http.Handler {
	if allowed == public {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.authenticate(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if i := requestInfo(r.Context()); i != nil {
			i.actor = p
		}
		if p.role&allowed == 0 {
			s.writeError(w, r, newError(scoring.Forbidden, fmt.Sprintf("role %s may not call this route (allowed: %s)",
				p.token.Role, strings.Join(allowed.names(), ", "))))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// unitNotFound is the answer for a unit that does not exist — and, to a unit token, for any other unit,
// so that a unit cannot tell another unit's data from none.
func unitNotFound(code string) error {
	return newError(scoring.NotFound, fmt.Sprintf("unit %q not found", code))
}

// scopeUnit checks that the caller may see the unit's data: staff see every unit, a unit token only its own.
func scopeUnit(p *principal, code string) error {
	if p.role == unit && code != p.token.Unit {
		return unitNotFound(code)
	}
	return nil
}
