package innobridge

import "strings"

// provinces are the GB/T 2260 provincial-level divisions, by their two-digit
// prefix.
var provinces = map[string]string{
	"11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
	"21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
	"31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
	"41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
	"50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
	"61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
	"71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}

// regions names the prefecture- and county-level divisions the platform ships
// names for: the cities of Jiangsu, the districts of Suzhou (the demo city)
// and the provincial capitals most often seen in listings. Other well-formed
// codes under a known province are accepted and shown by their province.
var regions = map[string]string{
	"320100": "南京市", "320200": "无锡市", "320300": "徐州市", "320400": "常州市", "320500": "苏州市",
	"320600": "南通市", "320700": "连云港市", "320800": "淮安市", "320900": "盐城市", "321000": "扬州市",
	"321100": "镇江市", "321200": "泰州市", "321300": "宿迁市",
	"320505": "虎丘区", "320506": "吴中区", "320507": "相城区", "320508": "姑苏区", "320509": "吴江区",
	"320571": "苏州工业园区", "320581": "常熟市", "320582": "张家港市", "320583": "昆山市", "320585": "太仓市",
	"130100": "石家庄市", "140100": "太原市", "210100": "沈阳市", "220100": "长春市", "230100": "哈尔滨市",
	"330100": "杭州市", "330200": "宁波市", "340100": "合肥市", "350100": "福州市", "350200": "厦门市",
	"360100": "南昌市", "370100": "济南市", "370200": "青岛市", "410100": "郑州市", "420100": "武汉市",
	"430100": "长沙市", "440100": "广州市", "440300": "深圳市", "450100": "南宁市", "460100": "海口市",
	"510100": "成都市", "520100": "贵阳市", "530100": "昆明市", "610100": "西安市", "620100": "兰州市",
}

// ValidateRegionCode checks a six-digit GB/T 2260 administrative division
// code and returns a message naming the problem, or "" when it is valid.
func ValidateRegionCode(code string) string {
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return "行政区划代码应为6位数字 (region code must be 6 digits, GB/T 2260)"
	}
	if _, ok := provinces[code[:2]]; !ok {
		return "行政区划代码前两位不是有效省级代码 (first two digits are not a province)"
	}
	return ""
}

// RegionName returns the fullest name known for a region code, e.g.
// "江苏省苏州市吴中区", or "" for an invalid code.
func RegionName(code string) string {
	if ValidateRegionCode(code) != "" {
		return ""
	}
	name := provinces[code[:2]]
	if code[2:] == "0000" {
		return name
	}
	if city, ok := regions[code[:4]+"00"]; ok && code[:2] != "11" && code[:2] != "12" && code[:2] != "31" && code[:2] != "50" {
		name += city
	}
	if code[4:] != "00" {
		if county, ok := regions[code]; ok {
			name += county
		}
	}
	return name
}

// RegionOption is a code with its name, for pick lists.
type RegionOption struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// DemoCityCode is the GB/T 2260 code of the city the demo data lives in.
const DemoCityCode = "320500"

// CityDistricts lists the known county-level divisions of a prefecture code
// such as "320500", the city itself first.
func CityDistricts(city string) []RegionOption {
	out := []RegionOption{{Code: city, Name: RegionName(city)}}
	for code, name := range regions {
		if code[:4] == city[:4] && code != city {
			out = append(out, RegionOption{Code: code, Name: name})
		}
	}
	sortOptions(out[1:])
	return out
}

func sortOptions(o []RegionOption) {
	for i := 1; i < len(o); i++ {
		for j := i; j > 0 && o[j].Code < o[j-1].Code; j-- {
			o[j], o[j-1] = o[j-1], o[j]
		}
	}
}
