"""Preparing a year: read → validate → derive → audit, strictly (`build`) or leniently (drafting).

`prepare` is the one function that makes a year's report from its folder. Strictly, any error
stops it (`DataError`, with every finding). Leniently (the live preview), the folder is read by
`generator.read.lenient.LenientReader`: invalid or missing values become placeholders and findings,
arithmetic on them does not raise (`lenient_decimals`, to be kept while the report is used),
and audit findings that only restate a placeholder are left out; only a report that cannot be
derived at all stops it.
"""

from __future__ import annotations

from pathlib import Path

from generator.audit.report import audit_report
from generator.errors import DataError, describe
from generator.findings import Finding, error, warning
from generator.model.report import Report, derive_report
from generator.read.dataset import Reader
from generator.read.lenient import LenientReader, clean_findings
from generator.read.placeholders import lenient_decimals


def prepare(
    data_dir: Path, strict: bool = False, lenient: bool = False, reader: Reader | None = None
) -> tuple[Report, list[Finding]]:
    """The report of the year in `data_dir` and every finding. Raises DataError.

    `strict`: warnings stop it too. `lenient`: the mode for drafting (see the module).
    `reader`: the reader to use (one that keeps files between reads, as the preview's does);
    by default a new strict or lenient one."""
    if reader is None:
        reader = LenientReader(data_dir) if lenient else Reader(data_dir)
    dataset, findings = reader.read()
    if not lenient:
        if any(f.is_error for f in findings):
            raise DataError(findings)
        report = derive_report(dataset)
        findings += audit_report(dataset, report)
        if any(f.is_error for f in findings) or (strict and findings):
            raise DataError(findings)
        return report, findings
    with lenient_decimals():
        try:
            report = derive_report(dataset)
        except Exception as exc:  # noqa: BLE001 - what cannot be derived is a finding
            reason = f"无法计算派生数字（文档显示上次可计算的结果）：{describe(exc)}"
            raise DataError([error("", 0, "", reason, "derive"), *findings]) from exc
        try:
            findings += clean_findings(audit_report(dataset, report))
        except Exception as exc:  # noqa: BLE001 - the report stands without the audit
            findings.append(warning("", 0, "", f"审核未能全部完成：{describe(exc)}", "audit"))
    return report, findings
