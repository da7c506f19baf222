package demo

// Static tables behind the generator. Names of insurers, providers and
// enterprises are invented; government bodies carry their real names.

// place is a GB/T 2260 division inside a jurisdiction, with the city name
// used as the prefix of enterprise names there.
type place struct {
	div    string // 6-digit GB/T 2260 code
	zh, en string // city name: 苏州 / Suzhou
}

// places lists, for every active jurisdiction, divisions that enterprises may
// be registered in. Provinces never list the divisions of their
// separately-planned city, so that the division maps back to the
// jurisdiction. XPCC enterprises carry the 6590xx codes of corps cities.
var places = map[string][]place{
	"11":   {{"110101", "北京", "Beijing"}, {"110105", "北京", "Beijing"}, {"110106", "北京", "Beijing"}, {"110108", "北京", "Beijing"}, {"110114", "北京", "Beijing"}, {"110115", "北京", "Beijing"}},
	"12":   {{"120101", "天津", "Tianjin"}, {"120104", "天津", "Tianjin"}, {"120116", "天津", "Tianjin"}},
	"13":   {{"130100", "石家庄", "Shijiazhuang"}, {"130200", "唐山", "Tangshan"}, {"130400", "邯郸", "Handan"}, {"130600", "保定", "Baoding"}, {"131000", "廊坊", "Langfang"}},
	"14":   {{"140100", "太原", "Taiyuan"}, {"140200", "大同", "Datong"}, {"140400", "长治", "Changzhi"}},
	"15":   {{"150100", "呼和浩特", "Hohhot"}, {"150200", "包头", "Baotou"}, {"150600", "鄂尔多斯", "Ordos"}},
	"21":   {{"210100", "沈阳", "Shenyang"}, {"210300", "鞍山", "Anshan"}, {"210800", "营口", "Yingkou"}},
	"22":   {{"220100", "长春", "Changchun"}, {"220200", "吉林", "Jilin"}},
	"23":   {{"230100", "哈尔滨", "Harbin"}, {"230200", "齐齐哈尔", "Qiqihar"}, {"230600", "大庆", "Daqing"}},
	"31":   {{"310101", "上海", "Shanghai"}, {"310104", "上海", "Shanghai"}, {"310112", "上海", "Shanghai"}, {"310114", "上海", "Shanghai"}, {"310115", "上海", "Shanghai"}},
	"32":   {{"320100", "南京", "Nanjing"}, {"320200", "无锡", "Wuxi"}, {"320300", "徐州", "Xuzhou"}, {"320400", "常州", "Changzhou"}, {"320500", "苏州", "Suzhou"}, {"320505", "苏州", "Suzhou"}, {"320600", "南通", "Nantong"}, {"321000", "扬州", "Yangzhou"}},
	"33":   {{"330100", "杭州", "Hangzhou"}, {"330106", "杭州", "Hangzhou"}, {"330300", "温州", "Wenzhou"}, {"330400", "嘉兴", "Jiaxing"}, {"330500", "湖州", "Huzhou"}, {"330600", "绍兴", "Shaoxing"}, {"330700", "金华", "Jinhua"}, {"331000", "台州", "Taizhou"}},
	"34":   {{"340100", "合肥", "Hefei"}, {"340200", "芜湖", "Wuhu"}, {"340300", "蚌埠", "Bengbu"}},
	"35":   {{"350100", "福州", "Fuzhou"}, {"350500", "泉州", "Quanzhou"}, {"350600", "漳州", "Zhangzhou"}},
	"36":   {{"360100", "南昌", "Nanchang"}, {"360400", "九江", "Jiujiang"}, {"360700", "赣州", "Ganzhou"}},
	"37":   {{"370100", "济南", "Jinan"}, {"370300", "淄博", "Zibo"}, {"370600", "烟台", "Yantai"}, {"370700", "潍坊", "Weifang"}, {"371000", "威海", "Weihai"}},
	"41":   {{"410100", "郑州", "Zhengzhou"}, {"410300", "洛阳", "Luoyang"}, {"410700", "新乡", "Xinxiang"}},
	"42":   {{"420100", "武汉", "Wuhan"}, {"420500", "宜昌", "Yichang"}, {"420600", "襄阳", "Xiangyang"}},
	"43":   {{"430100", "长沙", "Changsha"}, {"430200", "株洲", "Zhuzhou"}, {"430300", "湘潭", "Xiangtan"}},
	"44":   {{"440100", "广州", "Guangzhou"}, {"440106", "广州", "Guangzhou"}, {"440400", "珠海", "Zhuhai"}, {"440600", "佛山", "Foshan"}, {"441300", "惠州", "Huizhou"}, {"441900", "东莞", "Dongguan"}, {"442000", "中山", "Zhongshan"}},
	"45":   {{"450100", "南宁", "Nanning"}, {"450200", "柳州", "Liuzhou"}, {"450300", "桂林", "Guilin"}},
	"46":   {{"460100", "海口", "Haikou"}, {"460200", "三亚", "Sanya"}},
	"50":   {{"500103", "重庆", "Chongqing"}, {"500106", "重庆", "Chongqing"}, {"500108", "重庆", "Chongqing"}, {"500112", "重庆", "Chongqing"}},
	"51":   {{"510100", "成都", "Chengdu"}, {"510107", "成都", "Chengdu"}, {"510600", "德阳", "Deyang"}, {"510700", "绵阳", "Mianyang"}, {"511500", "宜宾", "Yibin"}},
	"52":   {{"520100", "贵阳", "Guiyang"}, {"520300", "遵义", "Zunyi"}},
	"53":   {{"530100", "昆明", "Kunming"}, {"530300", "曲靖", "Qujing"}, {"530400", "玉溪", "Yuxi"}},
	"54":   {{"540100", "拉萨", "Lhasa"}, {"540200", "日喀则", "Xigaze"}},
	"61":   {{"610100", "西安", "Xi'an"}, {"610300", "宝鸡", "Baoji"}, {"610400", "咸阳", "Xianyang"}},
	"62":   {{"620100", "兰州", "Lanzhou"}, {"620200", "嘉峪关", "Jiayuguan"}, {"620300", "金昌", "Jinchang"}},
	"63":   {{"630100", "西宁", "Xining"}, {"630200", "海东", "Haidong"}},
	"64":   {{"640100", "银川", "Yinchuan"}, {"640200", "石嘴山", "Shizuishan"}},
	"65":   {{"650100", "乌鲁木齐", "Urumqi"}, {"650200", "克拉玛依", "Karamay"}, {"652300", "昌吉", "Changji"}},
	"2102": {{"210200", "大连", "Dalian"}, {"210204", "大连", "Dalian"}, {"210211", "大连", "Dalian"}, {"210213", "大连", "Dalian"}},
	"3302": {{"330200", "宁波", "Ningbo"}, {"330203", "宁波", "Ningbo"}, {"330206", "宁波", "Ningbo"}, {"330212", "宁波", "Ningbo"}},
	"3502": {{"350200", "厦门", "Xiamen"}, {"350203", "厦门", "Xiamen"}, {"350206", "厦门", "Xiamen"}, {"350211", "厦门", "Xiamen"}},
	"3702": {{"370200", "青岛", "Qingdao"}, {"370202", "青岛", "Qingdao"}, {"370211", "青岛", "Qingdao"}, {"370212", "青岛", "Qingdao"}},
	"4403": {{"440300", "深圳", "Shenzhen"}, {"440303", "深圳", "Shenzhen"}, {"440304", "深圳", "Shenzhen"}, {"440305", "深圳", "Shenzhen"}, {"440306", "深圳", "Shenzhen"}, {"440307", "深圳", "Shenzhen"}},
	"66":   {{"659001", "石河子", "Shihezi"}, {"659002", "阿拉尔", "Aral"}, {"659004", "五家渠", "Wujiaqu"}},
}

// jurisdictionWeight skews enterprises toward the provinces and cities most
// active in the pilot; jurisdictions not listed weigh 1.
var jurisdictionWeight = map[string]int{
	"11": 10, "31": 9, "32": 12, "33": 10, "44": 9, "4403": 8, "37": 7, "51": 6,
	"42": 4, "34": 4, "41": 4, "12": 3, "13": 3, "35": 3, "43": 3, "50": 3, "61": 3,
	"3302": 3, "3702": 3, "3502": 2, "2102": 2, "21": 2, "36": 2, "45": 2,
}

// word is an industry word used in a company name.
type word struct{ zh, en string }

// industry is a GB/T 4754 division with its share of enterprises and the
// words that name its companies.
type industry struct {
	code   string
	weight int // relative share of enterprises
	words  []word
}

// industries: manufacturing (C) is the largest group, then software and IT
// (I), trade (F), transport (G), construction (E), business and technical
// services (L, M), finance (J), energy (D), real estate (K) and a tail.
// Divisions of section S and T are never drawn.
var industries = []industry{
	// C manufacturing: about 40%
	{"13", 3, []word{{"食品", "Food"}}},
	{"14", 3, []word{{"食品科技", "Food Technology"}}},
	{"15", 1, []word{{"饮品", "Beverage"}}},
	{"17", 3, []word{{"纺织", "Textile"}}},
	{"18", 3, []word{{"服饰", "Apparel"}}},
	{"21", 2, []word{{"家居", "Home Furnishing"}}},
	{"22", 1, []word{{"纸业", "Paper"}}},
	{"26", 6, []word{{"化工", "Chemical"}, {"新材料", "New Materials"}}},
	{"27", 6, []word{{"医药", "Pharmaceutical"}, {"生物制药", "Biopharmaceutical"}}},
	{"29", 4, []word{{"塑胶", "Plastics"}, {"橡塑制品", "Rubber and Plastic Products"}}},
	{"30", 3, []word{{"建材", "Building Materials"}}},
	{"31", 2, []word{{"钢铁", "Iron and Steel"}}},
	{"32", 2, []word{{"有色金属", "Non-ferrous Metals"}}},
	{"33", 5, []word{{"金属制品", "Metal Products"}, {"五金", "Hardware"}}},
	{"34", 9, []word{{"精密制造", "Precision Manufacturing"}, {"机械", "Machinery"}}},
	{"35", 8, []word{{"装备", "Equipment"}, {"智能装备", "Intelligent Equipment"}}},
	{"36", 7, []word{{"汽车零部件", "Auto Parts"}, {"汽车部件", "Automotive Components"}}},
	{"37", 2, []word{{"轨道交通装备", "Rail Transit Equipment"}, {"船舶配套", "Marine Equipment"}}},
	{"38", 10, []word{{"电气", "Electric"}, {"新能源科技", "New Energy Technology"}}},
	{"39", 14, []word{{"电子科技", "Electronic Technology"}, {"半导体", "Semiconductor"}, {"通信设备", "Communication Equipment"}}},
	{"40", 4, []word{{"仪器仪表", "Instruments"}, {"传感技术", "Sensing Technology"}}},
	{"41", 1, []word{{"制造", "Manufacturing"}}},
	{"42", 1, []word{{"再生资源", "Renewable Resources"}}},
	// D energy and utilities
	{"44", 3, []word{{"电力", "Power"}, {"能源", "Energy"}}},
	{"45", 2, []word{{"燃气", "Gas"}}},
	{"46", 2, []word{{"水务", "Water"}}},
	// E construction
	{"47", 3, []word{{"建设工程", "Construction Engineering"}}},
	{"48", 3, []word{{"路桥工程", "Road and Bridge Engineering"}}},
	{"50", 2, []word{{"建筑装饰", "Building Decoration"}}},
	// F trade
	{"51", 10, []word{{"贸易", "Trading"}, {"供应链", "Supply Chain"}}},
	{"52", 8, []word{{"商贸", "Commerce"}, {"电子商务", "E-commerce"}}},
	// G transport
	{"54", 4, []word{{"物流", "Logistics"}, {"运输", "Transport"}}},
	{"55", 2, []word{{"航运", "Shipping"}}},
	{"56", 1, []word{{"航空服务", "Aviation Services"}}},
	{"57", 1, []word{{"管道运输", "Pipeline Transport"}}},
	{"58", 2, []word{{"国际货运代理", "International Freight Forwarding"}}},
	{"59", 2, []word{{"仓储", "Warehousing"}}},
	{"60", 1, []word{{"速递", "Express"}}},
	// H accommodation and catering
	{"61", 1, []word{{"酒店管理", "Hotel Management"}}},
	{"62", 1, []word{{"餐饮管理", "Catering Management"}}},
	// I information technology
	{"63", 4, []word{{"通信技术", "Communication Technology"}, {"数据中心", "Data Center"}}},
	{"64", 8, []word{{"网络科技", "Network Technology"}, {"互联网科技", "Internet Technology"}}},
	{"65", 19, []word{{"软件", "Software"}, {"信息技术", "Information Technology"}, {"数据科技", "Data Technology"}}},
	// J finance
	{"66", 2, []word{{"小额贷款", "Microcredit"}}},
	{"67", 2, []word{{"投资管理", "Investment Management"}}},
	{"68", 1, []word{{"保险代理", "Insurance Agency"}}},
	{"69", 2, []word{{"融资租赁", "Financial Leasing"}, {"商业保理", "Commercial Factoring"}}},
	// K real estate
	{"70", 3, []word{{"置业", "Property"}}},
	// L leasing and business services
	{"71", 2, []word{{"设备租赁", "Equipment Leasing"}}},
	{"72", 5, []word{{"企业管理咨询", "Management Consulting"}, {"人力资源", "Human Resources"}}},
	// M research and technical services
	{"73", 3, []word{{"研究院", "Research Institute"}}},
	{"74", 4, []word{{"检测技术", "Testing Technology"}, {"工程设计", "Engineering Design"}}},
	{"75", 3, []word{{"科技服务", "Technology Services"}}},
	// N, O, P, Q, R and A, B: a thin tail
	{"77", 1, []word{{"环保科技", "Environmental Technology"}}},
	{"80", 1, []word{{"家政服务", "Household Services"}}},
	{"83", 1, []word{{"教育科技", "Education Technology"}}},
	{"84", 2, []word{{"医疗管理", "Healthcare Management"}}},
	{"86", 1, []word{{"文化传媒", "Culture and Media"}}},
	{"87", 1, []word{{"影视", "Film and Television"}}},
	{"01", 1, []word{{"农业科技", "Agricultural Technology"}}},
	{"06", 1, []word{{"煤业", "Coal"}}},
}

// criticalDivisions are where critical information infrastructure (关键信息基础设施)
// operators concentrate: energy, transport, telecommunications and internet, finance.
var criticalDivisions = map[string]bool{
	"44": true, "45": true, "46": true, "53": true, "55": true, "56": true, "57": true,
	"63": true, "64": true, "66": true, "67": true, "68": true, "69": true,
}

// syllable is a character used in trade names with its pinyin.
type syllable struct{ zh, py string }

// tradeChars build two-character trade names (字号).
var tradeChars = []syllable{
	{"云", "yun"}, {"启", "qi"}, {"华", "hua"}, {"瑞", "rui"}, {"泰", "tai"}, {"恒", "heng"},
	{"宏", "hong"}, {"鑫", "xin"}, {"博", "bo"}, {"创", "chuang"}, {"远", "yuan"}, {"达", "da"},
	{"盛", "sheng"}, {"和", "he"}, {"嘉", "jia"}, {"锐", "rui"}, {"星", "xing"}, {"辰", "chen"},
	{"曜", "yao"}, {"海", "hai"}, {"峰", "feng"}, {"睿", "rui"}, {"智", "zhi"}, {"联", "lian"},
	{"信", "xin"}, {"汇", "hui"}, {"德", "de"}, {"诚", "cheng"}, {"卓", "zhuo"}, {"越", "yue"},
	{"天", "tian"}, {"宇", "yu"}, {"航", "hang"}, {"明", "ming"}, {"光", "guang"}, {"源", "yuan"},
	{"晟", "sheng"}, {"骏", "jun"}, {"澜", "lan"}, {"帆", "fan"}, {"拓", "tuo"}, {"腾", "teng"},
	{"昊", "hao"}, {"凯", "kai"}, {"森", "sen"}, {"川", "chuan"}, {"岚", "lan"}, {"亿", "yi"},
	{"阳", "yang"}, {"丰", "feng"}, {"茂", "mao"}, {"浩", "hao"}, {"立", "li"}, {"安", "an"},
	{"欧", "ou"}, {"恩", "en"}, {"臻", "zhen"}, {"铭", "ming"}, {"朗", "lang"}, {"晨", "chen"},
	{"捷", "jie"}, {"迅", "xun"}, {"景", "jing"}, {"弘", "hong"}, {"耀", "yao"}, {"璟", "jing"},
}

// surnames and givenChars build synthetic person names.
var surnames = []string{
	"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
	"何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "程", "曹", "袁",
	"邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶",
	"余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜", "范", "方", "石", "姚", "谭", "廖",
	"欧阳", "司马",
}

var givenChars = []string{
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
	"超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "建", "国", "文", "辉", "晓", "红", "鹏",
	"宇", "浩", "婷", "雪", "欣", "怡", "思", "雨", "嘉", "俊", "子", "涵", "晨", "一", "佳", "梓",
	"昊", "睿", "诗", "慧", "志", "永", "海", "宁", "琳", "颖", "博", "凯", "倩", "悦", "薇", "哲",
}

// fixedOrg is an organisation present in every pilot, with a seed-independent USCC.
type fixedOrg struct {
	slug         string // username prefix
	zh, en       string
	jurisdiction string // "" for national bodies; for companies the head office
	authority    byte   // USCC position 1
	category     byte   // USCC position 2
	div          string // registering authority's division
}

var operatorOrg = fixedOrg{"op", "国家工业信息安全发展研究中心", "National Industrial Information Security Development Research Center", "", '1', '2', "110107"}

var nationalRegulators = []fixedOrg{
	{"miit", "工业和信息化部网络安全管理局", "Cybersecurity Bureau, Ministry of Industry and Information Technology", "", '1', '1', "110102"},
	{"nfra", "国家金融监督管理总局", "National Financial Regulatory Administration", "", '1', '1', "110102"},
}

// regulatorNames overrides the default local regulator name where the local
// body is called otherwise (经济和信息化, 委员会) or has no province-level name.
var regulatorNames = map[string]word{
	"11":   {"北京市经济和信息化局", "Beijing Municipal Bureau of Economy and Information Technology"},
	"12":   {"天津市工业和信息化局", "Tianjin Municipal Bureau of Industry and Information Technology"},
	"31":   {"上海市经济和信息化委员会", "Shanghai Municipal Commission of Economy and Informatization"},
	"50":   {"重庆市经济和信息化委员会", "Chongqing Municipal Commission of Economy and Information Technology"},
	"54":   {"西藏自治区经济和信息化厅", "Department of Economy and Information Technology of Xizang Autonomous Region"},
	"3302": {"宁波市经济和信息化局", "Ningbo Municipal Bureau of Economy and Information Technology"},
	"66":   {"新疆生产建设兵团工业和信息化局", "Bureau of Industry and Information Technology of the Xinjiang Production and Construction Corps"},
}

// regulatorDivision overrides the registering division of a local regulator
// (the XPCC's platform code 660000 never appears in a real USCC; its organs
// register under Xinjiang's 659000).
var regulatorDivision = map[string]string{"66": "659000"}

var insurerOrgs = []fixedOrg{
	{"ins1", "澄岳财产保险股份有限公司", "Chengyue Property & Casualty Insurance Co., Ltd.", "11", '9', '1', "110102"},
	{"ins2", "云衡财产保险股份有限公司", "Yunheng Property & Casualty Insurance Co., Ltd.", "31", '9', '1', "310115"},
	{"ins3", "岚川财产保险股份有限公司", "Lanchuan Property & Casualty Insurance Co., Ltd.", "4403", '9', '1', "440304"},
	{"ins4", "晟屹财产保险股份有限公司", "Shengyi Property & Casualty Insurance Co., Ltd.", "33", '9', '1', "330106"},
	{"ins5", "翊宁财产保险股份有限公司", "Yining Property & Casualty Insurance Co., Ltd.", "32", '9', '1', "320100"},
	{"ins6", "璟和财产保险股份有限公司", "Jinghe Property & Casualty Insurance Co., Ltd.", "51", '9', '1', "510107"},
}

var providerOrgs = []fixedOrg{
	{"prov1", "北京砺盾网络安全技术有限公司", "Beijing Lidun Cybersecurity Technology Co., Ltd.", "11", '9', '1', "110108"},
	{"prov2", "杭州青穹信息安全技术股份有限公司", "Hangzhou Qingqiong Information Security Technology Co., Ltd.", "33", '9', '1', "330106"},
	{"prov3", "深圳玄垣工控安全科技有限公司", "Shenzhen Xuanyuan Industrial Control Security Technology Co., Ltd.", "4403", '9', '1', "440305"},
	{"prov4", "寰宇通信集团网络安全科技有限公司", "Huanyu Telecom Group Cybersecurity Technology Co., Ltd.", "11", '9', '1', "110102"},
	{"prov5", "南京启晟信息安全测评中心有限公司", "Nanjing Qisheng Information Security Testing and Evaluation Center Co., Ltd.", "32", '9', '1', "320100"},
	{"prov6", "上海衡鉴电子数据司法鉴定所", "Shanghai Hengjian Electronic Data Forensic Institute", "31", '3', '4', "310104"},
	{"prov7", "成都玄甲网络安全技术有限公司", "Chengdu Xuanjia Cybersecurity Technology Co., Ltd.", "51", '9', '1', "510107"},
	{"prov8", "广州云垣数据安全服务有限公司", "Guangzhou Yunyuan Data Security Services Co., Ltd.", "44", '9', '1', "440106"},
}
