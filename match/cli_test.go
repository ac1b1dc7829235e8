package match

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/innobridge/innobridge"
)

func TestStreamAchievements(t *testing.T) {
	lines := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, `{"id":"a%d","title":"成果%d"}`+"\n", i, i)
			if i == 1 {
				b.WriteString("\n") // blank lines are skipped
			}
		}
		return b.String()
	}
	for _, tc := range []struct {
		name    string
		in      string
		batch   int
		want    []int // batch sizes
		wantErr string
	}{
		{"batches and a rest", lines(7), 3, []int{3, 3, 1}, ""},
		{"exact multiple: no empty batch", lines(6), 3, []int{3, 3}, ""},
		{"all at once", lines(7), 0, []int{7}, ""},
		{"empty, all at once", "", 0, []int{0}, ""},
		{"empty, batched", "", 3, nil, ""},
		{"bad line stops after the batches before it", lines(4) + "{\"id\":\n" + lines(2), 3, []int{3}, "line 6"},
		{"missing id", lines(2) + `{"title":"无编号"}` + "\n", 2, []int{2}, "line 4: id is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sizes []int
			next := 0
			err := StreamAchievements(strings.NewReader(tc.in), tc.batch, func(as []*innobridge.Achievement) error {
				sizes = append(sizes, len(as))
				for _, a := range as { // in file order
					if want := fmt.Sprintf("a%d", next%7); a.ExternalID != want && tc.wantErr == "" {
						t.Errorf("got %s, want %s", a.ExternalID, want)
					}
					next++
				}
				return nil
			})
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
			if !reflect.DeepEqual(sizes, tc.want) {
				t.Errorf("batches %v, want %v", sizes, tc.want)
			}
		})
	}
	stop := errors.New("stop")
	calls := 0
	if err := StreamAchievements(strings.NewReader(lines(7)), 2, func([]*innobridge.Achievement) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
		t.Errorf("an error of f: err %v after %d calls, want stop after 1", err, calls)
	}
}

// TestRunCLIBatches: match --corpus indexes its file in batches (more
// than one here); the results are those of one index built from the
// whole file at once.
func TestRunCLIBatches(t *testing.T) {
	subjects := []string{"锂电池正极材料", "污水处理膜生物反应器", "工业机器人视觉定位", "土壤重金属修复", "光伏组件清洗", "桥梁健康监测"}
	methods := []string{"制备方法", "控制系统", "检测装置", "优化算法", "评估模型"}
	n := cliBatch + addChunk + 17
	var corpus bytes.Buffer
	var as []*innobridge.Achievement
	for i := range n {
		s, m := subjects[i%len(subjects)], methods[(i/len(subjects))%len(methods)]
		desc := strings.Repeat(s+"的"+m+"。", 1+i%3+6*i/n) + fmt.Sprintf("编号%d。", i%97)
		a := achievement(fmt.Sprintf("a%d", i), s+m, desc)
		as = append(as, a)
		fmt.Fprintf(&corpus, `{"id":%q,"title":%q,"description":%q}`+"\n", a.ExternalID, a.Title, a.Description)
	}
	dir := t.TempDir()
	corpusFile, queryFile := filepath.Join(dir, "corpus.jsonl"), filepath.Join(dir, "queries.jsonl")
	queries := `{"id":"q1","title":"锂电池正极材料制备"}` + "\n" + `{"id":"q2","description":"桥梁健康监测中检测装置精度不足的问题"}` + "\n"
	if err := os.WriteFile(corpusFile, corpus.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(queryFile, []byte(queries), 0o644); err != nil {
		t.Fatal(err)
	}
	var streamed, whole, stderr bytes.Buffer
	if err := RunCLI(context.Background(), CLIOptions{Corpus: corpusFile, Queries: queryFile, Top: 20, Index: Options{NoSegment: true}}, &streamed, &stderr); err != nil {
		t.Fatalf("RunCLI: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), fmt.Sprintf("achievements=%d", n)) {
		t.Errorf("stderr does not count %d achievements: %s", n, stderr.String())
	}
	err := RunCLI(context.Background(), CLIOptions{DB: "x", LoadCorpus: func(context.Context) ([]*innobridge.Achievement, error) { return as, nil },
		Queries: queryFile, Top: 20, Index: Options{NoSegment: true}}, &whole, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if streamed.String() != whole.String() {
		t.Errorf("batched build ranks differently:\n%s\nwhole:\n%s", streamed.String(), whole.String())
	}
	if strings.Count(streamed.String(), `"id":"a`) < 20 {
		t.Errorf("too few results to compare: %s", streamed.String())
	}
}
