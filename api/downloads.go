package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sanlv/exports"
	"sanlv/fixtures"
	"sanlv/notice"
	"sanlv/scoring"
	"sanlv/store"
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
	var b exports.Bulletin
	var q bulletinParams
	if err := s.decodeParams(r, &q); err != nil {
		return b, err
	}
	ctx := r.Context()
	f, c, err := s.periodCard(ctx, q.Period, q.Edition, policyRef{q.Policy, q.Version})
	if err != nil {
		return b, err
	}
	var p *scoring.Policy
	if f != nil {
		e := &f.edition
		if p, err = s.editionPolicy(ctx, e); err != nil {
			return b, err
		}
		b.Card, b.Edition, b.Generated = f.card, e.Number, e.PublishedAt
		if len(e.Points) > 0 { // frozen with the edition
			if b.Points, err = e.PointLines(); err != nil {
				return b, err
			}
		} else if same, err := s.sameInputs(ctx, p, e); err != nil {
			return b, err
		} else if same { // an edition published before point lines were frozen, inputs unchanged
			if b.Points, _, err = s.pointLines(ctx, p, e.Period); err != nil {
				return b, err
			}
		} else {
			// The inputs changed since publication: today's point lines would not add up to the
			// frozen card, so 扣分明细 is left empty and the header says why.
			w.Header().Set("X-Sanlv-Points", "omitted: the inputs changed after edition "+strconv.Itoa(e.Number)+" was published")
		}
		if b.Categories, err = s.categories(ctx, p, e.Period); err != nil {
			return b, err
		}
	} else {
		if p, err = s.policy(ctx, q.Policy, q.Version); err != nil {
			return b, err
		}
		b.Card = *c
		if end, err := time.Parse(time.RFC3339, c.Period.End); err == nil {
			b.Generated = end
		}
		var cats []exports.CategoryCount
		if b.Points, cats, err = s.pointLines(ctx, p, c.Period.ID); err != nil {
			return b, err
		}
		b.Categories = cats
	}
	b.Policy = p
	prevID, err := scoring.Previous(b.Card.Period.ID)
	if err != nil {
		return b, err
	}
	prev, err := s.db.Circulated(ctx, p, prevID)
	if err != nil {
		return b, err
	}
	n, err := s.db.LatestEdition(ctx, prevID)
	if err != nil {
		return b, err
	}
	b.Previous = &prev
	b.Reference = exports.PeriodLabel(prevID) + "第" + strconv.Itoa(n) + "版"
	if n == 0 {
		b.Reference = exports.PeriodLabel(prevID) + "（未发布，按现有数据计算）"
	}
	b.PreviousCategories, err = s.categories(ctx, p, prevID)
	return b, err
}

// categories counts a period's tickets by category from the stored rows.
func (s *Server) categories(ctx context.Context, p *scoring.Policy, id string) ([]exports.CategoryCount, error) {
	per, err := period(p, id)
	if err != nil {
		return nil, err
	}
	dir, err := s.db.Directory(ctx)
	if err != nil {
		return nil, err
	}
	var cats exports.Categories
	err = s.db.Stream(ctx, dir, store.Query{From: per.Start, To: per.End, Basis: basisOf(p)}, func(a *scoring.Assignment) error {
		cats.Add(a)
		return nil
	})
	return cats.Counts(), err
}

// editionPolicy returns the stored policy an edition was published under.
func (s *Server) editionPolicy(ctx context.Context, e *store.Edition) (*scoring.Policy, error) {
	p, _, err := s.db.Policy(ctx, e.PolicyName, e.PolicyVersion)
	if err != nil {
		if scoring.ErrorCode(err) == scoring.NotFound {
			return nil, newError(scoring.Conflict, "edition "+strconv.Itoa(e.Number)+" of "+e.Period+" was published under policy "+
				e.PolicyName+" "+e.PolicyVersion+", which is not stored: save it to download the bulletin")
		}
		return nil, err
	}
	return p, nil
}

// sameInputs reports whether the stored inputs and policy of a period are still those of the edition.
func (s *Server) sameInputs(ctx context.Context, p *scoring.Policy, e *store.Edition) (bool, error) {
	sum := sha256.Sum256(p.Source)
	if hex.EncodeToString(sum[:]) != e.PolicySHA256 {
		return false, nil
	}
	per, err := period(p, e.Period)
	if err != nil {
		return false, err
	}
	digest, _, err := s.db.DigestPeriod(ctx, per, nil)
	return digest == e.InputDigest, err
}

// pointLines builds the bulletin's 扣分明细 of a period in one streamed pass over its rows, counting
// their categories on the way.
func (s *Server) pointLines(ctx context.Context, p *scoring.Policy, id string) ([]scoring.PointLine, []exports.CategoryCount, error) {
	per, err := period(p, id)
	if err != nil {
		return nil, nil, err
	}
	b, err := s.db.Book(ctx, p, []scoring.Period{per})
	if err != nil {
		return nil, nil, err
	}
	dir := b.Directory()
	var out []scoring.PointLine
	var cats exports.Categories
	err = s.db.Stream(ctx, dir, store.Query{From: per.Start, To: per.End, Basis: basisOf(p)}, func(a *scoring.Assignment) error {
		cats.Add(a)
		l, err := b.Line(a)
		if err != nil {
			return err
		}
		out = scoring.AppendPointLines(out, dir.Unit(a.Unit), &l)
		return nil
	})
	scoring.SortPointLines(out, dir)
	return out, cats.Counts(), err
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
	title := "12345接诉即办工单明细"
	ascii := "detail-" + canonPeriod(q.Period)
	if q.Unit != "" {
		i, ok := lookupCode(dir, q.Unit)
		if !ok {
			return unitNotFound(q.Unit)
		}
		title += "-" + dir.Unit(i).Name
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
	j, err := newJudge(p, per)
	if err != nil {
		return err
	}
	title += "（" + exports.PeriodLabel(per.ID) + "）"
	return sendWorkbook(w, ascii+".xlsx", title+".xlsx", func(out io.Writer) error {
		dw, err := exports.NewDetailWriter(out, title, dir, p.Loc)
		if err != nil {
			return err
		}
		err = s.db.Page(ctx, dir, store.PageQuery{From: per.Start, To: per.End, Basis: basisOf(p), Unit: q.Unit},
			func(a *scoring.Assignment) error {
				l, err := j.line(a)
				if err != nil {
					return err
				}
				x := exports.DetailExtra{Judged: true, Why: scoring.WhyOpen}
				if l != nil {
					x = exports.ExtraFromLine(l, p.Loc)
				}
				return dw.Add(a, x)
			})
		if cerr := dw.Close(); err == nil {
			err = cerr
		}
		return err
	})
}

func (s *Server) whatIfXLSX(w http.ResponseWriter, r *http.Request) error {
	var q whatIfParams
	if err := s.decodeParams(r, &q); err != nil {
		return err
	}
	ctx := r.Context()
	wi, err := s.compare(ctx, q)
	if err != nil {
		return err
	}
	var sides exports.WhatIfSides
	if sides.A, err = s.policy(ctx, q.PolicyA, q.VersionA); err != nil {
		return err
	}
	if sides.B, err = s.policy(ctx, q.PolicyB, q.VersionB); err != nil {
		return err
	}
	for _, x := range []struct {
		p *scoring.Policy
		w *scoring.PeriodInfo
	}{{sides.A, &sides.AWindow}, {sides.B, &sides.BWindow}} {
		per, err := period(x.p, q.Period)
		if err != nil {
			return err
		}
		*x.w = per.Info(x.p.Loc)
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
	p, err := s.policy(ctx, q.Policy, q.Version)
	if err != nil {
		return err
	}
	periods, err := p.AnnualPeriods(q.Year)
	if err != nil {
		return invalidField("year", err.Error())
	}
	b, err := s.db.Book(ctx, p, periods)
	if err != nil {
		return err
	}
	// The months as they went out: each month's latest edition under this policy, else scored now
	// and marked in the workbook.
	a := b.Annual(q.Year)
	var editions []int
	if !p.AnnualPooled {
		var cards []scoring.Card
		if cards, editions, err = store.CirculatedCards(ctx, s.db, b); err != nil {
			return err
		}
		a = b.AnnualOf(q.Year, cards)
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
