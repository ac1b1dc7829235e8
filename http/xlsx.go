package http

import (
	"io"

	"github.com/innobridge/innobridge"
)

// writeXLSX writes t as an .xlsx workbook.
func writeXLSX(w io.Writer, t table) error {
	return innobridge.Errorf(innobridge.EINVALID, "暂不支持 .xlsx 导出，请使用 .csv (xlsx export is not available yet; use .csv)")
}
