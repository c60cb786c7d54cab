"""Traditional Chinese read as Simplified: one character for one character (Hong Kong, Macau and Taiwan reports
print 獨立核數師報告, 綜合損益表, 營業額; the readers match 审计报告, 利润表, 营业收入 ...).

A table of variants, not OpenCC: the readers need only the vocabulary of audit reports and statements (this
table), a conversion that never changes a text's length (a name is matched on the folded text and cut from the
printed one at the same offsets, so it comes out as printed) and no phrase-level conversion (OpenCC's phrase
tables would turn 核数师 or 营业额 into other words; the Hong Kong words are read as words of their own). A missing
character leaves a word unread (needs_review), never misread.

Every key is a character only Traditional text prints: Simplified text is unchanged by `simplified`.
"""

from __future__ import annotations

_PAIRS = (
    # the audit report, its opinion and its sections
    "審审計计報报師师數数會会務务專专業业執执證证書书號号們们認认為为爲为財财綜综併并損损潤润營营額额總总發发"
    "見见無无礎础準准則则關关鍵键項项範范圍围獨独責责層层負负債债產产資资現现權权變变動动註注釋释團团貴贵東东"
    "體体獲获稱称簡简統统屬属對对於于與与並并據据當当應应佔占虧亏銷销貨货開开稅税費费終终結结餘余價价減减較较"
    "續续經经個个萬万億亿幣币圓圆國国際际華华廣广灣湾門门臺台區区內内場场銀银貸贷顯显實实況况狀状態态編编製制"
    "單单種种類类簽签蓋盖夥伙職职錄录確确慮虑議议時时間间後后過过這这該该從从來来將将錯错誤误導导樣样擔担險险"
    "測测試试評评達达選选舉举夠够憑凭訂订頒颁佈布備备淨净攤摊長长庫库帳账賬账預预撥拨壞坏維维護护協协監监買买"
    "賣卖購购貿贸濟济員员廠厂設设機机構构組组織织廢废處处轉转換换匯汇兌兑兩两參参貳贰陸陆點点眾众衆众聲声僅仅"
    "係系屆届擬拟紀纪檢检驗验異异諮咨詢询強强調调誠诚鑒鉴鑑鉴網网線线綫线條条規规問问題题聯联易易"
    "載载頁页響响進进還还邊边記记讓让識识戶户舊旧畫画圖图幾几標标術术藥药樂乐習习電电熱热氣气軟软視视聽听"
    "質质創创辦办緊紧縮缩細细絕绝繼继約约純纯紙纸納纳繳缴罰罚義义聞闻臨临興兴裝装補补複复親亲覺觉觀观訊讯"
    "訪访訴诉詞词詳详語语說说談谈請请論论諾诺謂谓譯译讀读豐丰貢贡販贩貧贫賀贺賓宾賞赏賢贤賴赖賺赚賽赛贊赞"
    "贏赢趨趋跡迹踐践軍军軌轨載载輔辅輕轻輛辆轄辖辭辞連连週周遊游違违遺遗邏逻郵邮鄰邻針针鈔钞銅铜鋒锋錦锦"
    "鎖锁鏈链鐘钟鑄铸閉闭閒闲閣阁閱阅闊阔陣阵陰阴陽阳隊队階阶隨随隱隐雖虽雙双雜杂離离難难靈灵頂顶順顺須须"
    "領领頻频顏颜願愿顧顾風风飯饭飲饮館馆駐驻髮发鬥斗麗丽麥麦黨党齊齐裡里裏里給给認认衝冲"
    "車车蘭兰漢汉愛爱寫写優优歷历殘残滿满濕湿燒烧爭争獎奖瑪玛畝亩盡尽碼码礦矿禮礼穩稳窮穷競竞築筑籌筹節节"
    "練练緣缘膽胆藝艺蝕蚀襯衬覽览訓训託托評评詮诠誌志謹谨貫贯貼贴賃赁賦赋贖赎輯辑辯辩農农遷迁鄉乡醫医釐厘"
    "鋁铝錶表鍊炼鎊镑韋韦頓顿頭头飼饲騰腾驅驱鬱郁魚鱼鳥鸟麵面齡龄倉仓傷伤儀仪兒儿凍冻劑剂勞劳勢势勵励勻匀"
    "卻却厲厉啟启喪丧嚴严園园壓压壽寿夢梦奪夺奮奋婦妇嬰婴學学寧宁寬宽尋寻幫帮廳厅彈弹徑径徹彻恆恒惡恶慶庆"
    "憂忧懷怀戰战擁拥擇择擊击攜携敗败敵敌斷断暫暂曆历極极槍枪歡欢歲岁毀毁沒没煙烟獅狮獻献療疗盜盗祿禄積积"
    "穀谷紡纺紹绍絲丝緒绪締缔緯纬縱纵繪绘罷罢聰聪肅肃腳脚膠胶臉脸莊庄蕭萧虛虚襲袭觸触診诊誘诱課课諸诸謀谋"
    "講讲豬猪貓猫趕赶轎轿迴回遠远醬酱釀酿鈣钙鋼钢鍋锅鍾钟閃闪闡阐隸隶雞鸡飛飞餅饼饋馈驚惊髒脏鬆松鹽盐龜龟"
    # firms and places
    "嶺岭馬马龍龙羅罗畢毕黃黄陳陈劉刘張张趙赵錢钱孫孙鄭郑楊杨吳吴許许謝谢蘇苏葉叶鄧邓譚谭雲云衛卫環环亞亚"
    "灣湾鳳凤嶼屿島岛"
    # statement items
    "衝冲銷销盤盘虧亏損损攤摊銷销鋪铺產产贈赠償偿擴扩儲储運运輸输務务遞递賠赔績绩級级劃划權权傭佣礙碍"
)
TRADITIONAL = {ord(pair[0]): pair[1] for pair in (_PAIRS[i:i + 2] for i in range(0, len(_PAIRS), 2))
               if pair[0] != pair[1]}
_TABLE = str.maketrans({chr(key): value for key, value in TRADITIONAL.items()})


def simplified(text: str) -> str:
    """The text with each Traditional character of the table as its Simplified form; the same length."""
    return text.translate(_TABLE)
