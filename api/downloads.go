package api

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"net/http"
	"sanlv/assess"
	"strconv"
	"strings"

	"sanlv/exports"
	"sanlv/fixtures"
	"sanlv/notice"
	"sanlv/scoring"
)

// XLSX is the content type of every workbook download.
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

type bulletinParams struct {
	Period  string `path:"period" validate:"required,period"`
	Edition int    `query:"edition" validate:"omitempty,min=1,excluded_with=Policy"`
	Policy  string `query:"policy" validate:"required_with=Version,max=200"`
	Version string `query:"version" validate:"max=64"`
}

type detailParams struct {
	Period  string `path:"period" validate:"required,period"`
	Unit    string `query:"unit" validate:"max=64"`
	Policy  string `query:"policy" validate:"required_with=Version,max=200"`
	Version string `query:"version" validate:"max=64"`
}

// attachment is a Content-Disposition naming the file in ASCII and, per RFC 6266 and RFC 5987, in UTF-8.
func attachment(ascii, name string) string {
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + encode5987(name)
}

// encode5987 percent-encodes every byte that is not an attr-char of RFC 5987.
func encode5987(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// DOCX is the content type of the 通报 download.
const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// lazyWriter sends the download's headers with its first byte, so that an error before any byte is
// written can still be answered as JSON.
type lazyWriter struct {
	w           http.ResponseWriter
	disposition string
	contentType string
	started     bool
}

func (l *lazyWriter) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		h := l.w.Header()
		h.Set("Content-Type", l.contentType)
		h.Set("Content-Disposition", l.disposition)
		h.Set("Cache-Control", "private, no-store")
		l.w.WriteHeader(http.StatusOK)
	}
	return l.w.Write(p)
}

// sendWorkbook writes a workbook; an error after the first byte aborts the connection, as the client
// must not keep a truncated file.
func sendWorkbook(w http.ResponseWriter, ascii, name string, write func(io.Writer) error) error {
	return sendFile(w, XLSX, ascii, name, write)
}

// sendFile writes a download of a content type under an RFC 6266 name.
func sendFile(w http.ResponseWriter, contentType, ascii, name string, write func(io.Writer) error) error {
	lw := &lazyWriter{w: w, disposition: attachment(ascii, name), contentType: contentType}
	if err := write(lw); err != nil {
		if lw.started {
			panic(http.ErrAbortHandler)
		}
		return err
	}
	return nil
}

// bulletinXLSX downloads the bulletin of a period: its latest edition, ?edition=N, or a draft scored
// live (under the active or the named policy) when the period is unpublished or a policy is named.
func (s *Server) bulletinXLSX(w http.ResponseWriter, r *http.Request) error {
	b, err := s.bulletinOf(w, r)
	if err != nil {
		return err
	}
	id := b.Card.Period.ID
	name := "12345接诉即办" + exports.PeriodLabel(id) + "考核通报草稿.xlsx"
	if b.Edition > 0 {
		name = "12345接诉即办" + exports.PeriodLabel(id) + "第" + strconv.Itoa(b.Edition) + "版考核通报.xlsx"
	}
	var buf bytes.Buffer
	if err := exports.WriteBulletin(&buf, b); err != nil {
		return err
	}
	return sendWorkbook(w, "bulletin-"+id+".xlsx", name, func(w io.Writer) error {
		_, err := buf.WriteTo(w)
		return err
	})
}

// bulletinDOCX downloads the 通报 of a period as a Word document, from the same bulletin as
// bulletin.xlsx, with the server's 通报 settings.
func (s *Server) bulletinDOCX(w http.ResponseWriter, r *http.Request) error {
	b, err := s.bulletinOf(w, r)
	if err != nil {
		return err
	}
	cfg, err := s.noticeConfig()
	if err != nil {
		return err
	}
	id := b.Card.Period.ID
	name := notice.Title(id) + "（草稿）.docx"
	if b.Edition > 0 {
		name = notice.Title(id) + "（第" + strconv.Itoa(b.Edition) + "版）.docx"
	}
	var buf bytes.Buffer
	if err := notice.Write(&buf, b, cfg); err != nil {
		return err
	}
	return sendFile(w, DOCX, "bulletin-"+id+".docx", name, func(w io.Writer) error {
		_, err := buf.WriteTo(w)
		return err
	})
}

// noticeConfig is the server's 通报 settings, or the shipped sample city's.
func (s *Server) noticeConfig() (notice.Config, error) {
	if s.cfg.Notice != nil {
		return *s.cfg.Notice, nil
	}
	data, err := fs.ReadFile(fixtures.Files(), "notice/city.yaml")
	if err != nil {
		return notice.Config{}, err
	}
	return notice.ParseConfig("fixtures/notice/city.yaml", data)
}

// bulletinOf assembles the bulletin of a period for a download: the edition (or draft) with its point
// lines, the previous period as circulated and the category counts of both periods.
func (s *Server) bulletinOf(w http.ResponseWriter, r *http.Request) (exports.Bulletin, error) {
	var q bulletinParams
	if err := s.decodeParams(r, &q); err != nil {
		return exports.Bulletin{}, err
	}
	ctx := r.Context()
	id := canonPeriod(q.Period)
	n, err := assess.Pick(ctx, id, q.Edition, q.Policy != "", func(ctx context.Context, id string) (int, error) {
		return s.frozen.latest(ctx, s.db, id)
	})
	if err != nil {
		return exports.Bulletin{}, err
	}
	var b assess.Bulletin
	if n > 0 {
		b, err = assess.Published(ctx, s.db, id, n, nil, "")
	} else {
		var p *scoring.Policy
		if p, err = s.policy(ctx, q.Policy, q.Version); err != nil {
			return exports.Bulletin{}, err
		}
		b, err = assess.Draft(ctx, assess.DB{DB: s.db}, p, id, "")
	}
	if b.PointsOmitted != "" {
		w.Header().Set("X-Sanlv-Points", "omitted: "+b.PointsOmitted)
	}
	return b.Bulletin, err
}

// detailXLSX downloads every assignment of a period (a unit token: its own) with what the policy made
// of each, the caller's phone masked.
func (s *Server) detailXLSX(w http.ResponseWriter, r *http.Request) error {
	var q detailParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	pr := caller(r)
	if pr.role == unit && q.Unit == "" {
		q.Unit = pr.token.Unit
	}
	if err := scopeUnit(pr, q.Unit); err != nil {
		return err
	}
	ctx := r.Context()
	dir, err := s.db.Directory(ctx)
	if err != nil {
		return err
	}
	ascii := "detail-" + canonPeriod(q.Period)
	if q.Unit != "" {
		if _, ok := lookupCode(dir, q.Unit); !ok {
			return unitNotFound(q.Unit)
		}
		ascii += "-" + q.Unit
	}
	p, err := s.policy(ctx, q.Policy, q.Version)
	if err != nil {
		return err
	}
	per, err := period(p, q.Period)
	if err != nil {
		return err
	}
	b, err := s.liveBook(ctx, p, per, false)
	if err != nil {
		return err
	}
	title := assess.DetailTitle(dir, per.ID, q.Unit)
	return sendWorkbook(w, ascii+".xlsx", title+".xlsx", func(out io.Writer) error {
		_, err := assess.Detail(ctx, assess.DB{DB: s.db}, out, b, q.Unit)
		return err
	})
}

func (s *Server) whatIfXLSX(w http.ResponseWriter, r *http.Request) error {
	var q whatIfParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	ctx := r.Context()
	wi, sides, err := s.compare(ctx, q)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := exports.WriteWhatIf(&buf, wi, sides); err != nil {
		return err
	}
	return sendWorkbook(w, "whatif-"+wi.Period+".xlsx", exports.WhatIfTitle(wi.Period)+".xlsx", func(w io.Writer) error {
		_, err := buf.WriteTo(w)
		return err
	})
}

func (s *Server) annualXLSX(w http.ResponseWriter, r *http.Request) error {
	var q annualParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	ctx := r.Context()
	a, editions, p, err := s.yearEnd(ctx, q)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := exports.WriteAnnualOf(&buf, a, p, editions); err != nil {
		return err
	}
	return sendWorkbook(w, "annual-"+a.Year+".xlsx", exports.AnnualTitle(a.Year)+".xlsx", func(w io.Writer) error {
		_, err := buf.WriteTo(w)
		return err
	})
}
