// Package importer loads organisations, achievements and demands from CSV,
// XLSX and JSONL files into a Store, all or nothing per file, and lays lists
// of them out as tables for export in a form that imports again.
//
// Every record is read and validated before anything is stored. A file with
// any problem is rejected with an *ImportError listing every problem by
// line (row, for XLSX), record id and field. A good file has its listings'
// search text computed in parallel and is written with one Store.Import
// call, which the store runs as one transaction upserting by external id.
//
// Columns may be named in English (the JSONL schema: "id", "title",
// "price_yuan", …) or in Chinese ("编号", "成果名称", "价格(元)", …); see
// Columns for the list.
package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/sheet"
	"github.com/innobridge/innobridge/zh"
)

// Kind is what an import file holds.
type Kind string

// The kinds of import file.
const (
	Organizations Kind = "organizations"
	Achievements  Kind = "achievements"
	Demands       Kind = "demands"
)

// Kinds lists every kind.
var Kinds = []Kind{Organizations, Achievements, Demands}

// ParseKind accepts a kind's name, singular or plural, or its Chinese name
// (机构, 成果, 需求).
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "organizations", "organization", "orgs", "org", "机构", "组织":
		return Organizations, nil
	case "achievements", "achievement", "成果", "科技成果":
		return Achievements, nil
	case "demands", "demand", "需求", "技术需求":
		return Demands, nil
	}
	return "", innobridge.Errorf(innobridge.EINVALID, "unknown kind %q: use organizations, achievements or demands (未知导入类型)", s)
}

// Store is what an import needs of an innobridge.Store: the organisations,
// to resolve owners and check USCCs, and Import.
type Store interface {
	FindOrganizations(ctx context.Context, f innobridge.OrganizationFilter) ([]*innobridge.Organization, int, error)
	innobridge.ImportStore
}

var _ Store = innobridge.Store(nil)

// Stage is a step of an import.
type Stage string

// The stages, in order.
const (
	StageValidate Stage = "validate" // reading and checking records
	StageIndex    Stage = "index"    // computing listings' search text
	StageStore    Stage = "store"    // writing to the store
)

// Progress reports how far a stage has come.
type Progress struct {
	Stage Stage
	Done  int // records done in this stage
	Total int // records in the file; 0 while reading
}

// Options tune an import. The zero value is ready to use.
type Options struct {
	// Progress, if set, is called from the importing goroutine at least
	// every 1,000 records of each stage and at the end of each stage.
	Progress func(Progress)
	// Analyzer computes search text; nil means zh.Default().
	Analyzer *zh.Analyzer
	// Workers is how many goroutines compute search text; 0 means
	// GOMAXPROCS.
	Workers int
}

func (o *Options) report(s Stage, done, total int) {
	if o.Progress != nil {
		o.Progress(Progress{Stage: s, Done: done, Total: total})
	}
}

// Report describes a completed import.
type Report struct {
	Kind    Kind
	File    string // base name of the file
	Records int    // records stored (inserted or updated)
	// Time spent reading and validating, computing search text and storing.
	Validate, Index, Store time.Duration
}

// ImportFile imports the file at path, holding records of kind, into
// store: all of it, or, if any record is wrong, none of it. A rejected file
// returns an *ImportError listing every problem.
func ImportFile(ctx context.Context, store Store, kind Kind, path string, opts Options) (Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return Report{Kind: kind, File: filepath.Base(path)}, err
	}
	defer f.Close()
	return Import(ctx, store, kind, filepath.Base(path), f, opts)
}

// Import is ImportFile for a file already open, such as a web upload: name
// is the file's name, whose extension (.csv, .xlsx, .jsonl) gives its format.
func Import(ctx context.Context, store Store, kind Kind, name string, r io.Reader, opts Options) (Report, error) {
	rep := Report{Kind: kind, File: filepath.Base(name)}
	if store == nil {
		return rep, errors.New("importer: nil store")
	}
	start := time.Now()
	orgs, err := loadOrgs(ctx, store)
	if err != nil {
		return rep, fmt.Errorf("importer: loading organisations: %w", err)
	}
	b, n, err := parse(ctx, kind, rep.File, r, &opts, orgs)
	rep.Validate = time.Since(start)
	if err != nil {
		return rep, err
	}
	if kind != Organizations {
		start = time.Now()
		if err := index(ctx, b, &opts); err != nil {
			return rep, err
		}
		rep.Index = time.Since(start)
	}
	start = time.Now()
	err = store.Import(ctx, b, func(done int) { opts.report(StageStore, done, n) })
	rep.Store = time.Since(start)
	if err != nil {
		return rep, fmt.Errorf("importing %s: %w", rep.File, err)
	}
	opts.report(StageStore, n, n)
	rep.Records = n
	return rep, nil
}

// Func adapts Import to the web upload's signature (http.ImportFunc):
// kind is "organizations", "achievements" or "demands", filename the
// uploaded file's name. It returns the number of records stored.
func Func(store Store, opts Options) func(ctx context.Context, kind, filename string, data []byte) (int, error) {
	return func(ctx context.Context, kind, filename string, data []byte) (int, error) {
		k, err := ParseKind(kind)
		if err != nil {
			return 0, err
		}
		rep, err := Import(ctx, store, k, filename, strings.NewReader(string(data)), opts)
		return rep.Records, err
	}
}

// Parse reads and validates a file without a store: owners are not
// resolved (each listing's OwnerOrg holds the file's owner value, which
// may be blank) and no search text is computed. It is for tools that work
// on files, such as the matching command. A file with problems returns an
// *ImportError.
func Parse(ctx context.Context, kind Kind, name string, r io.Reader) (innobridge.ImportBatch, error) {
	b, _, err := parse(ctx, kind, filepath.Base(name), r, &Options{}, nil)
	return b, err
}

// ReadAchievementsJSONL reads achievements in the import schema (id,
// optional title, description, optional keywords, other fields optional)
// from JSON lines, validating each; no store is needed.
func ReadAchievementsJSONL(r io.Reader) ([]*innobridge.Achievement, error) {
	b, err := Parse(context.Background(), Achievements, "achievements.jsonl", r)
	return b.Achievements, err
}

// parse reads every record of the file and validates it, resolving owners
// against orgs unless orgs is nil.
func parse(ctx context.Context, kind Kind, name string, r io.Reader, opts *Options, orgs *orgIndex) (innobridge.ImportBatch, int, error) {
	var b innobridge.ImportBatch
	switch kind {
	case Organizations, Achievements, Demands:
	default:
		return b, 0, innobridge.Errorf(innobridge.EINVALID, "unknown kind %q: use organizations, achievements or demands (未知导入类型)", kind)
	}
	format, ferr := sheet.FormatOf(name)
	ie := &ImportError{File: name, Rows: format == sheet.XLSX}
	if ferr != nil {
		ie.Problems = append(ie.Problems, Problem{Message: ferr.Error()})
		return b, 0, ie
	}
	p := &parser{kind: kind, cols: columnMap(kind), display: map[string]string{}, orgs: orgs, err: ie,
		unknown: map[string]bool{}, ids: map[string]int{}, usccs: map[string]int{}, tabular: format != sheet.JSONL}
	n := 0
	err := sheet.Read(name, r, p.header, func(rec sheet.Record) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		p.record(rec, &b)
		n++
		if n%1000 == 0 {
			opts.report(StageValidate, n, 0)
		}
		return nil
	})
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return b, 0, cerr
		}
		var le *sheet.LineError
		if errors.As(err, &le) {
			ie.Problems = append(ie.Problems, Problem{Line: le.Line, Code: "format", Message: le.Err.Error()})
		} else {
			ie.Problems = append(ie.Problems, Problem{Code: "format", Message: err.Error()})
		}
	}
	if err == nil && n == 0 {
		ie.Problems = append(ie.Problems, Problem{Code: "required", Message: "文件没有数据行 (the file has no records)"})
	}
	opts.report(StageValidate, n, n)
	if len(ie.Problems) > 0 {
		sort.SliceStable(ie.Problems, func(i, j int) bool { return ie.Problems[i].Line < ie.Problems[j].Line })
		return innobridge.ImportBatch{}, 0, ie
	}
	return b, n, nil
}

// parser holds the state of reading one file.
type parser struct {
	kind    Kind
	cols    map[string]string // normalised header → canonical name
	display map[string]string // canonical name → the header as written
	missing map[string]bool   // required columns absent from a tabular file
	orgs    *orgIndex
	err     *ImportError
	unknown map[string]bool // unknown columns, reported once each
	ids     map[string]int  // id → first line
	usccs   map[string]int  // USCC → first line (organisations)
	tabular bool
}

// required lists the columns a tabular file must have.
func (p *parser) required() []string {
	switch p.kind {
	case Organizations:
		return []string{"id", "name", "kind", "region"}
	default:
		if p.orgs != nil {
			return []string{"id", "title", "owner"}
		}
		return []string{"id", "title"}
	}
}

func (p *parser) header(h sheet.Header) error {
	if !p.tabular {
		return nil
	}
	for _, c := range h.Columns {
		canon, ok := p.cols[normKey(c)]
		switch {
		case !ok:
			p.unknown[c] = true
			p.err.Problems = append(p.err.Problems, Problem{Line: h.Line, Field: c, Code: "unknown",
				Message: fmt.Sprintf("未知列 %q (unknown column; accepted: %s)", c, strings.Join(Columns(p.kind), ", "))})
		case canon == ignored:
		default:
			if prev, dup := p.display[canon]; dup {
				p.err.Problems = append(p.err.Problems, Problem{Line: h.Line, Field: canon, Column: c, Code: "duplicate",
					Message: fmt.Sprintf("列 %q 与 %q 含义相同 (two columns for the same field)", c, prev)})
				continue
			}
			p.display[canon] = c
		}
	}
	p.missing = map[string]bool{}
	for _, f := range p.required() {
		if _, ok := p.display[f]; !ok {
			p.missing[f] = true
			p.err.Problems = append(p.err.Problems, Problem{Line: h.Line, Field: f, Code: "required",
				Message: fmt.Sprintf("缺少必填列 %s (missing column %q)", strings.Join(aliasesOf(p.kind, f), " / "), f)})
		}
	}
	return nil
}

// record decodes and checks one record, appending it to b.
func (p *parser) record(rec sheet.Record, b *innobridge.ImportBatch) {
	if rec.Problem != "" {
		p.err.Problems = append(p.err.Problems, Problem{Line: rec.Line, Code: "format", Message: rec.Problem})
		return
	}
	rw := &row{rec: rec, vals: make(map[string]any, len(rec.Values))}
	for k, v := range rec.Values {
		canon, ok := p.cols[normKey(k)]
		if !ok {
			if !p.unknown[k] {
				p.unknown[k] = true
				p.err.Problems = append(p.err.Problems, Problem{Line: rec.Line, Field: k, Code: "unknown",
					Message: fmt.Sprintf("未知字段 %q (unknown field; accepted: %s)", k, strings.Join(Columns(p.kind), ", "))})
			}
			continue
		}
		if canon == ignored {
			continue
		}
		if !p.tabular {
			if _, dup := rw.vals[canon]; dup {
				rw.add(canon, "duplicate", "字段 %q 重复 (the field appears twice under different names)", k)
			}
		}
		rw.vals[canon] = v
	}
	id := rw.str("id")
	if id == "" {
		rw.add("id", "required", "编号必填 (id is required: records keep it as their external id)")
	} else if first, dup := p.ids[id]; dup {
		rw.add("id", "duplicate", "编号 %q 与第%d行重复 (duplicate id, first on line %d)", id, first, first)
	} else {
		p.ids[id] = rec.Line
	}
	switch p.kind {
	case Organizations:
		o := rw.organization()
		p.checkOrg(rw, o)
		b.Organizations = append(b.Organizations, o)
	case Achievements:
		a := rw.achievement()
		p.resolveOwner(rw, &a.Listing)
		b.Achievements = append(b.Achievements, a)
	case Demands:
		d := rw.demand()
		p.resolveOwner(rw, &d.Listing)
		b.Demands = append(b.Demands, d)
	}
	for _, f := range rw.order {
		if p.missing[f] {
			continue // reported once for the header
		}
		pr := rw.problems[f]
		pr.Record = id
		if f != "" {
			pr.Column = p.display[f]
		}
		p.err.Problems = append(p.err.Problems, pr)
	}
}

func (p *parser) checkOrg(rw *row, o *innobridge.Organization) {
	if o.USCC == "" {
		return
	}
	if _, bad := rw.problems["uscc"]; bad {
		return
	}
	if first, dup := p.usccs[o.USCC]; dup {
		rw.add("uscc", "duplicate", "统一社会信用代码与第%d行重复 (duplicate USCC, first on line %d)", first, first)
		return
	}
	p.usccs[o.USCC] = rw.rec.Line
	if p.orgs != nil {
		if other, ok := p.orgs.byUSCC[o.USCC]; ok && other.ExternalID != o.ExternalID {
			rw.add("uscc", "conflict", "统一社会信用代码已属于机构 %s「%s」 (USCC belongs to another organisation)", other.ExternalID, other.Name)
		}
	}
}

func (p *parser) resolveOwner(rw *row, l *innobridge.Listing) {
	if p.orgs == nil {
		return
	}
	if l.OwnerOrg == "" {
		rw.add("owner", "required", "所属机构必填：机构编号、统一社会信用代码或名称 (owner is required: the organisation's id, USCC or exact name)")
		return
	}
	o, msg := p.orgs.resolve(l.OwnerOrg)
	if o == nil {
		rw.add("owner", "unknown", "%s", msg)
		return
	}
	l.OwnerOrgID, l.OwnerOrg, l.OwnerName = o.ID, o.ExternalID, o.Name
}

// orgIndex finds owners by external id, USCC or exact name.
type orgIndex struct {
	byExt  map[string]*innobridge.Organization
	byUSCC map[string]*innobridge.Organization
	byName map[string][]*innobridge.Organization
}

// loadOrgs reads every organisation once.
func loadOrgs(ctx context.Context, s Store) (*orgIndex, error) {
	list, _, err := s.FindOrganizations(ctx, innobridge.OrganizationFilter{})
	if err != nil {
		return nil, err
	}
	x := &orgIndex{byExt: make(map[string]*innobridge.Organization, len(list)),
		byUSCC: make(map[string]*innobridge.Organization, len(list)), byName: make(map[string][]*innobridge.Organization, len(list))}
	for _, o := range list {
		x.byExt[o.ExternalID] = o
		if o.USCC != "" {
			x.byUSCC[o.USCC] = o
		}
		x.byName[o.Name] = append(x.byName[o.Name], o)
	}
	return x, nil
}

func (x *orgIndex) resolve(s string) (*innobridge.Organization, string) {
	if o, ok := x.byExt[s]; ok {
		return o, ""
	}
	if o, ok := x.byUSCC[innobridge.NormalizeUSCC(s)]; ok {
		return o, ""
	}
	switch os := x.byName[s]; len(os) {
	case 0:
	case 1:
		return os[0], ""
	default:
		return nil, fmt.Sprintf("有%d个机构名为「%s」，请改用机构编号或统一社会信用代码 (several organisations have this name; use the id or USCC)", len(os), s)
	}
	return nil, fmt.Sprintf("找不到机构 %q，请先导入机构 (no organisation with this id, USCC or name; import it first)", s)
}

// index computes the search text of every listing of b, in parallel.
func index(ctx context.Context, b innobridge.ImportBatch, opts *Options) error {
	an := opts.Analyzer
	if an == nil {
		var err error
		if an, err = zh.Default(); err != nil {
			return fmt.Errorf("loading the Chinese dictionary: %w", err)
		}
	}
	var parts func(i int) []string
	var set func(i int, s string)
	n := 0
	switch {
	case b.Achievements != nil:
		n = len(b.Achievements)
		parts = func(i int) []string { return b.Achievements[i].SearchParts() }
		set = func(i int, s string) { b.Achievements[i].SearchText = s }
	case b.Demands != nil:
		n = len(b.Demands)
		// A demand that is not public covers only title, teaser and field.
		parts = func(i int) []string { return b.Demands[i].SearchParts() }
		set = func(i int, s string) { b.Demands[i].SearchText = s }
	default:
		return nil
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	const chunk = 500
	chunks := make(chan int)
	done := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for lo := range chunks {
				hi := min(lo+chunk, n)
				for i := lo; i < hi; i++ {
					set(i, an.SearchText(parts(i)...))
				}
				done <- hi - lo
			}
		}()
	}
	go func() {
		defer close(chunks)
		for lo := 0; lo < n; lo += chunk {
			select {
			case chunks <- lo:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(done) }()
	total, last := 0, 0
	for d := range done {
		total += d
		if total-last >= 1000 {
			opts.report(StageIndex, total, n)
			last = total
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	opts.report(StageIndex, n, n)
	return nil
}

// Columns returns the canonical column names of kind, in export order.
func Columns(kind Kind) []string {
	switch kind {
	case Organizations:
		return []string{"id", "name", "kind", "uscc", "region", "industry", "address", "contact", "phone", "email", "website", "intro", "founded"}
	case Achievements:
		return []string{"id", "title", "description", "keywords", "field", "region", "owner", "status", "expires_at",
			"trl", "ip_type", "ip_numbers", "transfer_modes", "price_yuan", "price_wan", "negotiable"}
	case Demands:
		return []string{"id", "title", "description", "teaser", "keywords", "field", "region", "owner", "status", "expires_at",
			"budget_min_yuan", "budget_max_yuan", "budget_min_wan", "budget_max_wan", "deadline", "coop_modes", "trl_min", "confidentiality"}
	}
	return nil
}

// aliasesOf returns field's canonical name and its aliases for kind.
func aliasesOf(kind Kind, field string) []string {
	out := []string{field}
	for _, tab := range tablesOf(kind) {
		out = append(out, tab[field]...)
	}
	return out
}

func tablesOf(kind Kind) []map[string][]string {
	switch kind {
	case Organizations:
		return []map[string][]string{commonAliases, orgAliases}
	case Achievements:
		return []map[string][]string{commonAliases, listingAliases, achievementAliases}
	case Demands:
		return []map[string][]string{commonAliases, listingAliases, demandAliases}
	}
	return nil
}

// ColumnAliases returns, for each canonical column of kind, every header
// the importer accepts for it, for the upload page's help text.
func ColumnAliases(kind Kind) map[string][]string {
	m := map[string][]string{}
	for _, c := range Columns(kind) {
		m[c] = aliasesOf(kind, c)
	}
	return m
}
