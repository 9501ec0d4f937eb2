package assess

import (
	"context"
	"io"

	"sanlv/exports"
	"sanlv/scoring"
)

// DetailTitle is the title of the detail workbook of period id: of every unit, or of one (by code).
func DetailTitle(dir *scoring.Directory, id, unit string) string {
	title := "12345接诉即办工单明细"
	if unit != "" {
		if u, ok := dir.Lookup(unit); ok {
			title += "-" + dir.Unit(u).Name
		}
	}
	return title + "（" + exports.PeriodLabel(id) + "）"
}

// Detail writes the detail workbook of b's first period to w: every row of the period (of one unit
// when unit, a code, is set) with what the policy made of it, caller phones masked. It returns the
// number of rows written.
func Detail(ctx context.Context, src Source, w io.Writer, b *scoring.Book, unit string) (int, error) {
	p := b.Policy()
	id := b.Periods()[0].Info(p.Loc).ID
	dw, err := exports.NewDetailWriter(w, DetailTitle(b.Directory(), id, unit), b.Directory(), p.Loc)
	if err != nil {
		return 0, err
	}
	n := 0
	err = src.Rows(ctx, b, 0, unit, func(a *scoring.Assignment) error {
		l, err := b.Line(a)
		if err != nil {
			return err
		}
		n++
		return dw.Add(a, exports.ExtraFromLine(&l, p.Loc))
	})
	if cerr := dw.Close(); err == nil {
		err = cerr
	}
	return n, err
}
