package store

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"sanlv/imports"
	"sanlv/scoring"
)

// ImportOptions controls an import.
type ImportOptions struct {
	// Actor is who imports (the audit log and the batch record name them).
	Actor string
	// KeepValid stores the valid rows of a file that has invalid ones; by default nothing is stored.
	KeepValid bool
	// Mapping maps other systems' columns and spellings onto SPEC §3 fields (tickets only).
	Mapping *imports.Mapping
	// Loc is the zone of datetimes without one; nil is the active policy's zone, else Asia/Shanghai.
	Loc *time.Location
	// MaxErrors caps the row errors listed in the report (the count stays exact); 0 is the reader's default.
	MaxErrors int
	// Present names the ticket fields the file has (SPEC §3.2 and §13.1 names: accepted_at, resolved, …);
	// nil means every field. A field absent from the file leaves that field of stored rows unchanged;
	// new rows get its empty value.
	Present map[string]bool
	// ReadFirst reads and checks a tickets file completely, into a temporary file of parsed rows, before
	// the write transaction starts, so that the transaction is as short as the database makes it (the
	// API does this; a workbook is always read first). Otherwise a CSV file streams inside the
	// transaction, which is faster for a bulk load.
	ReadFirst bool
	// Progress, when set, is called from the reading goroutine with the number of rows read so far,
	// every few thousand rows and once at the end.
	Progress func(rows int)
}

// ImportResult is what an import did.
type ImportResult struct {
	// BatchID is the stored batch, 0 when nothing was stored.
	BatchID int64
	File    string
	SHA256  string
	// Read counts the data rows of the file; Read = Inserted + Updated + Unchanged + Invalid.
	Read, Inserted, Updated, Unchanged, Invalid int
	// Report is the readers' per-row report.
	Report *imports.Report
	// Kept lists the ticket fields the file lacks: stored rows keep their values of these fields.
	Kept []string
	// AlreadyImported is true when a previous batch had the same SHA-256.
	AlreadyImported bool
	Elapsed         time.Duration
}

// Changed reports whether the import stored anything.
func (r *ImportResult) Changed() bool { return r.Inserted+r.Updated > 0 }

// progressEvery is how many rows pass between Progress calls.
const progressEvery = 8192

// hashingReader hashes everything read through it.
type hashingReader struct {
	r io.Reader
	h hash.Hash
}

func newHashingReader(r io.Reader) *hashingReader { return &hashingReader{r: r, h: sha256.New()} }

func (h *hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	return n, err
}

// sum drains what the reader left unread and returns the hex SHA-256 of the whole input.
func (h *hashingReader) sum() (string, error) {
	if _, err := io.Copy(io.Discard, h); err != nil {
		return "", fmt.Errorf("read: %w", err)
	}
	return hex.EncodeToString(h.h.Sum(nil)), nil
}

// alreadyImported reports whether a batch of the kind with the same hash exists.
func alreadyImported(ctx context.Context, tx idb, kind, sum string) (bool, error) {
	ok, err := tx.NewSelect().Model((*Batch)(nil)).Where("kind = ? AND sha256 = ?", kind, sum).Exists(ctx)
	return ok, dbError(err, "find batch")
}

// newBatch inserts the batch record that the rows of this import will name.
func (db *DB) newBatch(ctx context.Context, tx idb, kind, file, sum, actor string, started time.Time) (*Batch, error) {
	b := &Batch{Kind: kind, File: file, SHA256: sum, Actor: actor, StartedAt: started.UTC(), FinishedAt: started.UTC()}
	if _, err := tx.NewInsert().Model(b).Returning("id").Exec(ctx); err != nil {
		return nil, dbError(err, "record batch")
	}
	return b, nil
}

// finishBatch stores the counts of an import that stored rows, audits them in one summary entry (the
// rows it inserted have no entry of their own; each row it updated has one with its old values) and
// raises the data version.
func (db *DB) finishBatch(ctx context.Context, tx idb, b *Batch, res *ImportResult) error {
	b.Read, b.Inserted, b.Updated = int64(res.Read), int64(res.Inserted), int64(res.Updated)
	b.Unchanged, b.Invalid, b.FinishedAt = int64(res.Unchanged), int64(res.Invalid), db.now().UTC()
	if _, err := tx.NewUpdate().Model(b).WherePK().Exec(ctx); err != nil {
		return dbError(err, "record batch")
	}
	sum := map[string]any{"kind": b.Kind, "file": b.File, "sha256": b.SHA256, "read": b.Read, "inserted": b.Inserted,
		"updated": b.Updated, "unchanged": b.Unchanged, "invalid": b.Invalid}
	if err := db.audit(ctx, tx, AuditEntry{Actor: b.Actor, Entity: EntityBatch, Key: strconv.FormatInt(b.ID, 10),
		Action: ActionImport, After: mustJSON(sum), Why: "import " + b.File, BatchID: &b.ID}); err != nil {
		return err
	}
	return db.bumpVersion(ctx, tx)
}

// errNothingChanged rolls back an import that would store nothing.
var errNothingChanged = errors.New("nothing changed")

// runImport runs fn in one transaction on a dedicated connection and fills the common result fields.
// fn returns errNothingChanged to roll back without error.
func (db *DB) runImport(ctx context.Context, name string, fn func(conn bun.Conn, tx bun.Tx) error) error {
	conn, err := db.wr.Conn(ctx)
	if err != nil {
		return dbError(err, "import %s: connect", name)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return dbError(err, "import %s: begin", name)
	}
	if err := fn(conn, tx); err != nil {
		rerr := tx.Rollback()
		if errors.Is(err, errNothingChanged) {
			return dbError(rerr, "import %s: rollback", name)
		}
		return err
	}
	return dbError(tx.Commit(), "import %s: commit", name)
}

// location picks the zone for datetimes without one.
func (db *DB) location(ctx context.Context, loc *time.Location) (*time.Location, error) {
	if loc != nil {
		return loc, nil
	}
	if p, err := db.ActivePolicy(ctx); err == nil {
		return p.Loc, nil
	} else if scoring.ErrorCode(err) != scoring.NotFound {
		return nil, err
	}
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return nil, fmt.Errorf("time zone Asia/Shanghai: %w", err)
	}
	return l, nil
}

// spool holds the parsed rows of a tickets file read before the import's transaction, so that a slow
// reader (a large workbook) does not hold the write lock.
type spool struct {
	f   *os.File
	dir *scoring.Directory
	rep *imports.Report
}

// spoolRow is one valid row in a spool.
type spoolRow struct {
	Row int
	A   scoring.Assignment
}

// isWorkbook reports whether the input starts like an XLSX file (a ZIP archive); br must be read next.
func isWorkbook(br *bufio.Reader) bool {
	b, _ := br.Peek(4)
	return string(b) == "PK\x03\x04"
}

// spoolTickets reads a tickets file with the stored units into a temporary file of parsed rows.
func (db *DB) spoolTickets(ctx context.Context, name string, r io.Reader, ropt imports.Options) (*spool, error) {
	dir, err := db.Directory(ctx)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp("", "sanlv-spool-*")
	if err != nil {
		return nil, fmt.Errorf("%s: spool: %w", name, err)
	}
	os.Remove(f.Name()) // gone with the last descriptor
	bw := bufio.NewWriterSize(f, 1<<16)
	enc := gob.NewEncoder(bw)
	rep, err := imports.Tickets(name, r, dir, ropt, func(row int, a *scoring.Assignment) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return enc.Encode(spoolRow{Row: row, A: *a})
	})
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &spool{f: f, dir: dir, rep: rep}, nil
}

// replay hands the spooled rows to emit, in file order, and returns the reader's report.
func (s *spool) replay(dir *scoring.Directory, emit func(int, *scoring.Assignment) error) (*imports.Report, error) {
	if dir.Len() != s.dir.Len() {
		return nil, conflict("the units changed while the file was read: import it again")
	}
	for i := range dir.Len() {
		if dir.Unit(int32(i)).Code != s.dir.Unit(int32(i)).Code {
			return nil, conflict("the units changed while the file was read: import it again")
		}
	}
	dec := gob.NewDecoder(bufio.NewReaderSize(s.f, 1<<16))
	for {
		var row spoolRow
		if err := dec.Decode(&row); err == io.EOF {
			return s.rep, nil
		} else if err != nil {
			return nil, fmt.Errorf("read spool: %w", err)
		}
		if err := emit(row.Row, &row.A); err != nil {
			return nil, err
		}
	}
}

// close removes the spool.
func (s *spool) close() {
	if s != nil {
		s.f.Close()
	}
}

// maskReport masks anything like a phone number in the reasons of a report: a reason may quote a cell,
// and a caller's phone in the wrong column must not come back unmasked.
func maskReport(rep *imports.Report) {
	if rep == nil {
		return
	}
	for i := range rep.Errors {
		rep.Errors[i].Reason = scoring.MaskPhones(rep.Errors[i].Reason)
	}
}
