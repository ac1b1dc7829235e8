package http

import (
	"net/http"

	"github.com/innobridge/innobridge"
)

// listPage is /achievements, /demands or /organizations: a page of Items.
type listPage[T any] struct {
	Base
	Items      []T
	Total      int
	F          listParams
	Errs       map[string]innobridge.FieldError
	Pager      pager
	Regions    []innobridge.RegionOption
	ExportCSV  string
	ExportXLSX string
}

// serveList answers a list request in the format it asks for (HTML, CSV,
// XLSX or JSON) from one finder. name is the page's template and
// navigation item; filterErr is what turning p into a filter failed with,
// shown on the form when it is EINVALID and the page is HTML. find
// returns the rows at offset and the total: it is asked for p's page, or
// page after page for an export. table turns rows into an export.
func serveList[T any](s *Server, w http.ResponseWriter, r *http.Request, name string, p listParams, filterErr error,
	find func(offset, limit int) ([]T, int, error), table func(lang string, list []T) table) error {
	format := formatOf(r)
	if filterErr != nil {
		if format == "html" && innobridge.ErrorCode(filterErr) == innobridge.EINVALID {
			page := &listPage[T]{F: p, Errs: fieldsOf(filterErr), Regions: s.regions()}
			page.Nav = name
			s.render(w, r, http.StatusUnprocessableEntity, name, page)
			return nil
		}
		return filterErr
	}
	switch format {
	case "csv", "xlsx":
		list, err := collect(find)
		if err != nil {
			return err
		}
		return s.writeTable(w, format, table(state(r).lang, list))
	}
	list, total, err := find((p.Page-1)*p.PerPage, p.PerPage)
	if err != nil {
		return err
	}
	if format == "json" {
		writeJSON(w, http.StatusOK, newListResponse(list, total, p))
		return nil
	}
	page := &listPage[T]{Items: list, Total: total, F: p, Pager: newPager(r, p, total), Regions: s.regions(),
		ExportCSV: exportURL(r, "csv"), ExportXLSX: exportURL(r, "xlsx")}
	page.Nav = name
	s.render(w, r, http.StatusOK, name, page)
	return nil
}
