package zh

import (
	"strings"
	"unicode"
)

// tradSimp pairs common traditional characters with their simplified forms,
// two runes per pair. It covers the characters that occur in technical
// writing (conference names, Taiwanese and Hong Kong listings); it is not a
// full OpenCC table, so rare characters pass through unchanged.
const tradSimp = "" +
	"與与專专業业東东絲丝兩两嚴严喪丧個个豐丰臨临為为麗丽舉举義义烏乌樂乐喬乔習习鄉乡書书買买亂乱" +
	"爭争於于虧亏雲云亞亚產产畝亩親亲億亿僅仅從从侖仑倉仓儀仪們们價价眾众優优夥伙會会傘伞偉伟傳传" +
	"傷伤倫伦偽伪體体餘余傭佣僉佥係系俠侠側侧偵侦債债傾倾儲储兒儿黨党蘭兰關关興兴養养獸兽內内岡冈" +
	"冊册寫写軍军農农馮冯衝冲決决況况凍冻淨净準准涼凉減减湊凑凜凛幾几鳳凤憑凭凱凯擊击鑿凿芻刍劃划" +
	"劉刘則则剛刚創创刪删別别剎刹劑剂剝剥劇剧勸劝辦办務务動动勵励勁劲勞劳勢势勳勋匯汇區区醫医華华" +
	"協协單单賣卖盧卢衛卫卻却廠厂廳厅曆历厲厉壓压厭厌縣县參参雙双發发變变敘叙疊叠葉叶號号嘆叹嚇吓" +
	"嗎吗聽听啟启吳吴員员嗚呜問问啞哑喚唤喪丧喲哟嘗尝嘮唠嚨咙囑嘱團团園园圍围圖图圓圆聖圣場场壞坏" +
	"塊块堅坚壇坛壩坝塢坞墳坟墜坠壘垒墾垦執执報报壯壮聲声殼壳壺壶處处備备復复夠够頭头誇夸夾夹奪夺" +
	"奮奋獎奖婦妇媽妈嬌娇孫孙學学寧宁寶宝實实寵宠審审憲宪宮宫寬宽賓宾對对尋寻導导壽寿將将屆届屬属" +
	"層层岸岸峽峡島岛嶺岭巖岩幣币帥帅師师帳帐帶带幫帮廣广莊庄慶庆廬庐庫库應应廟庙廢废開开異异棄弃" +
	"張张彈弹強强歸归當当錄录彥彦徹彻徑径後后徵征憶忆懷怀態态戀恋悅悦惡恶惱恼懸悬驚惊慣惯戲戏戰战" +
	"戶户撲扑執执擴扩掃扫揚扬擾扰撫抚搶抢護护報报擔担擬拟擁拥擇择掛挂擋挡揮挥撈捞損损換换據据擠挤" +
	"攜携攝摄擺摆搖摇攤摊數数斂敛敵敌齊齐斬斩斷断時时曠旷晝昼顯显暫暂曬晒術术機机殺杀雜杂權权條条" +
	"來来楊杨極极構构標标棧栈欄栏樹树樣样檔档橋桥檢检樓楼夢梦槍枪歐欧歲岁歷历殘残殲歼氣气漢汉湯汤" +
	"溝沟沒没滬沪潔洁灑洒濁浊測测濟济瀏浏渾浑濃浓濤涛澇涝潤润漲涨淺浅漸渐滿满濾滤濫滥灣湾濕湿溫温" +
	"遊游滅灭燈灯災灾爐炉點点煉炼煙烟熱热燒烧營营愛爱爺爷狀状獨独獲获環环現现瑪玛產产畫画暢畅癢痒" +
	"療疗瘋疯癡痴發发盡尽監监盤盘盧卢眾众睏困礦矿碼码磚砖確确礎础禮礼禍祸離离種种積积稱称穩稳窮穷" +
	"竊窃競竞筆笔築筑簡简糧粮緊紧紅红約约級级紀纪紛纷純纯紙纸納纳線线練练組组細细織织終终經经結结" +
	"給给絡络絕绝統统續续維维綜综網网線线編编緩缓縮缩總总績绩織织繪绘罰罚羅罗聯联聰聪職职腦脑膽胆" +
	"脈脉臉脸艦舰艱艰藝艺節节範范蘋苹莖茎萬万蓋盖蔣蒋藥药蘇苏蟲虫蠶蚕號号處处補补裝装複复製制襯衬" +
	"見见規规視视覺觉覽览觀观觸触計计訂订認认討讨讓让訓训議议訊讯記记講讲許许論论設设訪访證证評评" +
	"識识診诊詞词試试話话該该詳详語语說说誤误請请調调談谈諸诸謀谋謝谢謹谨譜谱讀读變变豐丰貝贝負负" +
	"財财責责賢贤敗败貨货質质販贩貧贫購购貯贮貫贯貴贵費费貿贸資资賊贼賠赔賞赏賴赖贊赞贈赠趕赶趙赵" +
	"躍跃車车軌轨軟软轉转輪轮輕轻載载較较輔辅輸输輻辐轄辖辭辞農农邊边遼辽達达遷迁過过運运還还這这" +
	"進进遠远違违連连遲迟適适選选遺遗鄭郑鄰邻醞酝釋释裡里鑒鉴針针釘钉鈣钙鋼钢鈕钮鐵铁鉛铅銀银銅铜" +
	"鋁铝鋒锋鋪铺鏈链錯错鍵键鍋锅鎖锁鎮镇鏡镜長长門门閃闪閉闭問问閒闲間间閱阅闊阔關关陽阳陰阴陣阵" +
	"階阶際际陸陆隊队隨随險险隱隐難难雞鸡電电霧雾靜静韓韩響响頁页頂顶項项順顺須须預预領领頻频題题" +
	"額额顏颜願愿類类顧顾風风飛飞飯饭飲饮館馆馬马駕驾驗验騎骑驅驱骯肮體体髮发鬥斗魚鱼鳥鸟鹽盐麥麦" +
	"黃黄齒齿龍龙龜龟壓压熱热環环網网絡络數数據据檢检測测應应變变節节態态"

var tradToSimp = func() map[rune]rune {
	m := make(map[rune]rune, len(tradSimp)/6)
	rs := []rune(tradSimp)
	for i := 0; i+1 < len(rs); i += 2 {
		if rs[i] != rs[i+1] {
			m[rs[i]] = rs[i+1]
		}
	}
	return m
}()

// hanBase..hanEnd is the CJK Unified Ideographs block, where most text
// is; tradBits marks the runes of it that tradToSimp folds, so that the
// rest (nearly all of it) skips the map.
const hanBase, hanEnd = 0x4E00, 0x9FFF

var tradBits = func() (b [(hanEnd - hanBase + 64) / 64]uint64) {
	for r := range tradToSimp {
		if r >= hanBase && r <= hanEnd {
			b[(r-hanBase)/64] |= 1 << ((r - hanBase) % 64)
		}
	}
	return b
}()

// FoldRune normalises one rune for matching: full-width ASCII and the
// ideographic space become half-width, letters become lower case, and common
// traditional characters become simplified.
func FoldRune(r rune) rune {
	switch {
	case r < 0x80:
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	case r >= hanBase && r <= hanEnd: // ideographs have no case
		if tradBits[(r-hanBase)/64]&(1<<((r-hanBase)%64)) != 0 {
			return tradToSimp[r]
		}
		return r
	case r == 0x3000:
		return ' '
	case r >= 0xFF01 && r <= 0xFF5E:
		return FoldRune(r - 0xFEE0)
	}
	if s, ok := tradToSimp[r]; ok {
		return s
	}
	return unicode.ToLower(r)
}

// Fold is FoldRune over a string.
func Fold(s string) string {
	clean := true
	for _, r := range s {
		if FoldRune(r) != r {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(FoldRune, s)
}

// IsHan reports whether r is a CJK ideograph (including extension A and the
// compatibility block).
func IsHan(r rune) bool {
	switch {
	case r < 0x3400:
		return false
	case r <= 0x4DBF || (r >= 0x4E00 && r <= 0x9FFF) || (r >= 0xF900 && r <= 0xFAFF):
		return true
	case r < 0x20000:
		return false
	}
	return unicode.Is(unicode.Han, r)
}
