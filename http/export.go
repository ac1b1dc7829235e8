package http

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/sheet"
)

// table is a list laid out for export: a header row and text rows.
type table = sheet.Table

// writeTable sends t as a CSV (UTF-8 with a byte-order mark, formula cells
// defused) or XLSX download.
func (s *Server) writeTable(w http.ResponseWriter, format string, t table) error {
	var ctype string
	switch format {
	case "csv":
		ctype = "text/csv; charset=utf-8"
	case "xlsx":
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	default:
		return badRequest("不支持的格式 %q (unsupported format)", format)
	}
	fname := fmt.Sprintf("%s-%s.%s", t.Name, time.Now().Format("20060102"), format)
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", "attachment; filename=\""+fname+"\"; filename*=UTF-8''"+url.PathEscape(fname))
	w.Header().Set("Cache-Control", "no-store")
	// Headers are gone once the body starts; a failure half-way can only
	// be logged.
	if err := sheet.Write(w, sheet.Format(format), t); err != nil {
		s.logger.Error("export failed", slog.String("table", t.Name), slog.String("format", format), slog.Any("err", err))
	}
	return nil
}

// exportNames are the domain names a table uses, in the reader's language.
type exportNames struct {
	lang string
	s    *Server
}

func (n exportNames) t(key string) string {
	v, err := translate(n.s.views.catalog, n.lang, key)
	if err != nil {
		return key
	}
	return v
}

func (n exportNames) field(code string) string {
	f, ok := innobridge.TechFieldByCode(code)
	if !ok {
		return code
	}
	if n.lang == "en" {
		return f.NameEn
	}
	return f.Name
}

func (n exportNames) modes(ms []innobridge.Mode) string {
	var out []string
	for _, m := range ms {
		if n.lang == "zh" {
			out = append(out, m.Name())
		} else {
			out = append(out, n.t("mode."+string(m)))
		}
	}
	return strings.Join(out, "、")
}

func wanCell(yuan *int64) string {
	if yuan == nil {
		return ""
	}
	s := strconv.FormatFloat(float64(*yuan)/10000, 'f', 4, 64)
	return strings.TrimRight(strings.TrimRight(s, "0"), ".")
}

func dateCell(d *innobridge.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

func (s *Server) achievementTable(lang string, list []*innobridge.Achievement) table {
	n := exportNames{lang, s}
	t := table{Name: "achievements", Header: []string{"id", n.t("f.title"), n.t("f.field"), n.t("f.trl"), n.t("f.ip_type"),
		n.t("f.ip_numbers"), n.t("f.transfer_modes"), n.t("f.price_wan"), n.t("f.owner"), n.t("f.region"), n.t("f.keywords"),
		n.t("f.status"), n.t("f.expires_at"), n.t("f.updated_at")}}
	for _, a := range list {
		ip := ""
		if a.IPType != "" {
			ip = a.IPType.Name()
			if lang == "en" {
				ip = n.t("ip." + string(a.IPType))
			}
		}
		price := wanCell(a.PriceYuan)
		if a.PriceYuan == nil {
			price = n.t("money.negotiable")
		}
		trl := ""
		if a.TRL > 0 {
			trl = strconv.Itoa(a.TRL)
		}
		t.Rows = append(t.Rows, []string{a.ExternalID, a.Title, n.field(a.Field), trl, ip, strings.Join(a.IPNumbers, ";"),
			n.modes(a.TransferModes), price, a.OwnerName, innobridge.RegionName(a.Region), strings.Join(a.Keywords, ";"),
			n.t("status." + string(a.Status)), dateCell(a.ExpiresAt), a.UpdatedAt.Local().Format("2006-01-02 15:04")})
	}
	return t
}

func (s *Server) demandTable(lang string, list []*innobridge.Demand) table {
	n := exportNames{lang, s}
	t := table{Name: "demands", Header: []string{"id", n.t("f.title"), n.t("f.field"), n.t("f.teaser"), n.t("f.budget_min_wan"),
		n.t("f.budget_max_wan"), n.t("f.deadline"), n.t("f.coop_modes"), n.t("f.trl_min"), n.t("f.confidentiality"),
		n.t("f.owner"), n.t("f.region"), n.t("f.status"), n.t("f.expires_at"), n.t("f.updated_at")}}
	for _, d := range list {
		trl := ""
		if d.TRLMin > 0 {
			trl = strconv.Itoa(d.TRLMin)
		}
		t.Rows = append(t.Rows, []string{d.ExternalID, d.Title, n.field(d.Field), d.Teaser, wanCell(d.BudgetMinYuan),
			wanCell(d.BudgetMaxYuan), dateCell(d.Deadline), n.modes(d.CoopModes), trl, n.t("conf." + string(d.Confidentiality)),
			d.OwnerName, innobridge.RegionName(d.Region), n.t("status." + string(d.Status)), dateCell(d.ExpiresAt),
			d.UpdatedAt.Local().Format("2006-01-02 15:04")})
	}
	return t
}

func (s *Server) organizationTable(lang string, list []*innobridge.Organization) table {
	n := exportNames{lang, s}
	t := table{Name: "organizations", Header: []string{"id", n.t("f.name"), n.t("f.kind"), n.t("f.uscc"), n.t("f.region"),
		n.t("f.industry"), n.t("f.address"), n.t("f.contact"), n.t("f.phone"), n.t("f.email"), n.t("f.website")}}
	for _, o := range list {
		t.Rows = append(t.Rows, []string{o.ExternalID, o.Name, n.t("kind." + string(o.Kind)), o.USCC, innobridge.RegionName(o.Region),
			innobridge.IndustryName(o.Industry), o.Address, o.Contact, o.Phone, o.Email, o.Website})
	}
	return t
}

func (s *Server) auditTable(lang string, list []*innobridge.AuditEntry) table {
	n := exportNames{lang, s}
	t := table{Name: "audit", Header: []string{"id", n.t("audit.at"), n.t("audit.user"), n.t("audit.action"), n.t("audit.entity"),
		n.t("audit.entity_id"), n.t("audit.detail"), n.t("audit.ip")}}
	for _, e := range list {
		t.Rows = append(t.Rows, []string{strconv.FormatInt(e.ID, 10), e.At.Local().Format("2006-01-02 15:04:05"), e.Username,
			e.Action, e.Entity, e.EntityID, e.Detail, e.IP})
	}
	return t
}
