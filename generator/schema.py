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


YEAR = {
    "year": {"type": "integer", "coerce": "count", "min": 2000, "max": 2100, "required": True},
    "previous_year": {"type": "integer", "coerce": "count", "min": 2000, "required": True},
    "unit": {"type": "string", "allowed": ["万元", "元"], "required": True},
}

UNIT_TYPES = ["行政单位", "参公事业单位", "其他事业单位"]

UNIT = record(
    {"name": text(), "type": {"type": "string", "allowed": UNIT_TYPES, "required": True}}
)

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
VEHICLE_TYPES = ["轿车", "越野车", "小型客车", "中型客车和大型客车", "其他车型"]
RECEPTION = record({"batches": count(), "persons": count(), "amount": money()})

FINANCE = {
    "income": listing(record({"source": text(), "amount": money()}), empty=False),
    "expenditure": record({"basic": money(), "project": money(), "other": money(False)}),
    "previous": record({"total": money(), "fiscal_total": money(), "general_budget": money()}),
    "change_reason": text(),
    "functional": listing(
        record(
            {
                "code": {"type": "string", "regex": r"\d{7}", "required": True},
                "budget": money(),
                "actual": money(),
            }
        ),
        empty=False,
    ),
    "functional_classes": listing(
        record(
            {"code": {"type": "string", "regex": r"\d{3}", "required": True}, "actual": money()}
        ),
        required=False,
    ),
    "basic": record(
        {
            part: record(
                {
                    "total": money(),
                    "items": listing(record({"name": text(), "amount": money()})),
                }
            )
            for part in ("personnel", "public")
        }
    ),
    "three_public": record(
        {
            "budget": table(THREE_PUBLIC_KEYS, money()),
            # 购置费 and 接待费 actuals are derived from vehicles_bought and reception
            "actual": table(["abroad", "vehicle_running"], money()),
            "previous": table(THREE_PUBLIC_KEYS, money()),
            "budget_reason": text(required=False),
            "change_reason": text(required=False),
            "vehicles_bought": record(
                {
                    t: record({"count": count(), "amount": money()}, required=False)
                    for t in VEHICLE_TYPES
                }
            ),
            "vehicles_held": table(VEHICLE_TYPES, count()),
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
    "government_funds": money(),
    "state_capital": money(),
    "operating_costs": record({"amount": money(), "previous": money(), "reason": text()}),
    "procurement": table(["goods", "works", "services"], money()),
    "assets": record({"large_equipment": count()}),
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

FILES: dict[str, dict[str, Rule]] = {
    "year.yaml": YEAR,
    "department.yaml": DEPARTMENT,
    "finance.yaml": FINANCE,
    "performance.yaml": PERFORMANCE,
    "self_evaluation.yaml": SELF_EVALUATION,
    "scoring.yaml": SCORING,
}
