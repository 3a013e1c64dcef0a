"""derive_report: one immutable model holding every figure any document prints."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.model import catalogue as refdata
from generator.model.figures import Change, freeze
from generator.model.finance import Finance, derive_finance
from generator.model.projects import (
    FundRow,
    Funds,
    Indicator,
    Project,
    derive_funds,
    derive_indicator,
    derive_project,
)
from generator.model.quotes import fill_all, finance_names, funds_names, printed
from generator.model.scoring import ScoreTable, Subject, score_table
from generator.present.style import Style, read_style
from generator.read.dataset import Dataset


@dataclass(frozen=True)
class Department:
    name: str
    region: str
    plain_name: str
    short_name: str
    self_name: str
    budget_level: str
    duties_preamble: str
    duties: tuple[str, ...]
    key_work: tuple[Mapping[str, Any], ...]
    budget_units: tuple[Mapping[str, str], ...]
    units_in_scope: tuple[str, ...]
    subordinate_units: tuple[Mapping[str, str], ...]
    managed_units: tuple[str, ...]
    authorized: tuple[tuple[str, int], ...]
    actual_staff: tuple[tuple[str, int], ...]
    funding: str

    def budget_unit_count(self, kind: str | None = None) -> int:
        return sum(1 for u in self.budget_units if kind is None or u["type"] == kind)

    def subordinates(self, kind: str | None = None) -> tuple[dict[str, str], ...]:
        return tuple(u for u in self.subordinate_units if kind is None or u["type"] == kind)

    @property
    def authorized_total(self) -> int:
        return sum(n for _, n in self.authorized)

    @property
    def actual_total(self) -> int:
        return sum(n for _, n in self.actual_staff)


@dataclass(frozen=True)
class ProjectLetter:
    """A project's 自评报告的函 with its 评分表."""

    project: Project
    subject: str
    texts: Mapping[str, str]
    scores: ScoreTable
    arrived: Decimal  # 到位资金 (the 全年预算 unless the letter says otherwise)

    @property
    def arrival_rate(self) -> Decimal | None:
        """到位率 = 到位资金 / 全年预算."""
        from generator.present.numbers import ratio

        return ratio(self.arrived, self.project.funds.budget)

    @property
    def fully_arrived(self) -> bool:
        return self.arrived == self.project.funds.budget

    @property
    def funds(self) -> Funds:
        return self.project.funds


@dataclass(frozen=True)
class DepartmentEvaluation:
    """The department-wide self-evaluation: letter facts, 目标自评表 and 评分表."""

    funds: Funds
    rows: tuple[FundRow, ...]
    budget_change: Change
    spending_budget: Decimal
    spending_stock: Decimal
    spending_change: Change
    carryover: Decimal
    goal_target: str
    goal_actual: str
    indicators: tuple[Indicator, ...]
    scores: ScoreTable
    texts: Mapping[str, Any]
    framework_title: str
    framework_note: str


@dataclass(frozen=True)
class Report:
    year: int
    previous_year: int
    unit: str
    department: Department
    finance: Finance
    projects: tuple[Project, ...]
    letters: tuple[ProjectLetter, ...]
    evaluation: DepartmentEvaluation | None  # None: the year has no self-evaluation
    highlight: tuple[str, ...]
    glossary: tuple[tuple[str, str], ...]
    score_title_suffix: str
    style: Style

    @property
    def pre_assessed_count(self) -> int:
        return sum(p.pre_assessed for p in self.projects)

    @property
    def goal_count(self) -> int:
        return sum(1 for p in self.projects if p.indicators)

    @property
    def monitored_count(self) -> int:
        return sum(p.monitored for p in self.projects)


def derive_report(data: Dataset) -> Report:
    year = data["year.yaml"]
    finance = derive_finance(data["finance.yaml"], year["year"])
    style = read_style(year)
    shared = printed(finance_names(finance), style.amount)
    projects = tuple(
        derive_project(i + 1, doc.name, doc.content, shared, style.amount)
        for i, doc in enumerate(data.projects)
    )
    scoring = data.get("scoring.yaml")
    evaluation_raw = data.get("self_evaluation.yaml")
    performance = data.get("performance.yaml") or {"highlight": []}
    with_letters = scoring is not None and evaluation_raw is not None
    return Report(
        year=year["year"],
        previous_year=year["previous_year"],
        unit=year["unit"],
        department=_department(data["department.yaml"]),
        finance=finance,
        projects=projects,
        letters=tuple(
            _letter(p, scoring["project"], evaluation_raw)
            for p in projects
            if p.letter and with_letters
        ),
        evaluation=_evaluation(evaluation_raw, scoring["department"], finance, projects, style)
        if with_letters
        else None,
        highlight=tuple(performance["highlight"]),
        glossary=_glossary(finance),
        score_title_suffix=(scoring["project"]["title_suffix"] if scoring else "") or "自评评分表",
        style=style,
    )


def _department(raw: dict[str, Any]) -> Department:
    staffing = raw["staffing"]
    return Department(
        name=raw["name"],
        region=raw["region"],
        plain_name=raw["plain_name"],
        short_name=raw["short_name"],
        self_name=raw["self_name"],
        budget_level=raw["budget_level"],
        duties_preamble=raw["duties"]["preamble"],
        duties=tuple(raw["duties"]["items"]),
        key_work=freeze(raw["key_work"]),
        budget_units=freeze(raw["budget_units"]),
        units_in_scope=tuple(raw["units_in_scope"]),
        subordinate_units=freeze(raw["subordinate_units"]),
        managed_units=tuple(raw["managed_units"]),
        authorized=tuple(staffing["authorized"].items()),
        actual_staff=tuple(staffing["actual"].items()),
        funding=staffing["funding"],
    )


def _letter(
    project: Project, framework: dict[str, Any], evaluation: dict[str, Any]
) -> ProjectLetter:
    raw = project.letter or {}
    subject = Subject(project.indicators, project.execution)
    wording = dict(evaluation.get("letter_wording") or {})
    own = {k: v for k, v in raw.items() if k not in ("subject", "scores", "arrived")}
    texts = freeze({**wording, **{k: v for k, v in own.items() if v or k not in wording}})
    scores = score_table(framework, raw["scores"], subject)
    arrived = raw.get("arrived")
    budget = project.funds.budget
    return ProjectLetter(
        project, raw["subject"], texts, scores, budget if arrived is None else arrived
    )


def _evaluation(
    raw: dict[str, Any],
    framework: dict[str, Any],
    finance: Finance,
    projects: tuple[Project, ...],
    style: Style,
) -> DepartmentEvaluation:
    budget = {k: raw["budget"][k] for k in ("initial", "adjustment", "executed")}
    funds, rows = derive_funds({"general_budget": budget})
    names = printed({**finance_names(finance), **funds_names(funds)}, style.amount)
    raw = fill_all(raw, names)
    indicators = tuple(derive_indicator(i, names) for i in raw["indicators"])
    subject = Subject(indicators, funds.execution, projects)
    spending = raw["spending"]
    spent = spending["from_budget"] + spending["from_stock"]
    return DepartmentEvaluation(
        funds=funds,
        rows=rows,
        budget_change=Change(funds.budget, raw["budget"]["previous"]),
        spending_budget=spending["from_budget"],
        spending_stock=spending["from_stock"],
        spending_change=Change(spent, spending["previous_total"]),
        carryover=raw["carryover"],
        goal_target=raw["goal"]["target"],
        goal_actual=raw["goal"]["actual"],
        indicators=indicators,
        scores=score_table(framework, raw["scores"], subject),
        texts=freeze(raw),
        framework_title=framework["title"],
        framework_note=framework["note"],
    )


def _glossary(finance: Finance) -> tuple[tuple[str, str], ...]:
    """名词解释: the fixed terms, then each 功能分类 项 the year uses that has a definition (the
    data's own, else the package's; the audit warns of one missing)."""
    ref = refdata.glossary()
    entries = [(e["term"], e["definition"]) for e in ref["before"]]
    for item in finance.glossary_items:
        text = item_definition(finance, item.code)
        if text:
            entries.append((item.title, text))
    entries += [(e["term"], e["definition"]) for e in ref["after"]]
    return tuple(entries)


def item_definition(finance: Finance, code: str) -> str | None:
    return finance.definitions.get(code) or refdata.functional_definition(code, finance.year)
