"""`generator import STATEMENTS DATA_DIR`: the statements' facts written into finance.yaml.

Nothing is written unless every required table was found and every amount cell read; the
report lists the tables and rows read, what is missing, each cell that could not be read and
each cross-table identity that fails.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from generator.errors import GeneratorError, UsageError
from generator.statements.amounts import plain
from generator.statements.checks import Identity, identities
from generator.statements.grid import SpreadsheetError
from generator.statements.identify import NAMES, REQUIRED
from generator.statements.statements import (
    Statements,
    finance_facts,
    list_columns,
    read_statements,
    table_name,
)
from generator.statements.yamlfile import HEADER, LISTS, Merger, as_decimal, dump, load

ZERO = Decimal(0)


class ImportFailed(GeneratorError):
    """The statements cannot be imported; the report says why. Nothing was written."""

    def __init__(self, report: list[str]):
        super().__init__("\n".join(report))
        self.report = report


@dataclass
class Outcome:
    statements: Statements
    facts: dict[str, Any]
    checks: list[Identity]
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: bool = False
    target: Path | None = None


def year_and_unit(data_dir: Path) -> tuple[int, str]:
    path = data_dir / "year.yaml"
    if not data_dir.is_dir():
        raise UsageError(f"找不到数据文件夹：{data_dir}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return int(data["year"]), str(data.get("unit", "万元"))
    except (OSError, KeyError, TypeError, ValueError, yaml.YAMLError) as exc:
        raise UsageError(f"无法从 {path} 读出年度和单位（year、unit）：{exc}") from exc


def import_statements(source: Path, data_dir: Path, progress=None) -> Outcome:
    """Read, check and write. Raises ImportFailed (nothing written) on bad input."""
    year, unit = year_and_unit(data_dir)
    try:
        st = read_statements(source, year, unit, progress)
    except SpreadsheetError as exc:
        raise ImportFailed([f"错误：{exc}"]) from exc
    facts = finance_facts(st)
    outcome = Outcome(st, facts, identities(st, facts) if not st.failed else [])
    if st.failed:
        raise ImportFailed(report(outcome))
    outcome.notes += _mismatches(st, data_dir, year)
    _update_file(outcome, data_dir / "finance.yaml")
    return outcome


def _update_file(outcome: Outcome, target: Path) -> None:
    """The facts merged into finance.yaml; the file is rewritten only when something changed."""
    old = target.read_text(encoding="utf-8") if target.exists() else ""
    doc = load(old)
    merger = Merger(doc)
    outcome.notes += apply(merger, outcome.statements, outcome.facts)
    outcome.changes = merger.changes
    outcome.target = target
    text = old if old and not merger.changes else dump(doc)
    if not old:
        text = HEADER + text
    if text != old:
        _write(target, text)
        outcome.written = True


def _mismatches(st: Statements, data_dir: Path, year: int) -> list[str]:
    """The statements' year and 编制单位 against the data folder's (warnings, not errors)."""
    notes = []
    other = sorted(y for y in st.years if y != year)
    if other:
        notes.append(
            f"报表标明的年度为 {'、'.join(map(str, other))} 年度，数据文件夹为 {year} 年度"
        )
    try:
        name = (
            yaml.safe_load((data_dir / "department.yaml").read_text(encoding="utf-8")) or {}
        ).get("name")
    except (OSError, yaml.YAMLError, AttributeError):
        name = None
    if name and st.organisation and st.organisation != name:
        notes.append(f"报表的编制单位为“{st.organisation}”，department.yaml 为“{name}”")
    return notes


def _write(target: Path, text: str) -> None:
    """Written beside the target and renamed over it: never half a file. The mode is kept."""
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=".finance-", suffix=".yaml", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def apply(m: Merger, st: Statements, facts: dict[str, Any]) -> list[str]:
    """Every imported fact into the document; returns notes on what needs a hand."""
    notes: list[str] = []
    if "income" in facts:
        m.mapping(m.section("income"), facts["income"], "income")
    m.scalars(facts)
    columns = list_columns(st)
    for key in LISTS:
        if key in facts:
            m.rows(key, facts[key], columns[key])
    if "fiscal_balances" in facts:
        balances = m.section("fiscal_balances")
        for side in ("opening", "closing"):
            m.mapping(
                m.child(balances, side, flow=True),
                facts["fiscal_balances"][side],
                f"fiscal_balances.{side}",
            )
    if "basic_by_economic" in facts:
        _economic(m, facts["basic_by_economic"])
    if 7 in st.tables:
        notes += _three_public(m, facts["three_public"], st.tables[7].printed)
    return notes


def _economic(m: Merger, facts: dict[str, Any]) -> None:
    section = m.section("basic_by_economic")
    sub = Merger(section)
    sub.rows("items", facts["items"], ("amount",))
    m.changes += [f"basic_by_economic.{c}" for c in sub.changes]
    if "reported" in facts:
        m.mapping(
            m.child(section, "reported", flow=True), facts["reported"], "basic_by_economic.reported"
        )


def _three_public(m: Merger, facts: dict[str, Any], printed: dict[str, Decimal]) -> list[str]:
    section = m.section("three_public")
    m.mapping(m.child(section, "budget", flow=True), facts["budget"], "three_public.budget")
    m.mapping(m.child(section, "actual", flow=True), facts["actual"], "three_public.actual")
    notes = []
    if "actual.vehicle_purchase" in printed:
        notes += _vehicles(m, section, printed["actual.vehicle_purchase"])
    if "actual.reception" in printed:
        notes += _reception(m, section, printed)
    return notes


def _vehicles(m: Merger, section: Any, purchase: Decimal) -> list[str]:
    bought = section.get("vehicles_bought") or {}
    amounts = [as_decimal(v.get("amount")) for v in bought.values()]
    total = sum((a or ZERO for a in amounts), ZERO)
    if total == purchase and None not in amounts:
        return []
    if purchase == ZERO:
        for name, entry in bought.items():
            m.mapping(entry, {"count": Decimal(0), "amount": ZERO}, f"vehicles_bought.{name}")
        return []
    return [
        f"公务用车购置费决算数 {plain(purchase)} 与 three_public.vehicles_bought 合计 "
        f"{plain(total)} 不符：决算报表没有按车型的明细，请在 finance.yaml 中按车型填写数量和金额"
    ]


def _reception(m: Merger, section: Any, printed: dict[str, Decimal]) -> list[str]:
    reception = m.child(section, "reception")
    domestic = _reception_entry(m, reception, "domestic")
    foreign = _reception_entry(m, reception, "foreign")
    total = printed["actual.reception"]
    if "actual.reception_domestic" in printed:
        m.set(domestic, "amount", printed["actual.reception_domestic"], "reception.domestic.amount")
        m.set(
            foreign,
            "amount",
            printed.get("actual.reception_foreign", ZERO),
            "reception.foreign.amount",
        )
        return []
    known = [as_decimal(domestic.get("amount")), as_decimal(foreign.get("amount"))]
    if None not in known and sum(known, ZERO) == total:
        return []
    rest = total - (known[1] or ZERO)
    if rest < ZERO:
        m.set(foreign, "amount", ZERO, "reception.foreign.amount")
        rest = total
    m.set(domestic, "amount", rest, "reception.domestic.amount")
    return [
        f"公务接待费决算数为 {plain(total)}：已记入国内接待，请核对国内、外事接待的批次、人数和金额"
    ]


def _reception_entry(m: Merger, reception: Any, key: str) -> Any:
    """An entry of 接待费; a new one gets its 批次 and 人数 as to be filled (null)."""
    if key in reception:
        return reception[key]
    entry = m.child(reception, key, flow=True)
    if key == "domestic":
        entry.update({"batches": None, "persons": None, "amount": ZERO})
    else:
        entry.update({"batches": 0, "persons": 0, "amount": ZERO})
    return entry


def report(o: Outcome) -> list[str]:
    """The Chinese report: tables read, missing, unreadable cells, failed identities."""
    st = o.statements
    lines = [f"读取 {st.path}："]
    for n in sorted(st.tables):
        t = st.tables[n]
        lines.append(
            f"  {table_name(n)}：工作表“{t.sheet}”（按{t.how}识别，单位：{t.unit}），"
            f"读取 {t.rows} 行"
        )
        lines += [f"    提示：{note}" for note in t.notes]
    for n in st.missing:
        need = "必需，" if n in REQUIRED else ""
        lines.append(f"  缺少 表{n} {NAMES[n]}（{need}未找到对应的工作表）")
    if st.skipped:
        lines.append(f"  未识别的工作表（已跳过）：{'、'.join(st.skipped)}")
    lines += [f"  错误：{e}" for e in st.errors]
    if st.problems:
        lines.append(f"无法读取的单元格（{len(st.problems)} 个）：")
        lines += [f"  {p.format()}" for p in st.problems]
    failed = [c for c in o.checks if not c.holds]
    if o.checks:
        lines.append(f"表间勾稽关系：检查 {len(o.checks)} 项，{len(failed)} 项不符")
        lines += [f"  不符：{c.format()}" for c in failed]
    lines += [f"请注意：{n}" for n in o.notes]
    return lines


def run(source: Path, data_dir: Path) -> int:
    """The command: print the report; exit 1 with nothing written on bad input."""
    tty = sys.stderr.isatty()

    def progress(message: str) -> None:
        if tty:
            print(f"… {message}", file=sys.stderr)

    try:
        outcome = import_statements(source, data_dir, progress)
    except ImportFailed as exc:
        print("\n".join(exc.report), flush=True)
        print("导入失败：报表有上述问题，未写入任何文件。", file=sys.stderr)
        return 1
    print("\n".join(report(outcome)))
    if outcome.written:
        print(f"已写入 {outcome.target}（{len(outcome.changes)} 处变化）：")
        print("\n".join(f"  {c}" for c in outcome.changes))
    else:
        print(f"{outcome.target} 已与报表一致，未作改动。")
    return 0
