package innobridge

import (
	"strings"
)

// Industry is a GB/T 4754-2017 division (大类), the two-digit level.
type Industry struct {
	Section  string `json:"section"` // A–T
	Division string `json:"division"`
	Name     string `json:"name"`
}

var sectionNames = map[string]string{
	"A": "农、林、牧、渔业", "B": "采矿业", "C": "制造业", "D": "电力、热力、燃气及水生产和供应业",
	"E": "建筑业", "F": "批发和零售业", "G": "交通运输、仓储和邮政业", "H": "住宿和餐饮业",
	"I": "信息传输、软件和信息技术服务业", "J": "金融业", "K": "房地产业", "L": "租赁和商务服务业",
	"M": "科学研究和技术服务业", "N": "水利、环境和公共设施管理业", "O": "居民服务、修理和其他服务业",
	"P": "教育", "Q": "卫生和社会工作", "R": "文化、体育和娱乐业", "S": "公共管理、社会保障和社会组织", "T": "国际组织",
}

// divisions are the 97 divisions of GB/T 4754-2017 in code order.
var divisions = []Industry{
	{"A", "01", "农业"}, {"A", "02", "林业"}, {"A", "03", "畜牧业"}, {"A", "04", "渔业"}, {"A", "05", "农、林、牧、渔专业及辅助性活动"},
	{"B", "06", "煤炭开采和洗选业"}, {"B", "07", "石油和天然气开采业"}, {"B", "08", "黑色金属矿采选业"}, {"B", "09", "有色金属矿采选业"},
	{"B", "10", "非金属矿采选业"}, {"B", "11", "开采专业及辅助性活动"}, {"B", "12", "其他采矿业"},
	{"C", "13", "农副食品加工业"}, {"C", "14", "食品制造业"}, {"C", "15", "酒、饮料和精制茶制造业"}, {"C", "16", "烟草制品业"},
	{"C", "17", "纺织业"}, {"C", "18", "纺织服装、服饰业"}, {"C", "19", "皮革、毛皮、羽毛及其制品和制鞋业"},
	{"C", "20", "木材加工和木、竹、藤、棕、草制品业"}, {"C", "21", "家具制造业"}, {"C", "22", "造纸和纸制品业"},
	{"C", "23", "印刷和记录媒介复制业"}, {"C", "24", "文教、工美、体育和娱乐用品制造业"}, {"C", "25", "石油、煤炭及其他燃料加工业"},
	{"C", "26", "化学原料和化学制品制造业"}, {"C", "27", "医药制造业"}, {"C", "28", "化学纤维制造业"}, {"C", "29", "橡胶和塑料制品业"},
	{"C", "30", "非金属矿物制品业"}, {"C", "31", "黑色金属冶炼和压延加工业"}, {"C", "32", "有色金属冶炼和压延加工业"},
	{"C", "33", "金属制品业"}, {"C", "34", "通用设备制造业"}, {"C", "35", "专用设备制造业"}, {"C", "36", "汽车制造业"},
	{"C", "37", "铁路、船舶、航空航天和其他运输设备制造业"}, {"C", "38", "电气机械和器材制造业"},
	{"C", "39", "计算机、通信和其他电子设备制造业"}, {"C", "40", "仪器仪表制造业"}, {"C", "41", "其他制造业"},
	{"C", "42", "废弃资源综合利用业"}, {"C", "43", "金属制品、机械和设备修理业"},
	{"D", "44", "电力、热力生产和供应业"}, {"D", "45", "燃气生产和供应业"}, {"D", "46", "水的生产和供应业"},
	{"E", "47", "房屋建筑业"}, {"E", "48", "土木工程建筑业"}, {"E", "49", "建筑安装业"}, {"E", "50", "建筑装饰、装修和其他建筑业"},
	{"F", "51", "批发业"}, {"F", "52", "零售业"},
	{"G", "53", "铁路运输业"}, {"G", "54", "道路运输业"}, {"G", "55", "水上运输业"}, {"G", "56", "航空运输业"},
	{"G", "57", "管道运输业"}, {"G", "58", "多式联运和运输代理业"}, {"G", "59", "装卸搬运和仓储业"}, {"G", "60", "邮政业"},
	{"H", "61", "住宿业"}, {"H", "62", "餐饮业"},
	{"I", "63", "电信、广播电视和卫星传输服务"}, {"I", "64", "互联网和相关服务"}, {"I", "65", "软件和信息技术服务业"},
	{"J", "66", "货币金融服务"}, {"J", "67", "资本市场服务"}, {"J", "68", "保险业"}, {"J", "69", "其他金融业"},
	{"K", "70", "房地产业"}, {"L", "71", "租赁业"}, {"L", "72", "商务服务业"},
	{"M", "73", "研究和试验发展"}, {"M", "74", "专业技术服务业"}, {"M", "75", "科技推广和应用服务业"},
	{"N", "76", "水利管理业"}, {"N", "77", "生态保护和环境治理业"}, {"N", "78", "公共设施管理业"}, {"N", "79", "土地管理业"},
	{"O", "80", "居民服务业"}, {"O", "81", "机动车、电子产品和日用产品修理业"}, {"O", "82", "其他服务业"},
	{"P", "83", "教育"}, {"Q", "84", "卫生"}, {"Q", "85", "社会工作"},
	{"R", "86", "新闻和出版业"}, {"R", "87", "广播、电视、电影和录音制作业"}, {"R", "88", "文化艺术业"}, {"R", "89", "体育"}, {"R", "90", "娱乐业"},
	{"S", "91", "中国共产党机关"}, {"S", "92", "国家机构"}, {"S", "93", "人民政协、民主党派"}, {"S", "94", "社会保障"},
	{"S", "95", "群众团体、社会团体和其他成员组织"}, {"S", "96", "基层群众自治组织及其他组织"}, {"T", "97", "国际组织"},
}

// Industries returns the GB/T 4754-2017 divisions in code order.
func Industries() []Industry { return append([]Industry(nil), divisions...) }

func findDivision(div string) (Industry, bool) {
	for _, d := range divisions {
		if d.Division == div {
			return d, true
		}
	}
	return Industry{}, false
}

// NormalizeIndustryCode returns the canonical form of a GB/T 4754-2017 code:
// the section letter followed by 2 to 4 digits ("C3911"), accepting input with
// or without the letter ("3911", "c39"). It returns the canonical code and a
// message naming the problem ("" when valid).
func NormalizeIndustryCode(code string) (string, string) {
	code = strings.ToUpper(strings.TrimSpace(FoldWidth(code)))
	letter := ""
	if code != "" && code[0] >= 'A' && code[0] <= 'Z' {
		letter, code = code[:1], code[1:]
	}
	if len(code) < 2 || len(code) > 4 || strings.Trim(code, "0123456789") != "" {
		return "", "国民经济行业代码格式应为门类字母加2-4位数字，如 C3911 (GB/T 4754 code such as C3911)"
	}
	d, ok := findDivision(code[:2])
	if !ok {
		return "", "国民经济行业大类 " + code[:2] + " 不存在 (no such GB/T 4754 division)"
	}
	if letter != "" && letter != d.Section {
		return "", "行业门类 " + letter + " 与大类 " + code[:2] + " 不符，应为 " + d.Section + " (section letter does not match the division)"
	}
	return d.Section + code, ""
}

// IndustryName returns "制造业 / 计算机、通信和其他电子设备制造业" for a valid
// code, or "".
func IndustryName(code string) string {
	c, msg := NormalizeIndustryCode(code)
	if msg != "" {
		return ""
	}
	d, _ := findDivision(c[1:3])
	return sectionNames[d.Section] + " / " + d.Name
}
