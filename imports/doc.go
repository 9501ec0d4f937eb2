// Package imports reads the units and tickets files of SPEC §3 into scoring values.
//
// ReadUnits reads a units file; Tickets streams a tickets file row by row; ScanCSV reads a tickets
// CSV file with several goroutines for scoring at speed. All accept CSV (UTF-8 with or without a
// byte-order mark, or GB18030 as Chinese Excel saves it) and XLSX (first sheet), recognised by
// content. Header row 1 names the columns in English or Chinese, or as a Mapping says; unknown
// columns are ignored and listed in Report.Ignored. Every problem of a row is reported with file,
// row (as a spreadsheet shows it, header = 1), column header and reason; the caller decides
// whether a report with invalid rows stops the import.
//
// Choices where SPEC is silent:
//   - a row whose cells are all empty is skipped and not counted;
//   - cells are trimmed of surrounding spaces (also no-break and ideographic spaces);
//   - a datetime's fractional seconds are truncated; a datetime without a zone is in
//     Options.Loc (or the mapping's timezone); a date without a time is not accepted unless a
//     mapping layout says so;
//   - Excel serial numbers are accepted in XLSX datetime cells only (1900 or 1904 date system,
//     as the workbook says), rounded to the nearest second;
//   - two columns that both give the same field (say 受理时间 and 来电时间) are an error: a
//     column mapping chooses one;
//   - only the first sheet of a workbook is read; other sheets are listed in Report.Ignored;
//   - in UTF-8 files a text cell (ticket_id, category, exclude_reason, caller_phone) with
//     invalid UTF-8 makes its row invalid, as any other cell does by not parsing; in GB18030
//     files an invalid byte sequence stops the read;
//   - a CSV quote inside an unquoted field is literal; text after a closing quote makes the row
//     invalid;
//   - a duplicate (ticket_id, unit) is the later row, "duplicate of row N"; duplicates are
//     found with a 62-bit hash per row (8 bytes a row, so 10M rows need 80 MB), so two different
//     keys could be taken for one with probability about n²/2⁶³.
package imports
