"""Audit: identities between figures, and lints on the prose. Run after derive."""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Iterator
from decimal import Decimal

from generator.audit.finance import audit_finance
from generator.audit.plausibility import audit_plausibility
from generator.audit.prose import amounts_in, figure_pool, nearest
from generator.audit.punctuation import punctuation_problems
from generator.findings import Finding, error, format_path, warning
from generator.model.quotes import finance_names, funds_names, unknown
from generator.model.report import Report
from generator.present.numbers import score, wan
from generator.present.wording import DATE
from generator.read.dataset import DataFile, Dataset
from generator.render.fonts import gb2312_findings

CENT_HALF = Decimal("0.005")


def audit_report(data: Dataset, report: Report) -> list[Finding]:
    findings: list[Finding] = []
    checks = (audit_finance, audit_plausibility, _evaluation, _projects, _scores, _prose, _copies)
    for check in checks:
        findings.extend(check(data, report))
    return findings


def _near(a: Decimal, b: Decimal, parts: int) -> bool:
    """Equal within what rounding `parts` figures to 0.01 can explain."""
    return abs(a - b) <= CENT_HALF * max(parts, 1)


def _identity(
    doc: DataFile, path: tuple, stated: Decimal, computed: Decimal, parts: int, what: str, how: str
) -> Iterator[Finding]:
    if not _near(stated, computed, parts):
        yield error(
            doc.name,
            doc.line(*path),
            format_path(path),
            f"{what}为 {wan(stated)}，但{how}为 {wan(computed)}，相差 "
            f"{wan(abs(stated - computed))}（超出四舍五入误差 {wan(CENT_HALF * parts, 3)}）",
            "identity",
        )


def _evaluation(data: Dataset, report: Report) -> Iterator[Finding]:
    if report.evaluation is None:
        return
    doc = data.doc("self_evaluation.yaml")
    ev = report.evaluation
    f = report.finance
    yield from _letter_date(doc, str(ev.texts.get("date") or "").strip())
    if ev.funds.budget != f.general_execution.budget:
        yield warning(
            doc.name,
            doc.line("budget", "adjustment"),
            "budget",
            f"自评全年预算 {wan(ev.funds.budget)} 万元（年初预算+调整）与决算全年预算数 "
            f"{wan(f.general_execution.budget)} 万元不同",
            "identity",
        )
    if ev.funds.executed != f.general_actual:
        yield warning(
            doc.name,
            doc.line("budget", "executed"),
            "budget.executed",
            f"部门整体自评表全年执行数 {wan(ev.funds.executed)} 万元与一般公共预算财政拨款支出 "
            f"{wan(f.general_actual)} 万元不同（执行率按自评表计算）",
            "identity",
        )
    spent = ev.spending_change.current
    if spent != f.general_actual:
        yield warning(
            doc.name,
            doc.line("spending", "from_budget"),
            "spending",
            f"自评报告支出总计 {wan(spent)} 万元（全年预算支出+存量资金）与一般公共预算财政拨款"
            f"支出 {wan(f.general_actual)} 万元不同",
            "identity",
        )
    names = {p.name for p in report.projects}
    perf = data.doc("performance.yaml")
    for i, name in enumerate(report.highlight):
        if name not in names:
            yield error(
                perf.name,
                perf.line("highlight", i),
                f"highlight[{i + 1}]",
                f"没有名为“{name}”的项目（应与 projects/ 中的 name 一致）",
                "reference",
            )


def _letter_date(doc: DataFile, date: str) -> Iterator[Finding]:
    """The letters' 成文日期 (GB/T 9704): present, and a date cn_date can print."""
    if not date:
        message = "自评报告的函没有成文日期（self_evaluation.yaml date）"
        yield warning(doc.name, doc.line("date"), "date", message, "pending")
    elif not _is_date(date):
        message = f"成文日期“{date}”不是日期（写作 2024年6月30日 或 2024-06-30），照原样印出"
        yield warning(doc.name, doc.line("date"), "date", message, "date")


def _is_date(text: str) -> bool:
    match = DATE.match(text)
    try:
        return match is not None and bool(datetime.date(*(int(g) for g in match.groups())))
    except ValueError:
        return False


def _projects(data: Dataset, report: Report) -> Iterator[Finding]:
    for doc, project in zip(data.projects, report.projects, strict=True):
        if not project.goal_actual.strip():
            yield warning(
                doc.name, doc.line("goal", "actual"), "goal.actual", "实际完成情况为空", "lint"
            )
        yield from _indicators(doc, project.indicators)
    if report.evaluation is not None:
        ev_doc = data.doc("self_evaluation.yaml")
        yield from _indicators(ev_doc, report.evaluation.indicators)


def _indicators(doc: DataFile, indicators) -> Iterator[Finding]:
    for i, ind in enumerate(indicators):
        field = f"indicators[{i + 1}]"
        if ind.parse_error:
            yield error(
                doc.name,
                doc.line("indicators", i, "target"),
                f"{field}.target",
                ind.parse_error,
                "indicator",
            )
        elif ind.applicable and ind.met is False and not ind.deviation_text.strip():
            yield warning(
                doc.name,
                doc.line("indicators", i, "actual"),
                f"{field}.actual",
                f"指标“{ind.name}”未达到年度指标值（{ind.target}，实际 {ind.actual}），"
                "但没有填写偏差原因",
                "lint",
            )


def _scores(data: Dataset, report: Report) -> Iterator[Finding]:
    if report.evaluation is None:
        return
    ev_doc = data.doc("self_evaluation.yaml")
    entered = data["self_evaluation.yaml"]["scores"]
    yield from _score_keys(ev_doc, ("scores",), entered, report.evaluation.scores)
    for row in report.evaluation.scores.differences:
        yield _score_warning(ev_doc, ("scores", row.key), row)
    for letter in report.letters:
        doc = data.projects[letter.project.index - 1]
        entered = doc.content["letter"]["scores"]
        yield from _score_keys(doc, ("letter", "scores"), entered, letter.scores)
        for row in letter.scores.differences:
            yield _score_warning(doc, ("letter", "scores", row.key), row)


def _score_keys(doc: DataFile, path: tuple, entered: dict, table) -> Iterator[Finding]:
    """Every entered score names an item of the framework; every judged item has a score."""
    keys = [r.key for r in table.rows]
    for key in entered:
        if key not in keys:
            hint = difflib.get_close_matches(key, keys, n=1, cutoff=0.4)
            tail = f"，是否应为“{hint[0]}”？" if hint else f"；评分项有：{'、'.join(keys)}"
            yield error(
                doc.name,
                doc.line(*path, key),
                format_path((*path, key)),
                f"评分表中没有“{key}”这一项{tail}",
                "score",
            )
    for row in table.rows:
        if (row.formula and row.printed_computed) or row.deduction or row.key in entered:
            continue
        yield error(
            doc.name,
            doc.line(*path),
            format_path(path),
            f"缺少评分项“{row.key}”的自评得分（满分 {score(row.points)}）",
            "score",
        )


def _score_warning(doc: DataFile, path: tuple, row) -> Finding:
    return warning(
        doc.name,
        doc.line(*path),
        format_path(path),
        f"自评得分 {score(row.entered)} 与公式计算结果 {score(row.computed)} 不符"
        f"（{_oneline(row.level3 or row.level2 or row.level1)}），文档使用"
        f"{'计算结果' if row.printed_computed else '自评得分（该项需判断核实范围）'}",
        "score",
    )


def _oneline(text: str) -> str:
    return " ".join(text.split())


def _names_for(data: Dataset, report: Report, doc: DataFile) -> dict:
    names = finance_names(report.finance)
    if report.evaluation is not None and doc is data.files.get("self_evaluation.yaml"):
        names |= funds_names(report.evaluation.funds)
    for project_doc, project in zip(data.projects, report.projects, strict=True):
        if doc is project_doc:
            names |= funds_names(project.funds)
    return names


def _faces(data: Dataset, report: Report) -> Iterator[Finding]:
    """Characters the dataset's 公文 faces cannot print (the gb2312 preset covers 6,763 汉字)."""
    documents = [*data.files.values(), *data.projects]
    texts = (
        (doc.name, doc.line(*path), format_path(path), text)
        for doc in documents
        for path, text in _all_texts(doc.content, ())
    )
    yield from gb2312_findings(texts, report.style.fonts)


def _punctuation(data: Dataset) -> Iterator[Finding]:
    documents = [d for n, d in data.files.items() if n != "scoring.yaml"] + list(data.projects)
    for doc in documents:
        for path, text in _all_texts(doc.content, ()):
            for problem in punctuation_problems(text):
                yield warning(doc.name, doc.line(*path), format_path(path), problem, "punctuation")


def _prose(data: Dataset, report: Report) -> Iterator[Finding]:
    yield from _references(data, report)
    yield from _punctuation(data)
    yield from _faces(data, report)
    pool = figure_pool(data, report)
    documents = [d for n, d in data.files.items() if n != "scoring.yaml"] + list(data.projects)
    for doc in documents:
        for path, text in _texts(doc.content, ()):
            for value, unit in amounts_in(text):
                if value not in pool.get(unit, set()):
                    best = nearest(value, pool.get(unit, set()))
                    hint = f"，最接近的数据为 {wan(best)}{unit}" if best is not None else ""
                    yield warning(
                        doc.name,
                        doc.line(*path),
                        format_path(path),
                        f"文字中的金额 {value}{unit} 与数据中的任何数字都不符{hint}",
                        "prose",
                    )


def _references(data: Dataset, report: Report) -> Iterator[Finding]:
    """{{ 名称 }} in a text must name a figure the text may quote."""
    for doc in [*data.files.values(), *data.projects]:
        names = _names_for(data, report, doc)
        for path, text in _texts(doc.content, ()):
            for name in unknown(text, names):
                yield error(
                    doc.name,
                    doc.line(*path),
                    format_path(path),
                    f"文字引用了未知的数字“{{{{ {name} }}}}”；可引用：{'、'.join(names)}",
                    "prose",
                )


def _strings(node, path: tuple) -> list[tuple[tuple, str]]:
    """Every text of a nested structure, with its path, in document order (a walk with a stack
    of its own: nested generators cost more than the walk on a thousand project files)."""
    found = []
    stack = [(node, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict):
            stack.extend(reversed([(value, (*where, key)) for key, value in item.items()]))
        elif isinstance(item, list):
            stack.extend(reversed([(value, (*where, i)) for i, value in enumerate(item)]))
        elif isinstance(item, str):
            found.append((where, item))
    return found


def _texts(node, path: tuple) -> Iterator[tuple[tuple, str]]:
    """The prose: texts longer than a figure, not a target or actual value."""
    for where, text in _strings(node, path):
        if len(text) > 8 and where and where[-1] not in ("target", "actual"):
            yield where, text


def _all_texts(node, path: tuple) -> Iterator[tuple[tuple, str]]:
    """Every text, except an indicator's target and actual (figures with units)."""
    for where, text in _strings(node, path):
        if not (len(where) > 2 and where[-3] == "indicators"):
            yield where, text


def _copies(data: Dataset, report: Report) -> Iterator[Finding]:
    """The same paragraph written for two different projects."""
    seen: dict[str, tuple[str, str]] = {}
    for doc, project in zip(data.projects, report.projects, strict=True):
        texts = [
            (("goal", "target"), project.goal_target),
            (("goal", "actual"), project.goal_actual),
        ]
        texts += [
            (("letter", k), v) for k, v in (project.letter or {}).items() if isinstance(v, str)
        ]
        for path, text in texts:
            if len(text) < 20:
                continue
            if text in seen and seen[text][0] != project.name:
                other, where = seen[text]
                yield warning(
                    doc.name,
                    doc.line(*path),
                    format_path(path),
                    f"这段文字与项目“{other}”的{where}完全相同，请确认没有复制错",
                    "lint",
                )
            else:
                seen.setdefault(text, (project.name, format_path(path)))
