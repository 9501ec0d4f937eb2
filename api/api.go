// Package api serves Sanlv over HTTP: JSON under /api/v1 for scores, rankings, explanations, appeals,
// policies, imports and editions, and Excel downloads, scoped by the caller's role (SPEC §12).
//
// Choices made here:
//   - Every route, with the roles that may call it, is in one table (routes.go); the OpenAPI document is
//     generated from that table and a test checks it against the router.
//   - A unit token sees its own unit's data only; asking for another unit's data answers 404, exactly as
//     for a unit that does not exist. Rankings and editions lists are public to all three roles; full
//     scorecards of every unit, annual results, what-ifs and the bulletin workbook (whose 扣分明细 lists
//     other units' tickets) are for admin and committee.
//   - A period with a published edition is read from its latest edition (or ?edition=N) unless the
//     request names a policy; otherwise it is scored live under the active policy. Published editions are
//     immutable, so their JSON is serialized once and kept in memory.
//   - Whatever reads as a phone number is masked in every error answer (which may echo a path segment,
//     a query parameter or a JSON field) and in the logs; an import's report is masked row by row where
//     it is made, so that its row numbers and counts stay as they are.
//   - Token lookups are cached for TokenTTL (default 5 s), and the latest edition number of a period for
//     EditionTTL (default 1 s): a token revoked or an edition published by another process is seen within
//     that time; the server's own publishes are seen at once.
package api

import (
	"log/slog"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/go-playground/validator/v10"

	"sanlv/notice"
	"sanlv/store"
)

// Config configures a Server.
type Config struct {
	DB     *store.DB
	Logger *slog.Logger
	// MaxBody caps JSON and YAML request bodies (default 1 MiB).
	MaxBody int64
	// MaxUpload caps uploaded import files (default 512 MiB).
	MaxUpload int64
	// Timeout bounds a request (default 30 s); LongTimeout bounds imports and downloads (default 10 min).
	Timeout, LongTimeout time.Duration
	// TokenTTL is how long a token lookup is cached (default 5 s); EditionTTL how long the number of a
	// period's latest edition is (default 1 s).
	TokenTTL, EditionTTL time.Duration
	// Now returns the current time (default time.Now).
	Now func() time.Time
	// Notice is the 通报 settings of bulletin.docx; nil uses the shipped sample city's.
	Notice *notice.Config
	// LivePerCaller is how many live computations (scorecards, explanations, what-ifs, appraisals of
	// stored rows not yet cached) one token may start at a time; more answer 429 (default 2).
	LivePerCaller int
	// LiveWorkers is how many live computations run at once (default the number of CPUs less one, at least one).
	LiveWorkers int
	// LiveWait is how long a read waits for a live result of the current data version being computed
	// before it is answered with the newest result computed (default 25 ms; see liveCache).
	LiveWait time.Duration
	// LiveRefresh is the least time between two computations of one live result (default 1 s): under
	// a stream of writes a result is recomputed at most that often.
	LiveRefresh time.Duration
	// VersionTTL is how long the data version is trusted before it is read again (default 100 ms); the
	// server's own writes are seen at once, another process's within VersionTTL.
	VersionTTL time.Duration
}

// Server is the HTTP API.
type Server struct {
	db     *store.DB
	log    *slog.Logger
	cfg    Config
	now    func() time.Time
	valid  *validator.Validate
	ids    *idSource
	tokens *tokenCache
	frozen *editionCache
	live   *liveCache
	// layouts holds the path and query fields of each params struct type.
	layouts sync.Map

	once    sync.Once
	handler http.Handler
	// doc is the OpenAPI document, built once from the route table.
	doc struct {
		once sync.Once
		b    []byte
		err  error
	}
}

// New returns a Server; zero Config fields take their defaults.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 1 << 20
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = 512 << 20
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.LongTimeout <= 0 {
		cfg.LongTimeout = 10 * time.Minute
	}
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = 5 * time.Second
	}
	if cfg.EditionTTL <= 0 {
		cfg.EditionTTL = time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.LivePerCaller <= 0 {
		cfg.LivePerCaller = 2
	}
	if cfg.LiveWorkers <= 0 {
		// Leave a CPU to the cheap reads (and, on SQLite, to the database, which runs in this process).
		cfg.LiveWorkers = max(1, runtime.GOMAXPROCS(0)-1)
	}
	if cfg.LiveWait <= 0 {
		cfg.LiveWait = 25 * time.Millisecond
	}
	if cfg.LiveRefresh <= 0 {
		cfg.LiveRefresh = time.Second
	}
	if cfg.VersionTTL <= 0 {
		cfg.VersionTTL = 100 * time.Millisecond
	}
	return &Server{db: cfg.DB, log: cfg.Logger, cfg: cfg, now: cfg.Now, valid: newValidator(), ids: newIDSource(),
		tokens: &tokenCache{ttl: cfg.TokenTTL, m: map[[32]byte]cachedToken{}},
		frozen: newEditionCache(cfg.EditionTTL),
		live:   newLiveCache(cfg.DB, cfg.Logger, cfg.LivePerCaller, cfg.LiveWorkers, cfg.Timeout, cfg.VersionTTL, cfg.LiveWait, cfg.LiveRefresh)}
}

// Handler returns the router with every route of routes.go and the middlewares.
func (s *Server) Handler() http.Handler {
	s.once.Do(func() { s.handler = s.router() })
	return s.handler
}

// beforeAnswer calls fn once, before the first byte of the answer.
type beforeAnswer struct {
	http.ResponseWriter
	fn   func()
	done bool
}

func (w *beforeAnswer) before() {
	if !w.done {
		w.done = true
		w.fn()
	}
}

func (w *beforeAnswer) WriteHeader(code int) { w.before(); w.ResponseWriter.WriteHeader(code) }

func (w *beforeAnswer) Write(b []byte) (int, error) { w.before(); return w.ResponseWriter.Write(b) }

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *beforeAnswer) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// handlerFunc is a handler that returns its error for the caller to answer.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (s *Server) serve(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			// A write may have raised the data version: read it again before the answer goes out,
			// so that the writer's next read sees its write.
			w = &beforeAnswer{ResponseWriter: w, fn: s.live.changed}
		}
		err := h(w, r)
		if err != nil {
			s.writeError(w, r, err)
		}
	})
}
