// Package imports reads the units and tickets files of SPEC §3 (and the columns of §13.1) into
// scoring values.
//
// ReadUnits reads a units file; Tickets streams a tickets file row by row; ScanCSV reads a tickets
// CSV file with several goroutines for scoring at speed. All accept CSV (UTF-8 with or without a
// byte-order mark, GB18030 as Chinese Excel saves it, or UTF-16 with its byte-order mark as Excel
// saves Unicode text; comma- or tab-separated, see tabSeparated), XLSX and legacy .xls (BIFF8, as older
// platforms and WPS export), recognised by content. The header is the first of the first 30 rows
// in which the required columns resolve (title rows above it are skipped and noted); in a workbook,
// the first sheet that has such a row is read (a cover sheet before it is skipped and noted).
// Options.Sheet and Options.HeaderRow (or the mapping's sheet and header_row) choose them instead.
// Headers are matched after normalisation (NFKC, so full-width letters, brackets and spaces read as
// ASCII; line breaks and spaces removed; case ignored), in English or Chinese, or as a Mapping says.
// Every column is read or listed in Report.Ignored; a column whose header is close to the header of
// a field the file lacks (two edits, or one containing the other) is an error with a "did you mean",
// unless the mapping lists it under ignore. Report.Present names the fields the file gives, so that
// a re-import can leave the other fields of stored rows as they are. Every problem of a row is
// reported with file, row (as a spreadsheet shows it), column header and reason; the caller decides
// whether a report with invalid rows stops the import.
//
// Choices where SPEC is silent:
//   - a row whose cells are all empty is skipped and not counted;
//   - rows whose first non-empty cell is 合计, 总计 or 小计 after the last data row are sum lines:
//     skipped, listed in Report.Totals and not counted; such a row with data below it is invalid;
//   - cells are trimmed of surrounding spaces (also line breaks, no-break and ideographic spaces);
//   - a unit cell that matches a unit's code or name only after normalisation (full-width and
//     half-width brackets, spaces) is accepted and the report notes it once per spelling; two
//     units of a units file whose names are equal after normalisation are refused;
//   - a datetime's fractional seconds are truncated; a datetime without a zone is in Options.Loc
//     (or the mapping's timezone); Chinese text datetimes (2025年10月3日 14:05, 2025年10月3日14时05分,
//     with or without spaces, 点 for 时, 号 for 日) are read; a date without a time is the start of
//     that day, except in due_at and extended_due_at, where it is the end of that day (the next
//     day 00:00, so that a closure on that day is on time under SPEC §4); the report counts them;
//   - Excel serial numbers are accepted in workbook datetime cells (1900 or 1904 date system, as
//     the workbook says), and in CSV between 20000 and 80000 (1954–2119, 1900 system, so that a
//     year or a yyyymmdd number is not one), rounded to the nearest second; a serial without a fraction is 00:00 of
//     its day even in a deadline column (a workbook cannot tell a date from a midnight);
//   - an id cell (ticket_id, duplicate_of) in scientific notation (2.0251E+12) is an error: Excel
//     turned the id into a number and lost its last digits;
//   - two columns that both give the same field (say 受理时间 and 来电时间) are an error: a
//     column mapping chooses one;
//   - in UTF-8 files a text cell (ticket_id, category, exclude_reason, caller_phone, duplicate_of,
//     channel, hotline) with invalid UTF-8 makes its row invalid, as any other cell does by not
//     parsing; in GB18030 and UTF-16 files an invalid byte sequence stops the read;
//   - a CSV quote inside an unquoted field is literal; text after a closing quote makes the row
//     invalid; a CSV whose lines end with a lone CR is refused with a short message;
//   - a workbook is refused when its file exceeds 512 MB, a sheet decompresses beyond 2 GB or the
//     shared strings beyond 512 MB, a part over 32 MB decompresses more than 200 times its size, a
//     cell holds more than Excel's 32,767 characters, or the shared strings outnumber the sheets'
//     shared-string cells by more than 100,000: zip bombs are refused in well under a second;
//   - a duplicate (ticket_id, unit) is the later row, "duplicate of row N"; duplicates are
//     found with a 62-bit hash per row (8 bytes a row, so 10M rows need 80 MB), so two different
//     keys could be taken for one with probability about n²/2⁶³.
package imports
