package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"sanlv/imports"
	"sanlv/scoring"
	"sanlv/store"
)

type importParams struct {
	// KeepValid stores the valid rows of a file with invalid ones (by default nothing is stored).
	KeepValid bool `query:"keep_valid"`
	// MaxErrors caps the row problems listed in the report.
	MaxErrors int `query:"max_errors" validate:"omitempty,min=1,max=100000"`
}

type importListParams struct {
	Limit int `query:"limit" validate:"omitempty,min=1,max=1000"`
}

// importView is what an import did, with the readers' report.
type importView struct {
	BatchID         int64           `json:"batch_id"`
	File            string          `json:"file"`
	SHA256          string          `json:"sha256"`
	Read            int             `json:"read"`
	Inserted        int             `json:"inserted"`
	Updated         int             `json:"updated"`
	Unchanged       int             `json:"unchanged"`
	Kept            []string        `json:"kept,omitempty"`
	Invalid         int             `json:"invalid"`
	AlreadyImported bool            `json:"already_imported"`
	ElapsedMS       int64           `json:"elapsed_ms"`
	Report          *imports.Report `json:"report"`
}

func viewImport(r *store.ImportResult) importView {
	return importView{BatchID: r.BatchID, File: r.File, SHA256: r.SHA256, Read: r.Read, Inserted: r.Inserted,
		Updated: r.Updated, Unchanged: r.Unchanged, Kept: r.Kept, Invalid: r.Invalid, AlreadyImported: r.AlreadyImported,
		ElapsedMS: r.Elapsed.Milliseconds(), Report: r.Report}
}

type importFunc func(ctx context.Context, name string, r io.Reader, opt store.ImportOptions) (*store.ImportResult, error)

func (s *Server) importUnits(w http.ResponseWriter, r *http.Request) error {
	return s.upload(w, r, s.db.ImportUnits, false)
}

func (s *Server) importTickets(w http.ResponseWriter, r *http.Request) error {
	return s.upload(w, r, s.db.ImportTickets, true)
}

// upload streams the multipart part "file" into an import, the same as the command does; a tickets
// upload may send a column mapping (part "mapping", YAML) before the file.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, run importFunc, mapping bool) error {
	var q importParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return newError(scoring.Invalid, "want a multipart/form-data upload with the file in the field \"file\"",
			scoring.FieldError{Field: "Content-Type", Reason: "want multipart/form-data"})
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return invalidField("body", "malformed multipart body: "+err.Error())
	}
	opt := store.ImportOptions{Actor: caller(r).actor, KeepValid: q.KeepValid, MaxErrors: q.MaxErrors, ReadFirst: true}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return invalidField("file", "required: the multipart field \"file\" holds the CSV or XLSX file")
		}
		if err != nil {
			return multipartError(err)
		}
		switch part.FormName() {
		case "mapping":
			if !mapping {
				return invalidField("mapping", "only a tickets import takes a column mapping")
			}
			data, err := io.ReadAll(io.LimitReader(part, s.cfg.MaxBody+1))
			if err != nil {
				return multipartError(err)
			}
			if int64(len(data)) > s.cfg.MaxBody {
				return tooLarge(s.cfg.MaxBody)
			}
			name := part.FileName()
			if name == "" {
				name = "mapping.yaml"
			}
			if opt.Mapping, err = imports.ParseMapping(name, data); err != nil {
				return err
			}
		case "file":
			// The name is kept in the batch, the audit log and the report: a phone in it is masked.
			name := part.FileName()
			ext := filepath.Ext(name)
			name = scoring.MaskPhones(strings.TrimSuffix(name, ext)) + ext
			if name == "" {
				name = "upload"
			}
			f, err := s.receive(part)
			if err != nil {
				return err
			}
			defer f.Close()
			res, err := run(r.Context(), name, f, opt)
			if err != nil {
				var mb *http.MaxBytesError
				if errors.As(err, &mb) {
					return tooLarge(mb.Limit)
				}
				var rep *scoring.Error
				if errors.As(err, &rep) && rep.Code == scoring.Invalid {
					// The report masked every row's reason; masking it again would mask row numbers and counts.
					return premasked{err}
				}
				return err
			}
			status := http.StatusOK
			if res.Changed() {
				status = http.StatusCreated
			}
			writeJSON(w, status, viewImport(res))
			return nil
		default:
			return invalidField(part.FormName(), "unknown multipart field (want mapping, then file)")
		}
	}
}

// receive copies an uploaded file into a temporary file (removed when closed) before any transaction
// starts, so that a slow or stalled upload holds no lock.
func (s *Server) receive(part io.Reader) (*os.File, error) {
	f, err := os.CreateTemp("", "sanlv-upload-*")
	if err != nil {
		return nil, fmt.Errorf("receive upload: %w", err)
	}
	os.Remove(f.Name()) // gone with the descriptor
	if _, err := io.Copy(f, part); err != nil {
		f.Close()
		return nil, multipartError(err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("receive upload: %w", err)
	}
	return f, nil
}

func multipartError(err error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return tooLarge(mb.Limit)
	}
	var se *scoring.Error
	if errors.As(err, &se) {
		return se
	}
	return invalidField("body", "malformed multipart body: "+err.Error())
}

type batchesView struct {
	Items []store.Batch `json:"items"`
}

func (s *Server) listImports(w http.ResponseWriter, r *http.Request) error {
	var q importListParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	bs, err := s.db.Batches(r.Context(), q.Limit)
	if err != nil {
		return err
	}
	if bs == nil {
		bs = []store.Batch{}
	}
	writeJSON(w, http.StatusOK, batchesView{Items: bs})
	return nil
}
