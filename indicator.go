package innobridge

import (
	"fmt"
	"strings"
	"time"
)

// Money and ratios in indicators.
//
// Every amount of money is an int64 of whole yuan (元): financial statements
// and every threshold in the rules (500万, 2亿 …) are whole yuan, and integers
// compare exactly at a threshold. Ratios and shares are float64 fractions,
// 0.05 meaning 5%.

// Indicators are the facts about one enterprise that the policy calculator
// reads: who it is, its figures by fiscal year, its IP, the recognitions it
// holds and the events that count against it. Zero values mean "none" or
// "no", so an enterprise only lists what it has.
type Indicators struct {
	ID         string `json:"id"`                   // external id, echoed in results
	Name       string `json:"name,omitempty"`       // registered name
	USCC       string `json:"uscc,omitempty"`       // 统一社会信用代码
	Region     string `json:"region"`               // GB/T 2260 code; 71/81/82 are outside the mainland
	Industry   string `json:"industry,omitempty"`   // GB/T 4754 code such as C3911
	Registered *Date  `json:"registered,omitempty"` // 注册（成立）日期

	// LargeEnterprise is true when the company is above the SME size
	// classes of 工信部联企业〔2011〕300号 for its industry.
	LargeEnterprise bool `json:"large_enterprise,omitempty"`
	// ProhibitedCatalogue is true when a main product or service is on the
	// state prohibited, restricted or obsolete catalogues.
	ProhibitedCatalogue bool `json:"prohibited_catalogue,omitempty"`
	// HighTechField is the 国家重点支持的高新技术领域 code ("1" … "8", or a
	// subfield code such as "101" or "80901") its core technology is in.
	HighTechField string `json:"hightech_field,omitempty"`

	Years []YearFigures `json:"years"` // one entry per fiscal year, any order
	IP    IPHoldings    `json:"ip"`

	Recognitions   []Recognition   `json:"recognitions,omitempty"`
	Awards         []Award         `json:"awards,omitempty"`
	RDInstitutions []RDInstitution `json:"rd_institutions,omitempty"`
	Standards      []Standard      `json:"standards,omitempty"`
	Incidents      []Incident      `json:"incidents,omitempty"`

	Cultivation
}

// YearFigures are one fiscal year's figures. Money in yuan.
type YearFigures struct {
	Year             int   `json:"year"`
	Staff            int   `json:"staff"`             // 职工总数, incl. part-time/temporary staff of ≥183 days
	STStaff          int   `json:"st_staff"`          // 科技人员
	RDStaff          int   `json:"rd_staff"`          // 研发人员
	Revenue          int64 `json:"revenue"`           // 销售（营业）收入
	MainRevenue      int64 `json:"main_revenue"`      // 主营业务收入
	TotalIncome      int64 `json:"total_income"`      // 总收入 (高企 denominator); 0 means use revenue
	HighTechIncome   int64 `json:"hightech_income"`   // 高新技术产品（服务）收入
	TotalCosts       int64 `json:"total_costs"`       // 成本费用总额
	TotalAssets      int64 `json:"total_assets"`      // 资产总额, year end
	TotalLiabilities int64 `json:"total_liabilities"` // 负债总额, year end
	NetProfit        int64 `json:"net_profit"`        // 净利润 (may be negative)
	RDExpense        int64 `json:"rd_expense"`        // 研发费用 (财税〔2015〕119号 scope)
	// RDExpenseDomestic is the part of RDExpense spent in China; nil means all of it.
	RDExpenseDomestic *int64 `json:"rd_expense_domestic,omitempty"`
	// EquityFinancing is new paid-in equity from qualified institutional investors in the year.
	EquityFinancing int64 `json:"equity_financing,omitempty"`
	// Conversions counts S&T achievements converted into products or services in the year (高企).
	Conversions int `json:"conversions,omitempty"`
}

// NetAssets is total assets less total liabilities.
func (y *YearFigures) NetAssets() int64 { return y.TotalAssets - y.TotalLiabilities }

// DomesticRD is the domestic R&D expense, RDExpense when not given.
func (y *YearFigures) DomesticRD() int64 {
	if y.RDExpenseDomestic == nil {
		return y.RDExpense
	}
	return *y.RDExpenseDomestic
}

// Income is TotalIncome, or Revenue when TotalIncome is 0.
func (y *YearFigures) Income() int64 {
	if y.TotalIncome == 0 {
		return y.Revenue
	}
	return y.TotalIncome
}

// IPHoldings counts valid IP rights held, by category. Class I and class II
// follow the 科技型中小企业评价办法: class I are invention patents (incl.
// defence patents), plant varieties, national crop varieties, national new
// drugs, first-grade protected TCM varieties and IC layout designs; class II
// are utility models, designs and software copyrights. Trademarks never count.
type IPHoldings struct {
	InventionPatents   int `json:"invention_patents,omitempty"`
	UtilityModels      int `json:"utility_models,omitempty"`
	Designs            int `json:"designs,omitempty"`
	SoftwareCopyrights int `json:"software_copyrights,omitempty"`
	ICLayouts          int `json:"ic_layouts,omitempty"`
	PlantVarieties     int `json:"plant_varieties,omitempty"`
	CropVarieties      int `json:"crop_varieties,omitempty"` // 国家级农作物品种
	NewDrugs           int `json:"new_drugs,omitempty"`      // 国家新药
	TCMProtected       int `json:"tcm_protected,omitempty"`  // 国家一级中药保护品种

	// MainClassI and MainClassII count the class I and II rights tied to the
	// main products or services; nil means all of them are.
	MainClassI  *int `json:"main_class1,omitempty"`
	MainClassII *int `json:"main_class2,omitempty"`
	// HighValueClassI counts high-value class I rights (overseas family
	// grant, maintained >10 years, pledged, or prize-winning).
	HighValueClassI int `json:"high_value_class1,omitempty"`
	// SelfDevelopedClassI counts class I rights from own R&D (not assigned in).
	SelfDevelopedClassI int `json:"self_developed_class1,omitempty"`
	// AppliedClassI counts class I rights used in products and earning revenue.
	AppliedClassI int `json:"applied_class1,omitempty"`
	// Acquisition is how the IP was obtained: "self" (own R&D, at least in
	// part) or "assigned" (only assignment, gift or acquisition).
	Acquisition string `json:"acquisition,omitempty"`
}

// ClassI is the number of class I rights held.
func (p *IPHoldings) ClassI() int {
	return p.InventionPatents + p.ICLayouts + p.PlantVarieties + p.CropVarieties + p.NewDrugs + p.TCMProtected
}

// ClassII is the number of class II rights held.
func (p *IPHoldings) ClassII() int { return p.UtilityModels + p.Designs + p.SoftwareCopyrights }

// MainI is the number of class I rights tied to main products.
func (p *IPHoldings) MainI() int {
	if p.MainClassI != nil {
		return *p.MainClassI
	}
	return p.ClassI()
}

// MainII is the number of class II rights tied to main products.
func (p *IPHoldings) MainII() int {
	if p.MainClassII != nil {
		return *p.MainClassII
	}
	return p.ClassII()
}

// Recognition kinds: the tiers and honours rules look for.
const (
	RecTechSME           = "tech_sme"             // 科技型中小企业 (入库登记编号)
	RecHighTech          = "hightech"             // 高新技术企业
	RecInnovativeSME     = "innovative_sme"       // 创新型中小企业
	RecTechInnovativeSME = "tech_innovative_sme"  // 科技和创新型中小企业 (2026 merged tier)
	RecZJTXSME           = "zjtx_sme"             // 专精特新中小企业
	RecLittleGiant       = "little_giant"         // 专精特新"小巨人"企业
	RecInnovationDemo    = "tech_innovation_demo" // 国家级技术创新示范企业
	RecIPAdvantage       = "ip_advantage"         // 知识产权优势企业
	RecIPDemo            = "ip_demo"              // 知识产权示范企业
	RecOther             = "other"
)

// RecognitionKinds lists the known recognition kinds.
var RecognitionKinds = []string{RecTechSME, RecHighTech, RecInnovativeSME, RecTechInnovativeSME, RecZJTXSME,
	RecLittleGiant, RecInnovationDemo, RecIPAdvantage, RecIPDemo, RecOther}

// RecognitionValidityYears is how long a recognition lasts from its grant
// date when Expires is not given. 科技型中小企业 is not listed: its number
// is valid for the evaluation year, so it lasts to 31 December of the year
// granted. Kinds not listed and not tech_sme never expire by default.
var RecognitionValidityYears = map[string]int{
	RecHighTech: 3, RecInnovativeSME: 3, RecTechInnovativeSME: 3, RecZJTXSME: 3, RecLittleGiant: 3,
}

// Levels of an award, institution, standard or recognition, lowest first.
const (
	LevelDistrict      = "district"      // 区县级 or below, incl. enterprise-level
	LevelMunicipal     = "municipal"     // 市级
	LevelProvincial    = "provincial"    // 省部级
	LevelNational      = "national"      // 国家级
	LevelInternational = "international" // 国际
)

// LevelRank orders levels: 0 for unknown or "", 1 district … 5 international.
func LevelRank(level string) int {
	switch level {
	case LevelDistrict:
		return 1
	case LevelMunicipal:
		return 2
	case LevelProvincial:
		return 3
	case LevelNational:
		return 4
	case LevelInternational:
		return 5
	}
	return 0
}

// Recognition is a tier or honour the enterprise holds.
type Recognition struct {
	Kind    string `json:"kind"`              // one of RecognitionKinds
	Level   string `json:"level,omitempty"`   // for honours with levels
	Number  string `json:"number,omitempty"`  // certificate or registration number, opaque
	Granted Date   `json:"granted"`           // certificate / registration date
	Expires *Date  `json:"expires,omitempty"` // last valid day; nil: by RecognitionValidityYears
}

// ValidOn reports whether r is in force on day d.
func (r *Recognition) ValidOn(d Date) bool {
	if d.Before(r.Granted.Time) {
		return false
	}
	end, ok := r.LastDay()
	return !ok || !d.After(end.Time)
}

// LastDay is the last day r is valid, and false when it never expires.
func (r *Recognition) LastDay() (Date, bool) {
	if r.Expires != nil {
		return *r.Expires, true
	}
	if r.Kind == RecTechSME {
		return Date{time.Date(r.Granted.Year(), 12, 31, 0, 0, 0, 0, time.UTC)}, true
	}
	if n, ok := RecognitionValidityYears[r.Kind]; ok {
		return Date{r.Granted.AddDate(n, 0, -1)}, true
	}
	return Date{}, false
}

// Award kinds.
const (
	AwardST      = "st_award"      // 科学技术奖
	AwardMaker   = "maker_china"   // 创客中国 contest
	AwardQuality = "quality_award" // 质量奖
)

// Award is a prize won.
type Award struct {
	Kind  string `json:"kind"`           // AwardST, AwardMaker, AwardQuality
	Level string `json:"level"`          // national, provincial, municipal …
	Rank  int    `json:"rank,omitempty"` // st_award: rank among winning units; maker_china: national placing; 0 unknown
	Date  Date   `json:"date"`
	Name  string `json:"name,omitempty"`
}

// RDInstitution is a recognised R&D institution (technology centre,
// engineering centre, key lab, academician or post-doc station …), own or joint.
type RDInstitution struct {
	Name  string `json:"name,omitempty"`
	Level string `json:"level"` // district (incl. enterprise-level) … national
	Since *Date  `json:"since,omitempty"`
}

// Standard is a standard the enterprise drafted.
type Standard struct {
	Code  string `json:"code,omitempty"`
	Level string `json:"level"` // international, national, industry, local, group
	Lead  bool   `json:"lead"`  // led the drafting (first drafting unit)
	Date  Date   `json:"date"`  // issued
}

// Standard levels.
var standardLevels = []string{"international", "national", "industry", "local", "group"}

// Incident kinds: events that break a clean record.
const (
	IncSafety        = "safety_accident"         // 重大安全事故
	IncQuality       = "quality_accident"        // 重大质量事故
	IncEnvironment   = "environmental_violation" // 严重环境违法
	IncMisconduct    = "research_misconduct"     // 严重科研失信
	IncAbnormal      = "abnormal_operation"      // 列入经营异常名录
	IncDishonest     = "dishonesty_list"         // 列入严重违法失信名单
	IncTaxEvasion    = "tax_evasion"             // 偷税漏税
	IncCyberData     = "cyber_data_accident"     // 重大网络安全/数据安全事件
	IncPollution     = "pollution_accident"      // 重大污染事故
	IncFraudulentApp = "fraudulent_application"  // 申报造假
)

// IncidentKinds lists the known incident kinds.
var IncidentKinds = []string{IncSafety, IncQuality, IncEnvironment, IncMisconduct, IncAbnormal, IncDishonest,
	IncTaxEvasion, IncCyberData, IncPollution, IncFraudulentApp}

// Incident is an event that counts against the enterprise.
type Incident struct {
	Kind string `json:"kind"`
	Date Date   `json:"date"`
	Note string `json:"note,omitempty"`
}

// Cultivation holds the facts the 专精特新 tiers look at.
type Cultivation struct {
	NicheSince        *Date `json:"niche_since,omitempty"`        // started in its niche market
	StrategicEmerging bool  `json:"strategic_emerging,omitempty"` // main product in 战略性新兴产业分类(2018)
	// MainProductRole: "gap_filling" (补短板/锻长板), "liuji" (工业六基),
	// "laozihao" (中华老字号), "chain_supplier" (supplies a key chain leader) or "".
	MainProductRole  string  `json:"main_product_role,omitempty"`
	KeyChainPosition bool    `json:"key_chain_position,omitempty"` // 六基 or key link of an industrial chain
	DigitalLevel     int     `json:"digital_level,omitempty"`      // 中小企业数字化水平 level 0–4
	QualityItems     int     `json:"quality_items,omitempty"`      // quality award, QMS, certification abroad, …
	OwnBrand         bool    `json:"own_brand,omitempty"`
	MarketShare      float64 `json:"market_share,omitempty"` // domestic niche market share, fraction
	MarketRank       int     `json:"market_rank,omitempty"`  // domestic rank in its niche, 0 unknown
	// DevelopmentScore is the 专精特新发展评价 score from the MIIT platform.
	DevelopmentScore *float64 `json:"development_score,omitempty"`
	// LocalFeaturePoints are the 0–15 points of the province's own
	// 专精特新 (2022) indicators, as the province scores them.
	LocalFeaturePoints *float64 `json:"local_feature_points,omitempty"`
	// Expert-judged 高企 items; nil means the rule set's assumed value.
	TechAdvancement *int `json:"tech_advancement,omitempty"` // 技术先进程度 0–8
	CoreSupport     *int `json:"core_support,omitempty"`     // 核心支持作用 0–8
	RDManagement    *int `json:"rd_management,omitempty"`    // 研究开发组织管理水平 0–20
}

// MainProductRoles are the values of Cultivation.MainProductRole.
var MainProductRoles = []string{"", "gap_filling", "liuji", "laozihao", "chain_supplier"}

// Year returns the figures of fiscal year y, or nil.
func (e *Indicators) Year(y int) *YearFigures {
	for i := range e.Years {
		if e.Years[i].Year == y {
			return &e.Years[i]
		}
	}
	return nil
}

// Mainland reports whether the region code is in mainland China.
func (e *Indicators) Mainland() bool {
	p := e.Region
	if len(p) < 2 {
		return false
	}
	p = p[:2]
	return p != "71" && p != "81" && p != "82"
}

// HoldsOn reports whether e holds a valid recognition of kind on day d.
func (e *Indicators) HoldsOn(kind string, d Date) bool {
	for i := range e.Recognitions {
		if e.Recognitions[i].Kind == kind && e.Recognitions[i].ValidOn(d) {
			return true
		}
	}
	return false
}

// Validate checks e and returns an EINVALID *Error naming each bad field
// ("years[1].st_staff"). record names e in the error (e.g. "line 3").
func (e *Indicators) Validate(record string) error {
	v := Validation{Record: record}
	if strings.TrimSpace(e.ID) == "" {
		v.Add("id", "required", "id is required")
	}
	if msg := ValidateRegionCode(e.Region); msg != "" {
		v.Add("region", "format", "%s", msg)
	}
	if e.Industry != "" {
		if _, msg := NormalizeIndustryCode(e.Industry); msg != "" {
			v.Add("industry", "format", "%s", msg)
		}
	}
	if e.HighTechField != "" {
		if _, ok := TechFieldByCode(e.HighTechField[:1]); !ok || strings.Trim(e.HighTechField, "0123456789") != "" {
			v.Add("hightech_field", "unknown", "hightech_field %q is not a field code 1–8 or a subfield of one", e.HighTechField)
		}
	}
	seen := map[int]bool{}
	for i := range e.Years {
		y := &e.Years[i]
		f := func(name string) string { return fmt.Sprintf("years[%d].%s", i, name) }
		if y.Year < 1949 || y.Year > 2200 {
			v.Add(f("year"), "range", "year %d is out of range", y.Year)
		} else if seen[y.Year] {
			v.Add(f("year"), "duplicate", "year %d is given twice", y.Year)
		}
		seen[y.Year] = true
		for _, c := range []struct {
			name string
			n    int64
		}{{"staff", int64(y.Staff)}, {"st_staff", int64(y.STStaff)}, {"rd_staff", int64(y.RDStaff)},
			{"revenue", y.Revenue}, {"main_revenue", y.MainRevenue}, {"total_income", y.TotalIncome},
			{"hightech_income", y.HighTechIncome}, {"total_costs", y.TotalCosts}, {"total_assets", y.TotalAssets},
			{"total_liabilities", y.TotalLiabilities}, {"rd_expense", y.RDExpense}, {"equity_financing", y.EquityFinancing},
			{"conversions", int64(y.Conversions)}} {
			if c.n < 0 {
				v.Add(f(c.name), "range", "%s must not be negative (got %d)", c.name, c.n)
			}
		}
		if y.STStaff > y.Staff {
			v.Add(f("st_staff"), "range", "st_staff %d exceeds staff %d", y.STStaff, y.Staff)
		}
		if y.RDStaff > y.Staff {
			v.Add(f("rd_staff"), "range", "rd_staff %d exceeds staff %d", y.RDStaff, y.Staff)
		}
		if y.MainRevenue > y.Revenue {
			v.Add(f("main_revenue"), "range", "main_revenue %d exceeds revenue %d", y.MainRevenue, y.Revenue)
		}
		if y.HighTechIncome > y.Income() {
			v.Add(f("hightech_income"), "range", "hightech_income %d exceeds total income %d", y.HighTechIncome, y.Income())
		}
		if d := y.RDExpenseDomestic; d != nil && (*d < 0 || *d > y.RDExpense) {
			v.Add(f("rd_expense_domestic"), "range", "rd_expense_domestic %d must be between 0 and rd_expense %d", *d, y.RDExpense)
		}
	}
	ip := &e.IP
	for _, c := range []struct {
		name string
		n    int
	}{{"invention_patents", ip.InventionPatents}, {"utility_models", ip.UtilityModels}, {"designs", ip.Designs},
		{"software_copyrights", ip.SoftwareCopyrights}, {"ic_layouts", ip.ICLayouts}, {"plant_varieties", ip.PlantVarieties},
		{"crop_varieties", ip.CropVarieties}, {"new_drugs", ip.NewDrugs}, {"tcm_protected", ip.TCMProtected},
		{"high_value_class1", ip.HighValueClassI}, {"self_developed_class1", ip.SelfDevelopedClassI}, {"applied_class1", ip.AppliedClassI}} {
		if c.n < 0 {
			v.Add("ip."+c.name, "range", "%s must not be negative (got %d)", c.name, c.n)
		}
	}
	for _, c := range []struct {
		name string
		n    int
	}{{"high_value_class1", ip.HighValueClassI}, {"self_developed_class1", ip.SelfDevelopedClassI}, {"applied_class1", ip.AppliedClassI}} {
		if c.n > ip.ClassI() {
			v.Add("ip."+c.name, "range", "%s %d exceeds the class I rights held (%d)", c.name, c.n, ip.ClassI())
		}
	}
	if ip.MainClassI != nil && (*ip.MainClassI < 0 || *ip.MainClassI > ip.ClassI()) {
		v.Add("ip.main_class1", "range", "main_class1 %d must be between 0 and the class I rights held (%d)", *ip.MainClassI, ip.ClassI())
	}
	if ip.MainClassII != nil && (*ip.MainClassII < 0 || *ip.MainClassII > ip.ClassII()) {
		v.Add("ip.main_class2", "range", "main_class2 %d must be between 0 and the class II rights held (%d)", *ip.MainClassII, ip.ClassII())
	}
	if ip.Acquisition != "" && ip.Acquisition != "self" && ip.Acquisition != "assigned" {
		v.Add("ip.acquisition", "unknown", "acquisition %q must be \"self\" or \"assigned\"", ip.Acquisition)
	}
	for i, r := range e.Recognitions {
		if !oneOf(r.Kind, RecognitionKinds) {
			v.Add(fmt.Sprintf("recognitions[%d].kind", i), "unknown", "unknown recognition kind %q", r.Kind)
		}
		if r.Granted.IsZero() {
			v.Add(fmt.Sprintf("recognitions[%d].granted", i), "required", "granted date is required")
		}
		if r.Expires != nil && r.Expires.Before(r.Granted.Time) {
			v.Add(fmt.Sprintf("recognitions[%d].expires", i), "range", "expires before granted")
		}
	}
	for i, a := range e.Awards {
		if !oneOf(a.Kind, []string{AwardST, AwardMaker, AwardQuality}) {
			v.Add(fmt.Sprintf("awards[%d].kind", i), "unknown", "unknown award kind %q", a.Kind)
		}
		if LevelRank(a.Level) == 0 {
			v.Add(fmt.Sprintf("awards[%d].level", i), "unknown", "unknown level %q", a.Level)
		}
		if a.Date.IsZero() {
			v.Add(fmt.Sprintf("awards[%d].date", i), "required", "award date is required")
		}
	}
	for i, r := range e.RDInstitutions {
		if LevelRank(r.Level) == 0 {
			v.Add(fmt.Sprintf("rd_institutions[%d].level", i), "unknown", "unknown level %q", r.Level)
		}
	}
	for i, s := range e.Standards {
		if !oneOf(s.Level, standardLevels) {
			v.Add(fmt.Sprintf("standards[%d].level", i), "unknown", "unknown standard level %q (international, national, industry, local, group)", s.Level)
		}
		if s.Date.IsZero() {
			v.Add(fmt.Sprintf("standards[%d].date", i), "required", "issue date is required")
		}
	}
	for i, n := range e.Incidents {
		if !oneOf(n.Kind, IncidentKinds) {
			v.Add(fmt.Sprintf("incidents[%d].kind", i), "unknown", "unknown incident kind %q", n.Kind)
		}
		if n.Date.IsZero() {
			v.Add(fmt.Sprintf("incidents[%d].date", i), "required", "incident date is required")
		}
	}
	c := &e.Cultivation
	if !oneOf(c.MainProductRole, MainProductRoles) {
		v.Add("main_product_role", "unknown", "unknown main_product_role %q", c.MainProductRole)
	}
	if c.DigitalLevel < 0 || c.DigitalLevel > 4 {
		v.Add("digital_level", "range", "digital_level must be 0–4")
	}
	if c.MarketShare < 0 || c.MarketShare > 1 {
		v.Add("market_share", "range", "market_share is a fraction 0–1 (got %g)", c.MarketShare)
	}
	for _, s := range []struct {
		name string
		p    *int
		max  int
	}{{"tech_advancement", c.TechAdvancement, 8}, {"core_support", c.CoreSupport, 8}, {"rd_management", c.RDManagement, 20}} {
		if s.p != nil && (*s.p < 0 || *s.p > s.max) {
			v.Add(s.name, "range", "%s must be 0–%d (got %d)", s.name, s.max, *s.p)
		}
	}
	if p := c.LocalFeaturePoints; p != nil && (*p < 0 || *p > 15) {
		v.Add("local_feature_points", "range", "local_feature_points must be 0–15 (got %g)", *p)
	}
	if p := c.DevelopmentScore; p != nil && (*p < 0 || *p > 100) {
		v.Add("development_score", "range", "development_score must be 0–100 (got %g)", *p)
	}
	return v.Err()
}

func oneOf(s string, list []string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// MarshalJSON writes d as "2006-01-02". Without it, the MarshalJSON promoted
// from the embedded time.Time would win over MarshalText and write an RFC 3339
// timestamp. (It belongs in date.go; it lives here until date.go's owner moves it.)
func (d Date) MarshalJSON() ([]byte, error) { return []byte(`"` + d.String() + `"`), nil }

// UnmarshalJSON reads "2006-01-02" (see MarshalJSON); null leaves d alone.
func (d *Date) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return fmt.Errorf("date %s is not a \"YYYY-MM-DD\" string", s)
	}
	return d.UnmarshalText([]byte(s[1 : len(s)-1]))
}
