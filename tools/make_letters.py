"""Template parts for the self-evaluation: letters, 自评表 and 评分表 (shared by all templates)."""

from __future__ import annotations

from pathlib import Path

from docxkit import (
    attachment_note,
    keep_rows_together,
    lines,
    new_document,
    page_break,
    para,
    repeat_header,
    row,
    run_in,
    table,
    table_joint,
    vmerge,
)

Y = "{{ r.year }}"
DEPT = "{{ d.name }}"
FUND_HEAD = ["年初预算数", "全年预算数", "全年执行数"]


def funds_block(t, var: str, label: str, rate_head: str, blank_zero: bool) -> None:
    """项目资金 rows: a header and one row per source, the left column merged."""
    head = row(t, [label, "", *FUND_HEAD, rate_head], [1, 2, 1, 1, 1, 1])
    vmerge(head, 0, "restart")
    body = row(t, ["{%tr for x in " + var + ".rows %}"], [7])
    line = row(t, ["", "{{ x.label }}", "{{ fund(x.funds.initial, %s) }}" % blank_zero,
                   "{{ fund(x.funds.budget, %s) }}" % blank_zero,
                   "{{ fund(x.funds.executed, %s) }}" % blank_zero,
                   "{{ rate(x.funds, %s) }}" % blank_zero], [1, 2, 1, 1, 1, 1])
    vmerge(line, 0, "continue")
    row(t, ["{%tr endfor %}"], [7])
    assert body and line


def indicators_block(t, var: str, head: str) -> None:
    top = row(t, [head, "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值",
                  "偏差原因分析及改进措施"])
    vmerge(top, 0, "restart")
    repeat_header(top)  # the first row of its table: repeated on every page
    row(t, ["{%tr for i, m in " + var + ".indicators|merged('level1') %}"], [7])
    line = row(t, ["", "{% vmerge m %}{{ i.level1 if m == 'restart' else '' }}", "{{ i.level2 }}",
                   "{{ i.name }}", "{{ i.target }}", "{{ i.actual }}", "{{ i.deviation_text }}"])
    vmerge(line, 0, "continue")
    row(t, ["{%tr endfor %}"], [7])


def goal_block(t, var: str, head: str, left: str, right: str) -> None:
    top = row(t, [head, left, right], [1, 3, 3])
    vmerge(top, 0, "restart")
    body = row(t, ["", "{{ %s.goal_target }}" % var, "{{ %s.goal_actual }}" % var], [1, 3, 3])
    vmerge(body, 0, "continue")


WIDTHS = [1.9, 1.8, 1.8, 3.3, 2.1, 2.1, 2.5]  # 15.5 cm: the A4 text width


def table_titles(doc, title: str, year: str) -> None:
    """A 自评表's title and year line, centred above it and kept with it."""
    para(doc, title, "Table Title")
    para(doc, year, "Table Title")


def self_evaluation_table(doc, var: str, funds: tuple, goal: tuple, indicators: str,
                          project_name: bool) -> None:
    """A 自评表 as two tables printed as one: names, 资金 and 目标 (kept whole, with the start of
    the rest), then the 绩效指标, whose header row is its first row and repeats on every page."""
    t = table(doc, 7, WIDTHS)
    if project_name:
        row(t, ["项目名称", "{{ %s.name }}" % var], [1, 6])
    row(t, ["主管部门", DEPT, "实施单位", DEPT], [1, 2, 1, 3])
    funds_block(t, var, *funds)
    goal_block(t, var, *goal)
    keep_rows_together(t)
    table_joint(doc)
    t = table(doc, 7, WIDTHS)
    indicators_block(t, var, indicators)


def project_table(doc, var: str = "p") -> None:
    """广元市昭化区财政项目支出绩效自评表 of the project `var`."""
    table_titles(doc, "{{ d.region }}财政项目支出绩效自评表", f"（{Y}年度）")
    self_evaluation_table(
        doc, var, ("项目资金（万元）", "执行率", False),
        ("年度总体目标", "预期目标", "实际完成情况"), "绩效指标", project_name=True,
    )


def department_table(doc) -> None:
    table_titles(doc, "{{ d.region }}部门整体支出绩效目标自评表", f"（{Y} 年度）")
    self_evaluation_table(
        doc, "ev", ("项目（政策）资金（万元）", "执行率(%)", True),
        ("整体\n目标", "年度目标", "完成情况"), "部门整体绩效指标", project_name=False,
    )


def score_table(doc, var: str, extra_column: bool) -> None:
    """评分表 rows with their levels merged; totals derived."""
    cols = 8 if extra_column else 7
    widths = [1.6, 1.6, 1.6, 1.1, 2.8, 4.6, 1.2] + ([1.0] if extra_column else [])
    if not extra_column:
        widths[5] += 1.0
    t = table(doc, cols, widths)
    head = ["绩效指标", "指标分值", "指标解释", "评价要点及说明", "自评得分"]
    head += ["财政复核得分"] if extra_column else []
    repeat_header(row(t, head, [3] + [1] * (len(head) - 1), bold=True))
    repeat_header(row(t, ["一级指标", "二级指标", "三级指标"] + [""] * (cols - 3)))
    row(t, ["{%tr for x in " + var + "|score_rows %}"], [cols])
    cells = ["{% vmerge x.m1 %}{{ x.label1 }}", "{% vmerge x.m2 %}{{ x.label2 }}",
             "{% vmerge x.m3 %}{{ x.label3 }}", "{{ x.points|score }}",
             "{{ x.explanation }}", "{{ x.criteria }}", "{{ x.shown }}"]
    cells += [""] if extra_column else []
    row(t, cells)
    row(t, ["{%tr endfor %}"], [cols])
    total = ["合计", "{{ %s.points|score }}" % var, "", "", "{{ %s.total|score }}" % var]
    total += [""] if extra_column else []
    row(t, total, [3] + [1] * (len(total) - 1))


def attachment(doc, label: str):
    """The 附件 label at the top left of an attachment's first page (黑体 3号)."""
    p = para(doc, label, "Attachment Label")
    p.paragraph_format.page_break_before = True
    return p


def department_letter(doc) -> None:
    lines(doc, [DEPT, f"关于报送{Y}年部门整体支出绩效", "自评报告的函"])
    para(doc, "{{ ev.texts.recipient }}：", "Flush")
    para(doc, "贵单位《{{ ev.texts.notice.title }}》（{{ ev.texts.notice.number }}）已收悉，"
              "{{ d.self_name }}立即组织专人开展{{ r.year }}年度部门整体支出"
              "绩效评估，现将{{ d.self_name }}{{ r.year }}年部门整体支出绩效"
              "自评情况报告如下：")
    para(doc, "一、预算单位概况", H1)
    para(doc, "（一）机构职能", H2)
    para(doc, "{{ duties(d) }}")
    para(doc, "（二）机构组成", H2)
    para(doc, "{{ units_sentence(d) }}")
    para(doc, "（三）人员概况", H2)
    para(doc, "{{ staff_sentence(d, r.year) }}")
    para(doc, "（四）当年重点工作任务概述", H2)
    para(doc, "{%p for w in d.key_work %}")
    para(doc, "{{ loop.index }}.{{ w.title }}。{% for p in w.points %}{{ cn(loop.index) }}是"
              "{{ p.title }}。{{ p.detail }}{% endfor %}")
    para(doc, "{%p endfor %}")
    para(doc, "二、预算单位财政收支管理情况", H1)
    para(doc, "（一）收入情况", H2)
    para(doc, f"{Y}年年初预算收入为{{{{ ev.funds.initial|wan }}}}万元，预算调整收入"
              "{{ ev.funds.adjustment|wan }}万元，全年预算收入为{{ ev.funds.budget|wan }}万元，"
              "全年预算收入与上年相比{{ ev.budget_change|moved }}，主要变动原因是："
              "{{ ev.texts.income_change_reason }}")
    para(doc, "（二）支出情况", H2)
    para(doc, f"{Y}年年初预算支出为{{{{ ev.funds.initial|wan }}}}万元，预算调整支出"
              "{{ ev.funds.adjustment|wan }}万元，全年预算支出为{{ ev.spending_budget|wan }}万元，"
              "存量资金安排支出{{ ev.spending_stock|wan }}万元，支出总计"
              "{{ ev.spending_change.current|wan }}万元。全年支出与上年相比"
              "{{ ev.spending_change|moved }}，主要变动原因是：{{ ev.texts.spending.change_reason }}")
    para(doc, "（三）结转和结余情况", H2)
    para(doc, f"{Y}年结余结转{{{{ ev.carryover|wan }}}}万元。")
    para(doc, "三、部门整体预算绩效管理情况", H1)
    para(doc, "（一）部门预算绩效管理", H2)
    para(doc, f"{DEPT}根据单位实际情况制定年初部门预算绩效目标，其中人员类"
              "{{ f.economic.personnel.total|wan }}万元按月保障在职人员工资保险；公用支出及其他运转类"
              "{{ f.economic.public.total|wan }}万元保障各项日常工作正常运转，包括办公费、差旅费、公务接待费、"
              "印刷费等支出；项目支出{{ f.general['project']|wan }}万元保障"
              "{{ ev.texts.budget_projects_text }}项目的顺利开展。{{ ev.texts.management_summary }}")
    para(doc, "(二)结果应用公开情况", H2)
    para(doc, "{{ ev.texts.results_disclosure }}")
    para(doc, "(三)自评质量", H2)
    para(doc, "{{ ev.texts.quality }}")
    para(doc, "（四）{{ ev.texts.audit_result }}")
    para(doc, "四、存在的措施问题及建议", H1)
    para(doc, "（一）存在问题", H2)
    para(doc, "{{ ev.texts.problems }}")
    para(doc, "（二）改进建议（措施）", H2)
    last = para(doc, "{{ ev.texts.suggestions }}")
    last.paragraph_format.keep_with_next = True  # the close never alone on a page
    attachment_note(doc, [f"{DEPT}{Y}年部门整体支出绩效目标自评表",
                          f"{DEPT}{Y}年部门整体支出绩效自评评分表"])
    signature(doc)
    attachment(doc, "附件1")
    department_table(doc)
    attachment(doc, "附件2")
    para(doc, "{{ ev.framework_title }}", "Table Title")
    score_table(doc, "ev.scores", extra_column=True)
    para(doc, "{{ ev.framework_note }}", "Flush")


# The letter's own hierarchy (GB/T 9704): 一、 黑体, （一） 楷体, 1. 仿宋. Inside the disclosure the
# render-time pass gives them the Annex Heading styles (outside the table of contents).
H1, H2, H3 = "Heading 2", "Heading 3", "Heading 4"


def signature(doc) -> None:
    """发文机关署名 over 成文日期 (右空四字), room for the seal above (GB/T 9704 7.3.5)."""
    para(doc, DEPT, "Letter Signature")
    para(doc, "{{ cn_date(ev.texts.date) }}", "Letter Date")


def project_letter(doc, var: str = "l") -> None:
    p = var + ".project"
    lines(doc, [DEPT, "关于{{ %s.subject }}" % var, "自评报告的函"])
    para(doc, "{{ ev.texts.recipient }}：", "Flush")
    para(doc, "贵单位《{{ ev.texts.notice.title }}》（{{ ev.texts.notice.number }}）已收悉，"
              f"{{{{ d.self_name }}}}立即组织专人开展{Y}年度项目支出绩效评估，现将{{{{ d.self_name }}}}"
              f"关于{Y}年{{{{ {var}.subject }}}}绩效自评情况报告如下：")
    para(doc, "一、项目概况", H1)
    run_in(doc, "（一）项目资金申报及批复情况。",
           f"{Y}年{{{{ {var}.subject }}}}按照预算报批流程，年初预算"
           f"{{{{ {var}.funds.initial|wan }}}}万元，{Y}年预算{{% if {var}.funds.adjustment %}}"
           f"{{{{ adjust_word({var}.funds) }}}}{{{{ {var}.funds.adjustment|abs|wan }}}}万元"
           f"{{% else %}}未调整{{% endif %}}，项目总预算{{{{ {var}.funds.budget|wan }}}}万元。")
    run_in(doc, "（二）项目绩效目标。", "{{ %s.texts.goal }}" % var)
    run_in(doc, "（三）项目资金申报相符性。", "{{ %s.texts.consistency }}" % var)
    run_in(doc, "（四）自评步骤及方法。",
           "项目支出经费依据{{ ev.texts.method_basis }}文件自评且逐项量分。")
    para(doc, "二、项目实施及管理情况", H1)
    para(doc, "（一）资金计划、到位及使用情况", H2)
    para(doc, f"1.资金计划及到位，项目支出经费{{{{ funds_source({var}.funds) }}}}财政拨款资金为"
              f"{{{{ {p}.fiscal_funds.budget|wan }}}}万元{{% if {p}.other_funds.budget %}}，其他资金"
              f"{{{{ {p}.other_funds.budget|wan }}}}万元{{% endif %}}，{{% if {var}.fully_arrived %}}资金到位情况与资金"
              f"计划相符{{% else %}}实际到位{{{{ {var}.arrived|wan }}}}万元{{% endif %}}，到位率"
              f"{{{{ {var}.arrival_rate|pct('execution') }}}}。")
    para(doc, "2.资金使用", H3)
    para(doc, f"截止{Y}年12月31日，该项目资金已支付{{{{ {var}.funds.executed|wan }}}}万元，支付率"
              f"{{{{ {var}.funds.execution.rate|pct(2) }}}}，{Y}年该项目经费"
              f"{{{{ balance_words({var}.funds.execution) }}}}。{{{{ {var}.texts.fund_use }}}}")
    para(doc, "（二）项目财务管理情况", H2)
    para(doc, "{{ %s.texts.financial_management }}" % var)
    para(doc, "（三）项目组织实施及管理情况", H2)
    para(doc, "{{ %s.texts.implementation }}" % var)
    para(doc, "三、项目绩效情况", H1)
    para(doc, "（一）项目完成情况", H2)
    para(doc, "{{ %s.texts.completion }}" % var)
    para(doc, "（二）项目效益情况。", H2)
    para(doc, "{{ %s.texts.benefit }}" % var)
    para(doc, "四、评价结论及问题建议", H1)
    para(doc, "（一）评价结论。", H2)
    para(doc, "{{ %s.texts.conclusion }}" % var)
    para(doc, "（二）存在的问题。", H2)
    para(doc, "{{ %s.texts.problems }}" % var)
    para(doc, "（三）相关措施建议。", H2)
    last = para(doc, "{{ %s.texts.suggestions }}" % var)
    last.paragraph_format.keep_with_next = True
    attachment_note(doc, [f"{Y}年{{{{ {var}.subject }}}}支出绩效自评表",
                          f"{Y}年{{{{ {var}.subject }}}}自评评分表"])
    signature(doc)
    attachment(doc, "附件1")
    project_table(doc, p)
    attachment(doc, "附件2")
    para(doc, "{{ d.plain_name }}" + Y + "年{{ %s.subject }}{{ r.score_title_suffix }}" % var,
         "Table Title")
    score_table(doc, var + ".scores", extra_column=False)


def project_annexes(doc) -> None:
    """The disclosure's 附表 (every 自评表, each from a new page) and the project letters."""
    heading = para(doc, f"附表：部门预算项目支出绩效自评表（{Y}年度）", "Flush")
    heading.paragraph_format.page_break_before = True
    para(doc, "{%p for p in r.projects %}")
    para(doc, "{%p if not loop.first %}")
    page_break(doc)
    para(doc, "{%p endif %}")
    project_table(doc, "p")
    para(doc, "{%p endfor %}")
    attachment(doc, "附件2")
    para(doc, "{%p for l in r.letters %}")
    project_letter(doc, "l")
    page_break(doc)
    para(doc, "{%p endfor %}")


def build_letter_templates(out: Path) -> None:
    doc = new_document()
    department_letter(doc)
    doc.save(out / "department_letter.docx")
    doc = new_document()
    project_letter(doc, "l")
    doc.save(out / "project_letter.docx")
    doc = new_document()
    project_table(doc, "p")
    doc.save(out / "project_table.docx")
