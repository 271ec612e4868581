//! A set of article titles in the patterns of Chinese newspaper and
//! journal headlines (policy slogans, "以…为…", "在…中…", "关于…的思考",
//! place-name leads, colons and commas), built from phrase banks with a
//! fixed pseudo-random sequence: the same titles on every run.

const ACTIONS: &[&str] = &[
    "推进高质量发展",
    "深化改革开放",
    "加快建设现代化产业体系",
    "全面推进乡村振兴",
    "筑牢国家安全屏障",
    "扎实推进共同富裕",
    "持续优化营商环境",
    "大力发展数字经济",
    "着力提升科技创新能力",
    "健全社会保障体系",
    "推动绿色低碳转型",
    "加强生态文明建设",
    "完善基层治理体系",
    "促进区域协调发展",
    "提高人民生活品质",
    "建设教育强国",
    "守住耕地保护红线",
    "激发市场主体活力",
    "构建新发展格局",
    "培育新质生产力",
    "弘扬中华优秀传统文化",
    "保障和改善民生",
    "推进国家治理体系和治理能力现代化",
    "发展全过程人民民主",
    "加快建设西部陆海新通道",
    "打造内陆开放高地",
    "推动职业教育提质培优",
    "提升城市精细化管理水平",
    "做好新时代统战工作",
    "讲好中国故事",
];

const PLACES: &[&str] = &[
    "重庆",
    "成渝地区双城经济圈",
    "长江经济带",
    "西部地区",
    "山区库区",
    "县域经济",
    "国有企业",
    "职业教育",
    "基层党组织",
    "新时代青年",
    "民营企业",
    "乡镇街道",
];

const PRINCIPLES: &[&str] = &[
    "问题导向",
    "系统观念",
    "人民至上",
    "守正创新",
    "稳中求进",
    "党建引领",
];
const ASPECTS: &[&str] = &[
    "实践路径",
    "内在逻辑",
    "时代价值",
    "重要意义",
    "现实挑战",
    "经验启示",
];
const SUPPORT: &[&str] = &["坚强保障", "有力支撑", "强大动力", "法治保障"];
const FOCUS: &[&str] = &["主责主业", "重点领域", "关键环节", "民生痛点", "薄弱环节"];
const CHAPTERS: &[&str] = &[
    "中国式现代化重庆篇章",
    "新时代西部大开发",
    "乡村全面振兴",
    "高质量发展",
    "全面深化改革",
];

/// `n` distinct titles.
pub fn titles(n: usize) -> Vec<String> {
    // A linear congruential sequence: deterministic, no dependency.
    let mut state: u64 = 0x2024_0801;
    let mut next = |k: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % k
    };
    let mut out: Vec<String> = Vec::new();
    while out.len() < n {
        let a = ACTIONS[next(ACTIONS.len())];
        let b = ACTIONS[next(ACTIONS.len())];
        let p = PLACES[next(PLACES.len())];
        let c = CHAPTERS[next(CHAPTERS.len())];
        let t = match next(17) {
            0 => format!("以{}为引领，{b}", PRINCIPLES[next(PRINCIPLES.len())]),
            1 => format!("在{a}中{b}"),
            2 => format!("坚持{}，{a}", PRINCIPLES[next(PRINCIPLES.len())]),
            3 => format!("奋力谱写{}新篇章", CHAPTERS[next(CHAPTERS.len())]),
            4 => format!("{a}的{}与{}", ASPECTS[next(3)], ASPECTS[3 + next(3)]),
            5 => format!("为{a}提供{}", SUPPORT[next(SUPPORT.len())]),
            6 => format!("聚焦{}{a}", FOCUS[next(FOCUS.len())]),
            7 => format!("深入学习贯彻党的二十届三中全会精神{a}"),
            8 => format!("以{a}助力{b}"),
            9 => format!("关于{p}{a}的几点思考"),
            10 => format!("{p}：{a}"),
            11 => format!("推动{p}{a}"),
            12 => format!("以实干实绩实效{a}，在{b}中展现{p}新作为"),
            13 => format!(
                "深入学习贯彻党的二十届三中全会精神，坚持{}，在{a}中展现新担当",
                PRINCIPLES[next(PRINCIPLES.len())]
            ),
            14 => format!("{a}，{b}——关于{p}的调查与思考"),
            15 => format!("以实干实绩实效{a}，在{b}中展现{p}新作为，奋力谱写{c}新篇章"),
            _ => format!(
                "聚焦{}，{a}，为{b}提供{}",
                FOCUS[next(FOCUS.len())],
                SUPPORT[next(SUPPORT.len())]
            ),
        };
        if a != b && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}
