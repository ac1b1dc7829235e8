package http

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/innobridge/innobridge"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

//go:embed locale/*.json
var localeFS embed.FS

// languages are the interface languages, the default first.
var languages = []string{"zh", "en"}

// views holds every page template parsed once per language.
type views struct {
	pages   map[string]map[string]*template.Template // lang → page → template
	catalog map[string]map[string]string             // lang → key → text
}

// pageNames lists the templates that are pages (not the layout or partials).
func pageNames() ([]string, error) {
	entries, err := fs.ReadDir(templateFS, "templates")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		out = append(out, name)
	}
	return out, nil
}

func loadCatalog() (map[string]map[string]string, error) {
	cat := map[string]map[string]string{}
	for _, l := range languages {
		b, err := localeFS.ReadFile("locale/" + l + ".json")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("locale/%s.json: %w", l, err)
		}
		cat[l] = m
	}
	return cat, nil
}

func loadViews(st *staticFiles) (*views, error) {
	cat, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	names, err := pageNames()
	if err != nil {
		return nil, err
	}
	v := &views{pages: map[string]map[string]*template.Template{}, catalog: cat}
	for _, l := range languages {
		v.pages[l] = map[string]*template.Template{}
		base, err := template.New("layout.html").Funcs(funcs(l, cat, st)).ParseFS(templateFS, "templates/layout.html", "templates/partials.html")
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			t, err := template.Must(base.Clone()).ParseFS(templateFS, "templates/"+n+".html")
			if err != nil {
				return nil, err
			}
			v.pages[l][n] = t
		}
	}
	return v, nil
}

// translate returns the catalogue text of key in lang, formatted with args.
func translate(cat map[string]map[string]string, lang, key string, args ...any) (string, error) {
	s, ok := cat[lang][key]
	if !ok {
		return "", fmt.Errorf("no %s translation for %q", lang, key)
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...), nil
	}
	return s, nil
}

// localMsg picks the part of a bilingual service message "中文 (English)"
// that fits lang.
func localMsg(lang, msg string) string {
	i := strings.LastIndex(msg, " (")
	if i < 0 || !strings.HasSuffix(msg, ")") {
		return msg
	}
	if lang == "en" {
		return msg[i+2 : len(msg)-1]
	}
	return msg[:i]
}

// funcs are the template functions for one language.
func funcs(lang string, cat map[string]map[string]string, st *staticFiles) template.FuncMap {
	t := func(key string, args ...any) (string, error) { return translate(cat, lang, key, args...) }
	return template.FuncMap{
		"T":      t,
		"static": st.url,
		"msg":    func(s string) string { return localMsg(lang, s) },
		// pick shows en in English when there is one, else zh.
		"mul100": func(x float64) float64 { return 100 * x },
		"pick": func(zh, en string) string {
			if lang == "en" && en != "" {
				return en
			}
			return zh
		},
		"fieldName": func(code string) string {
			f, ok := innobridge.TechFieldByCode(code)
			if !ok {
				return code
			}
			if lang == "en" {
				return f.NameEn
			}
			return f.Name
		},
		"fields": innobridge.TechFields,
		"trl": func(level int) (string, error) {
			if level < 1 || level > 9 {
				return "", nil
			}
			name := innobridge.TRLName(level)
			if lang == "en" {
				var err error
				if name, err = t("trl." + strconv.Itoa(level)); err != nil {
					return "", err
				}
			}
			return fmt.Sprintf("TRL %d · %s", level, name), nil
		},
		"trlLevels":  func() []int { return []int{1, 2, 3, 4, 5, 6, 7, 8, 9} },
		"modeName":   func(m innobridge.Mode) (string, error) { return codeName(lang, t, "mode.", string(m), m.Name()) },
		"modes":      func() []innobridge.Mode { return innobridge.Modes },
		"ipName":     func(x innobridge.IPType) (string, error) { return codeName(lang, t, "ip.", string(x), x.Name()) },
		"ipTypes":    func() []innobridge.IPType { return innobridge.IPTypes },
		"statusName": func(x innobridge.Status) (string, error) { return t("status." + string(x)) },
		"statuses":   func() []innobridge.Status { return innobridge.Statuses },
		"confName":   func(x innobridge.Confidentiality) (string, error) { return t("conf." + string(x)) },
		"confs":      func() []innobridge.Confidentiality { return innobridge.Confidentialities },
		"kindName":   func(x innobridge.OrgKind) (string, error) { return t("kind." + string(x)) },
		"kinds":      func() []innobridge.OrgKind { return innobridge.OrgKinds },
		"roleName":   func(x innobridge.Role) (string, error) { return t("role." + string(x)) },
		"roles":      func() []innobridge.Role { return innobridge.Roles },
		"regionName": func(code string) string {
			if n := innobridge.RegionName(code); n != "" {
				return n
			}
			return code
		},
		"industryName": innobridge.IndustryName,
		"mstatuses":    func() []innobridge.MatchStatus { return innobridge.MatchStatuses },
		"reasons":      func() []innobridge.DeclineReason { return innobridge.DeclineReasons },
		"eventKinds":   func() []innobridge.EventKind { return innobridge.EventKinds },
		"pct":          func(x float64) float64 { return x * 100 },
		"wan":          func(yuan *int64) string { return formatWan(lang, yuan) },
		"budget": func(lo, hi *int64) (string, error) {
			switch {
			case lo == nil && hi == nil:
				return t("money.negotiable")
			case lo == nil:
				return "≤ " + formatWan(lang, hi), nil
			case hi == nil:
				return "≥ " + formatWan(lang, lo), nil
			case *lo == *hi:
				return formatWan(lang, lo), nil
			}
			return strings.TrimSuffix(formatWan(lang, lo), unitWan(lang)) + " – " + formatWan(lang, hi), nil
		},
		"date": func(d *innobridge.Date) string {
			if d == nil {
				return ""
			}
			return d.String()
		},
		"daysSince": func(tm, now time.Time) int { return int(now.Sub(tm) / (24 * time.Hour)) },
		"datetime": func(tm time.Time) string {
			if tm.IsZero() {
				return ""
			}
			return tm.Local().Format("2006-01-02 15:04")
		},
		"join":     strings.Join,
		"hasMode":  func(list []innobridge.Mode, m innobridge.Mode) bool { return containsMode(list, m) },
		"inStr":    func(list []string, s string) bool { return containsStr(list, s) },
		"fieldErr": fieldErr,
		"invalid": func(fields map[string]innobridge.FieldError, name string) bool {
			_, ok := fields[name]
			return ok
		},
		"add": func(a, b int) int { return a + b },
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		"excerpt": func(s string, n int) string {
			r := []rune(strings.Join(strings.Fields(s), " "))
			if len(r) <= n {
				return string(r)
			}
			return string(r[:n]) + "…"
		},
		"int64str": func(n int64) string { return strconv.FormatInt(n, 10) },
		"str":      func(v any) string { return fmt.Sprint(v) },
	}
}

func codeName(lang string, t func(string, ...any) (string, error), prefix, code, zh string) (string, error) {
	if code == "" {
		return "", nil
	}
	if lang == "zh" && zh != "" {
		return zh, nil
	}
	return t(prefix + code)
}

func containsMode(list []innobridge.Mode, m innobridge.Mode) bool {
	for _, x := range list {
		if x == m {
			return true
		}
	}
	return false
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// fieldErr returns the message of field name in lang-neutral form ("" if
// the field is fine); templates pass it through msg.
func fieldErr(fields map[string]innobridge.FieldError, name string) string {
	if f, ok := fields[name]; ok {
		return f.Message
	}
	return ""
}

func unitWan(lang string) string {
	if lang == "en" {
		return " × 10k CNY"
	}
	return "万元"
}

// formatWan shows an amount in yuan as 万元 with at most two decimals.
func formatWan(lang string, yuan *int64) string {
	if yuan == nil {
		return ""
	}
	s := strconv.FormatFloat(float64(*yuan)/10000, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + unitWan(lang)
}

// Base is what every page carries: the language, the user, the CSRF token
// and the current path.
type Base struct {
	Lang      string // "zh" or "en"
	HTMLLang  string // "zh-CN" or "en"
	User      *innobridge.User
	CSRF      string // the token hidden in every form
	Path      string
	Nav       string // the highlighted navigation item
	LangURL   string // this page in the other language
	Flash     string // a one-off notice (already localised)
	ImportOn  bool   // the upload page is available
	StatusMsg string // set on error pages
	Unread    int    // unread notifications of the user's organisation
}

func (b *Base) base() *Base { return b }

// IsStaff reports whether the user is bureau staff or an administrator.
func (b *Base) IsStaff() bool { return b.User.IsStaff() }

// IsAdmin reports whether the user is an administrator.
func (b *Base) IsAdmin() bool { return b.User.IsAdmin() }

// CanPublish reports whether the user may publish listings.
func (b *Base) CanPublish() bool {
	return b.User.IsStaff() || (b.User != nil && b.User.Role == innobridge.RoleMember && b.User.OrgID != 0)
}

type page interface{ base() *Base }

// fillBase sets the request-derived fields of a page's Base.
func (s *Server) fillBase(r *http.Request, b *Base) {
	st := state(r)
	b.Lang = st.lang
	b.HTMLLang = "zh-CN"
	if st.lang == "en" {
		b.HTMLLang = "en"
	}
	b.User = st.user
	if st.session != nil {
		b.CSRF = st.session.CSRFToken
	} else {
		b.CSRF = st.preCSRF
	}
	b.Path = r.URL.Path
	q := r.URL.Query()
	other := "en"
	if st.lang == "en" {
		other = "zh"
	}
	q.Set("lang", other)
	b.LangURL = r.URL.Path + "?" + q.Encode()
	b.ImportOn = s.opts.Import != nil
	if st.user != nil && st.user.OrgID != 0 {
		if n, err := s.svc.UnreadNotifications(r.Context()); err == nil {
			b.Unread = n
		}
	}
	if b.Flash == "" {
		if f := r.URL.Query().Get("done"); f != "" {
			if txt, err := translate(s.views.catalog, st.lang, "flash."+f); err == nil {
				b.Flash = txt
			}
		}
	}
}

// render executes page template name into a buffer and writes it with
// status, so that a template error becomes a clean 500.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	s.fillBase(r, p.base())
	t := s.views.pages[p.base().Lang][name]
	if t == nil {
		s.logger.ErrorContext(r.Context(), "no such template", slog.String("template", name))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.logger.ErrorContext(r.Context(), "template failed", slog.String("template", name), slog.Any("err", err))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// staticFiles serves the embedded static files under content-hash names,
// e.g. /static/style.3f2a9c1b0d.css, cached for a year.
type staticFiles struct {
	byHashed map[string]staticFile // "style.3f2a9c1b0d.css" → file
	hashed   map[string]string     // "style.css" → "/static/style.3f2a9c1b0d.css"
}

type staticFile struct {
	data  []byte
	ctype string
}

func loadStatic() (*staticFiles, error) {
	s := &staticFiles{byHashed: map[string]staticFile{}, hashed: map[string]string{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		h := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		s.byHashed[h] = staticFile{data: b, ctype: mime.TypeByExtension(ext)}
		s.hashed[name] = "/static/" + h
		return nil
	})
	return s, err
}

// url returns the hashed URL of a static file; templates call it as
// {{static "style.css"}}.
func (s *staticFiles) url(name string) (string, error) {
	u, ok := s.hashed[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return u, nil
}

// names lists the static files.
func (s *staticFiles) names() []string {
	var out []string
	for n := range s.hashed {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) error {
	f, ok := s.static.byHashed[r.PathValue("file")]
	if !ok {
		return errNotFound
	}
	ct := f.ctype
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, _ = w.Write(f.data)
	return nil
}
