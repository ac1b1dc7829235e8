package importer

import (
	"strings"

	"github.com/innobridge/innobridge"
)

// A column's canonical name is the English field name of the JSONL schema
// ("uscc"); each has Chinese and English aliases. Headers are matched after
// folding full-width forms, lower-casing and removing spaces and the "*"
// that templates put on required columns, so "价格（元）", "价格(元)" and
// "Price_Yuan" all match.
var (
	commonAliases = map[string][]string{
		"id": {"外部编号", "编号", "序号id", "记录编号", "external_id"},
	}
	orgAliases = map[string][]string{
		"name":     {"名称", "机构名称", "单位名称", "企业名称"},
		"kind":     {"类型", "机构类型", "单位类型"},
		"uscc":     {"统一社会信用代码", "信用代码", "社会信用代码"},
		"region":   {"行政区划代码", "行政区划", "所在地区", "地区", "region_code"},
		"industry": {"行业代码", "国民经济行业", "国民经济行业代码", "所属行业", "行业"},
		"address":  {"地址", "通讯地址", "详细地址"},
		"contact":  {"联系人"},
		"phone":    {"电话", "联系电话", "手机"},
		"email":    {"邮箱", "电子邮箱", "电子邮件", "e-mail"},
		"website":  {"网站", "网址", "主页"},
		"intro":    {"简介", "机构简介", "单位简介"},
		"founded":  {"成立日期", "成立时间", "注册日期"},
	}
	listingAliases = map[string][]string{
		"title":       {"标题", "名称"},
		"description": {"描述", "简介", "内容", "详细描述"},
		"keywords":    {"关键词", "关键字"},
		"field":       {"技术领域", "领域", "所属领域"},
		"region":      {"行政区划代码", "行政区划", "所在地区", "地区", "region_code"},
		"owner":       {"所属机构", "机构", "机构编号", "所属机构编号", "owner_org", "owner_id"},
		"status":      {"状态", "发布状态"},
		"expires_at":  {"有效期至", "有效期", "截止有效期", "失效日期", "expires"},
	}
	achievementAliases = map[string][]string{
		"title":          {"成果名称"},
		"description":    {"成果简介", "成果描述", "成果内容"},
		"owner":          {"持有单位", "成果持有单位", "完成单位"},
		"trl":            {"技术成熟度", "成熟度"},
		"ip_type":        {"知识产权类型", "知识产权形式"},
		"ip_numbers":     {"知识产权编号", "专利号", "专利号/登记号"},
		"transfer_modes": {"转化方式", "交易方式", "合作方式"},
		"price_yuan":     {"价格(元)", "价格", "参考价格(元)", "转让价格(元)", "price"},
		"price_wan":      {"价格(万元)", "参考价格(万元)", "转让价格(万元)"},
		"negotiable":     {"面议", "可面议", "价格面议"},
	}
	demandAliases = map[string][]string{
		"title":           {"需求名称"},
		"description":     {"需求描述", "需求内容", "需求详情"},
		"teaser":          {"公开摘要", "摘要", "需求摘要"},
		"owner":           {"需求单位", "需求方", "发布单位"},
		"budget_min_yuan": {"预算下限(元)", "最低预算(元)"},
		"budget_max_yuan": {"预算上限(元)", "最高预算(元)", "预算(元)"},
		"budget_min_wan":  {"预算下限(万元)", "最低预算(万元)"},
		"budget_max_wan":  {"预算上限(万元)", "最高预算(万元)", "预算(万元)"},
		"deadline":        {"截止日期", "期望完成日期", "完成期限"},
		"coop_modes":      {"合作方式", "期望合作方式"},
		"trl_min":         {"最低技术成熟度", "技术成熟度要求", "技术成熟度"},
		"confidentiality": {"保密级别", "保密等级", "公开方式"},
	}
	// readOnly are columns of exports and of the API's JSON that import
	// accepts and ignores.
	readOnly = []string{"created_at", "updated_at", "owner_name", "redacted", "创建时间", "更新时间",
		"机构名称(只读)", "所属机构名称", "需求单位名称"}
)

// ignored marks a column that is known and ignored.
const ignored = "-"

// columnMap returns alias → canonical name for kind, keys normalised.
func columnMap(kind Kind) map[string]string {
	m := map[string]string{}
	add := func(aliases map[string][]string) {
		for canon, as := range aliases {
			m[normKey(canon)] = canon
			for _, a := range as {
				m[normKey(a)] = canon
			}
		}
	}
	// Later tables win, so a kind's own aliases override the common ones
	// ("合作方式" is transfer_modes for achievements, coop_modes for demands).
	add(commonAliases)
	switch kind {
	case Organizations:
		add(orgAliases)
	case Achievements:
		add(listingAliases)
		add(achievementAliases)
	case Demands:
		add(listingAliases)
		add(demandAliases)
	}
	for _, r := range readOnly {
		if _, ok := m[normKey(r)]; !ok {
			m[normKey(r)] = ignored
		}
	}
	return m
}

// normKey folds a header for matching.
func normKey(s string) string {
	s = strings.ToLower(innobridge.FoldWidth(s))
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '*', '\u00a0':
			return -1
		}
		return r
	}, s)
	return s
}

// Names of codes in the files staff keep.
var (
	kindNames = map[innobridge.OrgKind][]string{
		innobridge.OrgEnterprise: {"企业"},
		innobridge.OrgUniversity: {"高校", "高等院校", "大学"},
		innobridge.OrgInstitute:  {"科研院所", "研究院所", "科研机构"},
		innobridge.OrgAgency:     {"技术转移机构", "中介机构", "服务机构"},
		innobridge.OrgInvestor:   {"投资机构"},
		innobridge.OrgPark:       {"园区"},
		innobridge.OrgLab:        {"实验室", "新型研发机构", "实验室/新型研发机构"},
		innobridge.OrgGovernment: {"政府部门", "政府"},
	}
	statusNames = map[innobridge.Status][]string{
		innobridge.StatusDraft:     {"草稿"},
		innobridge.StatusPublished: {"已发布", "发布", "公开"},
		innobridge.StatusWithdrawn: {"已撤回", "撤回"},
		innobridge.StatusSuspended: {"已下架", "下架"},
	}
	confNames = map[innobridge.Confidentiality][]string{
		innobridge.ConfPublic:  {"公开", "完全公开"},
		innobridge.ConfTeaser:  {"摘要公开", "仅摘要公开", "部分公开"},
		innobridge.ConfPrivate: {"保密", "不公开", "非公开"},
	}
)

// lookup returns the code whose code or one of whose names is s, or s
// unchanged (for Validate to reject) if none is.
func lookup[T ~string](names map[T][]string, s string) T {
	s = strings.TrimSpace(s)
	for code, ns := range names {
		if strings.EqualFold(string(code), s) {
			return code
		}
		for _, n := range ns {
			if n == s {
				return code
			}
		}
	}
	return T(s)
}
