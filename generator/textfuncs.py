"""Wording chosen from figures: the filters and functions templates call."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from generator import fmt
from generator.figures import Change, Execution, Share


def yoy(change: Change, places: int = 1, flat: str = "持平") -> str:
    """'增加158.44万元，增长21%' / '减少35.56万元，下降10.9%' / flat wording."""
    if change.direction == "flat":
        return flat
    head = f"{change.verb}{fmt.wan(change.size)}万元"
    if change.rate is None:
        return head
    return f"{head}，{change.trend}{fmt.pct(change.rate, places)}"


def moved(change: Change, flat: str = "持平") -> str:
    """'增加158.24万元' / '减少19.78万元' / flat wording — the amount without the rate."""
    if change.direction == "flat":
        return flat
    return f"{change.verb}{fmt.wan(change.size)}万元"


def with_pct(shares: list[Share] | tuple[Share, ...], places: int = 1) -> list[tuple[Share, str]]:
    """Each share with its percentage, the percentages adding up to 100%."""
    items = list(shares)
    return list(zip(items, fmt.pct_parts([s.share for s in items], places), strict=True))


def against_budget(execution: Execution) -> str:
    """How 决算 stands against 预算: 与预算数持平 / 小于预算数 / 大于预算数."""
    if execution.actual == execution.budget:
        return "与预算数持平"
    return "小于预算数" if execution.actual < execution.budget else "大于预算数"


def budget_sentence(item: Any, comma: str = "，") -> str:
    """'预算为9.4万元，支出决算为9.4万元，完成预算的100%。' or '预算为0万元，年初未安排预算。'."""
    if not item.budget and not item.actual:
        return f"预算为0万元{comma}年初未安排预算。"
    if not item.budget:
        return f"年初未安排预算，支出决算为{fmt.wan(item.actual)}万元。"
    rate = fmt.pct(item.execution.rate, 1)
    return (
        f"预算为{fmt.wan(item.budget)}万元，支出决算为{fmt.wan(item.actual)}万元，"
        f"完成预算的{rate}。"
    )


def duties(dept: Any) -> str:
    numbered = "".join(f"{i}．{text}" for i, text in enumerate(dept.duties, start=1))
    return dept.duties_preamble + numbered


def units_sentence(dept: Any) -> str:
    """（二）机构组成 of the department letter, from the list of subordinate units."""
    subs = dept.subordinates()
    if not subs:
        text = f"{dept.self_name}无下属二级单位。"
    else:
        text = f"{dept.self_name}下属二级单位 {len(subs)}个，其中："
        parts = []
        for kind, label in (
            ("行政单位", "行政单位"),
            ("参公事业单位", "参照公务员法管理的事业单位"),
            ("其他事业单位", "其他事业单位"),
        ):
            group = dept.subordinates(kind)
            if group:
                names = "、".join(u["name"] for u in group)
                parts.append(f"{label} {len(group)} 个，分别为{names}")
        text += "；".join(parts) + "。"
    if dept.managed_units:
        text += f"代管单位{'、'.join(dept.managed_units)}。"
    return text + f"以上单位均纳入{dept.self_name}预决算编制范围。"


def staff_sentence(dept: Any, year: int) -> str:
    auth = "，".join(f"{k}{n}人" for k, n in dept.authorized)
    actual = "，".join(f"{k}{n}人" for k, n in dept.actual_staff)
    tail = f"，{dept.funding}" if dept.funding else ""
    return (
        f"{dept.short_name}共有编制{dept.authorized_total}人，其中：{auth}。{year}年末实有"
        f"在职编制内人员{dept.actual_total}人，其中：{actual}{tail}。"
    )


def assets_sentence(fin: Any) -> str:
    cars = fin.three_public.vehicles_held_count
    big = fin.large_equipment
    if not cars and not big:
        return "本单位无公务用车辆和单价100万元（含）以上设备。"
    return f"本单位共有公务用车{cars}辆，单价100万元（含）以上设备{big}台（套）。"


def adjust_word(funds: Any) -> str:
    return "调减" if funds.adjustment < 0 else "追加"


def funds_source(funds: Any) -> str:
    return "预算追加" if not funds.initial else "年初预算及追加" if funds.adjustment else "年初预算"


def balance_words(execution: Execution) -> str:
    if not execution.balance:
        return "无结余"
    return f"结余{fmt.wan(execution.balance)}万元"


def fund(value: Decimal, blank_zero: bool) -> str:
    return "" if blank_zero and not value else fmt.wan(value)


def rate(funds: Any, blank_zero: bool) -> str:
    if blank_zero and not funds.budget:
        return ""
    return fmt.pct(funds.execution.rate, 2, keep_zeros=True, none="0")


def merged(items: Any, attr: str) -> list[tuple[Any, str]]:
    """Pair each item with 'restart' or 'continue' for a vertical merge on equal `attr`."""
    out: list[tuple[Any, str]] = []
    previous = object()
    for item in items:
        value = getattr(item, attr)
        out.append((item, "continue" if value == previous else "restart"))
        previous = value
    return out


FILTERS = {
    "wan": fmt.wan,
    "fixed": fmt.amount,
    "pct": fmt.pct,
    "score": fmt.score,
    "yoy": yoy,
    "moved": moved,
    "with_pct": with_pct,
    "merged": merged,
}
FUNCTIONS = {
    "cn": fmt.cn_number,
    "against_budget": against_budget,
    "budget_sentence": budget_sentence,
    "duties": duties,
    "units_sentence": units_sentence,
    "staff_sentence": staff_sentence,
    "assets_sentence": assets_sentence,
    "adjust_word": adjust_word,
    "funds_source": funds_source,
    "balance_words": balance_words,
    "fund": fund,
    "rate": rate,
}
