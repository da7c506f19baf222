package refdata

// GB2260Version describes the vintage of the administrative-division data.
// Province-level and separately-planned-city codes have been stable for
// decades; only these levels are held here.
const GB2260Version = "GB/T 2260-2007 province-level and separately-planned-city codes, per the Ministry of Civil Affairs 2023 division code list"

// JurisdictionKind classifies a Jurisdiction.
type JurisdictionKind string

// Jurisdiction kinds.
const (
	KindProvince JurisdictionKind = "province"  // province, autonomous region or municipality
	KindPlanCity JurisdictionKind = "plan_city" // separately-planned city (计划单列市)
	KindXPCC     JurisdictionKind = "xpcc"      // 新疆生产建设兵团
	KindSAR      JurisdictionKind = "sar"       // Hong Kong, Macao
	KindTaiwan   JurisdictionKind = "taiwan"    // 台湾
)

// XPCCCode is the code used for the Xinjiang Production and Construction
// Corps. The XPCC has no GB/T 2260 code of its own (its units are coded
// inside Xinjiang, 65xxxx). "66" is unused by GB/T 2260 and follows the
// Xinjiang prefix, so Anbao uses "66" / "660000" as a platform-internal code.
// It never appears in a real USCC or GB/T 2260 list.
const XPCCCode = "66"

// Jurisdiction is a unit that can issue or receive pilot notices: a
// province-level unit, a separately-planned city or the XPCC.
type Jurisdiction struct {
	// Code is the GB/T 2260 prefix: 2 digits for a province-level unit
	// ("32"), 4 digits for a separately-planned city ("4403"). The XPCC
	// uses XPCCCode ("66").
	Code       string
	Kind       JurisdictionKind
	NameZH     string // short name: 江苏
	NameEN     string // short name: Jiangsu
	FullNameZH string // 江苏省
	FullNameEN string // Jiangsu Province
	// Parent is the province code of a plan city ("4403" -> "44") and "65"
	// for the XPCC; empty otherwise.
	Parent string
	// Active is false for Taiwan, Hong Kong and Macao, which are listed
	// for completeness but are outside the pilot.
	Active bool
	// Division is the 6-digit GB/T 2260 code ("320000", "440300");
	// "660000" for the XPCC.
	Division string
}

// Name returns the short name in the given language: English for "en"
// (or "en-*"), Chinese otherwise.
func (j Jurisdiction) Name(lang string) string {
	if isEnglish(lang) {
		return j.NameEN
	}
	return j.NameZH
}

// jurisdictions is kept in display order: provinces by code, plan cities by
// code, XPCC, then inactive units.
var jurisdictions = []Jurisdiction{
	{"11", KindProvince, "北京", "Beijing", "北京市", "Beijing Municipality", "", true, "110000"},
	{"12", KindProvince, "天津", "Tianjin", "天津市", "Tianjin Municipality", "", true, "120000"},
	{"13", KindProvince, "河北", "Hebei", "河北省", "Hebei Province", "", true, "130000"},
	{"14", KindProvince, "山西", "Shanxi", "山西省", "Shanxi Province", "", true, "140000"},
	{"15", KindProvince, "内蒙古", "Inner Mongolia", "内蒙古自治区", "Inner Mongolia Autonomous Region", "", true, "150000"},
	{"21", KindProvince, "辽宁", "Liaoning", "辽宁省", "Liaoning Province", "", true, "210000"},
	{"22", KindProvince, "吉林", "Jilin", "吉林省", "Jilin Province", "", true, "220000"},
	{"23", KindProvince, "黑龙江", "Heilongjiang", "黑龙江省", "Heilongjiang Province", "", true, "230000"},
	{"31", KindProvince, "上海", "Shanghai", "上海市", "Shanghai Municipality", "", true, "310000"},
	{"32", KindProvince, "江苏", "Jiangsu", "江苏省", "Jiangsu Province", "", true, "320000"},
	{"33", KindProvince, "浙江", "Zhejiang", "浙江省", "Zhejiang Province", "", true, "330000"},
	{"34", KindProvince, "安徽", "Anhui", "安徽省", "Anhui Province", "", true, "340000"},
	{"35", KindProvince, "福建", "Fujian", "福建省", "Fujian Province", "", true, "350000"},
	{"36", KindProvince, "江西", "Jiangxi", "江西省", "Jiangxi Province", "", true, "360000"},
	{"37", KindProvince, "山东", "Shandong", "山东省", "Shandong Province", "", true, "370000"},
	{"41", KindProvince, "河南", "Henan", "河南省", "Henan Province", "", true, "410000"},
	{"42", KindProvince, "湖北", "Hubei", "湖北省", "Hubei Province", "", true, "420000"},
	{"43", KindProvince, "湖南", "Hunan", "湖南省", "Hunan Province", "", true, "430000"},
	{"44", KindProvince, "广东", "Guangdong", "广东省", "Guangdong Province", "", true, "440000"},
	{"45", KindProvince, "广西", "Guangxi", "广西壮族自治区", "Guangxi Zhuang Autonomous Region", "", true, "450000"},
	{"46", KindProvince, "海南", "Hainan", "海南省", "Hainan Province", "", true, "460000"},
	{"50", KindProvince, "重庆", "Chongqing", "重庆市", "Chongqing Municipality", "", true, "500000"},
	{"51", KindProvince, "四川", "Sichuan", "四川省", "Sichuan Province", "", true, "510000"},
	{"52", KindProvince, "贵州", "Guizhou", "贵州省", "Guizhou Province", "", true, "520000"},
	{"53", KindProvince, "云南", "Yunnan", "云南省", "Yunnan Province", "", true, "530000"},
	{"54", KindProvince, "西藏", "Xizang", "西藏自治区", "Xizang (Tibet) Autonomous Region", "", true, "540000"},
	{"61", KindProvince, "陕西", "Shaanxi", "陕西省", "Shaanxi Province", "", true, "610000"},
	{"62", KindProvince, "甘肃", "Gansu", "甘肃省", "Gansu Province", "", true, "620000"},
	{"63", KindProvince, "青海", "Qinghai", "青海省", "Qinghai Province", "", true, "630000"},
	{"64", KindProvince, "宁夏", "Ningxia", "宁夏回族自治区", "Ningxia Hui Autonomous Region", "", true, "640000"},
	{"65", KindProvince, "新疆", "Xinjiang", "新疆维吾尔自治区", "Xinjiang Uygur Autonomous Region", "", true, "650000"},

	{"2102", KindPlanCity, "大连", "Dalian", "大连市", "Dalian", "21", true, "210200"},
	{"3302", KindPlanCity, "宁波", "Ningbo", "宁波市", "Ningbo", "33", true, "330200"},
	{"3502", KindPlanCity, "厦门", "Xiamen", "厦门市", "Xiamen", "35", true, "350200"},
	{"3702", KindPlanCity, "青岛", "Qingdao", "青岛市", "Qingdao", "37", true, "370200"},
	{"4403", KindPlanCity, "深圳", "Shenzhen", "深圳市", "Shenzhen", "44", true, "440300"},

	{XPCCCode, KindXPCC, "兵团", "XPCC", "新疆生产建设兵团", "Xinjiang Production and Construction Corps", "65", true, "660000"},

	{"71", KindTaiwan, "台湾", "Taiwan", "台湾省", "Taiwan Province", "", false, "710000"},
	{"81", KindSAR, "香港", "Hong Kong", "香港特别行政区", "Hong Kong Special Administrative Region", "", false, "810000"},
	{"82", KindSAR, "澳门", "Macao", "澳门特别行政区", "Macao Special Administrative Region", "", false, "820000"},
}

var jurisdictionIndex = func() map[string]int {
	m := make(map[string]int, len(jurisdictions))
	for i, j := range jurisdictions {
		m[j.Code] = i
	}
	return m
}()

// Jurisdictions returns all jurisdictions in display order: provinces by
// code, then separately-planned cities by code, the XPCC, then the
// inactive units (71 Taiwan, 81 Hong Kong, 82 Macao).
func Jurisdictions() []Jurisdiction {
	out := make([]Jurisdiction, len(jurisdictions))
	copy(out, jurisdictions)
	return out
}

// JurisdictionByCode looks a jurisdiction up by its Code ("32", "4403", "66").
func JurisdictionByCode(code string) (Jurisdiction, bool) {
	i, ok := jurisdictionIndex[code]
	if !ok {
		return Jurisdiction{}, false
	}
	return jurisdictions[i], true
}

// JurisdictionForDivision maps a 6-digit GB/T 2260 code (for example
// positions 3–8 of a USCC) to the jurisdiction it falls in by default: a
// separately-planned city when the first 4 digits match one
// (440305 -> "4403"), else the province-level unit of the first 2 digits
// (440106 -> "44"). It returns false when div is not exactly 6 ASCII digits
// or the 2-digit prefix is unknown. Inactive units (71, 81, 82) are
// returned with Active false; callers decide whether to accept them. The
// XPCC's internal code "660000" maps to the XPCC so that every
// Jurisdiction.Division round-trips; real XPCC registrations carry 65xxxx
// codes and map to Xinjiang. The result is a default only; the user
// should confirm it (historical codes may be retired).
func JurisdictionForDivision(div string) (Jurisdiction, bool) {
	if len(div) != 6 {
		return Jurisdiction{}, false
	}
	for i := 0; i < len(div); i++ {
		if div[i] < '0' || div[i] > '9' {
			return Jurisdiction{}, false
		}
	}
	if j, ok := JurisdictionByCode(div[:4]); ok && j.Kind == KindPlanCity {
		return j, true
	}
	if j, ok := JurisdictionByCode(div[:2]); ok {
		return j, true
	}
	return Jurisdiction{}, false
}
