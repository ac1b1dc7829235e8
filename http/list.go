package http

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/innobridge/innobridge"
)

// formatOf returns the response format a request asks for: "html", "json",
// "csv" or "xlsx", from a path suffix, ?format=, the /api/ prefix or the
// Accept header, in that order.
func formatOf(r *http.Request) string {
	p := r.URL.Path
	for _, f := range []string{"csv", "xlsx", "json"} {
		if strings.HasSuffix(p, "."+f) {
			return f
		}
	}
	switch f := strings.ToLower(r.URL.Query().Get("format")); f {
	case "csv", "xlsx", "json", "html":
		return f
	}
	if isAPI(r) {
		return "json"
	}
	accept := r.Header.Get("Accept")
	if strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html") {
		return "json"
	}
	return "html"
}

// handleList registers fn for a list path and its .csv, .xlsx and .json
// variants.
func (s *Server) handleList(path string, fn handlerFunc) {
	s.handle("GET "+path, fn)
	for _, ext := range []string{".csv", ".xlsx", ".json"} {
		s.handle("GET "+path+ext, fn)
	}
}

// listParams is a list request's query, kept as typed so that the filter
// form shows it back.
type listParams struct {
	Q        string
	Field    string
	Region   string
	Mode     string
	TRLMin   string
	TRLMax   string
	Statuses []string
	Confs    []string
	Org      string // owner organisation's external id
	Kind     string // organisations only
	Sort     string
	Page     int
	PerPage  int
}

// maxPerPage bounds the rows of one page of the JSON API.
const maxPerPage = 100

// parseListParams reads the common query parameters of a list.
func (s *Server) parseListParams(r *http.Request) listParams {
	q := r.URL.Query()
	p := listParams{
		Q: strings.TrimSpace(q.Get("q")), Field: q.Get("field"), Region: q.Get("region"), Mode: q.Get("mode"),
		TRLMin: q.Get("trl_min"), TRLMax: q.Get("trl_max"), Org: q.Get("org"), Kind: q.Get("kind"), Sort: q.Get("sort"),
	}
	for _, v := range q["status"] {
		if v != "" {
			p.Statuses = append(p.Statuses, v)
		}
	}
	for _, v := range q["confidentiality"] {
		if v != "" {
			p.Confs = append(p.Confs, v)
		}
	}
	p.Page, _ = strconv.Atoi(q.Get("page"))
	if p.Page < 1 {
		p.Page = 1
	}
	p.PerPage, _ = strconv.Atoi(q.Get("per_page"))
	if p.PerPage < 1 {
		p.PerPage = s.opts.PageSize
	}
	if p.PerPage > maxPerPage {
		p.PerPage = maxPerPage
	}
	return p
}

// listingFilter turns list parameters into a service filter. Bad values
// are EINVALID naming the parameter.
func (s *Server) listingFilter(ctx context.Context, p listParams) (innobridge.ListingFilter, error) {
	f := innobridge.ListingFilter{Query: p.Q, Offset: (p.Page - 1) * p.PerPage, Limit: p.PerPage}
	v := innobridge.Validation{}
	if p.Field != "" {
		if _, ok := innobridge.TechFieldByCode(p.Field); !ok {
			v.Add("field", "unknown", "未知技术领域 (unknown technology field)")
		}
		f.Field = &p.Field
	}
	if p.Region != "" {
		if innobridge.ValidateRegionCode(p.Region) != "" {
			v.Add("region", "format", "行政区划代码应为6位数字 (region must be a 6-digit GB/T 2260 code)")
		}
		prefix := regionPrefix(p.Region)
		f.Region = &prefix
	}
	if p.Mode != "" {
		m, ok := innobridge.ParseMode(p.Mode)
		if !ok {
			v.Add("mode", "unknown", "未知方式 (unknown mode)")
		}
		f.Mode = &m
	}
	for name, src := range map[string]string{"trl_min": p.TRLMin, "trl_max": p.TRLMax} {
		if src == "" {
			continue
		}
		n, err := strconv.Atoi(src)
		if err != nil || n < 1 || n > 9 {
			v.Add(name, "range", "技术成熟度应为1-9 (TRL must be 1–9)")
			continue
		}
		if name == "trl_min" {
			f.TRLMin = &n
		} else {
			f.TRLMax = &n
		}
	}
	for _, st := range p.Statuses {
		x := innobridge.Status(st)
		if !x.Valid() {
			v.Add("status", "unknown", "未知状态 (unknown status)")
		}
		f.Statuses = append(f.Statuses, x)
	}
	for _, c := range p.Confs {
		x := innobridge.Confidentiality(c)
		if !x.Valid() {
			v.Add("confidentiality", "unknown", "未知保密级别 (unknown confidentiality)")
		}
		f.Confidentialities = append(f.Confidentialities, x)
	}
	switch p.Sort {
	case "", "recent", "title", "expires":
		f.Sort = p.Sort
	default:
		v.Add("sort", "unknown", "排序只能是 recent、title 或 expires (sort is recent, title or expires)")
	}
	if err := v.Err(); err != nil {
		return f, err
	}
	if p.Org != "" {
		org, err := s.orgByExternalID(ctx, p.Org)
		if err != nil {
			return f, err
		}
		f.OwnerOrgID = &org.ID
	}
	return f, nil
}

// regionPrefix turns a region code into the prefix that matches it and
// everything under it: 320000 → 32, 320500 → 3205, 320506 → 320506.
func regionPrefix(code string) string {
	switch {
	case len(code) == 6 && code[2:] == "0000":
		return code[:2]
	case len(code) == 6 && code[4:] == "00":
		return code[:4]
	}
	return code
}

func (s *Server) orgByExternalID(ctx context.Context, ext string) (*innobridge.Organization, error) {
	list, _, err := s.svc.FindOrganizations(ctx, innobridge.OrganizationFilter{ExternalID: &ext, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, innobridge.Errorf(innobridge.ENOTFOUND, "机构不存在 (organisation %q not found)", ext)
	}
	return list[0], nil
}

// pager is the page navigation under a list.
type pager struct {
	Page, Pages, Total int
	Prev, Next         string
	Links              []pageLink
}

type pageLink struct {
	N       int
	URL     string
	Current bool
	Gap     bool // an ellipsis
}

func newPager(r *http.Request, p listParams, total int) pager {
	pg := pager{Page: p.Page, Total: total, Pages: (total + p.PerPage - 1) / p.PerPage}
	if pg.Pages < 1 {
		pg.Pages = 1
	}
	link := func(n int) string {
		q := r.URL.Query()
		q.Del("lang")
		if n == 1 {
			q.Del("page")
		} else {
			q.Set("page", strconv.Itoa(n))
		}
		if len(q) == 0 {
			return r.URL.Path
		}
		return r.URL.Path + "?" + q.Encode()
	}
	if pg.Page > 1 {
		pg.Prev = link(pg.Page - 1)
	}
	if pg.Page < pg.Pages {
		pg.Next = link(pg.Page + 1)
	}
	last := 0
	for n := 1; n <= pg.Pages; n++ {
		if n == 1 || n == pg.Pages || (n >= pg.Page-2 && n <= pg.Page+2) {
			if last != 0 && n > last+1 {
				pg.Links = append(pg.Links, pageLink{Gap: true})
			}
			pg.Links = append(pg.Links, pageLink{N: n, URL: link(n), Current: n == pg.Page})
			last = n
		}
	}
	return pg
}

// exportURL returns the current list's URL in another format.
func exportURL(r *http.Request, ext string) string {
	q := r.URL.Query()
	q.Del("page")
	q.Del("per_page")
	q.Del("lang")
	q.Del("format")
	p := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(r.URL.Path, ".csv"), ".xlsx"), ".json")
	u := p + "." + ext
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// listResponse is the JSON form of a list.
type listResponse[T any] struct {
	Items   []T `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

func newListResponse[T any](items []T, total int, p listParams) listResponse[T] {
	if items == nil {
		items = []T{}
	}
	return listResponse[T]{Items: items, Total: total, Page: p.Page, PerPage: p.PerPage}
}

// maxExportRows bounds one export.
const maxExportRows = 200000

// collect pages through a service finder for an export, 1,000 rows at a
// time, up to maxExportRows. find returns the page at offset and the total.
func collect[T any](find func(offset, limit int) ([]T, int, error)) ([]T, error) {
	var out []T
	for offset := 0; ; {
		page, total, err := find(offset, 1000)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		offset += len(page)
		if len(page) == 0 || offset >= total || len(out) >= maxExportRows {
			return out, nil
		}
	}
}

// localPath returns next if it is a path on this site, else "/".
func localPath(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.IsAbs() || u.Host != "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/"
	}
	return next
}
