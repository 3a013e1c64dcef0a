"""Wording chosen from figures: the filters and functions templates call.

Every figure goes through the dataset's `Style` (the `style` of the render context): the
templates say which figure it is (`|yoy('total')`), never how many decimals it has.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from jinja2 import pass_context

from generator.model.figures import Change, Execution, Share
from generator.present import numbers as fmt
from generator.present.style import Style


def _style(ctx: Any) -> Style:
    style = ctx.get("style")
    return style if isinstance(style, Style) else Style(amounts="trim")


@pass_context
def wan(ctx: Any, value: Decimal | None) -> str:
    """An amount in 万元 as the department prints it."""
    return _style(ctx).amount(value)


@pass_context
def pct(
    ctx: Any,
    value: Decimal | None,
    kind: str | int = "share",
    keep_zeros: bool = False,
    none: str = "0",
    place: str | None = None,
) -> str:
    """A ratio as a percentage: `|pct('execution')`, or an explicit precision (`|pct(2)`)."""
    if isinstance(kind, int):
        return fmt.pct(value, kind, keep_zeros=keep_zeros, none=none)
    return _style(ctx).pct(value, kind, place)


@pass_context
def yoy(ctx: Any, change: Change, place: str | None = None, flat: str = "持平") -> str:
    """'增加158.44万元，增长21%' / '减少35.56万元，下降10.9%' / flat wording."""
    return _style(ctx).yoy(change, place, flat)


@pass_context
def moved(ctx: Any, change: Change, flat: str = "持平") -> str:
    """'增加158.24万元' / '减少19.78万元' / flat wording — the amount without the rate."""
    return _style(ctx).moved(change, flat)


@pass_context
def with_pct(ctx: Any, shares: Any, place: str | None = None) -> list[tuple[Share, str]]:
    """Each share of one whole with its printed percentage."""
    return _style(ctx).parts(shares, place)


@pass_context
def lines(ctx: Any, shares: Any) -> list[Share]:
    """The kinds a sentence lists: all, or the non-zero ones, as the style says."""
    return _style(ctx).lines(shares)


@pass_context
def share_list(
    ctx: Any, shares: Any, pattern: str, sep: str = "；", end: str = "。", place: str | None = None
) -> str:
    """Parts of one whole, each printed by `pattern` ({label}, {amount}, {pct}), joined."""
    s = _style(ctx)
    parts = [
        pattern.format(label=x.label, amount=s.amount(x.amount), pct=p)
        for x, p in s.parts(shares, place)
    ]
    return sep.join(parts) + (end if parts else "")


@pass_context
def amount_list(ctx: Any, items: Any, pattern: str, sep: str = "、", end: str = "。") -> str:
    """Items with an amount, each printed by `pattern` ({label}, {amount}), joined."""
    s = _style(ctx)
    parts = [pattern.format(label=x.label, amount=s.amount(x.amount)) for x in items]
    return sep.join(parts) + (end if parts else "")


@pass_context
def completion(ctx: Any, execution: Execution, words: str = "完成全年预算的") -> str:
    """'完成全年预算的100%', or '未安排全年预算' where the budget is zero (never a rate of 0)."""
    if not execution.budget:
        return "未安排全年预算"
    return words + _style(ctx).pct(execution.rate, "execution")


def against_budget(execution: Execution) -> str:
    """How 决算 stands against 预算: 与预算数持平 / 小于预算数 / 大于预算数."""
    if execution.actual == execution.budget:
        return "与预算数持平"
    return "小于预算数" if execution.actual < execution.budget else "大于预算数"


@pass_context
def budget_sentence(ctx: Any, item: Any, comma: str = "，") -> str:
    """'预算为9.4万元，支出决算为9.4万元，完成预算的100%。' or '预算为0万元，年初未安排预算。'."""
    s = _style(ctx)
    if not item.budget and not item.actual:
        return f"预算为{s.amount(item.budget)}万元{comma}年初未安排预算。"
    if not item.budget:
        return f"年初未安排预算，支出决算为{s.amount(item.actual)}万元。"
    rate = s.pct(item.execution.rate, "execution")
    return (
        f"预算为{s.amount(item.budget)}万元，支出决算为{s.amount(item.actual)}万元，"
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
    if not subs and not dept.managed_units:
        return text
    return text + f"以上单位均纳入{dept.self_name}预决算编制范围。"


def staff_sentence(dept: Any, year: int) -> str:
    auth = "，".join(f"{k}{n}人" for k, n in dept.authorized)
    actual = "，".join(f"{k}{n}人" for k, n in dept.actual_staff)
    tail = f"，{dept.funding}" if dept.funding else ""
    return (
        f"{dept.short_name}共有编制{dept.authorized_total}人，其中：{auth}。{year}年末实有"
        f"在职编制内人员{dept.actual_total}人，其中：{actual}{tail}。"
    )


@pass_context
def assets_sentence(ctx: Any, fin: Any) -> str:
    """国有资产占有使用情况: vehicles (by use where given) and 单价100万元（含）以上设备."""
    s = _style(ctx)
    cars = fin.assets.vehicle_count or fin.three_public.vehicles_held_count
    big = fin.assets.large_equipment
    we = s.we_assets
    if not cars and not big:
        return f"{we}无公务用车辆和单价100万元（含）以上设备。"
    text = f"{we}共有车辆{cars}辆"
    uses = [f"{k}{n}辆" for k, n in fin.assets.vehicles]
    if uses:
        text += "，其中：" + "、".join(uses)
    if big:
        return text + f"；单价100万元（含）以上设备{big}台（套）。"
    return text + "；无单价100万元（含）以上设备。"


def adjust_word(funds: Any) -> str:
    return "调减" if funds.adjustment < 0 else "追加"


def funds_source(funds: Any) -> str:
    return "预算追加" if not funds.initial else "年初预算及追加" if funds.adjustment else "年初预算"


@pass_context
def balance_words(ctx: Any, execution: Execution) -> str:
    if not execution.balance:
        return "无结余"
    return f"结余{_style(ctx).amount(execution.balance)}万元"


@pass_context
def fund(ctx: Any, value: Decimal, blank_zero: bool) -> str:
    return "" if blank_zero and not value else _style(ctx).amount(value)


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


DATE = re.compile(r"^(\d{4})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})\s*日?$")


def cn_date(text: Any) -> str:
    """成文日期 as GB/T 9704 prints it, 2024年6月30日 (from that or ISO 2024-06-30; no leading
    zeros); anything else as it is, and nothing for nothing."""
    raw = str(text or "").strip()
    match = DATE.match(raw)
    if not match:
        return raw
    try:
        day = datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        return raw
    return f"{day.year}年{day.month}月{day.day}日"


FILTERS = {
    "wan": wan,
    "pct": pct,
    "score": fmt.score,
    "yoy": yoy,
    "moved": moved,
    "with_pct": with_pct,
    "lines": lines,
    "share_list": share_list,
    "completion": completion,
    "amount_list": amount_list,
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
    "cn_date": cn_date,
}
