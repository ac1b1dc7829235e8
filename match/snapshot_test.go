package match

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/innobridge/innobridge"
)

// snapshotIndex returns an index of synthetic achievements and demands,
// with replaced and removed listings among them when edited.
func snapshotIndex(tb testing.TB, r *rand.Rand, n int, edited bool) *Index {
	tb.Helper()
	ctx := context.Background()
	ix := New(Options{NoSegment: true})
	seen := map[string]bool{}
	var as []*innobridge.Achievement
	var ds []*innobridge.Demand
	for i := range n {
		a := synthAchievement(r, fmt.Sprint("a", i), seen)
		a.TRL = 1 + i%9
		a.TransferModes = []innobridge.Mode{innobridge.Modes[i%len(innobridge.Modes)]}
		if i%3 == 0 {
			price := int64(10000 * i)
			a.PriceYuan = &price
		}
		as = append(as, a)
		b := synthAchievement(r, fmt.Sprint("d", i), seen)
		d := &innobridge.Demand{Listing: b.Listing, TRLMin: i % 7}
		if i%4 == 0 {
			lo, hi := int64(1000*i), int64(5000*i)
			d.BudgetMinYuan, d.BudgetMaxYuan = &lo, &hi
		}
		if i%5 == 0 {
			d.Hidden, d.Teaser = true, synthText(r, 4)
		}
		ds = append(ds, d)
	}
	if err := ix.AddAchievements(ctx, as); err != nil {
		tb.Fatal(err)
	}
	if err := ix.AddDemands(ctx, ds); err != nil {
		tb.Fatal(err)
	}
	if edited {
		for i := 0; i < n; i += 3 {
			if err := ix.UpdateAchievement(ctx, synthAchievement(r, fmt.Sprint("a", i), seen)); err != nil {
				tb.Fatal(err)
			}
		}
		for i := 1; i < n; i += 5 {
			ix.RemoveAchievement(fmt.Sprint("a", i))
			ix.RemoveDemand(fmt.Sprint("d", i))
		}
	}
	return ix
}

// snapshotQueries returns demands and achievements to search with.
func snapshotQueries(r *rand.Rand, n int) ([]*innobridge.Demand, []*innobridge.Achievement) {
	var ds []*innobridge.Demand
	var as []*innobridge.Achievement
	for i := range n {
		d := &innobridge.Demand{TRLMin: i % 5}
		d.ExternalID, d.Title, d.Description = "q", synthText(r, 3), synthText(r, 12)
		a := &innobridge.Achievement{TRL: i % 9}
		a.ExternalID, a.Title, a.Description = "q", synthText(r, 3), synthText(r, 12)
		if i%3 == 0 {
			d.Keywords = []string{synthWords[r.IntN(len(synthWords))]}
			a.Keywords = []string{synthWords[r.IntN(len(synthWords))]}
		}
		ds, as = append(ds, d), append(as, a)
	}
	return ds, as
}

// mustSameSearches fails unless got answers every query exactly as want:
// the same results in the same order with the same explanations.
func mustSameSearches(t *testing.T, got, want *Index, r *rand.Rand) {
	t.Helper()
	ctx := context.Background()
	ds, as := snapshotQueries(r, 20)
	for i := range ds {
		g, err := got.Search(ctx, ds[i], 20)
		if err != nil {
			t.Fatal(err)
		}
		w, err := want.Search(ctx, ds[i], 20)
		if err != nil {
			t.Fatal(err)
		}
		if len(w) == 0 {
			t.Fatalf("query %q finds nothing: a weak test", ds[i].Title)
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("Search(%q):\n got %+v\nwant %+v", ds[i].Title, g, w)
		}
		g, err = got.DemandsFor(ctx, as[i], 20)
		if err != nil {
			t.Fatal(err)
		}
		w, err = want.DemandsFor(ctx, as[i], 20)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("DemandsFor(%q):\n got %+v\nwant %+v", as[i].Title, g, w)
		}
	}
	ga, gd := got.Len()
	wa, wd := want.Len()
	if ga != wa || gd != wd {
		t.Errorf("Len() = %d, %d; want %d, %d", ga, gd, wa, wd)
	}
}

func mustSnapshot(tb testing.TB, ix *Index) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := ix.WriteSnapshot(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestSnapshot(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name   string
		edited bool
	}{{"Built", false}, {"Edited", true}} {
		t.Run(tt.name, func(t *testing.T) {
			ix := snapshotIndex(t, rand.New(rand.NewPCG(7, 7)), 300, tt.edited)
			b := mustSnapshot(t, ix)
			got, err := ReadSnapshot(bytes.NewReader(b), Options{NoSegment: true})
			if err != nil {
				t.Fatal(err)
			}
			mustSameSearches(t, got, ix, rand.New(rand.NewPCG(1, 2)))
			if tt.edited && len(got.ach.docs) != got.ach.nAlive {
				t.Errorf("%d documents loaded for %d live ones", len(got.ach.docs), got.ach.nAlive)
			}
			// A snapshot of the loaded index is the same, but for the
			// order of the terms.
			if b2 := mustSnapshot(t, got); len(b2) != len(b) {
				t.Errorf("second snapshot has %d bytes, the first %d", len(b2), len(b))
			}
			// Both go on alike after more changes.
			r := rand.New(rand.NewPCG(3, 4))
			seen := map[string]bool{}
			for i := range 40 {
				a := synthAchievement(r, fmt.Sprint("a", 2*i), seen)
				for _, x := range []*Index{ix, got} {
					if err := x.UpdateAchievement(ctx, a); err != nil {
						t.Fatal(err)
					}
				}
			}
			for _, x := range []*Index{ix, got} {
				x.RemoveDemand("d3")
				x.RemoveAchievement("a300") // none
			}
			mustSameSearches(t, got, ix, rand.New(rand.NewPCG(5, 6)))
		})
	}
	t.Run("KeepsWhatFollows", func(t *testing.T) {
		ix := snapshotIndex(t, rand.New(rand.NewPCG(7, 7)), 50, true)
		var buf bytes.Buffer
		if err := ix.WriteSnapshot(&buf); err != nil {
			t.Fatal(err)
		}
		buf.WriteString("the caller's own data")
		br := bufio.NewReader(&buf)
		if _, err := ReadSnapshot(br, Options{NoSegment: true}); err != nil {
			t.Fatal(err)
		}
		if rest, _ := io.ReadAll(br); string(rest) != "the caller's own data" {
			t.Errorf("after the snapshot: %q", rest)
		}
	})
	t.Run("Concept", func(t *testing.T) {
		ix := snapshotIndex(t, rand.New(rand.NewPCG(7, 7)), 50, false)
		got, err := ReadSnapshot(bytes.NewReader(mustSnapshot(t, ix)), Options{NoSegment: true, Params: Params{Concept: 0.1}})
		if err != nil {
			t.Fatal(err)
		}
		if got.ach.cpt == nil || got.dem.cpt == nil {
			t.Error("the concept space is not trained on load")
		}
	})
}

// TestSnapshotRefused checks that a snapshot that is torn, corrupt, of
// another version or of another text analysis is refused with ErrSnapshot.
func TestSnapshotRefused(t *testing.T) {
	ix := snapshotIndex(t, rand.New(rand.NewPCG(7, 7)), 60, true)
	good := mustSnapshot(t, ix)
	read := func(b []byte) error {
		_, err := ReadSnapshot(bytes.NewReader(b), Options{NoSegment: true})
		return err
	}
	changed := func(f func(b []byte)) []byte {
		b := bytes.Clone(good)
		f(b)
		return b
	}
	// rechecked recomputes the checksum, as a writer of another build would.
	rechecked := func(f func(b []byte)) []byte {
		b := changed(f)
		binary.LittleEndian.PutUint32(b[len(b)-4:], crcOf(b[:len(b)-4]))
		return b
	}
	for _, tt := range []struct {
		name string
		b    []byte
		want string // in the error
	}{
		{"Empty", nil, "not a match index snapshot"},
		{"OtherFile", []byte("SQLite format 3\x00 and more bytes"), "not a match index snapshot"},
		{"Truncated", good[:len(good)/2], "truncated"},
		{"NoChecksum", good[:len(good)-4], "truncated"},
		{"BitFlipped", changed(func(b []byte) { b[len(b)*2/3] ^= 0x10 }), ""},
		{"ChecksumFlipped", changed(func(b []byte) { b[len(b)-1] ^= 1 }), "checksum mismatch"},
		{"OtherVersion", rechecked(func(b []byte) { binary.LittleEndian.PutUint32(b[8:], snapshotVersion+1) }), "format version 2"},
		{"OtherAnalysis", rechecked(func(b []byte) { b[12] ^= 1 }), "text analysis differs"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := read(tt.b)
			if !errors.Is(err, ErrSnapshot) {
				t.Fatalf("err = %v, want ErrSnapshot", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to say %q", err, tt.want)
			}
		})
	}
	t.Run("EveryCut", func(t *testing.T) {
		for n := 0; n < len(good); n += 1 + n/50 {
			if err := read(good[:n]); !errors.Is(err, ErrSnapshot) {
				t.Fatalf("cut at %d of %d: err = %v", n, len(good), err)
			}
		}
	})
	t.Run("EveryFlip", func(t *testing.T) {
		// Corrupt lengths and counts must fail, not panic or hang.
		start := time.Now()
		for i := 0; i < len(good); i += 1 + i/100 {
			b := bytes.Clone(good)
			b[i] ^= 0xa5
			if err := read(b); !errors.Is(err, ErrSnapshot) {
				t.Fatalf("byte %d of %d flipped: err = %v", i, len(good), err)
			}
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("refusing corrupt snapshots took %v", d)
		}
	})
	t.Run("ReadError", func(t *testing.T) {
		boom := errors.New("disk on fire")
		_, err := ReadSnapshot(io.MultiReader(bytes.NewReader(good[:100]), iotest.ErrReader(boom)), Options{NoSegment: true})
		if !errors.Is(err, boom) || errors.Is(err, ErrSnapshot) {
			t.Errorf("err = %v, want the reader's error", err)
		}
	})
}

func crcOf(b []byte) uint32 {
	e := &encoder{w: io.Discard}
	crcWriter{e}.Write(b)
	return e.crc
}

var snapshotN = flag.Int("snapshot.n", 100_000, "listings in BenchmarkSnapshot's synthetic index")

// synthCorpus returns n synthetic listings, four fifths achievements and
// one fifth demands, of Chinese-looking text: words of two to four
// characters drawn from 3,000, chosen with a Zipf law from a vocabulary of
// 30,000; titles of 3–6 words, descriptions of 30–90, 2–4 keywords.
func synthCorpus(n int) ([]*innobridge.Achievement, []*innobridge.Demand) {
	r := rand.New(rand.NewPCG(42, 42))
	charZipf := rand.NewZipf(r, 1.1, 20, 2999)
	vocab := make([]string, 30000)
	for i := range vocab {
		rs := make([]rune, 2+r.IntN(3))
		for j := range rs {
			rs[j] = rune(0x4e00 + 7*charZipf.Uint64()) // spread over the CJK block
		}
		vocab[i] = string(rs)
	}
	wordZipf := rand.NewZipf(r, 1.05, 50, uint64(len(vocab)-1))
	text := func(words int) string {
		var b strings.Builder
		for i := range words {
			b.WriteString(vocab[wordZipf.Uint64()])
			if i%9 == 8 {
				b.WriteString("，")
			}
		}
		return b.String()
	}
	var as []*innobridge.Achievement
	var ds []*innobridge.Demand
	for i := range n {
		l := innobridge.Listing{ExternalID: fmt.Sprint("x", i), Title: text(3 + r.IntN(4)), Description: text(30 + r.IntN(61)),
			Field: fmt.Sprint(1 + r.IntN(9)), Region: "320505"}
		for range 2 + r.IntN(3) {
			l.Keywords = append(l.Keywords, vocab[wordZipf.Uint64()])
		}
		if i%5 == 4 {
			ds = append(ds, &innobridge.Demand{Listing: l, TRLMin: r.IntN(9)})
		} else {
			as = append(as, &innobridge.Achievement{Listing: l, TRL: 1 + r.IntN(9)})
		}
	}
	return as, ds
}

// BenchmarkSnapshot compares building an index of -snapshot.n synthetic
// listings with writing its snapshot to a file and reading it back:
//
//	go test -run x -bench Snapshot -benchtime 1x ./match
func BenchmarkSnapshot(b *testing.B) {
	ctx := context.Background()
	as, ds := synthCorpus(*snapshotN)
	opts := Options{NoSegment: true}
	build := func(b *testing.B) *Index {
		ix := New(opts)
		if err := ix.AddAchievements(ctx, as); err != nil {
			b.Fatal(err)
		}
		if err := ix.AddDemands(ctx, ds); err != nil {
			b.Fatal(err)
		}
		return ix
	}
	var ix *Index
	b.Run("Build", func(b *testing.B) {
		for b.Loop() {
			ix = build(b)
		}
	})
	path := filepath.Join(b.TempDir(), "index.snapshot")
	write := func(b *testing.B) {
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		if err := ix.WriteSnapshot(f); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("Write", func(b *testing.B) {
		if ix == nil { // -bench Snapshot/Write
			ix = build(b)
		}
		for b.Loop() {
			write(b)
		}
		if fi, err := os.Stat(path); err == nil {
			b.ReportMetric(float64(fi.Size())/(1<<20), "MiB")
		}
	})
	b.Run("Read", func(b *testing.B) {
		if _, err := os.Stat(path); err != nil { // -bench Snapshot/Read
			ix = build(b)
			write(b)
		}
		ix = nil // as at a restart: nothing else on the heap
		runtime.GC()
		for b.Loop() {
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := ReadSnapshot(f, opts); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
	})
}
