"""Write the docxtpl templates in templates/ (run once after changing this file).

The templates are ordinary Word files: open them in Word or WPS to adjust fonts and layout;
this script only gives them their first form. Jinja names come from generator/render.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docxkit import (
    headings,
    landscape_section,
    lines,
    move_after,
    new_document,
    page_break,
    para,
    table_of_contents,
)

OUT = Path(__file__).resolve().parent.parent / "templates"
Y = "{{ r.year }}"
P = "{{ r.previous_year }}"
DEPT = "{{ d.name }}"
K = "{{ style.kind }}"  # 部门 / 单位


def part_one(doc) -> None:
    para(doc, "第一部分 {{ style.kind }}概况", "Heading 1")
    para(doc, "一、{{ style.kind }}职责", "Heading 2")
    para(doc, "（一）主要职能。")
    para(doc, "{{ duties(d) }}")
    para(doc, f"（二）{Y}年重点工作完成情况。")
    para(doc, "{%p for w in d.key_work %}")
    para(doc, "{{ loop.index }}．{{ w.title }}。{% for p in w.points %}{{ cn(loop.index) }}是"
              "{{ p.title }}。{% endfor %}")
    para(doc, "{%p endfor %}")
    para(doc, "二、机构设置", "Heading 2")
    para(doc, f"{DEPT}{{{{ '部门' if style.kind == '部门' else '' }}}}属于{{{{ d.budget_level }}}}，{{% if d.budget_unit_count() %}}有二级预算单位"
              "{{ d.budget_unit_count() }}个{% else %}无二级预算单位{% endif %}，其中行政单位"
              "{{ d.budget_unit_count('行政单位') }}个，参照公务员法管理的事业单位"
              "{{ d.budget_unit_count('参公事业单位') }}个，其他事业单位"
              "{{ d.budget_unit_count('其他事业单位') }}个。")
    para(doc, f"纳入{Y}年度{{{{ style.kind }}}}决算编制范围的独立编制机构包括："
              "{{ d.units_in_scope|join('、') or '无' }}")


def chart(doc, name: str, caption: str) -> None:
    para(doc, "{{ chart['%s'] }}" % name, "Figure")
    para(doc, caption, "Figure Caption")


def part_two_totals(doc) -> None:
    para(doc, f"第二部分  {Y}年度{{{{ style.kind }}}}决算情况说明", "Heading 1")
    para(doc, "一、收入支出决算总体情况说明", "Heading 2")
    para(doc, f"{Y}年度{{% if f.income_grand == f.expenditure_grand %}}收、支总计均为"
              "{{ f.income_grand|wan }}万元{% else %}收入总计{{ f.income_grand|wan }}万元，支出总计"
              "{{ f.expenditure_grand|wan }}万元{% endif %}。{% if f.has_balances %}其中：本年收入合计"
              "{{ f.income_total|wan }}万元，使用非财政拨款结余{{ f.non_fiscal_surplus_used|wan }}万元，"
              "年初结转和结余{{ f.opening_balance|wan }}万元；本年支出合计{{ f.expenditure_total|wan }}"
              "万元，结余分配{{ f.surplus_distribution|wan }}万元，年末结转和结余"
              "{{ f.closing_balance|wan }}万元。{% endif %}"
              f"与{P}年度相比，{{% if f.totals_equal %}}收、支总计各"
              "{{ f.income_change|yoy('total_change') }}{% else %}收入总计"
              "{{ f.income_change|yoy('total_change') }}，支出总计"
              "{{ f.expenditure_change|yoy('total_change') }}{% endif %}。"
              "{% if f.reasons.total %}主要变动原因是{{ f.reasons.total }}。{% endif %}")
    chart(doc, "totals", "（图1：收、支决算总计变动情况图）")
    para(doc, "二、收入决算情况说明", "Heading 2")
    para(doc, f"{Y}年本年收入合计{{{{ f.income_total|wan }}}}万元，其中："
              "{{ f.income|lines|share_list('{label}{amount}万元，占{pct}') }}"
              "{% if f.current_income_change %}" + f"与{P}年度相比，本年收入合计"
              "{{ f.current_income_change|yoy('income_change') }}。{% if f.reasons.income %}"
              "主要变动原因是{{ f.reasons.income }}。{% endif %}{% endif %}")
    chart(doc, "income", "（图2：收入决算结构图）")
    para(doc, "三、支出决算情况说明", "Heading 2")
    para(doc, f"{Y}年本年支出合计{{{{ f.expenditure_total|wan }}}}万元，其中："
              "{{ f.expenditure|lines|share_list('{label}{amount}万元，占{pct}') }}"
              "{% if f.current_expenditure_change %}" + f"与{P}年度相比，本年支出合计"
              "{{ f.current_expenditure_change|yoy('expenditure_change') }}。"
              "{% if f.reasons.expenditure %}主要变动原因是{{ f.reasons.expenditure }}。{% endif %}"
              "{% endif %}")
    chart(doc, "expenditure", "（图3：支出决算结构图）")
    para(doc, "四、财政拨款收入支出决算总体情况说明", "Heading 2")
    para(doc, f"{Y}年度财政拨款收、支总计均为{{{{ f.fiscal.income_grand|wan }}}}万元。"
              "{% if f.fiscal.opening_total or f.fiscal.closing_total %}其中：年初财政拨款结转和结余"
              "{{ f.fiscal.opening_total|wan }}万元，本年财政拨款收入{{ f.fiscal.income_total|wan }}"
              "万元；本年财政拨款支出{{ f.fiscal.spending_total|wan }}万元，年末财政拨款结转和结余"
              "{{ f.fiscal.closing_total|wan }}万元。{% endif %}"
              f"与{P}年度相比，财政拨款收、支总计各{{{{ f.fiscal_change|yoy('fiscal_change') }}}}。"
              "{% if f.reasons.fiscal %}主要变动原因是{{ f.reasons.fiscal }}。{% endif %}")
    chart(doc, "fiscal", "（图4：财政拨款收、支决算总计变动情况）")


def part_two_general(doc) -> None:
    para(doc, "五、一般公共预算财政拨款支出决算情况说明", "Heading 2")
    para(doc, "（一）一般公共预算财政拨款支出决算总体情况", "Heading 3")
    para(doc, f"{Y}年度一般公共预算财政拨款支出{{{{ f.general_actual|wan }}}}万元，占本年"
              "支出合计的{{ f.general_share|pct('share') }}。"
              f"与{P}年度相比，一般公共预算财政拨款支出{{{{ f.general_change|yoy('general_change') }}}}。"
              "{% if f.reasons.general_budget %}主要变动原因是{{ f.reasons.general_budget }}。"
              "{% endif %}")
    chart(doc, "general", "（图5：一般公共预算财政拨款支出决算变动情况）")
    para(doc, "（二）一般公共预算财政拨款支出决算结构情况", "Heading 3")
    para(doc, f"{Y}年度一般公共预算财政拨款支出{{{{ f.general_actual|wan }}}}万元，"
              "主要用于以下方面: {{ f.general_classes|share_list('{label}{amount}万元，占{pct}') }}")
    chart(doc, "functional", "（图6：一般公共预算财政拨款支出决算结构）")
    para(doc, "（三）一般公共预算财政拨款支出决算具体情况", "Heading 3")
    para(doc, f"{Y}年度一般公共预算支出全年预算数为{{{{ f.general_execution.budget|wan }}}}万元，"
              "支出决算数为{{ f.general_actual|wan }}万元，"
              "{{ f.general_execution|completion('完成全年预算数的') }}。其中：")
    para(doc, "{%p for i in f.general_items %}")
    para(doc, "{{ loop.index }}.{{ i.title }}:全年预算为{{ i.execution.budget|wan }}万元，支出决算"
              "为{{ i.execution.actual|wan }}万元，{{ i.execution|completion }}。")
    para(doc, "{%p endfor %}")


def part_two_basic(doc) -> None:
    para(doc, "六、一般公共预算财政拨款基本支出决算情况说明", "Heading 2")
    para(doc, f"{Y}年度一般公共预算财政拨款基本支出{{{{ f.basic_total|wan }}}}万元，其中：")
    for var in ("f.economic.personnel", "f.economic.public"):
        para(doc, f"{{{{ {var}.label }}}}{{{{ {var}.total|wan }}}}万元，"
                  f"{{% if {var}.items %}}主要包括：{{{{ {var}.items|amount_list('{{label}}{{amount}}万元', '、') }}}}"
                  "{% else %}。{% endif %}")


def part_two_three_public(doc) -> None:
    t = "f.three_public"
    flat = "flat='无变化'"
    para(doc, "七、财政拨款“三公”经费支出决算情况说明", "Heading 2")
    para(doc, "（一）“三公”经费财政拨款支出决算总体情况说明", "Heading 3")
    para(doc, f"{Y}年度“三公”经费财政拨款支出预算为{{{{ {t}.execution.budget|wan }}}}万元，支出决算"
              f"为{{{{ {t}.execution.actual|wan }}}}万元，完成预算的"
              f"{{{{ {t}.execution.rate|pct('execution') }}}}。决算数{{{{ against_budget({t}.execution) }}}}"
              f"{{% if {t}.budget_reason %}}的主要原因是{{{{ {t}.budget_reason }}}}{{% endif %}}。"
              f"决算数较上年{{{{ {t}.change.verb }}}}{{% if {t}.change_reason %}}的"
              f"主要原因是{{{{ {t}.change_reason }}}}{{% endif %}}。")
    para(doc, "（二）“三公”经费财政拨款支出决算具体情况说明", "Heading 3")
    para(doc, f"{Y}年度“三公”经费财政拨款支出决算中，{{{{ {t}.shares|share_list("
              "'{label}支出决算{amount}万元，占{pct}') }}具体情况如下：")
    chart(doc, "three_public", "（图7：“三公”经费财政拨款支出结构）")
    para(doc, f"1.因公出国（境）经费{{{{ budget_sentence({t}.abroad) }}}}因公出国（境）支出决算较"
              f"{P}年度{{{{ {t}.abroad.change|yoy('three_public_change', {flat}) }}}}。"
              f"{{% if {t}.reasons.abroad %}}主要原因是{{{{ {t}.reasons.abroad }}}}。{{% endif %}}")
    para(doc, f"2.公务用车购置及运行维护费{{{{ budget_sentence({t}.vehicle, ',') }}}}公务用车购置及"
              f"运行维护费支出决算比{P}年度{{{{ {t}.vehicle.change|yoy('three_public_change', {flat}) }}}}。"
              f"{{% if {t}.reasons.vehicle %}}主要原因是{{{{ {t}.reasons.vehicle }}}}。{{% endif %}}")
    para(doc, f"其中：公务用车购置费支出{{{{ {t}.vehicle_purchase.actual|wan }}}}万元。全年按规定"
              f"更新购置公务用车{{{{ {t}.vehicles_bought_count }}}}辆{{% if {t}.vehicles_bought %}}，其中："
              f"{{% for k, n, a in {t}.vehicles_bought %}}{{{{ k }}}}{{{{ n }}}}辆、金额{{{{ a|wan }}}}万元"
              "{{ '，' if not loop.last else '' }}{% endfor %}{% endif %}。截至" + Y + "年12月31日，"
              f"{{{{ style.we }}}}共有公务用车{{{{ {t}.vehicles_held_count }}}}辆{{% if {t}.vehicles_held %}}，其中："
              f"{{% for k, n in {t}.vehicles_held %}}{{{{ k }}}}{{{{ n }}}}辆{{{{ '、' if not loop.last else '' }}}}"
              "{% endfor %}{% endif %}。")
    para(doc, f"公务用车运行维护费支出{{{{ {t}.vehicle_running.actual|wan }}}}万元。")
    para(doc, f"3.公务接待费{{{{ budget_sentence({t}.reception) }}}}公务接待费支出决算比{P}年度"
              f"{{{{ {t}.reception.change|yoy('three_public_change', {flat}) }}}}。"
              f"{{% if {t}.reasons.reception %}}主要原因是{{{{ {t}.reasons.reception }}}}。{{% endif %}}"
              "其中：")
    para(doc, f"国内公务接待支出{{{{ {t}.domestic.amount|wan }}}}万元。{{% if {t}.purpose %}}主要用于"
              f"{{{{ {t}.purpose }}}}。{{% endif %}}"
              f"国内公务接待{{{{ {t}.domestic.batches }}}}批次，{{{{ {t}.domestic.persons }}}}人次，"
              f"共计支出{{{{ {t}.domestic.amount|wan }}}}万元{{% if {t}.details %}}，具体内容包括："
              f"{{{{ {t}.details }}}}，共计支出{{{{ {t}.domestic.amount|wan }}}}万元{{% endif %}}。")
    para(doc, f"外事接待支出{{{{ {t}.foreign.amount|wan }}}}万元，外事接待{{{{ {t}.foreign.batches }}}}"
              f"批次，{{{{ {t}.foreign.persons }}}}人，共计支出{{{{ {t}.foreign.amount|wan }}}}万元。")


def fund_section(doc, var: str, label: str, short: str) -> None:
    para(doc, f"{{% if {var}.any %}}{Y}年度{label}年初结转和结余{{{{ {var}.opening|wan }}}}万元，"
              f"本年收入{{{{ {var}.income|wan }}}}万元，本年支出{{{{ {var}.spending|wan }}}}万元，"
              f"年末结转和结余{{{{ {var}.closing|wan }}}}万元。与{P}年度相比，{label}支出"
              f"{{{{ {var}.change|yoy('funds_change') }}}}。{{% if {var}.reason %}}主要变动原因是"
              f"{{{{ {var}.reason }}}}。{{% endif %}}{{% if {var}.shares() %}}本年支出主要用于："
              f"{{{{ {var}.shares()|share_list('{{label}}{{amount}}万元，占{{pct}}') }}}}{{% endif %}}"
              f"{{% else %}}{Y}年度{short}支出{{{{ {var}.spending|wan }}}}万元。{{% endif %}}")


def part_two_other(doc) -> None:
    para(doc, "八、政府性基金预算支出决算情况说明", "Heading 2")
    fund_section(doc, "f.government_funds", "政府性基金预算财政拨款", "政府性基金预算拨款")
    para(doc, "九、国有资本经营预算支出决算情况说明", "Heading 2")
    fund_section(doc, "f.state_capital", "国有资本经营预算财政拨款", "国有资本经营预算拨款")
    para(doc, "十、其他重要事项的情况说明", "Heading 2")
    para(doc, "（一）机关运行经费支出情况", "Heading 3")
    para(doc, f"{Y}年度，{DEPT}机关运行经费支出{{{{ f.operating_costs.current|wan }}}}万元，比{P}"
              "年度{{ f.operating_costs|yoy('operating_costs_change') }}。"
              "{% if f.reasons.operating_costs %}主要原因是{{ f.reasons.operating_costs }}。{% endif %}")
    para(doc, "（二）政府采购支出情况", "Heading 3")
    g = "f.procurement"
    para(doc, f"{Y}年，{DEPT}{{% if {g}.total %}}政府采购支出总额{{{{ {g}.total|wan }}}}万元，其中："
              f"{{{{ {g}.parts|amount_list('{{label}}{{amount}}万元', '、') }}}}授予中小企业合同金额"
              f"{{{{ {g}.sme|wan }}}}万元，占政府采购支出总额的{{{{ {g}.sme_share|pct('share') }}}}，"
              f"其中：授予小微企业合同金额{{{{ {g}.small_micro|wan }}}}万元，占授予中小企业合同金额的"
              f"{{{{ {g}.small_micro_share|pct('share') }}}}。{{% else %}}未发生政府采购支出。{{% endif %}}")
    para(doc, "（三）国有资产占有使用情况", "Heading 3")
    para(doc, f"截至{Y}年12月31日，{{{{ assets_sentence(f) }}}}")
    para(doc, "（四）预算绩效管理情况。", "Heading 3")
    para(doc, "{%p if r.projects %}")
    para(doc, f"根据预算绩效管理要求，{{{{ style.we }}}}在{Y}年度预算编制阶段，组织对"
              "{{ r.highlight|join('、') }}等{{ r.pre_assessed_count }}个项目开展了预算事前绩效"
              "评估，对{{ r.goal_count }}个项目编制了绩效目标，预算执行过程中，选取"
              "{{ r.monitored_count }}个项目开展绩效监控。")
    para(doc, "{%p endif %}")
    para(doc, "{%p if ev %}")
    para(doc, f"{Y}年度组织一般公共预算、政府性基金预算、国有资本经营预算以及资本资产、债券资金等"
              f"全面开展绩效自评，形成{Y}年{DEPT}（{K}）整体（含{K}预算项目）绩效自评报告、"
              "{{ r.letters|map(attribute='project.name')|join('、') }}等专项预算项目绩效自评报告，"
              f"其中，{DEPT}{K}整体（含{K}预算项目）绩效自评得分为{{{{ ev.scores.total|score }}}}分，"
              "绩效自评综述：{{ ev.texts.quality|trim('。') }}；{% for l in r.letters %}"
              "{{ l.project.name }}专项预算项目绩效自评得分为{{ l.scores.total|score }}分，"
              "绩效自评综述：{{ l.texts.conclusion }}{% endfor %}绩效自评报告详见附件（第四部分）。")
    para(doc, "{%p endif %}")


def part_three(doc) -> None:
    para(doc, "第三部分  名词解释", "Heading 1")
    para(doc, "{%p for term, text in r.glossary %}")
    para(doc, "{{ cn(loop.index) }}、{{ term }}：{{ text }}")
    para(doc, "{%p endfor %}")


def build_disclosure() -> None:
    doc = new_document()
    for _ in range(6):
        para(doc, "", "Flush")
    lines(doc, [DEPT, f"{Y}年度{{{{ style.kind }}}}决算"])
    page_break(doc)
    contents = para(doc, "目  录", "Flush", center=True)
    page_break(doc)
    part_one(doc)
    part_two_totals(doc)
    part_two_general(doc)
    part_two_basic(doc)
    part_two_three_public(doc)
    part_two_other(doc)
    part_three(doc)
    para(doc, "{%p if ev %}")
    page_break(doc)
    para(doc, "第四部分  附件", "Heading 1")
    entries = headings(doc) + [(1, ANNEX_TABLES)]
    before = len(doc.paragraphs)
    table_of_contents(doc, entries)
    move_after(contents, doc.paragraphs[before:])
    from make_letters import department_letter, project_annexes

    department_letter(doc)
    project_annexes(doc)
    para(doc, "{%p endif %}")
    annex_tables(doc)
    doc.save(OUT / "disclosure.docx")


ANNEX_TABLES = "第{{ '五' if ev else '四' }}部分  附表"


def annex_tables(doc) -> None:
    """第五部分 附表 on landscape pages: the standard tables (generator/annex.py)."""
    landscape_section(doc)
    para(doc, ANNEX_TABLES, "Heading 1")
    para(doc, "{{p annex_tables }}")


def main() -> int:
    OUT.mkdir(exist_ok=True)
    build_disclosure()
    from make_letters import build_letter_templates

    build_letter_templates(OUT)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
