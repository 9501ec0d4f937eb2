package imports

import "io"

func openXLS(name string, r io.Reader, pk pick, pr probe) (*table, error) {
	return nil, fileError(name, "an old .xls workbook or an encrypted one: save it as .xlsx or CSV")
}
