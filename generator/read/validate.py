"""Validate loaded files against their schemas; report every error in Chinese with its line."""

from __future__ import annotations

import difflib
import re
import threading
from decimal import Decimal
from typing import Any

from cerberus import TypeDefinition, Validator, errors
from cerberus.schema import DefinitionSchema

from generator.findings import Finding, error, format_path
from generator.read.loader import LoadedFile
from generator.read.quick import validated

NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")  # ASCII only: \d would admit every script's digits
COUNT = re.compile(r"[0-9]+")
# Full-width digits, point and minus are the same characters typed with a Chinese IME.
FULL_WIDTH = str.maketrans("０１２３４５６７８９．－", "0123456789.-")
AMOUNT_DIGITS = 15  # amounts below 10^15 in the dataset's unit
AMOUNT_DECIMALS = 6
COUNT_LIMIT = 10**9


class _Invalid(ValueError):
    pass


def _short(value: Any, limit: int = 40) -> str:
    """A value for a message: long ones cut, with their length."""
    text = str(value)
    return text if len(text) <= limit else f"{text[:limit]}…（共 {len(text)} 个字符）"


def _too_big(value: Any) -> str:
    return (
        f"“{_short(value)}”超出范围：金额须小于 10^{AMOUNT_DIGITS}（千万亿），"
        f"小数不超过 {AMOUNT_DECIMALS} 位"
    )


def _bounded_decimal(number: Decimal, shown: Any) -> Decimal:
    """The number within the bounds, -0 as 0 (it would print as −0)."""
    if abs(number) >= Decimal(10) ** AMOUNT_DIGITS:
        raise _Invalid(_too_big(shown))
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > AMOUNT_DECIMALS:
        raise _Invalid(_too_big(shown))
    return number.copy_abs() if number.is_zero() else number


class _OwnSchema(DefinitionSchema):
    """A schema of generator.read.schema: ours, and checked to be a valid cerberus schema by
    the tests (tests/test_loader.py), so not checked again on every use (cerberus re-hashes
    and re-validates a schema whenever a validator takes it or normalising touches it: most of
    its time on this data)."""

    def validate(self, schema: Any = None) -> None:
        return None

    def copy(self) -> _OwnSchema:
        """A copy without expanding the rules again (cerberus copies the schema on every
        validation; ours is expanded once, when the validator takes it)."""
        duplicate = object.__new__(type(self))
        duplicate.__dict__.update(self.__dict__)
        duplicate.schema = self.schema.copy()
        return duplicate


class DataValidator(Validator):
    """Cerberus with the coercions this data needs: text to Decimal, int and bool."""

    @property
    def schema(self) -> Any:
        return self._schema

    @schema.setter
    def schema(self, schema: Any) -> None:
        if schema is None or self.is_child or isinstance(schema, DefinitionSchema):
            self._schema = schema
        else:
            self._schema = _OwnSchema(self, schema)

    types_mapping = {
        **Validator.types_mapping,
        "decimal": TypeDefinition("decimal", (Decimal,), ()),
    }

    def _normalize_coerce_decimal(self, value: Any) -> Any:
        """ASCII (or full-width) decimal text to Decimal; anything else is an error, never
        another number (no Unicode normalisation: `1²` is not 12, `⑩` is not 10)."""
        if isinstance(value, Decimal):  # typed already (the preview's placeholders are NaN)
            return _bounded_decimal(value, str(value)) if value.is_finite() else value
        if not isinstance(value, str):
            raise _Invalid(value)
        cleaned = value.strip().translate(FULL_WIDTH)
        if not NUMBER.fullmatch(cleaned):
            raise _Invalid(value)
        whole, _, decimals = cleaned.lstrip("-").partition(".")
        if len(whole.lstrip("0")) > AMOUNT_DIGITS or len(decimals) > AMOUNT_DECIMALS:
            raise _Invalid(_too_big(value))
        return _bounded_decimal(Decimal(cleaned), value)

    def _normalize_coerce_count(self, value: Any) -> Any:
        """ASCII (or full-width) digits to int, at most COUNT_LIMIT."""
        if isinstance(value, int) and not isinstance(value, bool):
            return value  # typed already (the preview's placeholders)
        if not isinstance(value, str) or not COUNT.fullmatch(value.strip().translate(FULL_WIDTH)):
            raise _Invalid(value)
        digits = value.strip().translate(FULL_WIDTH)
        number = COUNT_LIMIT + 1 if len(digits.lstrip("0")) > 10 else int(digits)
        if number > COUNT_LIMIT:
            raise _Invalid(f"“{_short(value)}”超出上限 {COUNT_LIMIT:,}（10 亿）")
        return number

    def _normalize_coerce_flag(self, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return value == "true"
        raise _Invalid(value)


EXPECTED = {
    "decimal": "数字金额（如 912.26）",
    "count": "非负整数（如 24）",
    "flag": "true 或 false",
    "integer": "整数",
    "string": "文字",
    "dict": "由“字段: 值”组成的映射",
    "list": "列表（每项以“- ”开头）",
    "boolean": "true 或 false",
}


_LOCAL = threading.local()  # cerberus validators hold the document they check: one per thread


def _validator(schema: dict[str, Any]) -> DataValidator:
    """One validator per schema: building one (and checking its schema) is the costly part."""
    validators = _LOCAL.__dict__.setdefault("validators", {})
    if id(schema) not in validators:
        validators[id(schema)] = DataValidator(schema)
    return validators[id(schema)]


def validate_file(loaded: LoadedFile, schema: dict[str, Any]) -> tuple[Any, list[Finding]]:
    """Return the normalized document (Decimals in place) and the findings, if any."""
    validator = _validator(schema)
    document = loaded.data if isinstance(loaded.data, dict) else None
    if document is None:
        msg = "文件顶层应是“字段: 值”的映射"
        return None, [error(loaded.name, 1, "", msg, "schema")]
    pending = _pending(loaded)
    quick = validated(document, schema, validator) if not pending else None
    if quick is not None:  # valid: cerberus's own normalized document (generator.read.quick)
        return quick, []
    if validator.validate(document) and not pending:
        return validator.document, []
    found = {(f.field): f for f in pending}
    for f in _translate(loaded, validator, schema) if validator.errors else []:
        found.setdefault(f.field, f)
    return None, sorted(found.values(), key=lambda f: (f.line, f.field))


def _pending(loaded: LoadedFile) -> list[Finding]:
    """Every value written as ~ or null: to be filled (a blank value is 0 where that is the
    default; ~ never is)."""
    return [
        error(loaded.name, loaded.line_of(path), format_path(path), "【待填】请填写", "pending")
        for path in sorted(getattr(loaded, "pending", ()), key=lambda p: loaded.line_of(p))
    ]


def _translate(loaded: LoadedFile, validator: Validator, schema: dict) -> list[Finding]:
    findings: dict[tuple, Finding] = {}
    coercion_first = sorted(
        _flatten(validator._errors), key=lambda e: e.code != errors.COERCION_FAILED.code
    )
    for err in coercion_first:  # a failed coercion says more than the type check after it
        path = tuple(err.document_path)
        if path in findings:
            continue
        message = _message(err, schema)
        if message is None:
            continue
        line = loaded.line_of(path)
        empty = err.code == errors.NOT_NULLABLE.code or (
            err.code == errors.COERCION_FAILED.code and err.value is None
        )
        code = "pending" if empty else "schema"
        findings[path] = error(loaded.name, line, format_path(path), message, code)
    return sorted(findings.values(), key=lambda f: (f.line, f.field))


def _flatten(errs: list) -> list:
    out = []
    for err in errs:
        if err.is_group_error:
            out.extend(_flatten(err.child_errors))
        else:
            out.append(err)
    return out


def _message(err: Any, schema: dict) -> str | None:
    value = _show(err.value)
    code = err.code
    if code == errors.REQUIRED_FIELD.code:
        return "缺少必填字段"
    if code == errors.UNKNOWN_FIELD.code:
        return _unknown(err, schema)
    if code == errors.COERCION_FAILED.code:
        detail = str(err.info[0]) if err.info else ""
        if "超出" in detail:  # the coercer names the bound
            return detail
        kind = _coercer(err)
        return f"应为{EXPECTED.get(kind, kind)}，实际为 {value}"
    if code == errors.BAD_TYPE.code:
        return f"应为{EXPECTED.get(err.constraint, err.constraint)}，实际为 {value}"
    if code == errors.NOT_NULLABLE.code:
        return "【待填】值为空，请填写"
    if code == errors.EMPTY_NOT_ALLOWED.code:
        return "不能为空"
    if code == errors.MIN_VALUE.code:
        return f"不能小于 {err.constraint}，实际为 {value}"
    if code == errors.MAX_VALUE.code:
        return f"不能大于 {err.constraint}，实际为 {value}"
    if code == errors.UNALLOWED_VALUE.code:
        allowed = "、".join(str(a) or "（空）" for a in err.constraint)
        return f"取值应为 {allowed} 之一，实际为 {value}"
    if code == errors.REGEX_MISMATCH.code:
        digits = _digits(str(err.constraint))
        return f"格式不符（应为 {digits} 位科目编码），实际为 {value}"
    return f"不符合要求（{err.rule}），实际为 {value}"


def _digits(pattern: str) -> str:
    """'(?:\\d{3}|\\d{5})' -> '3 或 5'."""
    counts = re.findall(r"\{(\d+)\}", pattern)
    if not counts:
        return "规定"
    return counts[0] if len(counts) == 1 else "、".join(counts[:-1]) + " 或 " + counts[-1]


def _coercer(err: Any) -> str:
    rule = err.schema_path[-1] if err.schema_path else ""
    definition = err.constraint if isinstance(err.constraint, str) else rule
    return str(definition)


def _unknown(err: Any, schema: dict) -> str:
    name = err.document_path[-1] if err.document_path else ""
    known = _known_keys(schema, tuple(err.document_path[:-1]))
    hint = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
    tail = f"，是否应为“{hint[0]}”？" if hint else f"；可用字段：{'、'.join(known)}"
    return f"未知字段“{name}”{tail}"


def _known_keys(schema: dict, path: tuple) -> list[str]:
    """The fields the schema allows in the mapping at `path` (for "did you mean")."""
    fields: dict | None = schema
    rule: dict = {}
    for part in path:
        # an index steps into a list's item rule, a name into a mapping's field
        rule = rule.get("schema", {}) if isinstance(part, int) else (fields or {}).get(part, {})
        fields = rule.get("schema") if rule.get("type") == "dict" else None
    return sorted(fields or {})


def _show(value: Any) -> str:
    if value is None:
        return "（空）"
    if isinstance(value, (dict, list)):
        return "映射" if isinstance(value, dict) else "列表"
    return f"“{value}”"
