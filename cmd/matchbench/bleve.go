package main

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/go-ego/gse"

	"github.com/innobridge/innobridge"
)

const gseTokenizerName = "gse"

var (
	gseOnce sync.Once
	gseSeg  *gse.Segmenter
)

func loadGSE() *gse.Segmenter {
	gseOnce.Do(func() {
		s := &gse.Segmenter{SkipLog: true}
		if err := s.LoadDictEmbed("zh_s"); err != nil {
			panic(err)
		}
		gseSeg = s
		registry.RegisterTokenizer(gseTokenizerName, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
			return gseTokenizer{gseSeg}, nil
		})
	})
	return gseSeg
}

// gseTokenizer adapts gse to bleve: words with byte offsets, punctuation
// and spaces dropped.
type gseTokenizer struct{ seg *gse.Segmenter }

func (t gseTokenizer) Tokenize(input []byte) analysis.TokenStream {
	segs := t.seg.Segment(input)
	out := make(analysis.TokenStream, 0, len(segs))
	pos := 1
	for _, s := range segs {
		term := input[s.Start():s.End()]
		if !strings.ContainsFunc(string(term), func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			continue
		}
		out = append(out, &analysis.Token{Term: term, Start: s.Start(), End: s.End(), Position: pos, Type: analysis.Ideographic})
		pos++
	}
	return out
}

// bleveEngine is Bleve v2 with BM25 over one text field (title, keywords and
// description joined), scorch on disk.
type bleveEngine struct {
	name string
	an   string // "cjk" or "gse"
	dir  string
	idx  bleve.Index
}

type bleveDoc struct {
	Text string `json:"text"`
}

func (e *bleveEngine) Name() string { return e.name }

func (e *bleveEngine) Build(as []*innobridge.Achievement) error {
	m := bleve.NewIndexMapping()
	m.ScoringModel = "bm25"
	analyzer := "cjk"
	if e.an == "gse" {
		loadGSE()
		if err := m.AddCustomAnalyzer("gse", map[string]any{
			"type": custom.Name, "tokenizer": gseTokenizerName, "token_filters": []string{lowercase.Name},
		}); err != nil {
			return err
		}
		analyzer = "gse"
	}
	fm := bleve.NewTextFieldMapping()
	fm.Analyzer = analyzer
	fm.Store = false
	fm.IncludeTermVectors = false
	fm.IncludeInAll = false
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt("text", fm)
	m.DefaultMapping = dm
	m.DefaultAnalyzer = analyzer
	dir, err := os.MkdirTemp("", "matchbench-bleve-")
	if err != nil {
		return err
	}
	e.dir = dir
	idx, err := bleve.New(dir+"/index", m)
	if err != nil {
		return err
	}
	e.idx = idx
	b := idx.NewBatch()
	for _, a := range as {
		if err := b.Index(a.ExternalID, bleveDoc{Text: listingText(&a.Listing)}); err != nil {
			return err
		}
		if b.Size() >= 1000 {
			if err := idx.Batch(b); err != nil {
				return err
			}
			b = idx.NewBatch()
		}
	}
	return idx.Batch(b)
}

func listingText(l *innobridge.Listing) string {
	parts := []string{l.Title}
	parts = append(parts, l.Keywords...)
	parts = append(parts, l.Description)
	return strings.TrimSpace(strings.Join(parts, " "))
}

func (e *bleveEngine) Search(d *innobridge.Demand, k int) ([]string, error) {
	q := bleve.NewMatchQuery(listingText(&d.Listing))
	q.SetField("text")
	req := bleve.NewSearchRequestOptions(q, k, 0, false)
	res, err := e.idx.Search(req)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.ID
	}
	return out, nil
}

func (e *bleveEngine) Close() error {
	var err error
	if e.idx != nil {
		err = e.idx.Close()
	}
	if e.dir != "" {
		os.RemoveAll(e.dir)
	}
	return err
}

func (e *bleveEngine) Footprint() string {
	var n int64
	if e.dir != "" {
		n = dirSize(e.dir)
	}
	return fmt.Sprintf("index on disk %.0f MB", float64(n)/1e6)
}
