package service

import (
	"slices"
	"testing"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/match"
	"github.com/innobridge/innobridge/zh"
)

// TestWordingSnap: the terms matched are said in the query's words, those
// related in the anchor's, each as the recommended listing has it; a
// related term the matched ones show is left out.
func TestWordingSnap(t *testing.T) {
	m := &Matching{opts: match.Options{Analyzer: zh.MustDefault()}}
	query := &innobridge.Listing{Title: "高炉煤气放散率偏高"}
	anchor := &innobridge.Listing{Title: "钢铁企业高炉煤气高效燃烧", Description: "采用蓄热式高温空气燃烧与烟气余热梯级回收。"}
	l := &innobridge.Listing{Title: "转炉煤气余热回收", Description: "烟气余热回收与蓄热式燃烧。"}
	w := match.Why{Matched: []string{"炉煤气"}, Related: []string{"热式高温空气燃烧", "余热梯级回收", "炉煤气"}}
	m.wording(query).snap(&w, anchor, listingText(l))
	if want := []string{"煤气"}; !slices.Equal(w.Matched, want) {
		t.Errorf("matched %q, want %q", w.Matched, want)
	}
	if want := []string{"蓄热式", "燃烧", "余热", "回收"}; !slices.Equal(w.Related, want) {
		t.Errorf("related %q, want %q", w.Related, want)
	}
	// Without the dictionary the engine's terms stay as they are.
	m.opts.NoSegment = true
	w = match.Why{Matched: []string{"炉煤气"}}
	m.wording(query).snap(&w, anchor, listingText(l))
	if want := []string{"炉煤气"}; !slices.Equal(w.Matched, want) {
		t.Errorf("without the dictionary, matched %q, want %q", w.Matched, want)
	}
}
