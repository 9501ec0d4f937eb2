// Package imports reads the units and tickets files of SPEC §3 into scoring values.
//
// Both readers accept CSV (UTF-8 with or without a byte-order mark, or GB18030 as Chinese Excel
// saves it) and XLSX (first sheet), recognised by content. Header row 1 names the columns in
// English or Chinese; unknown columns are ignored and listed in the Report. Every problem of a
// row is reported with file, row (as a spreadsheet shows it, header = 1), column header and
// reason; the caller decides whether a report with invalid rows stops the import.
//
// Choices where SPEC is silent:
//   - a row whose cells are all empty is skipped and not counted;
//   - cells are trimmed of surrounding spaces; text keeps its inner spaces;
//   - a datetime's fractional seconds are truncated; a datetime without a zone is in
//     Options.Loc (or the mapping's timezone); a date without a time is not accepted unless a
//     mapping layout says so;
//   - Excel serial numbers are accepted in XLSX datetime cells only (1900 or 1904 date system,
//     as the workbook says), rounded to the nearest second;
//   - two columns that both give the same field (say 受理时间 and 来电时间) are an error: a
//     column mapping chooses one;
//   - in UTF-8 files, a row with invalid UTF-8 bytes is invalid; in GB18030 files an invalid
//     byte sequence stops the read;
//   - duplicate keys are found with a 62-bit hash of (ticket_id, unit) per row, so memory stays
//     at 8 bytes a row; two different keys collide with probability about n²/2⁶³.
package imports
