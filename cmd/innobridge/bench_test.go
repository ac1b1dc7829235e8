package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/importer"
)

// Word pools for generated listings: load figures only, never quality.
var (
	genAdj  = strings.Fields("高效 低成本 智能 新型 绿色 高精度 模块化 柔性 在线 快速 长寿命 耐高温 低功耗 可降解 自适应 分布式 高通量 无损 轻量化 一体化")
	genObj  = strings.Fields("煤气 锂电池 传感器 轴承 膜材料 光伏组件 工业机器人 数控机床 污水 固废 芯片 抗体 疫苗 无人机 复合材料 氢能 储能 电机 减速器 涂层 催化剂 医疗器械 农产品 水泥 钢铁 纺织 陶瓷 玻璃 发动机 变压器")
	genAct  = strings.Fields("回收利用技术 制备方法 检测系统 控制装置 优化算法 处理工艺 监测平台 设计方法 评价方法 集成系统 再生技术 改性工艺 诊断方法 成形工艺 封装技术")
	genGain = strings.Fields("提高利用率 降低能耗 缩短周期 提升良品率 减少排放 延长寿命 降低成本 提高精度 减轻重量 提高产量")
)

// genAchievements writes n achievements in the JSONL import schema, owned by
// the organisation with external id owner.
func genAchievements(w io.Writer, n int, owner string, seed uint64) error {
	r := rand.New(rand.NewPCG(seed, 1))
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for i := range n {
		obj, act := pick(genObj), pick(genAct)
		rec := map[string]any{
			"id":    fmt.Sprintf("gen-%07d", i),
			"title": pick(genAdj) + obj + act,
			"description": fmt.Sprintf("本成果针对%s领域%s问题，提出%s%s，%s%d%%，已在%d家企业应用。%s与%s结合，可%s。",
				obj, pick(genGain), pick(genAdj), act, pick(genGain), 5+r.IntN(40), 1+r.IntN(20), pick(genObj), pick(genAct), pick(genGain)),
			"keywords":       []string{obj, strings.TrimSuffix(act, "技术")},
			"field":          strconv.Itoa(1 + r.IntN(8)),
			"trl":            1 + r.IntN(9),
			"ip_type":        "invention_patent",
			"transfer_modes": []string{"transfer"},
			"negotiable":     true,
			"owner":          owner,
		}
		if err := enc.Encode(rec); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// BenchmarkSearchPage measures the achievements search page over loopback
// on a SQLite store holding INNOBRIDGE_BENCH_ROWS generated achievements
// (default 100,000), beside the plain list page and /healthz as peers in
// the same run. The import rate of the setup is logged.
func BenchmarkSearchPage(b *testing.B) {
	rows := 100_000
	if v := os.Getenv("INNOBRIDGE_BENCH_ROWS"); v != "" {
		rows, _ = strconv.Atoi(v)
	}
	dir := b.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "bench.db")
	ctx := context.Background()
	m := &Main{Addr: "127.0.0.1:0", DSN: dsn, Out: io.Discard}
	if err := m.Run(ctx); err != nil {
		b.Fatal(err)
	}
	defer m.Close()

	orgFile := filepath.Join(dir, "orgs.csv")
	body := "91320505MA0000001"
	c, _ := innobridge.USCCCheckChar(body)
	if err := os.WriteFile(orgFile, []byte("id,name,kind,uscc,region\nbench-org,苏州基准测试研究院,institute,"+body+string(c)+",320505\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	if _, err := importer.ImportFile(ctx, m.Store, importer.Organizations, orgFile, importer.Options{}); err != nil {
		b.Fatal(err)
	}
	achFile := filepath.Join(dir, "achievements.jsonl")
	f, err := os.Create(achFile)
	if err != nil {
		b.Fatal(err)
	}
	if err := genAchievements(f, rows, "bench-org", 42); err != nil {
		b.Fatal(err)
	}
	f.Close()
	start := time.Now()
	rep, err := importer.ImportFile(ctx, m.Store, importer.Achievements, achFile, importer.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("imported %d achievements into SQLite in %s: %.0f rows/s (validate %s, index %s, store %s)", rep.Records,
		time.Since(start).Round(time.Millisecond), float64(rep.Records)/time.Since(start).Seconds(), rep.Validate, rep.Index, rep.Store)

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	for _, tc := range []struct{ name, path string }{
		{"healthz", "/healthz"},
		{"list", "/achievements"},
		{"search", "/achievements?q=" + url.QueryEscape("煤气 回收利用")},
		{"search-field-trl", "/achievements?q=" + url.QueryEscape("锂电池") + "&field=6&trl_min=5"},
		{"api-search", "/api/v1/achievements?q=" + url.QueryEscape("传感器 监测")},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				resp, err := client.Get(m.URL + tc.path)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("GET %s = %d", tc.path, resp.StatusCode)
				}
			}
		})
	}
}
