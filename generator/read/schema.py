"""Cerberus schemas of every data file. Scalars arrive as text and are coerced here."""

from __future__ import annotations

from typing import Any

Rule = dict[str, Any]


def money(required: bool = True, signed: bool = False) -> Rule:
    """An amount in the dataset's unit, as Decimal; negative only where `signed`."""
    rule: Rule = {"type": "decimal", "coerce": "decimal", "required": required}
    if not signed:
        rule["min"] = 0
    if not required:
        rule["default"] = "0"
    return rule


def count(required: bool = True) -> Rule:
    rule: Rule = {"type": "integer", "coerce": "count", "min": 0, "required": required}
    if not required:
        rule["default"] = "0"
    return rule


def text(required: bool = True, empty: bool = False) -> Rule:
    rule: Rule = {"type": "string", "required": required, "empty": empty}
    if not required:
        rule["default"] = ""
        rule["empty"] = True
    return rule


def flag(default: bool) -> Rule:
    return {"type": "boolean", "coerce": "flag", "required": False, "default": str(default).lower()}


def record(schema: dict[str, Rule], required: bool = True) -> Rule:
    """A mapping; an optional one that is absent stays absent (the reader supplies zeros)."""
    return {"type": "dict", "schema": schema, "required": required}


def listing(item: Rule, required: bool = True, empty: bool = True) -> Rule:
    rule: Rule = {"type": "list", "schema": item, "required": required, "empty": empty}
    if not required:
        rule["default"] = []
    return rule


def table(keys: list[str], value: Rule) -> Rule:
    """A mapping with a fixed set of keys, each optional and zero by default."""
    return record({k: {**value, "required": False, "default": "0"} for k in keys})


# Figures whose percentage a department may print at a precision of its own (year.yaml style).
PLACES = [
    "total_change", "income_change", "expenditure_change", "fiscal_change", "general_change",
    "funds_change", "three_public_change", "operating_costs_change", "payment_rate",
]  # fmt: skip

YEAR = {
    "year": {"type": "integer", "coerce": "count", "min": 2000, "max": 2100, "required": True},
    "previous_year": {"type": "integer", "coerce": "count", "min": 2000, "required": True},
    "unit": {"type": "string", "allowed": ["万元", "元"], "required": True},
    "style": record(
        {
            "kind": {"type": "string", "allowed": ["部门", "单位"], "required": False},
            "self_reference": text(required=False),
            "assets_self_reference": text(required=False),
            "amounts": {"type": "string", "allowed": ["trim", "fixed"], "required": False},
            "percent": record(
                {
                    k: {"type": "integer", "coerce": "count", "min": 0, "max": 4, "required": False}
                    for k in ("share", "change", "execution")
                }
                | {"fixed": {"type": "boolean", "coerce": "flag", "required": False}},
                required=False,
            ),
            "places": {
                "type": "dict",
                "required": False,
                "keysrules": {"type": "string", "allowed": PLACES},
                "valuesrules": {"type": "integer", "coerce": "count", "min": 0, "max": 4},
            },
            "whole_100": {"type": "boolean", "coerce": "flag", "required": False},
            "zero_lines": {"type": "boolean", "coerce": "flag", "required": False},
            "fonts": {"type": "string", "allowed": ["windows", "gb2312"], "required": False},
        },
        required=False,
    ),
}

UNIT_TYPES = ["行政单位", "参公事业单位", "其他事业单位"]

UNIT = record({"name": text(), "type": {"type": "string", "allowed": UNIT_TYPES, "required": True}})

DEPARTMENT = {
    "name": text(),
    "region": text(),
    "plain_name": text(),
    "short_name": text(),
    "self_name": text(),
    "budget_level": text(),
    "duties": record({"preamble": text(), "items": listing(text(), empty=False)}),
    "key_work": listing(
        record(
            {
                "title": text(),
                "points": listing(record({"title": text(), "detail": text(empty=True)})),
            }
        ),
        empty=False,
    ),
    "budget_units": listing(
        UNIT,
        required=False,
    ),
    "units_in_scope": listing(text(), required=False),
    "subordinate_units": listing(
        UNIT,
        required=False,
    ),
    "managed_units": listing(text(), required=False),
    "staffing": record(
        {
            "authorized": {"type": "dict", "valuesrules": count(), "required": True},
            "actual": {"type": "dict", "valuesrules": count(), "required": True},
            "funding": text(required=False),
        }
    ),
}

THREE_PUBLIC_KEYS = ["abroad", "vehicle_purchase", "vehicle_running", "reception"]
RECEPTION = record({"batches": count(), "persons": count(), "amount": money()})
FUNDS = ["general_budget", "government_funds", "state_capital"]
INCOME_SOURCES = [
    *FUNDS,
    "superior_subsidy",
    "business",
    "operating",
    "subordinate",
    "other",
]
INCOME_COLUMNS = ["fiscal", "superior_subsidy", "business", "operating", "subordinate", "other"]
SPENDING_COLUMNS = ["basic", "project", "to_superior", "operating", "to_subordinate"]
FUND_COLUMNS = ["opening", "income", "basic", "project"]
CODE = {"type": "string", "regex": r"(?:\d{3}|\d{5}|\d{7})", "required": True}
ECONOMIC_CODE = {"type": "string", "regex": r"(?:\d{3}|\d{5})", "required": True}


def optional_money() -> Rule:
    """An amount that may be left out (None: not stated)."""
    return {"type": "decimal", "coerce": "decimal", "min": 0, "required": False}


def classified(columns: list[str], extra: dict[str, Rule] | None = None) -> Rule:
    """A table by 功能分类: one row per 项 (类/款 rows as printed), columns zero by default."""
    row = {
        "code": CODE,
        "name": text(required=False),
        **{c: optional_money() for c in columns},
        **(extra or {}),
    }
    return listing(record(row), required=False)


# The data keys of the tables by 功能分类 (表2, 表3, 表5, 表8, 表9), in the statements' order.
CLASSIFIED_KEYS = (
    "income_by_function",
    "expenditure_by_function",
    "general_budget_by_function",
    "government_funds_by_function",
    "state_capital_by_function",
)
FINANCE = {
    "income": table(INCOME_SOURCES, money()),
    "non_fiscal_surplus_used": money(False),
    "opening_balance": money(False),
    "surplus_distribution": money(False),
    "closing_balance": money(False),
    "income_by_function": classified(INCOME_COLUMNS),
    "expenditure_by_function": classified(SPENDING_COLUMNS),
    "fiscal_balances": record(
        {"opening": table(FUNDS, money()), "closing": table(FUNDS, money())}, required=False
    ),
    "general_budget_by_function": classified(
        ["budget", "basic", "project"], {"initial": optional_money()}
    ),
    "basic_by_economic": record(
        {
            "items": listing(
                record({"code": ECONOMIC_CODE, "name": text(required=False), "amount": money()})
            ),
            "reported": record(
                {"personnel": optional_money(), "public": optional_money()}, required=False
            ),
        }
    ),
    "three_public": record(
        {
            "budget": table(THREE_PUBLIC_KEYS, money()),
            # 购置费 and 接待费 actuals are derived from vehicles_bought and reception
            "actual": table(["abroad", "vehicle_running"], money()),
            "budget_reason": text(required=False),
            "vehicles_bought": {
                "type": "dict",
                "required": False,
                "default": {},
                "keysrules": {"type": "string", "empty": False},
                "valuesrules": record({"count": count(), "amount": money()}),
            },
            "vehicles_held": {
                "type": "dict",
                "required": False,
                "default": {},
                "keysrules": {"type": "string", "empty": False},
                "valuesrules": count(),
            },
            "reception": record(
                {
                    "domestic": RECEPTION,
                    "foreign": RECEPTION,
                    "purpose": text(required=False),
                    "details": text(required=False),
                }
            ),
        }
    ),
    "government_funds_by_function": classified(FUND_COLUMNS, {"closing": optional_money()}),
    "state_capital_by_function": classified(FUND_COLUMNS, {"closing": optional_money()}),
    "operating_costs": money(),
    "procurement": table(["goods", "works", "services", "sme", "small_micro"], money()),
    "assets": record(
        {
            "vehicles": {
                "type": "dict",
                "required": False,
                "default": {},
                "keysrules": {"type": "string", "empty": False},
                "valuesrules": count(),
            },
            "large_equipment": count(False),
        },
        required=False,
    ),
    "definitions": {
        "type": "dict",
        "required": False,
        "default": {},
        "keysrules": CODE,
        "valuesrules": text(),
    },
    "previous": record(
        {
            "income_total": money(),
            "expenditure_total": money(),
            "income": optional_money(),
            "expenditure": optional_money(),
            "fiscal_total": money(),
            "general_budget": money(),
            "government_funds": money(False),
            "state_capital": money(False),
            "three_public": table(THREE_PUBLIC_KEYS, money()),
            "operating_costs": money(),
        }
    ),
    "reasons": record(
        {
            k: text(required=False)
            for k in (
                "total",
                "income",
                "expenditure",
                "fiscal",
                "general_budget",
                "government_funds",
                "state_capital",
                "three_public",
                "abroad",
                "vehicle",
                "reception",
                "operating_costs",
            )
        }
    ),
}

PERFORMANCE = {"highlight": listing(text(), required=False)}

INDICATOR = record(
    {
        "level1": text(),
        "level2": text(empty=True),
        "name": text(),
        "target": text(),
        "actual": text(empty=True),
        "deviation": text(required=False),
        "applicable": flag(True),
    }
)
GOAL = record({"target": text(), "actual": text(empty=True)})
SCORES = {"type": "dict", "valuesrules": {"type": "decimal", "coerce": "decimal", "min": 0}}
FUND_SOURCES = ["general_budget", "gov_fund", "state_capital", "social_insurance", "other"]
FUND = {
    "type": "dict",
    "required": False,
    "schema": {
        "initial": money(),
        "adjustment": money(signed=True),
        "executed": money(),
    },
}

# Sentences of a project letter that are each department's own judgement: written once for all
# projects in self_evaluation.yaml `letter_wording`, and per project in its letter if it differs.
LETTER_WORDING = ["consistency", "fund_use", "financial_management", "implementation"]

PROJECT = {
    "name": text(),
    "pre_assessed": flag(True),
    "monitored": flag(True),
    "funds": record({s: FUND for s in FUND_SOURCES}),
    "goal": GOAL,
    "indicators": listing(INDICATOR, empty=False),
    "letter": record(
        {
            "subject": text(),
            "goal": text(),
            "completion": text(),
            "benefit": text(),
            "conclusion": text(),
            "problems": text(),
            "suggestions": text(),
            "scores": {**SCORES, "required": True},
            "arrived": optional_money(),
            **{k: text(required=False) for k in LETTER_WORDING},
        },
        required=False,
    ),
}

SELF_EVALUATION = {
    "notice": record(
        {
            "title": text(),
            "number": text(),
            "campaign_year": {"type": "integer", "coerce": "count", "required": True},
        }
    ),
    "recipient": text(),
    "method_basis": text(),
    "date": text(required=False),
    "budget": record(
        {
            "initial": money(),
            "adjustment": money(signed=True),
            "executed": money(),
            "previous": money(),
        }
    ),
    "income_change_reason": text(),
    "spending": record(
        {
            "from_budget": money(),
            "from_stock": money(),
            "previous_total": money(),
            "change_reason": text(),
        }
    ),
    "carryover": money(),
    "budget_projects_text": text(),
    "management_summary": text(required=False),
    "letter_wording": record({k: text(required=False) for k in LETTER_WORDING}, required=False),
    "results_disclosure": text(),
    "quality": text(),
    "audit_result": text(),
    "problems": text(),
    "suggestions": text(),
    "goal": GOAL,
    "indicators": listing(INDICATOR, empty=False),
    "scores": {**SCORES, "required": True},
}

FORMULAS = [
    "",
    "dept_target_completion",
    "dept_deviation",
    "dept_budget_balance",
    "budget_balance",
    "quantity_completion",
    "deviation",
]
SCORING_ITEM = record(
    {
        "key": text(),
        "level1": text(),
        "level2": text(empty=True),
        "level3": text(empty=True),
        "points": {"type": "decimal", "coerce": "decimal", "min": 0, "required": True},
        "explanation": text(empty=True),
        "criteria": text(empty=True),
        "formula": {"type": "string", "allowed": FORMULAS, "required": False, "default": ""},
        "check": {"type": "string", "allowed": FORMULAS, "required": False, "default": ""},
        "deduction": flag(False),
    }
)
LEVELS = {
    "type": "list",
    "required": False,
    "default": ["1"],
    "schema": {"type": "integer", "coerce": "count", "min": 1, "max": 3},
}
SCORING = {
    "department": record(
        {
            "title": text(),
            "note": text(required=False),
            "labelled_levels": LEVELS,
            "items": listing(SCORING_ITEM),
        }
    ),
    "project": record(
        {
            "title_suffix": text(required=False),
            "labelled_levels": LEVELS,
            "items": listing(SCORING_ITEM),
        }
    ),
}

# A year without a performance self-evaluation leaves these out: the disclosure then has no
# 第四部分 附件 and no letters (projects/ may be empty or absent too).
OPTIONAL_FILES = ("performance.yaml", "self_evaluation.yaml", "scoring.yaml")

FILES: dict[str, dict[str, Rule]] = {
    "year.yaml": YEAR,
    "department.yaml": DEPARTMENT,
    "finance.yaml": FINANCE,
    "performance.yaml": PERFORMANCE,
    "self_evaluation.yaml": SELF_EVALUATION,
    "scoring.yaml": SCORING,
}
