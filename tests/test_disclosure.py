"""The disclosure: every section against the reference, its tables, and its wording on other data.

Parts one to three are checked paragraph by paragraph, in order, against the reference text
(../shared/seed/000_127aded49d8bfbe3.txt, transcribed below so the test stands alone). Copies of
data/2023 with other previous-year figures check the direction words; a copy with one amount
changed checks that exactly the sentences depending on it change.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from support import (
    DEPARTMENT_LETTER,
    DISCLOSURE,
    ROOT,
    Built,
    DocxContent,
    build_into,
    copy_data,
    norm,
    project_file,
    row_after,
)

# fmt: off
PART_ONE = [
    "第一部分 部门概况",
    "一、部门职责",
    "（一）主要职能。",
    (
        "贯彻新时代党的建设总要求和新时代党的组织路线，落实区委相关决策部署。"
        "1．负责全区党的组织体系、组织制度建设，负责基层党组织建设规划指导和党员队伍管理，"
        "指导开展党员教育工作。2．负责全区领导班子和干部队伍建设的总体规划和管理等。"
        "3．负责管理全区公务员工作等。4．负责全区人才工作的指导、组织协调和督促检查等。"
        "5．负责全区干部教育培训工作的指导、政策规划、组织协调和督查检查，"
        "负责区重点培训项目的策划、实施和管理等。6．负责全区干部监督工作的指导和综合协调等。"
        "7．归口管理区委机构编制委员会办公室，统一管理区直属机关党建和老干部工作。"
        "8．负责全区非公有制经济组织和社会组织党建工作。承担区委党建工作领导小组、"
        "区人才工作领导小组的日常工作。9．完成区委交办的其他任务。"
    ),
    "（二）2023年重点工作完成情况。",
    (
        "1．突出凝心铸魂，思想根基夯实固牢。一是坚决扛牢政治首责。二是扎实开展主题教育。"
        "三是持续深化培训提能。"
    ),
    (
        "2．鲜明实干担当，骨干队伍日益壮大。一是高位推进干部争先提能。二是做深干部政治素质考察。"
        "三是大力实施红色薪火工程。四是严管厚爱激励担当作为。"
    ),
    (
        "3．聚焦强基固本，两个功能全面增强。一是建强基层“红色堡垒”。二是锻造改革发展“红色引擎”。"
        "三是激活乡村振兴“红色动能”。四是织密基层治理“红色网格”。"
    ),
    (
        "4．坚持数质齐抓，先行态势全面凸显。一是人才招引有力度。二是培育赋能有精度。"
        "三是关心关爱有温度。"
    ),
    "5．紧扣模范过硬，从严治部引向深入。一是严抓政治建设。二是紧抓能力建设。三是狠抓作风建设。",
    "二、机构设置",
    (
        "中共广元市昭化区委组织部部门属于一级预算单位，无二级预算单位，其中行政单位0个，"
        "参照公务员法管理的事业单位0个，其他事业单位0个。"
    ),
    "纳入2023年度部门决算编制范围的独立编制机构包括：无",
]

PART_TWO = [
    "第二部分  2023年度部门决算情况说明",
    "一、收入支出决算总体情况说明",
    (
        "2023年度收、支总计均为912.26万元。与2022年度相比，收、支总计各增加158.44万元，增长21%。"
        "主要变动原因是新增干部暖心关爱帮扶基金、丧葬抚恤金预算。"
    ),
    "（图1：收、支决算总计变动情况图）",
    "二、收入决算情况说明",
    "2023年本年收入合计912.26万元，其中：一般公共预算财政拨款收入912.26万元，占100%。",
    "（图2：收入决算结构图）",
    "三、支出决算情况说明",
    (
        "2023年本年支出合计912.26万元，其中：基本支出686.2万元，占75.2%；项目支出226.06万元，"
        "占24.8%。"
    ),
    "（图3：支出决算结构图）",
    "四、财政拨款收入支出决算总体情况说明",
    (
        "2023年度财政拨款收、支总计均为912.26万元。与2022年度相比，财政拨款收、"
        "支总计各增加158.44万元，增长21%。主要变动原因是新增干部暖心关爱帮扶基金、丧葬抚恤金预算。"
    ),
    "（图4：财政拨款收、支决算总计变动情况）",
    "五、一般公共预算财政拨款支出决算情况说明",
    "（一）一般公共预算财政拨款支出决算总体情况",
    (
        "2023年度一般公共预算财政拨款支出912.26万元，占本年支出合计的100%。与2022年度相比，"
        "一般公共预算财政拨款支出增加158.44万元，增长21%。主要变动原因是新增干部暖心关爱帮扶基金、"
        "丧葬抚恤金预算。"
    ),
    "（图5：一般公共预算财政拨款支出决算变动情况）",
    "（二）一般公共预算财政拨款支出决算结构情况",
    (
        "2023年度一般公共预算财政拨款支出912.26万元，主要用于以下方面: 一般公共服务支出711.95万元"
        "，占78.1%；教育支出44.2万元，占4.8%；社会保障和就业支出76.44万元，占8.4%；"
        "卫生健康支出13.12万元，占1.4%；农林水支出35万元，占3.8%；住房保障支出31.56万元，占3.5%。"
    ),
    "（图6：一般公共预算财政拨款支出决算结构）",
    "（三）一般公共预算财政拨款支出决算具体情况",
    (
        "2023年度一般公共预算支出全年预算数为912.26万元，支出决算数为912.26万元，"
        "完成全年预算数的100%。其中："
    ),
    (
        "1.一般公共服务支出（类）组织事务（款）行政运行（项）:全年预算为520.89万元，"
        "支出决算为520.89万元，完成全年预算的100%。"
    ),
    (
        "2.一般公共服务支出（类）组织事务（款）一般行政管理事务（项）:全年预算为102.88万元，"
        "支出决算为102.88万元，完成全年预算的100%。"
    ),
    (
        "3.一般公共服务支出（类）组织事务（款）其他组织事务支出（项）:全年预算为88.18万元，"
        "支出决算为88.18万元，完成全年预算的100%。"
    ),
    (
        "4.教育支出（类）其他教育支出（款）其他教育支出（项）:全年预算为44.2万元，"
        "支出决算为44.2万元，完成全年预算的100%。"
    ),
    (
        "5.社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位基本养老保险缴费支出（项"
        "）:全年预算为29.74万元，支出决算为29.74万元，完成全年预算的100%。"
    ),
    (
        "6.社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位职业年金缴费支出（项）:全"
        "年预算为3.46万元，支出决算为3.46万元，完成全年预算的100%。"
    ),
    (
        "7.社会保障和就业支出（类）抚恤（款）死亡抚恤（项）:全年预算为42.49万元，"
        "支出决算为42.49万元，完成全年预算的100%。"
    ),
    (
        "8.社会保障和就业支出（类）其他社会保障和就业支出（款）其他社会保障和就业支出（项）:全年预"
        "算为0.74万元，支出决算为0.74万元，完成全年预算的100%。"
    ),
    (
        "9.卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）:全年预算为13.12万元，"
        "支出决算为13.12万元，完成全年预算的100%。"
    ),
    (
        "10.农林水支出（类）巩固脱贫攻坚成果衔接乡村振兴（款）其他巩固脱贫攻坚成果衔接乡村振兴支出"
        "（项）:全年预算为35万元，支出决算为35万元，完成全年预算的100%。"
    ),
    (
        "11.住房保障支出（类）住房改革支出（款）住房公积金（项）:全年预算为31.56万元，"
        "支出决算为31.56万元，完成全年预算的100%。"
    ),
    "六、一般公共预算财政拨款基本支出决算情况说明",
    "2023年度一般公共预算财政拨款基本支出686.2万元，其中：",
    (
        "人员经费396.22万元，主要包括：基本工资95.35万元、津贴补贴74.23万元、奖金99.26万元、"
        "机关事业单位基本养老保险缴费29.74万元、职业年金缴费3.46万元、职工基本医疗保险缴费13.12万"
        "元、其他社会保障缴费0.74万元、住房公积金31.56万元、抚恤金42.49万元、生活补助5.82万元、"
        "奖励金0.01万元、其他对个人和家庭的补助0.44万元。"
    ),
    (
        "公用经费289.99万元，主要包括：办公费46.57万元、印刷费40.08万元、水费0.84万元、"
        "邮电费5.79万元、差旅费50.15万元、维修（护）费8.2万元、会议费12.44万元、培训费13万元、"
        "公务接待费9.4万元、劳务费7.74万元、工会经费10.6万元、其他交通费37.42万元、"
        "其他商品和服务支出30.49万元、办公设备购置9.28万元、专用设备购置8万元。"
    ),
    "七、财政拨款“三公”经费支出决算情况说明",
    "（一）“三公”经费财政拨款支出决算总体情况说明",
    (
        "2023年度“三公”经费财政拨款支出预算为9.4万元，支出决算为9.4万元，完成预算的100%。"
        "决算数与预算数持平的主要原因是严格按照预算控制支出。决算数较上年增加的主要原因是2023年上"
        "级调研和其他省市州来昭调研增加。"
    ),
    "（二）“三公”经费财政拨款支出决算具体情况说明",
    (
        "2023年度“三公”经费财政拨款支出决算中，因公出国（境）费支出决算0万元，占0%；"
        "公务用车购置及运行维护费支出决算0万元，占0%；公务接待费支出决算9.4万元，占100%。"
        "具体情况如下："
    ),
    "（图7：“三公”经费财政拨款支出结构）",
    "1.因公出国（境）经费预算为0万元，年初未安排预算。因公出国（境）支出决算较2022年度无变化。",
    (
        "2.公务用车购置及运行维护费预算为0万元,年初未安排预算。公务用车购置及运行维护费支出决算比2"
        "022年度无变化。"
    ),
    (
        "其中：公务用车购置费支出0万元。全年按规定更新购置公务用车0辆，其中：轿车0辆、金额0万元，"
        "越野车0辆、金额0万元，小型客车0辆、金额0万元，中型客车和大型客车0辆、金额0万元，"
        "其他车型0辆、金额0万元。截至2023年12月31日，本部门共有公务用车0辆，其中：轿车0辆、"
        "越野车0辆、小型客车0辆、中型客车和大型客车0辆、其他车型0辆。"
    ),
    "公务用车运行维护费支出0万元。",
    (
        "3.公务接待费预算为9.4万元，支出决算为9.4万元，完成预算的100%。公务接待费支出决算比2022年"
        "度增加1.84万元，增长24.3%。主要原因是2023年上级调研和其他省市州来昭调研增加。其中："
    ),
    (
        "国内公务接待支出9.4万元。主要用于上级调研和其他省市州来昭调研，开展业务活动开支的住宿费、"
        "用餐费等。国内公务接待82批次，598人次，共计支出9.4万元，具体内容包括："
        "省委组织部来昭调研基层党建工作、干部政治素质档案，市委组织部来昭考察干部、"
        "调研基层治理工作等，共计支出9.4万元。"
    ),
    "外事接待支出0万元，外事接待0批次，0人，共计支出0万元。",
    "八、政府性基金预算支出决算情况说明",
    "2023年度政府性基金预算拨款支出0万元。",
    "九、国有资本经营预算支出决算情况说明",
    "2023年度国有资本经营预算拨款支出0万元。",
    "十、其他重要事项的情况说明",
    "（一）机关运行经费支出情况",
    (
        "2023年度，中共广元市昭化区委组织部机关运行经费支出289.99万元，比2022年度减少35.56万元，"
        "下降10.9%。主要原因是厉行节约，压缩机关运行经费。"
    ),
    "（二）政府采购支出情况",
    "2023年，中共广元市昭化区委组织部未发生政府采购支出。",
    "（三）国有资产占有使用情况",
    "截至2023年12月31日，本单位无公务用车辆和单价100万元（含）以上设备。",
    "（四）预算绩效管理情况。",
    (
        "根据预算绩效管理要求，本部门在2023年度预算编制阶段，组织对东西部协作人才交流项目、"
        "干部暖心关爱帮扶基金经费、老党员困难党员和特困离退休干部救助、基层组织建设工作经费、"
        "网络文化市场“五老”社会监督员工作经费等24个项目开展了预算事前绩效评估，"
        "对24个项目编制了绩效目标，预算执行过程中，选取24个项目开展绩效监控。"
    ),
    (
        "2023年度组织一般公共预算、政府性基金预算、国有资本经营预算以及资本资产、"
        "债券资金等全面开展绩效自评，形成2023年中共广元市昭化区委组织部（部门）整体（含部门预算项"
        "目）绩效自评报告、东西部协作人才交流项目、干部暖心关爱帮扶基金经费等专项预算项目绩效自评"
        "报告，其中，中共广元市昭化区委组织部部门整体（含部门预算项目）绩效自评得分为98.14分，"
        "绩效自评综述：2023年中共广元市昭化区委组织部财务支出符合国家财经法规和财务管理制度规定以"
        "及有关专项资金管理办法的规定，资金的拨付有完整的审批过程和手续，"
        "支出基本符合部门预算批复的用途，资金使用无截留、挤占、挪用、虚列支出等情况。"
        "根据区政府绩效考核文件精神，绩效目标在2023年基本完成，在保障机关运转、"
        "履行职能职责上整体情况良好；东西部协作人才交流项目专项预算项目绩效自评得分为100分，"
        "绩效自评综述：围绕财政资金测算和使用过程，并根据该项目的基本情况、预算明细、支出明细、"
        "绩效目标申报、部门履职完成情况、履职效果等信息对该项目资金进行绩效评价。"
        "该项目建设质量要求高，全面完成该项目的各类支付工作，运转正常，基本实现了预期绩效目标，"
        "总体执行情况良好，该项目评价得分100分。干部暖心关爱帮扶基金经费专项预算项目绩效自评得分为"
        "94分，绩效自评综述：围绕财政资金测算和使用过程，并根据该项目的基本情况、预算明细、"
        "支出明细、绩效目标申报、部门履职完成情况、履职效果等信息对该项目资金进行绩效评价。"
        "该项目按照基金管理办法对帮扶人员进行审核，对符合条件的人员进行救助，"
        "完成该项目的支付工作，基本实现了预期绩效目标，总体执行情况良好，该项目评价得分94分。"
        "绩效自评报告详见附件（第四部分）。"
    ),
]

PART_THREE = [
    "第三部分  名词解释",
    "一、财政拨款收入：指单位从同级财政部门取得的财政预算资金。",
    "二、事业收入：指事业单位开展专业业务活动及辅助活动取得的收入。",
    "三、经营收入：指事业单位在专业业务活动及其辅助活动之外开展非独立核算经营活动取得的收入。",
    "四、其他收入：指单位取得的除上述收入以外的各项收入。",
    (
        "五、使用非财政拨款结余（含专用结余）：指事业单位使用以前年度积累的非财政拨款结余弥补当年"
        "收支差额的金额。"
    ),
    "六、年初结转和结余：指以前年度尚未完成、结转到本年按有关规定继续使用的资金。",
    (
        "七、结余分配：指事业单位按照会计制度规定缴纳的所得税、提取的专用结余以及转入非财政拨款结"
        "余的金额等。"
    ),
    "八、年末结转和结余：指单位按有关规定结转到下年或以后年度继续使用的资金。",
    (
        "九、一般公共服务支出（类）组织事务（款）行政运行（项）：指反映行政单位(包括实行公务员管理"
        "的事业单位)的基本支出。"
    ),
    (
        "十、一般公共服务支出（类）组织事务（款）一般行政管理事务（项）："
        "指反映行政单位(包括实行公务员管理的事业单位)未单独设置项级科目的其他项目支出。"
    ),
    (
        "十一、一般公共服务支出（类）组织事务（款）其他组织事务支出（项）："
        "指反映除上述项目以外其他用于中国共产党组织部门的事务支出。"
    ),
    (
        "十二、教育支出（类）其他教育支出（款）其他教育支出（项）：指反映除上述项目以外其他用于教"
        "育方面的支出。"
    ),
    (
        "十三、社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位基本养老保险缴费支出"
        "（项）：指机关事业单位实施养老保险制度由单位缴纳的基本养老保险费支出。"
    ),
    (
        "十四、社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位职业年金缴费支出（项"
        "）：指反映机关事业单位实施养老保险制度由单位实际缴纳的职业年金支出。"
    ),
    (
        "十五、社会保障和就业支出（类）抚恤（款）死亡抚恤（项）：指反映按规定用于烈士和牺牲、"
        "病故人员家属的一次性和定期抚恤金、丧葬补助费以及烈士褒扬金。"
    ),
    (
        "十六、社会保障和就业支出（类）其他社会保障和就业支出（款）其他社会保障和就业支出（项）："
        "指反映除上述项目以外其他用于社会保障和就业方面的支出。"
    ),
    (
        "十七、卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）："
        "指反映财政部门安排的行政单位(包括实行公务员管理的事业单位，下同)基本医疗保险缴费经费，"
        "未参加医疗保险的行政单位的公费医疗经费，按国家规定享受离休人员、"
        "红军老战士待遇人员的医疗经费。"
    ),
    (
        "十八、农林水支出（类）巩固脱贫攻坚成果衔接乡村振兴（款）其他巩固脱贫攻坚成果衔接乡村振兴"
        "支出（项）：指反映除上述项目以外其他用于巩固拓展脱贫攻坚成果同乡村振兴有效衔接方面的支出"
        "。"
    ),
    (
        "十九、住房保障支出（类）住房改革支出（款）住房公积金（项）：指行政事业单位按照人力资源和"
        "社会保障部、财政部规定的基本工资和津贴补贴以及规定比例为职工缴纳的住房公积金。"
    ),
    "二十、基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。",
    "二十一、项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。",
    (
        "二十二、“三公”经费：指部门用财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接"
        "待费。其中，因公出国（境）费反映单位公务出国（境）的国际旅费、国外城市间交通费、住宿费、"
        "伙食费、培训费、公杂费等支出；公务用车购置及运行费反映单位公务用车车辆购置支出（含车辆购"
        "置税）及租用费、燃料费、维修费、过路过桥费、保险费等支出；公务接待费反映单位按规定开支的"
        "各类公务接待（含外宾接待）支出。"
    ),
    (
        "二十三、机关运行经费：为保障行政单位（含参照公务员法管理的事业单位）运行用于购买货物和服"
        "务的各项资金，包括办公及印刷费、邮电费、差旅费、会议费、福利费、日常维修费、"
        "专用材料及一般设备购置费、办公用房水电费、办公用房物业管理费、"
        "公务用车运行维护费以及其他费用。"
    ),
]

CN_1_TO_23 = [
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四",
    "十五", "十六", "十七", "十八", "十九", "二十", "二十一", "二十二", "二十三",
]
# fmt: on
FUNCTIONAL_TITLES = [p.split("、", 1)[1].split("：", 1)[0] for p in PART_THREE[9:20]]


# --- parts one to three against the reference -------------------------------------------------


@pytest.mark.parametrize(
    "expected", [PART_ONE, PART_TWO, PART_THREE], ids=["part-one", "part-two", "part-three"]
)
def test_reference_paragraphs_in_order(built: Built, expected: list[str]) -> None:
    assert built.disclosure.missing_in_order(expected) == []


def test_glossary_is_numbered_one_to_twenty_three(built: Built) -> None:
    doc = built.disclosure
    start = doc.find("第三部分  名词解释", doc.find("（一）主要职能。"))
    end = doc.find("第四部分  附件", start)
    assert 0 < start < end
    entries = [p for p in doc.paragraphs[start + 1 : end] if p.strip()]
    numbers = [p.split("、", 1)[0] for p in entries]
    assert numbers == CN_1_TO_23
    # the 功能分类 entries are the year's 项, in the order of finance.yaml
    items = [p.split("、", 1)[1].split("：", 1)[0] for p in entries[8:19]]
    assert items == FUNCTIONAL_TITLES


def test_zero_sections_and_other_matters(built: Built) -> None:
    doc = built.disclosure
    for text in (
        "2023年度政府性基金预算拨款支出0万元。",
        "2023年度国有资本经营预算拨款支出0万元。",
        "2023年，中共广元市昭化区委组织部未发生政府采购支出。",
    ):
        assert doc.has(text), text
    costs = doc.one_containing("机关运行经费支出289.99万元")
    assert "比2022年度减少35.56万元，下降10.9%。" in costs


def test_performance_management_scores(built: Built) -> None:
    text = built.disclosure.one_containing("绩效自评得分为98.14分")
    for fragment in (
        "中共广元市昭化区委组织部部门整体（含部门预算项目）绩效自评得分为98.14分",
        "东西部协作人才交流项目专项预算项目绩效自评得分为100分",
        "干部暖心关爱帮扶基金经费专项预算项目绩效自评得分为94分",
        "该项目评价得分94分。绩效自评报告详见附件（第四部分）。",
    ):
        assert fragment in text


def test_charts_sit_above_their_captions(built: Built) -> None:
    """Each 图N caption follows a picture holding exactly the chart file 图N of the output."""
    from docx import Document

    doc = Document(str(built.out / DISCLOSURE))
    pictures: dict[str, bytes] = {}
    previous: list[bytes] = []
    for paragraph in doc.paragraphs:
        caption = norm(paragraph.text)
        if previous and caption.startswith("（图"):
            pictures[caption] = previous[0]
        blips = paragraph._p.xpath(".//a:blip/@r:embed")
        previous = [doc.part.related_parts[rid].blob for rid in blips]
    charts = built.files("chart")
    assert len(charts) == 7
    expected = {norm(f"（{c['title']}）"): (built.out / c["path"]).read_bytes() for c in charts}
    assert sorted(pictures) == sorted(expected)
    for caption, png in expected.items():
        assert pictures[caption] == png, caption
    assert [c["title"].split("：")[0] for c in charts] == [f"图{n}" for n in range(1, 8)]


def test_fourth_part_holds_the_letters_and_tables(built: Built) -> None:
    doc = built.disclosure
    start = doc.find("第三部分  名词解释", doc.find("（一）主要职能。"))
    assert start > 0
    lines = doc.normalized[start:]
    expected = [
        "第四部分附件",
        "中共广元市昭化区委组织部关于报送2023年部门整体支出绩效自评报告的函",
        "区财政局：",
        "附件：1．中共广元市昭化区委组织部2023年部门整体支出绩效目标自评表",
        "2．中共广元市昭化区委组织部2023年部门整体支出绩效自评评分表",
        "附表：部门预算项目支出绩效自评表（2023年度）",
        "中共广元市昭化区委组织部关于东西部协作人才交流项目自评报告的函",
        "区财政局：",
        "中共广元市昭化区委组织部关于干部暖心关爱帮扶基金项目自评报告的函",
        "区财政局：",
    ]
    at = 0
    for text in expected:
        assert text in lines[at:], text
        at = lines.index(text, at) + 1
    assert len(doc.tables_with("项目名称")) == 24 + 2  # the 附表 and each letter's 附件1
    assert len(doc.sheets_with("项目名称")) == 24 + 2


# --- table cells --------------------------------------------------------------------------------


def project_table(doc: DocxContent, name: str) -> list[list[str]]:
    """The rows of the 自评表 of project `name` (its two tables printed as one)."""
    sheets = doc.sheets_with("项目名称", name)
    assert sheets, name
    return sheets[0].rows


def test_project_table_cells(built: Built) -> None:
    rows = project_table(built.disclosure, "干部暖心关爱帮扶基金经费")
    head = ["", "年初预算数", "全年预算数", "全年执行数", "执行率"]
    assert row_after(rows, "项目资金（万元）", 5) == head
    for label in ("年度资金总额", "（一）财政拨款小计", "1.一般公共预算"):
        assert row_after(rows, label, 4) == ["0", "100", "7.85", "7.85%"], label
    for label in ("2.政府性基金", "3.国有资本经营预算", "4.社保基金", "（二）其他资金"):
        assert row_after(rows, label, 4) == ["0", "0", "0", "0"], label
    indicators = [r[-4:] for r in rows if len(r) >= 7 and r[0] == "绩效指标"]
    assert indicators[0] == ["三级指标", "年度指标值", "实际完成值", "偏差原因分析及改进措施"]
    died = ["帮扶因工作积劳成疾直接导致死亡的干部家庭数", "≥1户", "0户", "当年无此类情形"]
    assert died in indicators
    assert indicators[-2:] == [
        ["其他对个人和家庭的补助", "≤1000000元", "78500元", ""],
        ["受助干部满意度", "≥99%", "100%", ""],
    ]
    assert len(indicators) == 1 + 12


def test_department_table_cells(built: Built) -> None:
    (sheet,) = built.disclosure.sheets_with("部门整体绩效指标")
    rows = sheet.rows
    assert sheet.titles == ["广元市昭化区部门整体支出绩效目标自评表", "（2023 年度）"]
    for label in ("年度资金总额", "（一）财政拨款小计", "1.一般公共预算"):
        assert row_after(rows, label, 4) == ["664.57", "912.26", "831.95", "91.20%"], label
    for label in ("2.政府性基金", "3.国有资本经营预算", "4.社保基金", "（二）其他资金"):
        assert row_after(rows, label, 4) == ["", "", "", ""], label
    last = rows[-1][-4:]
    assert last[:3] == ["办公费、差旅费、会议费、培养费等", "≤663.13万元", "831.95万元"]
    assert last[3].startswith("预算调整247.69万元")


def test_score_table_totals(built: Built) -> None:
    totals = [
        [c for c in row if c]
        for t in built.disclosure.tables
        if t[0][:2] == ["绩效指标", "指标分值"]
        for row in t
        if row and row[0] == "合计"
    ]
    # 部门整体评分表, then the 评分表 of each project letter
    assert totals == [["合计", "100", "98.14"], ["合计", "100", "100"], ["合计", "100", "94"]]


# --- direction words on other previous-year figures ------------------------------------------

FALLING = {  # the totals fall, 机关运行经费 rises, 公务接待费 falls
    "finance.yaml": [
        ("  income_total: 753.82 ", "  income_total: 1000 "),
        ("  expenditure_total: 753.82 ", "  expenditure_total: 1000 "),
        ("  fiscal_total: 753.82 ", "  fiscal_total: 1000 "),
        ("  general_budget: 753.82 ", "  general_budget: 1000 "),
        ("  total: 新增干部暖心关爱帮扶基金、丧葬抚恤金预算", "  total: 压减支出"),
        ("  fiscal: 新增干部暖心关爱帮扶基金、丧葬抚恤金预算", "  fiscal: 压减支出"),
        (
            "  general_budget: 新增干部暖心关爱帮扶基金、丧葬抚恤金预算",
            "  general_budget: 压减支出",
        ),
        ("  three_public: 2023年上级调研和其他省市州来昭调研增加", "  three_public: 来昭调研减少"),
        ("  reception: 2023年上级调研和其他省市州来昭调研增加", "  reception: 来昭调研减少"),
        ("vehicle_running: 0, reception: 7.56}", "vehicle_running: 0, reception: 12}"),
        ("  operating_costs: 325.55 ", "  operating_costs: 200 "),
        ("  operating_costs: 厉行节约，压缩机关运行经费", "  operating_costs: 新增办公设备"),
    ],
    "self_evaluation.yaml": [
        ("  previous: 754.02", "  previous: 1000"),
        ("  previous_total: 834.42", "  previous_total: 900"),
    ],
}
FLAT = {  # every previous-year figure equals this year's
    "finance.yaml": [
        ("  income_total: 753.82 ", "  income_total: 912.26 "),
        ("  expenditure_total: 753.82 ", "  expenditure_total: 912.26 "),
        ("  fiscal_total: 753.82 ", "  fiscal_total: 912.26 "),
        ("  general_budget: 753.82 ", "  general_budget: 912.26 "),
        ("vehicle_running: 0, reception: 7.56}", "vehicle_running: 0, reception: 9.4}"),
        ("  operating_costs: 325.55 ", "  operating_costs: 289.99 "),
    ],
    "self_evaluation.yaml": [
        ("  previous: 754.02", "  previous: 912.26"),
        ("  previous_total: 834.42", "  previous_total: 854.2"),
    ],
}
DIRECTION = re.compile("增加|增长|减少|下降")


@pytest.fixture(scope="module")
def falling(data: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("falling")
    return build_into(copy_data(data, root / "data", FALLING), root / "out")


@pytest.fixture(scope="module")
def flat(data: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("flat")
    return build_into(copy_data(data, root / "data", FLAT), root / "out")


def starting(doc: DocxContent, prefix: str) -> str:
    found = [p for p in doc.paragraphs if norm(p).startswith(norm(prefix))]
    assert len(found) == 1, f"{len(found)} paragraphs start with {prefix!r}"
    return norm(found[0])


TOTALS = "2023年度收、支总计均为912.26万元。与2022年度相比，"
FISCAL = "2023年度财政拨款收、支总计均为912.26万元。与2022年度相比，"
GENERAL = "2023年度一般公共预算财政拨款支出912.26万元，占本年支出合计的100%。与2022年度相比，"
THREE = "2023年度“三公”经费财政拨款支出预算为9.4万元"
RECEPTION = "3.公务接待费预算为9.4万元"
COSTS = "2023年度，中共广元市昭化区委组织部机关运行经费支出289.99万元，"
INCOME = "2023年年初预算收入为664.57万元"
SPENDING = "2023年年初预算支出为664.57万元"


def test_falling_totals_and_rising_costs(falling: Built) -> None:
    doc = falling.disclosure
    reason = "主要变动原因是压减支出。"
    assert starting(doc, TOTALS) == norm(f"{TOTALS}收、支总计各减少87.74万元，下降9%。{reason}")
    assert starting(doc, FISCAL) == norm(
        f"{FISCAL}财政拨款收、支总计各减少87.74万元，下降9%。{reason}"
    )
    assert starting(doc, GENERAL) == norm(
        f"{GENERAL}一般公共预算财政拨款支出减少87.74万元，下降9%。{reason}"
    )
    assert starting(doc, THREE).endswith(norm("决算数较上年减少的主要原因是来昭调研减少。"))
    assert starting(doc, RECEPTION) == norm(
        "3.公务接待费预算为9.4万元，支出决算为9.4万元，完成预算的100%。公务接待费支出决算比"
        "2022年度减少2.6万元，下降21.7%。主要原因是来昭调研减少。其中："
    )
    assert starting(doc, COSTS) == norm(
        f"{COSTS}比2022年度增加89.99万元，增长45%。主要原因是新增办公设备。"
    )
    # 因公出国（境） stays at zero on both years
    assert doc.has(
        "1.因公出国（境）经费预算为0万元，年初未安排预算。因公出国（境）支出决算较2022年度无变化。"
    )


def test_falling_department_letter(falling: Built) -> None:
    for doc in (falling.disclosure, falling.doc(DEPARTMENT_LETTER)):
        assert "全年预算收入与上年相比减少87.74万元，" in starting(doc, INCOME)
        assert "全年支出与上年相比减少45.8万元，" in starting(doc, SPENDING)


def test_equal_figures_read_flat(flat: Built) -> None:
    doc = flat.disclosure
    for prefix in (TOTALS, FISCAL, GENERAL, COSTS):
        sentence = starting(doc, prefix)
        change = sentence[len(norm(prefix)) :].split("。")[0]  # 收、支总计各持平 / 比2022年度持平
        assert "持平" in change, sentence
        assert not DIRECTION.search(change), sentence
    assert "决算数较上年持平的主要原因是" in starting(doc, THREE)
    reception = starting(doc, RECEPTION)
    assert "公务接待费支出决算比2022年度无变化。" in reception
    assert not DIRECTION.search(reception.split("主要原因")[0])


def test_equal_figures_department_letter(flat: Built) -> None:
    for prefix in (INCOME, SPENDING):
        sentence = starting(flat.disclosure, prefix)
        assert "与上年相比持平" in sentence or "与上年持平" in sentence, sentence
        assert "持平0万元" not in sentence, sentence


def test_unbudgeted_three_public_expense_has_no_bare_zero_rate() -> None:
    from decimal import Decimal
    from types import SimpleNamespace

    from generator.model.figures import Execution
    from generator.present.style import Style
    from generator.present.wording import budget_sentence

    zero, spent = Decimal(0), Decimal("1.5")
    item = SimpleNamespace(budget=zero, actual=spent, execution=Execution(zero, spent))
    sentence = budget_sentence({"style": Style(amounts="trim")}, item)
    assert "支出决算为1.5万元" in sentence
    assert not sentence.endswith("完成预算的0。"), sentence


# --- one amount changed -------------------------------------------------------------------------

# 一般行政管理事务 +10万元 (a 项目支出), in the income and in 表2, 表3 and 表5 that hold it.
MUTATION = {
    "finance.yaml": [
        ("  general_budget: 912.26 ", "  general_budget: 922.26 "),
        ("{code: '2013202', fiscal: 102.88}", "{code: '2013202', fiscal: 112.88}"),
        ("{code: '2013202', project: 102.88}", "{code: '2013202', project: 112.88}"),
        (
            "{code: '2013202', budget: 102.88, project: 102.88}",
            "{code: '2013202', budget: 112.88, project: 112.88}",
        ),
    ],
}
# The 附表 (第五部分) print the standard tables: these figures, and only these, move there.
MUTATED_CELLS = {
    "912.26": "922.26",  # 本年收入/支出合计, 总计, 一般公共预算 合计
    "226.06": "236.06",  # 项目支出 合计
    "711.95": "721.95",  # 一般公共服务支出 (类), 组织事务 (款)
    "191.06": "201.06",  # their 项目支出
    "102.88": "112.88",  # 一般行政管理事务 (项)
}
REASON = "主要变动原因是新增干部暖心关爱帮扶基金、丧葬抚恤金预算。"
CHANGED = [  # (the paragraph before, the paragraph after)
    (
        f"2023年度收、支总计均为912.26万元。与2022年度相比，收、支总计各增加158.44万元，"
        f"增长21%。{REASON}",
        f"2023年度收、支总计均为922.26万元。与2022年度相比，收、支总计各增加168.44万元，"
        f"增长22%。{REASON}",
    ),
    (
        "2023年本年收入合计912.26万元，其中：一般公共预算财政拨款收入912.26万元，占100%。",
        "2023年本年收入合计922.26万元，其中：一般公共预算财政拨款收入922.26万元，占100%。",
    ),
    (
        "2023年本年支出合计912.26万元，其中：基本支出686.2万元，占75.2%；"
        "项目支出226.06万元，占24.8%。",
        "2023年本年支出合计922.26万元，其中：基本支出686.2万元，占74.4%；"
        "项目支出236.06万元，占25.6%。",
    ),
    (
        "2023年度财政拨款收、支总计均为912.26万元。与2022年度相比，"
        f"财政拨款收、支总计各增加158.44万元，增长21%。{REASON}",
        "2023年度财政拨款收、支总计均为922.26万元。与2022年度相比，"
        f"财政拨款收、支总计各增加168.44万元，增长22%。{REASON}",
    ),
    (
        "2023年度一般公共预算财政拨款支出912.26万元，占本年支出合计的100%。与2022年度相比，"
        f"一般公共预算财政拨款支出增加158.44万元，增长21%。{REASON}",
        "2023年度一般公共预算财政拨款支出922.26万元，占本年支出合计的100%。与2022年度相比，"
        f"一般公共预算财政拨款支出增加168.44万元，增长22%。{REASON}",
    ),
    (
        "2023年度一般公共预算财政拨款支出912.26万元，主要用于以下方面: "
        "一般公共服务支出711.95万元，占78.1%；教育支出44.2万元，占4.8%；"
        "社会保障和就业支出76.44万元，占8.4%；卫生健康支出13.12万元，占1.4%；"
        "农林水支出35万元，占3.8%；住房保障支出31.56万元，占3.5%。",
        "2023年度一般公共预算财政拨款支出922.26万元，主要用于以下方面: "
        "一般公共服务支出721.95万元，占78.3%；教育支出44.2万元，占4.8%；"
        "社会保障和就业支出76.44万元，占8.3%；卫生健康支出13.12万元，占1.4%；"
        "农林水支出35万元，占3.8%；住房保障支出31.56万元，占3.4%。",
    ),
    (
        "2023年度一般公共预算支出全年预算数为912.26万元，支出决算数为912.26万元，"
        "完成全年预算数的100%。其中：",
        "2023年度一般公共预算支出全年预算数为922.26万元，支出决算数为922.26万元，"
        "完成全年预算数的100%。其中：",
    ),
    (
        "2.一般公共服务支出（类）组织事务（款）一般行政管理事务（项）:全年预算为102.88万元，"
        "支出决算为102.88万元，完成全年预算的100%。",
        "2.一般公共服务支出（类）组织事务（款）一般行政管理事务（项）:全年预算为112.88万元，"
        "支出决算为112.88万元，完成全年预算的100%。",
    ),
]
# 部门整体自评报告 三（一）: 项目支出226.06万元保障…
LETTER_BEFORE = "项目支出226.06万元保障"
LETTER_AFTER = "项目支出236.06万元保障"


def appendix_tables(doc: DocxContent) -> list[list[list[str]]]:
    """The tables of 第五部分 附表 (after its heading; the first 第五部分 is the contents)."""
    heading = max(
        i for i, b in enumerate(doc.blocks) if isinstance(b, str) and norm(b) == "第五部分附表"
    )
    return [b for b in doc.blocks[heading:] if not isinstance(b, str)]


@pytest.fixture(scope="module")
def mutated(data: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("mutated")
    changed = copy_data(data, root / "data", MUTATION)
    check = subprocess.run(
        [sys.executable, "-m", "generator", "check", str(changed)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "共 0 个错误" in check.stdout
    return build_into(changed, root / "out")


def test_mutation_changes_exactly_the_dependent_sentences(built: Built, mutated: Built) -> None:
    before, after = built.disclosure, mutated.disclosure
    gone = {norm(p) for p in before.paragraphs} - {norm(p) for p in after.paragraphs}
    new = {norm(p) for p in after.paragraphs} - {norm(p) for p in before.paragraphs}
    letter_before = norm(before.one_containing(LETTER_BEFORE))
    letter_after = norm(after.one_containing(LETTER_AFTER))
    assert letter_after == letter_before.replace(LETTER_BEFORE, LETTER_AFTER)
    assert gone == {norm(a) for a, _ in CHANGED} | {letter_before}
    assert new == {norm(b) for _, b in CHANGED} | {letter_after}
    # no table before the 附表 prints these figures
    appendix_before, appendix_after = appendix_tables(before), appendix_tables(after)
    count = len(appendix_before)
    assert count >= 9
    assert after.tables[:-count] == before.tables[:-count]
    # the 附表 keep their rows; only the cells holding the changed figures move
    moved: set[tuple[str, str]] = set()
    assert len(appendix_after) == count
    for table_before, table_after in zip(appendix_before, appendix_after, strict=True):
        assert len(table_after) == len(table_before)
        for cells_before, cells_after in zip(table_before, table_after, strict=True):
            assert len(cells_after) == len(cells_before)
            for cell_before, cell_after in zip(cells_before, cells_after, strict=True):
                if cell_before != cell_after:
                    moved.add((cell_before, cell_after))
    assert moved == set(MUTATED_CELLS.items())


def test_mutation_reaches_the_letter_and_charts(built: Built, mutated: Built) -> None:
    letter = mutated.doc(DEPARTMENT_LETTER)
    assert letter.containing(LETTER_AFTER) and not letter.containing(LETTER_BEFORE)
    changed = {
        c["title"].split("：")[0]
        for c in built.files("chart")
        if (built.out / c["path"]).read_bytes() != (mutated.out / c["path"]).read_bytes()
    }
    assert changed == {f"图{n}" for n in range(1, 7)}  # 图7 (“三公”) does not use them
    for entry in built.files("table") + built.files("letter")[1:]:
        assert entry["path"] != DEPARTMENT_LETTER
        before = (built.out / entry["path"]).read_bytes()
        assert (mutated.out / entry["path"]).read_bytes() == before, entry["path"]


def test_project_execution_change_reaches_table_and_letter(data: Path, tmp_path: Path) -> None:
    """干部暖心关爱帮扶基金经费 spends 8.85 instead of 7.85 (built alone with --project)."""
    name = "干部暖心关爱帮扶基金经费"
    edits = {project_file(data, 2): [("    executed: 7.85\n", "    executed: 8.85\n")]}
    out = build_into(copy_data(data, tmp_path / "data", edits), tmp_path / "out", project=name)
    assert {f["kind"] for f in out.files()} == {"table", "letter"}
    table = project_table(out.doc(out.path_of("table", name)), name)
    letter = out.doc(out.path_of("letter", name))
    for rows in (table, project_table(letter, name)):
        for label in ("年度资金总额", "（一）财政拨款小计", "1.一般公共预算"):
            assert row_after(rows, label, 4) == ["0", "100", "8.85", "8.85%"], label
    assert letter.has(
        "截止2023年12月31日，该项目资金已支付8.85万元，支付率8.85%，2023年该项目经费结余91.15万元。"
        "资金用于的范围、支付标准、支付进度、支付依据等合规合法，并与预算相符。"
    )
    assert not letter.containing("7.85")


# --- 名词解释 follows the year's codes ----------------------------------------------------------


def test_glossary_follows_the_years_codes(data: Path, tmp_path: Path) -> None:
    """Without 2013299 (its amount moved to 2013202) the list loses that entry and renumbers."""
    edits = {
        "finance.yaml": [
            (
                "{code: '2013202', budget: 102.88, project: 102.88}",
                "{code: '2013202', budget: 191.06, project: 191.06}",
            ),
            ("  - {code: '2013299', budget: 88.18, project: 88.18}\n", ""),
            ("{code: '2013202', project: 102.88}", "{code: '2013202', project: 191.06}"),
            ("  - {code: '2013299', project: 88.18}\n", ""),
            ("{code: '2013202', fiscal: 102.88}", "{code: '2013202', fiscal: 191.06}"),
            ("  - {code: '2013299', fiscal: 88.18}\n", ""),
        ],
    }
    out = build_into(copy_data(data, tmp_path / "data", edits), tmp_path / "out")
    doc = out.disclosure
    assert not doc.containing("其他组织事务支出（项）")
    assert doc.has(
        "十一、教育支出（类）其他教育支出（款）其他教育支出（项）：指反映除上述项目以外"
        "其他用于教育方面的支出。"
    )
    assert doc.has("二十二、" + PART_THREE[-1].split("、", 1)[1])
    assert not [p for p in doc.paragraphs if p.startswith("二十三、")]
    assert doc.has(
        "3.教育支出（类）其他教育支出（款）其他教育支出（项）:全年预算为44.2万元，"
        "支出决算为44.2万元，完成全年预算的100%。"
    )
