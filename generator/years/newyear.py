"""`generator new-year DATA_DIR NEW_DIR`: the next year's folder started from this one.

Years advance; every figure of this year moves into its previous-year field; this year's figures
are left as `~` (null: to be filled — `check` counts them, the preview shows 【待填】); texts are
kept with a `# 待复核` comment; projects keep their indicators and targets, their actuals cleared.
Balances carry over: this year's 年末结转和结余 is next year's 年初.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.tokens import CommentToken

from generator.errors import UsageError
from generator.statements.yamlfile import as_decimal, yaml_rt

ZERO = Decimal(0)
REVIEW = "待复核"
FIXED_TEXT_KEYS = {
    "code",
    "name",
    "level1",
    "level2",
    "level3",
    "key",
    "target",
    "subject",
    "kind",
    "unit",
    "self_reference",
    "assets_self_reference",
    "amounts",
    "fonts",
    "formula",
    "check",
    "region",
    "plain_name",
    "short_name",
    "self_name",
    "budget_level",
    "type",
}
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
MIN_TEXT = 8  # shorter strings are labels, not texts to review


@dataclass
class Plan:
    """What new-year did: the fields left to fill (null) and the texts marked for review."""

    nulls: list[str] = field(default_factory=list)
    reviews: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)


def _yaml():
    y = yaml_rt()
    y.representer.add_representer(
        type(None), lambda r, _v: r.represent_scalar("tag:yaml.org,2002:null", "~")
    )
    y.representer.ignore_aliases = lambda _data: True  # equal figures are not one object
    return y


def dec(value: Any) -> Decimal:
    return as_decimal(value) or ZERO


def blank(mapping: Any, key: Any, plan: Plan, where: str) -> None:
    """The figure at `key` set to null (to be filled)."""
    if key in mapping and mapping[key] is not None:
        mapping[key] = None
        plan.nulls.append(where)


def blank_all(mapping: Any, plan: Plan, where: str) -> None:
    """Every number below `mapping` set to null."""
    items = mapping.items() if isinstance(mapping, dict) else enumerate(mapping)
    for key, value in list(items):
        path = f"{where}.{key}" if isinstance(mapping, dict) else f"{where}[{key}]"
        if isinstance(value, dict | list):
            blank_all(value, plan, path)
        elif _is_figure(value):
            blank(mapping, key, plan, path)


def _is_figure(value: Any) -> bool:
    """A number, or a number written in quotes."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float) or (isinstance(value, str) and bool(NUMBER.match(value)))


def mark(mapping: Any, key: Any, plan: Plan, where: str) -> None:
    """A `# 待复核` comment beside the text (ahead of any comment already there)."""
    ca = mapping.ca.items.get(key)
    token = ca[2] if isinstance(mapping, CommentedMap) and ca and len(ca) > 2 else None
    if isinstance(mapping, CommentedSeq) and ca:
        token = ca[0] if ca and isinstance(ca[0], CommentToken) else None
    if token is not None and REVIEW not in token.value:
        if token.value.startswith("#"):  # an end-of-line comment (and the lines after it)
            token.value = f"# {REVIEW}；{token.value.lstrip('#').lstrip()}"
        else:  # only the blank and comment lines that follow
            token.value = f" # {REVIEW}{token.value}"
    elif token is None:
        mapping.yaml_add_eol_comment(REVIEW, key)
    plan.reviews.append(where)


def mark_texts(node: Any, plan: Plan, where: str, keys: set[str] | None = None) -> None:
    """Every free text below `node` marked for review (labels and codes left alone)."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in list(items):
        path = f"{where}.{key}" if isinstance(node, dict) else f"{where}[{key}]"
        if isinstance(value, dict | list):
            mark_texts(value, plan, path, keys)
        elif isinstance(value, str) and len(value) >= MIN_TEXT:
            if isinstance(key, str) and (key in FIXED_TEXT_KEYS or (keys and key not in keys)):
                continue
            if isinstance(node, dict) and getattr(node.fa, "flow_style", lambda: False)():
                continue
            mark(node, key, plan, path)


SPENDING = ("basic", "project", "to_superior", "operating", "to_subordinate")
LISTS = ("income_by_function", "expenditure_by_function", "general_budget_by_function")
FUND_LISTS = ("government_funds_by_function", "state_capital_by_function")


def _items(rows: Any) -> list[Any]:
    return [r for r in rows or [] if isinstance(r, dict) and len(str(r.get("code"))) == 7]


def _spent(rows: Any) -> Decimal:
    return sum((dec(r.get(c)) for r in _items(rows) for c in ("basic", "project")), ZERO)


def _fund_closing(row: Any) -> Decimal:
    if row.get("closing") is not None:
        return dec(row["closing"])
    return (
        dec(row.get("opening"))
        + dec(row.get("income"))
        - dec(row.get("basic"))
        - dec(row.get("project"))
    )


def previous_figures(f: Any) -> dict[str, Decimal]:
    """This year's figures that next year compares with (simple sums of the facts)."""
    income = sum((dec(v) for v in (f.get("income") or {}).values()), ZERO)
    spent = sum(
        (dec(r.get(c)) for r in _items(f.get("expenditure_by_function")) for c in SPENDING), ZERO
    )
    balances = f.get("fiscal_balances") or {}
    funds = ("general_budget", "government_funds", "state_capital")
    fiscal = sum((dec((f.get("income") or {}).get(k)) for k in funds), ZERO)
    fiscal += sum((dec((balances.get("opening") or {}).get(k)) for k in funds), ZERO)
    tp = f.get("three_public") or {}
    rec = tp.get("reception") or {}
    return {
        "income_total": income
        + dec(f.get("non_fiscal_surplus_used"))
        + dec(f.get("opening_balance")),
        "expenditure_total": spent
        + dec(f.get("surplus_distribution"))
        + dec(f.get("closing_balance")),
        "income": income,
        "expenditure": spent,
        "fiscal_total": fiscal,
        "general_budget": _spent(f.get("general_budget_by_function")),
        "government_funds": _spent(f.get("government_funds_by_function")),
        "state_capital": _spent(f.get("state_capital_by_function")),
        "three_public.abroad": dec((tp.get("actual") or {}).get("abroad")),
        "three_public.vehicle_purchase": sum(
            (dec(v.get("amount")) for v in (tp.get("vehicles_bought") or {}).values()), ZERO
        ),
        "three_public.vehicle_running": dec((tp.get("actual") or {}).get("vehicle_running")),
        "three_public.reception": dec((rec.get("domestic") or {}).get("amount"))
        + dec((rec.get("foreign") or {}).get("amount")),
        "operating_costs": dec(f.get("operating_costs")),
    }


def _set_previous(f: CommentedMap, figures: dict[str, Decimal], plan: Plan) -> None:
    prev = f.get("previous")
    if not isinstance(prev, CommentedMap):
        prev = CommentedMap()
        f["previous"] = prev
    for path, value in figures.items():
        target, key = prev, path
        if "." in path:
            head, key = path.split(".")
            target = prev.get(head)
            if not isinstance(target, CommentedMap):
                target = CommentedMap()
                target.fa.set_flow_style()
                prev[head] = target
        if key in target:
            target[key] = value
        else:
            target.insert(len(target), key, value)
        plan.moved.append(f"finance.yaml: previous.{path} = {value}")


def new_finance(f: CommentedMap, plan: Plan) -> None:
    _set_previous(f, previous_figures(f), plan)
    where = "finance.yaml"
    blank_all(f.get("income") or {}, plan, f"{where}: income")
    for key in ("non_fiscal_surplus_used", "surplus_distribution"):
        blank(f, key, plan, f"{where}: {key}")
    _carry(f, "opening_balance", dec(f.get("closing_balance")), plan)
    blank(f, "closing_balance", plan, f"{where}: closing_balance")
    for key in LISTS:
        _clear_rows(f, key, plan, where)
    _fund_rows(f, plan, where)
    balances = f.get("fiscal_balances")
    if isinstance(balances, dict) and isinstance(balances.get("closing"), dict):
        for k, v in balances["closing"].items():
            balances["opening"][k] = dec(v)
        blank_all(balances["closing"], plan, f"{where}: fiscal_balances.closing")
        mark(balances, "opening", plan, f"{where}: fiscal_balances.opening（上年年末数）")
    economic = f.get("basic_by_economic") or {}
    for item in economic.get("items") or []:
        blank(item, "amount", plan, f"{where}: basic_by_economic.items[{item.get('code')}]")
    economic.pop("reported", None)
    for key in ("three_public", "procurement", "assets"):
        if isinstance(f.get(key), dict | list):
            blank_all(f[key], plan, f"{where}: {key}")
    blank(f, "operating_costs", plan, f"{where}: operating_costs")
    for key in ("reasons", "three_public"):
        if isinstance(f.get(key), dict):
            mark_texts(f[key], plan, f"{where}: {key}")


def _carry(f: CommentedMap, key: str, value: Decimal, plan: Plan) -> None:
    if key in f:
        f[key] = value
        mark(f, key, plan, f"finance.yaml: {key}（上年年末数）")


def _clear_rows(f: CommentedMap, key: str, plan: Plan, where: str) -> None:
    rows = f.get(key)
    if not isinstance(rows, list):
        return
    for i in reversed(range(len(rows))):
        if len(str(rows[i].get("code"))) != 7:
            del rows[i]  # 类 rows as printed: this year's rounding
    for row in rows:
        for col in list(row):
            if col not in ("code", "name"):
                blank(row, col, plan, f"{where}: {key}[{row.get('code')}].{col}")


def _fund_rows(f: CommentedMap, plan: Plan, where: str) -> None:
    for key in FUND_LISTS:
        rows = f.get(key)
        if not isinstance(rows, list):
            continue
        for row in _items(rows):
            closing = _fund_closing(row)
            for col in list(row):
                if col not in ("code", "name"):
                    blank(row, col, plan, f"{where}: {key}[{row.get('code')}].{col}")
            row["opening"] = closing
        for i in reversed(range(len(rows))):
            if len(str(rows[i].get("code"))) != 7:
                del rows[i]


def new_self_evaluation(s: CommentedMap, plan: Plan) -> None:
    where = "self_evaluation.yaml"
    budget = s.get("budget") or {}
    if budget:
        budget["previous"] = dec(budget.get("initial")) + dec(budget.get("adjustment"))
        plan.moved.append(f"{where}: budget.previous = {budget['previous']}")
        for key in ("initial", "adjustment", "executed"):
            blank(budget, key, plan, f"{where}: budget.{key}")
    spending = s.get("spending") or {}
    if spending:
        spending["previous_total"] = dec(spending.get("from_budget")) + dec(
            spending.get("from_stock")
        )
        plan.moved.append(f"{where}: spending.previous_total = {spending['previous_total']}")
        for key in ("from_budget", "from_stock"):
            blank(spending, key, plan, f"{where}: spending.{key}")
    blank(s, "carryover", plan, f"{where}: carryover")
    notice = s.get("notice") or {}
    if "campaign_year" in notice:
        notice["campaign_year"] = int(notice["campaign_year"]) + 1
    clear_results(s, plan, where)
    mark_texts(s, plan, where)


def clear_results(doc: CommentedMap, plan: Plan, where: str) -> None:
    """Actuals, deviations and self-assessed scores cleared; goals and targets kept."""
    goal = doc.get("goal") or {}
    blank(goal, "actual", plan, f"{where}: goal.actual")
    for i, indicator in enumerate(doc.get("indicators") or []):
        blank(
            indicator, "actual", plan, f"{where}: indicators[{i}].actual（{indicator.get('name')}）"
        )
        indicator.pop("deviation", None)
    for holder in (doc, doc.get("letter") or {}):
        scores = holder.get("scores")
        if isinstance(scores, dict):
            for key in list(scores):
                blank(scores, key, plan, f"{where}: scores.{key}")


def new_project(p: CommentedMap, plan: Plan, where: str) -> None:
    for source, fund in (p.get("funds") or {}).items():
        for key in ("initial", "adjustment", "executed"):
            blank(fund, key, plan, f"{where}: funds.{source}.{key}")
    clear_results(p, plan, where)
    if isinstance(p.get("letter"), dict):
        mark_texts(p["letter"], plan, f"{where}: letter")


def new_year_yaml(y: CommentedMap) -> None:
    for key in ("year", "previous_year"):
        if key in y:
            y[key] = int(y[key]) + 1


def transform(name: str, doc: CommentedMap, plan: Plan) -> None:
    if name == "year.yaml":
        new_year_yaml(doc)
    elif name == "finance.yaml":
        new_finance(doc, plan)
    elif name == "self_evaluation.yaml":
        new_self_evaluation(doc, plan)
    elif name.startswith("projects/"):
        new_project(doc, plan, name)
    elif name == "scoring.yaml":
        mark_texts(doc, plan, name, keys={"title", "title_suffix"})
    elif name in ("department.yaml", "performance.yaml"):
        mark_texts(doc, plan, name)


def new_year(src: Path, dst: Path) -> Plan:
    """Write the next year's folder at `dst` (which must not exist or be empty)."""
    if not (src / "year.yaml").is_file():
        raise UsageError(f"{src} 不是年度数据文件夹（没有 year.yaml）")
    if dst.exists() and (not dst.is_dir() or any(dst.iterdir())):
        raise UsageError(f"{dst} 已存在且不为空：请指定一个新的文件夹，不会覆盖已有数据")
    plan = Plan()
    dst.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dst.name}-", dir=dst.parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # a folder like any other, not mkdtemp's private one
    try:
        _write_all(src, staging, plan)
        if dst.exists():
            dst.rmdir()
        os.replace(staging, dst)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return plan


def _write_all(src: Path, out: Path, plan: Plan) -> None:
    y = _yaml()
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src).as_posix()
        target = out / rel
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix not in (".yaml", ".yml"):
            shutil.copy2(path, target)
            continue
        doc = y.load(path.read_text(encoding="utf-8"))
        if isinstance(doc, CommentedMap):
            transform(rel, doc, plan)
        buffer = io.StringIO()
        y.dump(doc, buffer)
        target.write_text(buffer.getvalue(), encoding="utf-8")


def run(src: Path, dst: Path) -> int:
    plan = new_year(src, dst)
    year = _yaml().load((dst / "year.yaml").read_text(encoding="utf-8")).get("year")
    by_file: dict[str, int] = {}
    for where in plan.nulls:
        name = where.split(":")[0]
        by_file[name] = by_file.get(name, 0) + 1
    print(f"已创建 {dst}（{year}年度）。")
    print(f"上年数已填入 {len(plan.moved)} 项：")
    print("\n".join(f"  {m}" for m in plan.moved))
    print(f"待填 {len(plan.nulls)} 项（写为 ~）：")
    print("\n".join(f"  {name}：{n} 项" for name, n in by_file.items()))
    print(f"待复核文字 {len(plan.reviews)} 段（标有 # 待复核）。")
    print(
        f"下一步：导入本年决算报表（python3 -m generator import 报表.xlsx {dst}），"
        f"再运行 python3 -m generator check {dst} 查看还需填写的内容。"
    )
    return 0
