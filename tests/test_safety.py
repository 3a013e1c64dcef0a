"""Failure modes: unknown template variables, markup in the data, failed and repeated builds,
hostile project names, and one-project builds."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from support import (
    DISCLOSURE,
    TEMPLATES,
    Built,
    build_into,
    copy_data,
    project_file,
    read_docx,
    row_after,
    run_cli,
    snapshot,
)


def every_path(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


# --- (a) a template naming a variable the data does not have -----------------------------------


def test_unknown_template_variable_names_template_and_variable(tmp_path: Path, report) -> None:
    from docx import Document

    from generator.build import base_context
    from generator.errors import TemplateError
    from generator.render.docx import render_docx

    context = {**base_context(report), "p": report.projects[0]}
    render_docx(TEMPLATES / "project_table.docx", context, {})  # the real template renders

    template = tmp_path / "broken_project_table.docx"
    doc = Document(str(TEMPLATES / "project_table.docx"))
    doc.add_paragraph("{{ p.no_such_field }}")
    doc.save(str(template))
    with pytest.raises(TemplateError) as caught:
        render_docx(template, context, {})
    message = str(caught.value)
    assert "broken_project_table.docx" in message
    assert "no_such_field" in message


# --- (b) markup characters in the data -----------------------------------------------------------

NAME = "A<&>\"双引号\"'单引号'项目"
REASON = "新增<b>&amp;\"基金\"'预算'</w:t></w:r>"
DEVIATION = "原因<&>\"引号\"'单引号'</w:t>"


def yaml_quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@pytest.fixture(scope="module")
def marked(data: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("markup")
    changed = copy_data(
        data,
        root / "data",
        {
            project_file(data, 3): [
                ("name: 关工委工作经费", f"name: {yaml_quote(NAME)}"),
                (
                    "    target: ≥0%\n    actual: ≥0%\n",
                    f"    target: ≥0%\n    actual: ≥0%\n    deviation: {yaml_quote(DEVIATION)}\n",
                ),
            ],
            "finance.yaml": [
                (
                    "  total: 新增干部暖心关爱帮扶基金、丧葬抚恤金预算",
                    f"  total: {yaml_quote(REASON)}",
                ),
            ],
        },
    )
    return build_into(changed, root / "out")


def test_markup_in_data_prints_literally(marked: Built) -> None:
    for entry in marked.files():
        if entry["path"].endswith(".docx"):
            marked.doc(entry["path"])  # every document is well-formed
    doc = marked.disclosure
    assert doc.containing(f"主要变动原因是{REASON}。")
    table_path = marked.path_of("table", NAME)
    assert "<" not in table_path and '"' not in table_path
    for rows in (marked.doc(table_path).sheets[0].rows, doc.sheets_with("项目名称", NAME)[0].rows):
        assert row_after(rows, "项目名称", 1) == [NAME]
        assert any(row[-1] == DEVIATION for row in rows)


# --- (c) a failed build leaves the previous output alone --------------------------------------


@pytest.fixture
def previous_output(built: Built, tmp_path: Path) -> Path:
    out = tmp_path / "site" / "out"
    shutil.copytree(built.out, out)
    return out


def test_failed_build_leaves_previous_output(
    data: Path, previous_output: Path, tmp_path: Path
) -> None:
    before = snapshot(previous_output)
    negative = {
        "finance.yaml": [("{code: '2013201', basic: 520.89}", "{code: '2013201', basic: -520.89}")]
    }
    broken = copy_data(data, tmp_path / "broken", negative)
    run = run_cli("build", broken, "-o", previous_output)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "finance.yaml" in run.stdout
    assert snapshot(previous_output) == before
    assert sorted(os.listdir(previous_output.parent)) == ["out"]  # no staging folder left


def test_a_disclosure_failing_after_the_letters_were_staged_leaves_previous_output(
    data: Path, previous_output: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The letters and 自评表 are staged while the disclosure renders (holding the output
    lock); when the disclosure then fails, the staging folder goes, the lock is let go and
    the previous output stays as it was."""
    from generator import build as b
    from generator.write import scheduler

    class Boom(Exception):
        pass

    staged: list[int] = []
    stage, record = b.Output.stage, scheduler._Dispatch._record

    def counted(self, jobs, rendered):  # type: ignore[no-untyped-def]
        staged.append(len(jobs))
        return stage(self, jobs, rendered)

    def failing(self, index, result):  # type: ignore[no-untyped-def]
        if index == scheduler.THEN:
            raise Boom("the disclosure failed")
        return record(self, index, result)

    monkeypatch.setattr(b.Output, "stage", counted)
    monkeypatch.setattr(scheduler._Dispatch, "_record", failing)
    before = snapshot(previous_output)
    with pytest.raises(Boom):
        b.build(data, previous_output)
    assert staged and staged[0] > 20  # the letters and 自评表 were written first
    assert snapshot(previous_output) == before
    assert sorted(os.listdir(previous_output.parent)) == ["out"]  # no staging folder, no lock


def test_interrupted_write_leaves_previous_output(
    data: Path, previous_output: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.build import build
    from generator.write.outputs import Staging

    class Boom(Exception):
        pass

    put = Staging.put  # every file staged goes through it
    calls = []

    def failing_put(self, *args, **kwargs):
        calls.append(args[0])
        if len(calls) == 2:
            raise Boom("disk full")
        return put(self, *args, **kwargs)

    monkeypatch.setattr(Staging, "put", failing_put)
    before = snapshot(previous_output)
    with pytest.raises(Boom):
        build(data, previous_output, project="东西部协作人才交流项目")
    assert len(calls) == 2
    assert snapshot(previous_output) == before
    assert sorted(os.listdir(previous_output.parent)) == ["out"]


# --- (d) the same data gives the same bytes ----------------------------------------------------


def test_builds_are_byte_identical(data: Path, built: Built, tmp_path: Path) -> None:
    again = build_into(data, tmp_path / "out")
    assert again.manifest == built.manifest
    listed = {f["path"] for f in built.files()} | {"manifest.json"}
    assert len(listed) == 1 + 7 + 3 + 24 + 1 + 1  # disclosure, charts, letters, 自评表, 附表 .xlsx
    for folder in (built.out, again.out):
        assert set(snapshot(folder)) == listed  # nothing unlisted
        assert os.listdir(folder.parent) == ["out"]  # no staging, lock or .old folder left
    first, second = snapshot(built.out), snapshot(again.out)
    for path in sorted(listed):
        assert first[path] == second[path], path


# --- (e) hostile project names, one-project builds ----------------------------------------------

HOSTILE = "../../逃逸 项目/名称"


def test_hostile_project_name_stays_inside_output(data: Path, tmp_path: Path) -> None:
    work = tmp_path / "a" / "b" / "work"
    work.mkdir(parents=True)
    copy_data(
        data,
        work / "data",
        {
            "performance.yaml": [("  - 东西部协作人才交流项目", f"  - {HOSTILE}")],
            project_file(data, 1): [("name: 东西部协作人才交流项目\n", f"name: {HOSTILE}\n")],
        },
    )
    before = every_path(tmp_path)

    run = run_cli("build", "data", "-o", "out", "--project", HOSTILE, cwd=work)
    assert run.returncode == 0, run.stdout + run.stderr

    added = every_path(tmp_path) - before
    assert added, "nothing was written"
    assert all(p == "a/b/work/out" or p.startswith("a/b/work/out/") for p in added), added
    out = Built.load(work / "out")
    entries = out.files()
    assert sorted(f["kind"] for f in entries) == ["letter", "table"]
    assert {f["project"] for f in entries} == {HOSTILE}
    on_disk = {p.relative_to(out.out).as_posix() for p in out.out.rglob("*") if p.is_file()}
    assert on_disk == {f["path"] for f in entries} | {"manifest.json"}
    for entry in entries:
        folder, name = entry["path"].split("/")
        assert folder in ("项目自评表", "自评报告") and name.startswith("01-")
        assert (out.out / entry["path"]).resolve().parent == (out.out / folder).resolve()
        rows = read_docx(out.out / entry["path"]).tables[0]
        assert row_after(rows, "项目名称", 1) == [HOSTILE]


def test_project_build_writes_only_that_project(data: Path, built: Built, tmp_path: Path) -> None:
    name = "干部暖心关爱帮扶基金经费"
    run = run_cli("build", data, "-o", tmp_path / "out", "--project", name)
    assert run.returncode == 0, run.stdout + run.stderr
    out = Built.load(tmp_path / "out")
    assert sorted((f["kind"], f["project"]) for f in out.files()) == [
        ("letter", name),
        ("table", name),
    ]
    for entry in out.files():  # the same documents as in the full build
        assert entry in built.files()
        full = (built.out / entry["path"]).read_bytes()
        assert (out.out / entry["path"]).read_bytes() == full, entry["path"]


def test_unknown_project_is_refused(data: Path, tmp_path: Path) -> None:
    run = run_cli("build", data, "-o", tmp_path / "out", "--project", "没有这个项目")
    assert run.returncode == 1
    assert "没有名为" in run.stderr
    assert not (tmp_path / "out").exists()
    assert os.listdir(tmp_path) == []


def test_project_build_keeps_the_rest_of_the_output(data: Path, previous_output: Path) -> None:
    from generator.build import build

    before = snapshot(previous_output)
    build(data, previous_output, project="人才工作经费")
    after = snapshot(previous_output)
    lost = sorted(set(before) - set(after))
    assert DISCLOSURE not in lost
    assert lost == []
