package innobridge

// TechField is one of the eight 国家重点支持的高新技术领域, the field code
// listings are classified by ("1" … "8").
type TechField struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEn string `json:"name_en"`
}

var techFields = []TechField{
	{"1", "电子信息", "Electronic information"},
	{"2", "生物与新医药", "Biotech and new medicine"},
	{"3", "航空航天", "Aerospace"},
	{"4", "新材料", "New materials"},
	{"5", "高技术服务", "High-tech services"},
	{"6", "新能源与节能", "New energy and energy saving"},
	{"7", "资源与环境", "Resources and environment"},
	{"8", "先进制造与自动化", "Advanced manufacturing and automation"},
}

// TechFields returns the eight high-tech fields in code order.
func TechFields() []TechField { return append([]TechField(nil), techFields...) }

// TechFieldByCode returns the field with code, and whether it exists.
func TechFieldByCode(code string) (TechField, bool) {
	for _, f := range techFields {
		if f.Code == code {
			return f, true
		}
	}
	return TechField{}, false
}

// TechFieldByName returns the field whose Chinese or English name is name.
func TechFieldByName(name string) (TechField, bool) {
	for _, f := range techFields {
		if f.Name == name || f.NameEn == name {
			return f, true
		}
	}
	return TechField{}, false
}

// TRL names of the nine technology readiness levels (GB/T 22900).
var trlNames = [10]string{"", "发现基本原理", "形成技术概念", "关键功能验证", "实验室部件验证",
	"相关环境部件验证", "相关环境原型演示", "真实环境原型演示", "系统定型验证", "实际应用验证"}

// TRLName returns the short Chinese name of a TRL 1–9, or "".
func TRLName(level int) string {
	if level < 1 || level > 9 {
		return ""
	}
	return trlNames[level]
}

// fieldAndRegion checks an optional technology field, given by code or by
// name (a name is replaced by its code), and an optional GB/T 2260 region
// code, adding their problems to v.
func (v *Validation) fieldAndRegion(field *string, region string) {
	if *field != "" {
		if _, ok := TechFieldByCode(*field); !ok {
			if f, ok := TechFieldByName(*field); ok {
				*field = f.Code
			} else {
				v.Add("field", "unknown", "未知技术领域 %q (unknown technology field)", *field)
			}
		}
	}
	if region != "" {
		if msg := ValidateRegionCode(region); msg != "" {
			v.Add("region", "format", "%s", msg)
		}
	}
}
