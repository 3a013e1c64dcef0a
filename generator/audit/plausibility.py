"""Plausibility of the facts that validation alone cannot judge: scores within their points,
budgets not negative, execution rates, the year, duplicate projects, unread files, level names,
and a `-0` typed for a figure. Each is a finding naming the place and the limit."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from generator.findings import Finding, error, format_path, warning
from generator.model.report import Report
from generator.present.numbers import pct, score
from generator.read.dataset import DataFile, Dataset
from generator.read.loader import display_name

LEVEL1 = ("产出指标", "效益指标", "成本指标", "满意度指标", "效果指标", "管理指标", "过程指标")
LEVEL2 = (
    "数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标",
    "生态效益指标", "可持续影响指标", "可持续发展指标", "经济成本指标", "社会成本指标",
    "生态环境成本指标", "服务对象满意度指标", "满意度指标", "效果指标",
)  # fmt: skip
OVER = Decimal("1")  # execution above 100%: a warning
FAR_OVER = Decimal("1.5")  # above 150%: an error


def audit_plausibility(data: Dataset, report: Report) -> Iterator[Finding]:
    yield from _year(data)
    yield from _projects(data, report)
    yield from _scores(data, report)
    yield from _unread(data)
    yield from _negative_zero(data)


def _at(doc: DataFile, path: tuple, message: str, level: str = "error") -> Finding:
    make = error if level == "error" else warning
    return make(doc.name, doc.line(*path), format_path(path), message, "plausibility")


def _year(data: Dataset) -> Iterator[Finding]:
    doc = data.doc("year.yaml")
    year, previous = doc.content["year"], doc.content["previous_year"]
    if previous != year - 1:
        yield _at(doc, ("previous_year",), f"上年应为 {year - 1}，实际为 {previous}")


def _projects(data: Dataset, report: Report) -> Iterator[Finding]:
    seen: dict[str, str] = {}
    for doc, project in zip(data.projects, report.projects, strict=True):
        if project.name in seen:
            yield _at(doc, ("name",), f"项目名称与 {seen[project.name]} 重复：{project.name}")
        seen.setdefault(project.name, doc.name)
        yield from _funds(doc, project)
        yield from _levels(doc, doc.content.get("indicators") or [])
    if report.evaluation is None:
        for doc in data.projects:
            if doc.content.get("letter"):
                yield _at(
                    doc,
                    ("letter",),
                    "该项目写了自评报告的函，但数据中没有 self_evaluation.yaml 和 scoring.yaml，"
                    "不生成其自评报告",
                    "warning",
                )
        return
    ev = data.doc("self_evaluation.yaml")
    yield from _levels(ev, ev.content.get("indicators") or [])
    yield from _rate(ev, ("budget", "executed"), report.evaluation.funds.execution.rate, "部门整体")


def _funds(doc: DataFile, project) -> Iterator[Finding]:  # noqa: ANN001 - derive_projects.Project
    funds = project.funds
    if funds.budget < 0:
        yield _at(doc, ("funds",), f"全年预算（年初预算+调整）为负数：{funds.budget}")
    yield from _rate(doc, ("funds",), funds.execution.rate, f"项目“{project.name}”")


def _rate(doc: DataFile, path: tuple, rate: Decimal | None, who: str) -> Iterator[Finding]:
    if rate is None or rate <= OVER:
        return
    level = "error" if rate > FAR_OVER else "warning"
    limit = "150%" if level == "error" else "100%"
    yield _at(doc, path, f"{who}执行率 {pct(rate, 2)} 超过 {limit}，请核对执行数与预算数", level)


def _levels(doc: DataFile, indicators: list) -> Iterator[Finding]:
    for i, ind in enumerate(indicators):
        for key, known in (("level1", LEVEL1), ("level2", LEVEL2)):
            value = ind.get(key) or ""
            if value and value not in known:
                yield _at(
                    doc,
                    ("indicators", i, key),
                    f"指标级别“{value}”不是常用名称（{'、'.join(known)}），请确认",
                    "warning",
                )


def _scores(data: Dataset, report: Report) -> Iterator[Finding]:
    if report.evaluation is None:
        return
    tables = [(data.doc("self_evaluation.yaml"), ("scores",), report.evaluation.scores)]
    for letter in report.letters:
        doc = data.projects[letter.project.index - 1]
        tables.append((doc, ("letter", "scores"), letter.scores))
    for doc, path, table in tables:
        for row in table.rows:
            if row.score is not None and row.score > row.points:
                yield _at(
                    doc,
                    (*path, row.key),
                    f"得分 {score(row.score)} 超过该项分值 {score(row.points)}",
                )


def _unread(data: Dataset) -> Iterator[Finding]:
    """Files in projects/ that are not read (another extension), and .yaml/.yml twins."""
    folder = data.root / "projects"
    if not folder.is_dir():
        return
    stems: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        name = display_name(path)
        if path.name.startswith("."):
            continue
        if path.suffix not in (".yaml", ".yml"):
            yield warning(name, 0, "", "该文件不是 .yaml，未被读取（项目文件应以 .yaml 结尾）",
                          "plausibility")  # fmt: skip
            continue
        if path.stem in stems:
            yield error(name, 0, "", f"与 {stems[path.stem].name} 是同一个项目的两份文件",
                        "plausibility")  # fmt: skip
        stems.setdefault(path.stem, path)


def _negative_zero(data: Dataset) -> Iterator[Finding]:
    for doc in [*data.files.values(), *data.projects]:
        yield from _walk(doc, doc.content, ())


def _walk(doc: DataFile, node, path: tuple) -> Iterator[Finding]:  # noqa: ANN001
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(doc, v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(doc, v, (*path, i))
    elif isinstance(node, Decimal) and node.is_zero() and node.is_signed():
        yield _at(doc, path, "金额写成了 -0，请写 0", "warning")
