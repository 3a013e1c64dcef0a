"""The live preview without a browser: safe paths, loopback only, the lenient pipeline, the
build's own rendering kept in memory (its bytes the build's), the HTML of a .docx, the refresh."""

from __future__ import annotations

import http.client
import io
import json
import re
import shutil
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from support import edit_template

from generator.build import TEMPLATES, plan_documents, prepare
from generator.errors import DataError
from generator.present import numbers as fmt
from generator.preview import Preview
from generator.preview.chartstore import capture
from generator.preview.engine import Engine
from generator.preview.htmldoc import TableCache, document_to_html
from generator.preview.server import HOST, safe_join
from generator.preview.watch import Watcher
from generator.read.lenient import LenientReader
from generator.read.placeholders import (
    Missing,
    MissingInt,
    Registry,
    lenient_decimals,
    marker_ids,
)
from generator.render.docx import Image
from generator.write.scheduler import fill_job, render_job

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "2023"


def copy_data(dest: Path, edits: dict[str, list[tuple[str, str]]] | None = None) -> Path:
    shutil.copytree(DATA, dest)
    for name, pairs in (edits or {}).items():
        path = dest / name
        text = path.read_text(encoding="utf-8")
        for old, new in pairs:
            assert old in text, f"{name}: {old!r} not found"
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    return dest


def line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {path}")


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


# --------------------------------------------------------------------------------------------
# Safe paths


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    (root / "projects").mkdir(parents=True)
    (root / "finance.yaml").write_text("a: 1\n", encoding="utf-8")
    (root / "projects" / "01-项目.yaml").write_text("b: 2\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret\n", encoding="utf-8")
    (root / "inside-link.yaml").symlink_to(root / "finance.yaml")
    (root / "escape.yaml").symlink_to(tmp_path / "secret.txt")
    (root / "escape-dir").symlink_to(tmp_path)
    return root


def test_safe_join_allows_files_below_the_root(tree: Path) -> None:
    assert safe_join(tree, "finance.yaml") == (tree / "finance.yaml").resolve()
    assert safe_join(tree, "projects/01-项目.yaml") == (tree / "projects/01-项目.yaml").resolve()
    assert safe_join(tree, "inside-link.yaml") == (tree / "finance.yaml").resolve()


@pytest.mark.parametrize(
    "relative",
    [
        "..",
        "../secret.txt",
        "projects/../../secret.txt",
        "projects/..",
        "./finance.yaml",
        "/etc/passwd",
        "//etc/passwd",
        "C:/Windows/win.ini",
        "c:secret",
        "..\\secret.txt",
        "projects\\..\\..\\secret.txt",
        "finance.yaml\x00.png",
        "",
        "projects//01-项目.yaml",
    ],
)
def test_safe_join_refuses_escapes(tree: Path, relative: str) -> None:
    assert safe_join(tree, relative) is None


def test_safe_join_refuses_symlinks_that_lead_outside(tree: Path) -> None:
    assert safe_join(tree, "escape.yaml") is None
    assert safe_join(tree, "escape-dir/secret.txt") is None


# --------------------------------------------------------------------------------------------
# Placeholders


def test_missing_amount_spreads_through_arithmetic_and_prints_as_marker() -> None:
    gone = Missing((7,))
    with lenient_decimals():
        total = sum([Decimal("1.5"), gone, Decimal(2)], Decimal(0))
        assert isinstance(total, Missing) and total.ids == (7,)
        assert isinstance(Decimal(3) - gone, Missing)
        assert isinstance(gone / Decimal(4), Missing)
        assert isinstance(abs(Decimal(1) - gone), Missing)
        both = gone + Missing((9,))
        assert both.ids == (7, 9)
        assert fmt.wan(total) == "⟦7⟧"
        assert fmt.pct(fmt.ratio(total, Decimal(10))) == "⟦7⟧%"
        assert f"{both}" == "⟦7,9⟧"
        assert max(gone - Decimal(1), Decimal(0)) is not None  # comparisons never raise
        assert gone > 0 and not gone < 0 and gone != gone + 0
    assert marker_ids("a⟦7,9⟧b⟦3⟧") == [7, 9, 3]


def test_missing_count_prints_as_marker() -> None:
    n = MissingInt((4,))
    assert f"{n}人" == "⟦4⟧人"
    assert isinstance(n + 3, MissingInt) and isinstance(3 + n, MissingInt)
    assert sum([1, n, 2]).ids == (4,)


def test_registry_keeps_ids_stable_by_file_and_field() -> None:
    reg = Registry()
    a = reg.add("f.yaml", 3, "x.y", "缺少必填字段")
    b = reg.add("f.yaml", 5, "x.z", "缺少必填字段")
    assert reg.add("f.yaml", 4, "x.y", "值为空，请填写") == a != b
    assert reg.get(a).line == 4 and reg.get(a).message == "值为空，请填写"


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2023 with a missing amount (基本工资 of 表6), an invalid amount (last year's 收入总计) and
    a missing text."""
    return copy_data(
        tmp_path_factory.mktemp("broken") / "2023",
        {
            "finance.yaml": [
                ("{code: '30101', amount: 95.35}", "{code: '30101'}"),
                ("  income_total: 753.82 ", "  income_total: 七百 "),
            ],
            "department.yaml": [("short_name: 区委组织部", "short_name:")],
        },
    )


BASIC = "basic_by_economic.items[1].amount"  # the missing 基本工资


def test_lenient_reader_reports_what_check_reports_and_fills_placeholders(broken: Path) -> None:
    from generator.read.dataset import read_dataset

    strict_data, strict = read_dataset(broken)
    assert "finance.yaml" not in strict_data.files  # the strict reader drops the file
    reader = LenientReader(broken)
    dataset, findings = reader.read()
    assert not reader.stale
    assert sorted(findings) == sorted(strict)  # the same findings, word for word
    fields = {f.field for f in findings if f.is_error}
    assert {BASIC, "previous.income_total", "short_name"} <= fields
    finance = dataset["finance.yaml"]
    assert isinstance(finance["basic_by_economic"]["items"][0]["amount"], Missing)
    assert isinstance(finance["previous"]["income_total"], Missing)
    # the rest is untouched
    assert finance["basic_by_economic"]["items"][1]["amount"] == Decimal("74.23")
    assert finance["expenditure_by_function"][1]["project"] == Decimal("102.88")
    assert finance["previous"]["expenditure_total"] == Decimal("753.82")
    assert marker_ids(dataset["department.yaml"]["short_name"])


def test_build_stays_strict(broken: Path) -> None:
    LenientReader(broken).read()
    with pytest.raises(DataError):
        prepare(broken)


def test_one_prepare_in_two_modes(broken: Path) -> None:
    """The build's prepare, leniently: the errors are findings and placeholders, not a stop."""
    from generator import pipeline

    with pytest.raises(DataError) as strict:
        pipeline.prepare(broken)
    report, findings = pipeline.prepare(broken, lenient=True)
    assert {f.field for f in strict.value.findings if f.is_error} <= {f.field for f in findings}
    assert isinstance(report.finance.income_change.previous, Missing)
    assert not any("⟦" in f.message for f in findings)  # audit findings restating one: left out


def test_what_cannot_be_derived_stops_even_the_lenient_mode(broken: Path, monkeypatch) -> None:
    from generator import pipeline

    def fail(dataset: object) -> None:
        raise ValueError("无法相加")

    engine = Engine(broken, broken.parent / "out-derive", chart_workers=0)
    try:
        engine.recompute()
        last = engine.report
        monkeypatch.setattr(pipeline, "derive_report", fail)
        with pytest.raises(DataError) as caught:
            pipeline.prepare(broken, lenient=True)
        first = caught.value.findings[0]
        assert first.code == "derive" and "无法相加" in first.message
        assert any(f.field == BASIC for f in caught.value.findings)  # and the reader's findings
        engine.recompute()  # the preview shows the last report, and why
        assert engine.report is last and engine.stale_report
        assert any("无法相加" in p["message"] for p in engine.state()["problems"])
    finally:
        engine.close()


@pytest.fixture(scope="module")
def broken_engine(broken: Path):
    engine = Engine(broken, broken.parent / "out", chart_workers=0)
    engine.recompute()
    yield engine
    engine.close()


def _render(engine: Engine, kind: str, project: str | None = None):
    doc = next(d for d in engine.docs.values() if d.job.kind == kind and d.job.project == project)
    engine.render(doc)
    return doc


def test_invalid_values_preview_as_placeholders_naming_their_field(
    broken_engine: Engine, broken: Path
) -> None:
    doc = _render(broken_engine, "disclosure")
    assert doc.error == ""
    html = doc.html
    marks = re.findall(r'<mark class="ph"[^>]*>(.*?)</mark>', html)
    assert f"【待填：{BASIC}】" in marks
    assert any("previous.income_total" in m for m in marks)
    line = line_of(broken / "finance.yaml", "  income_total: 七百")
    assert f"finance.yaml:{line} previous.income_total" in html  # the tooltip says where
    text = text_of(html)
    assert "中共广元市昭化区委组织部" in text and "226.06" in text  # the rest renders
    assert "NaN" not in text and "⟦" not in text
    # a chart whose inputs are missing is a placeholder too, the others are real charts
    assert "【图表待填：" in html and 'src="/chart/' in html


def test_the_pdf_copy_writes_the_placeholders_out(broken_engine: Engine) -> None:
    import zipfile

    doc = next(d for d in broken_engine.docs.values() if d.job.kind == "disclosure")
    rendered = fill_job(doc.job, broken_engine.report, broken_engine.images)
    broken_engine.labels.write_out(rendered.docx)
    with zipfile.ZipFile(io.BytesIO(rendered.to_bytes())) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert f"【待填：{BASIC}】" in xml and "⟦" not in xml


def test_missing_text_placeholder_in_the_letter(broken_engine: Engine) -> None:
    doc = _render(broken_engine, "letter")
    assert "【待填：short_name】" in doc.html


def test_problems_link_to_the_placeholder_in_the_document(broken_engine: Engine) -> None:
    _render(broken_engine, "disclosure")
    problems = broken_engine.state()["problems"]
    basic = next(p for p in problems if p["field"] == BASIC)
    assert basic["level"] == "error" and basic["line"] > 0
    assert basic["file"].endswith("finance.yaml") and basic["source"] == "finance.yaml"
    target = basic["target"]
    disclosure = next(d for d in broken_engine.docs.values() if d.job.kind == "disclosure")
    assert target["doc"] == disclosure.id
    assert any(
        f'data-ph="{i}"' in disclosure.html or f'data-ph="{i} ' in disclosure.html
        for i in target["ph"]
    )
    # audit findings that only restate a placeholder are left out
    assert not any("⟦" in p["message"] or "NaN" in p["message"] for p in problems)


def test_unparsable_yaml_keeps_the_last_readable_version(tmp_path: Path) -> None:
    data = copy_data(tmp_path / "2023")
    reader = LenientReader(data)
    reader.read()
    path = data / "finance.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nincome: [oops\n", encoding="utf-8")
    dataset, findings = reader.read()
    assert reader.stale
    assert any(f.file.endswith("finance.yaml") and "YAML" in f.message for f in findings)
    assert dataset["finance.yaml"]["expenditure_by_function"][0]["basic"] == Decimal("520.89")
    assert dataset["finance.yaml"]["operating_costs"] == Decimal("289.99")


def test_missing_file_still_previews(tmp_path: Path) -> None:
    data = copy_data(tmp_path / "2023")
    (data / "department.yaml").unlink()
    engine = Engine(data, tmp_path / "out", chart_workers=0)
    try:
        engine.recompute()
        problems = engine.state()["problems"]
        assert any(
            p["file"].endswith("department.yaml") and p["message"] == "缺少文件" for p in problems
        )
        doc = _render(engine, "disclosure")
        assert doc.error == "" and "第一部分" in text_of(doc.html)
        assert "【待填：name】" in doc.html
    finally:
        engine.close()


def test_lenient_reader_reads_the_files_the_strict_one_reads(tmp_path: Path) -> None:
    """Optional files left out as `check` leaves them out; project files *.yml read too."""
    from generator.read.dataset import read_dataset

    data = copy_data(tmp_path / "2023")
    (data / "performance.yaml").unlink()
    first = sorted((data / "projects").glob("*.yaml"))[0]
    first.rename(first.with_suffix(".yml"))
    strict_data, strict = read_dataset(data)
    dataset, findings = LenientReader(data).read()
    assert findings == strict
    assert "performance.yaml" not in dataset.files
    assert len(dataset.projects) == len(strict_data.projects) == 24
    assert dataset.projects[0].name.endswith(".yml")
    (data / "scoring.yaml").unlink()  # a self-evaluation without its scoring
    assert LenientReader(data).read()[1] == read_dataset(data)[1] != []


def without_self_evaluation(dest: Path) -> Path:
    """2023 as a year without a self-evaluation: no performance, letters, scoring, projects."""
    data = copy_data(dest)
    for name in ("performance.yaml", "self_evaluation.yaml", "scoring.yaml"):
        (data / name).unlink()
    shutil.rmtree(data / "projects")
    return data


def test_a_year_without_self_evaluation_previews(tmp_path: Path) -> None:
    data = without_self_evaluation(tmp_path / "2023")
    engine = Engine(data, tmp_path / "out", chart_workers=0)
    try:
        engine.recompute()
        assert engine.report is not None and engine.report.evaluation is None
        assert [d.job.kind for d in engine.docs.values()] == ["disclosure"]
        assert engine.state()["problems"] == []
        doc = _render(engine, "disclosure")
        assert doc.error == "" and "第一部分" in text_of(doc.html)
        assert "⟦" not in doc.html and "【待填" not in doc.html
        kept = fill_job(doc.job, engine.report, engine.images)
        built = render_job(doc.job, prepare(data)[0], engine.images)
        assert members(kept.to_bytes()) == members(built)
    finally:
        engine.close()


def test_a_data_folder_moved_away_keeps_the_last_documents(tmp_path: Path) -> None:
    data = copy_data(tmp_path / "2023")
    engine = Engine(data, tmp_path / "out", chart_workers=0)
    try:
        engine.recompute()
        report, count = engine.report, len(engine.docs)
        data.rename(tmp_path / "moved")
        engine.recompute()
        assert engine.report is report and len(engine.docs) == count and engine.stale_report
        assert any("找不到数据文件夹" in p["message"] for p in engine.state()["problems"])
    finally:
        engine.close()


def test_reader_rereads_only_the_changed_file(tmp_path: Path) -> None:
    data = copy_data(tmp_path / "2023")
    reader = LenientReader(data)
    reader.read()
    first = reader.reads
    path = data / "finance.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "  income_total: 753.82 ", "  income_total: 700 ", 1
        ),
        encoding="utf-8",
    )
    dataset, _ = reader.read()
    assert reader.reads == first + 1
    assert dataset["finance.yaml"]["previous"]["income_total"] == Decimal(700)


# --------------------------------------------------------------------------------------------
# What you preview is what you build


@pytest.fixture(scope="module")
def report():
    return prepare(DATA)[0]


def members(docx: bytes) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_preview_renders_what_the_build_writes(report) -> None:
    """The preview keeps the build's own rendering in memory: its bytes are the build's."""
    from generator.build import draw_charts

    images = {name: Image(png) for name, (_, _, png) in draw_charts(report).items()}
    for job in plan_documents(report):
        built = members(render_job(job, report, images))
        for _ in range(2):  # cold, then with the compiled template kept
            kept = fill_job(job, report, images)
            assert members(kept.to_bytes()) == built, job.title


def test_rendering_keeps_docxtpl_listing_rules(tmp_path: Path) -> None:
    """Line breaks and tabs in the data go through docxtpl's resolve_listing as in the build."""
    data = copy_data(tmp_path / "2023")
    path = data / "self_evaluation.yaml"
    text = re.sub(
        r"(?m)^problems: .*$",
        lambda _m: 'problems: "第一行\\n第二行\\t制表"',
        path.read_text(encoding="utf-8"),
    )
    path.write_text(text, encoding="utf-8")
    rep = prepare(data)[0]
    job = next(j for j in plan_documents(rep) if j.kind == "letter" and j.project is None)
    kept = fill_job(job, rep, {})
    assert members(kept.to_bytes()) == members(render_job(job, rep, {}))
    assert "第一行<br>第二行" in document_to_html(kept.docx, styles=kept.styles).html


def test_chart_keys_follow_their_inputs(tmp_path: Path, report) -> None:
    before = {r.name: r.key for r in capture(report)}
    assert len(set(before.values())) == 7
    assert before == {r.name: r.key for r in capture(report)}  # stable
    data = copy_data(
        tmp_path / "2023", {"finance.yaml": [("  income_total: 753.82 ", "  income_total: 700 ")]}
    )
    after = {r.name: r.key for r in capture(prepare(data)[0])}
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"totals"}


def test_charts_the_build_drew_are_not_drawn_again(report) -> None:
    """The preview and the build share one chart cache, by the specs' content."""
    from generator.build import draw_charts
    from generator.preview.chartstore import ChartStore

    built = draw_charts(report)
    store = ChartStore(workers=0)
    try:
        refs = capture(report)
        pngs = {r.name: store.ensure(r).result(timeout=60) for r in refs}
        assert store.drawn == 0
        assert pngs == {name: png for name, (_, _, png) in built.items()}
    finally:
        store.close()


@pytest.fixture()
def own_templates(tmp_path: Path) -> Iterator[Engine]:
    data = copy_data(tmp_path / "2023")
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    engine = Engine(data, tmp_path / "out", templates=templates, chart_workers=0)
    engine.recompute()
    yield engine
    engine.close()


def test_the_data_folders_own_templates_are_used_as_the_build_uses_them(tmp_path: Path) -> None:
    """`<data>/templates/` overrides the defaults one file at a time, in the preview too."""
    data = copy_data(tmp_path / "2023")
    (data / "templates").mkdir()
    shutil.copy(TEMPLATES / "project_table.docx", data / "templates")
    edit_template(data / "templates" / "project_table.docx", ">项目名称<", ">项目名（本单位）<")
    engine = Engine(data, tmp_path / "out", chart_workers=0)
    try:
        engine.recompute()
        table = _render(engine, "table", engine.report.projects[0].name)
        assert ">项目名（本单位）<" in table.html
        assert _render(engine, "disclosure").error == ""  # the others: the defaults
    finally:
        engine.close()


def test_saving_a_template_rerenders_the_documents_made_from_it(own_templates: Engine) -> None:
    engine = own_templates
    table = _render(engine, "table", engine.report.projects[0].name)
    disclosure = _render(engine, "disclosure")
    assert ">项目名称<" in table.html
    time.sleep(0.01)
    edit_template(engine.templates / "project_table.docx", ">项目名称<", ">项目名称（改）<")
    engine.notify({engine.templates / "project_table.docx"})
    engine.recompute()
    stale = {d.id for d in engine.docs.values() if d.sig != engine._sig(d)}
    assert table.id in stale
    engine.render(table)
    assert ">项目名称（改）<" in table.html
    engine.render(disclosure)
    assert disclosure.error == ""


def test_a_broken_template_shows_its_error_and_keeps_the_others(own_templates: Engine) -> None:
    engine = own_templates
    edit_template(engine.templates / "project_table.docx", ">项目名称<", ">{{ nope.nope }}<")
    engine.recompute()
    table = _render(engine, "table", engine.report.projects[0].name)
    disclosure = _render(engine, "disclosure")
    letter = _render(engine, "letter")
    assert "project_table.docx" in table.error and "nope" in table.error
    # the disclosure annexes the 自评表 from the same template: it names that template too
    assert "project_table.docx" in disclosure.error
    assert letter.error == "" and "预算单位概况" in text_of(letter.html)
    problems = engine.state()["problems"]
    listed = [p for p in problems if p["code"] == "render"]
    own = [p for p in listed if p["file"] == "templates/project_table.docx"]
    assert own and own[0]["target"] == {"doc": table.id}


# --------------------------------------------------------------------------------------------
# HTML of a .docx


def _sample_docx() -> bytes:
    from docx import Document

    from generator.preview.chartstore import stub_png

    doc = Document()
    doc.add_heading("第一部分 概况", level=1)
    doc.add_paragraph("收入合计912.26万元。")
    table = doc.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "横向合并"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "纵向合并"
    table.cell(0, 2).text = "甲"
    table.cell(1, 1).text = "乙"
    table.cell(2, 2).text = "丙"
    doc.add_paragraph("之后的段落")
    doc.add_picture(io.BytesIO(stub_png("sample")))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def docx_to_html(data: bytes, cache: TableCache | None = None):
    from docx import Document

    return document_to_html(Document(io.BytesIO(data)), cache=cache)


def test_docx_to_html_in_reading_order_with_spans_and_images() -> None:
    html = docx_to_html(_sample_docx()).html
    assert (
        html.index("第一部分 概况")
        < html.index("912.26")
        < html.index("横向合并")
        < html.index("之后的段落")
        < html.index("<img")
    )
    assert re.search(r"<h2[^>]*>第一部分 概况</h2>", html)
    assert re.search(r'<td colspan="2"[^>]*>.*?横向合并', html)
    assert re.search(r'<td rowspan="2"[^>]*>.*?纵向合并', html)
    assert html.count("<tr>") == 3 and html.count("<td") == 7
    assert 'src="data:image/png;base64,' in html


def test_unchanged_tables_are_not_converted_again() -> None:
    data = _sample_docx()
    cache = TableCache()
    first = docx_to_html(data, cache=cache)
    second = docx_to_html(data, cache=cache)
    assert cache.hits == 1 and first.html == second.html and first.blocks == second.blocks


# --------------------------------------------------------------------------------------------
# The server


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("served")
    data = copy_data(root / "2023")
    outside = root / "outside.txt"
    outside.write_text("top secret\n", encoding="utf-8")
    (data / "link.yaml").symlink_to(outside)
    with Preview(data, 0, out_dir=root / "out", chart_workers=0) as running:
        yield running


def _get(preview: Preview, path: str, host: str | None = None) -> tuple[int, bytes]:
    port = preview.server.server_address[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.putrequest("GET", path, skip_host=host is not None)
        if host is not None:
            conn.putheader("Host", host)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_server_listens_on_loopback_only(preview: Preview) -> None:
    assert HOST == "127.0.0.1"
    assert preview.server.socket.getsockname()[0] == "127.0.0.1"
    assert preview.url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize(
    "path",
    [
        "/files/data/../../../../etc/passwd",
        "/files/data/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/files/data/..%2f..%2f..%2fetc%2fpasswd",
        "/files/data//etc/passwd",
        "/files/data/%2fetc%2fpasswd",
        "/files/templates/../data/finance.yaml",
        "/files/output/../../outside.txt",
        "/files/etc/passwd",
        "/files/../outside.txt",
        "/source/../outside.txt",
        "/source/%2e%2e/outside.txt",
        "/source/..%5coutside.txt",
        "/source//etc/passwd",
        "/files/data/link.yaml",
        "/source/link.yaml",
    ],
)
def test_requests_cannot_read_outside_the_three_folders(preview: Preview, path: str) -> None:
    status, body = _get(preview, path)
    assert status in (403, 404)
    assert b"top secret" not in body and b"root:" not in body


def test_files_of_the_three_folders_are_served(preview: Preview) -> None:
    status, body = _get(preview, "/files/data/year.yaml")
    assert status == 200 and b"year: 2023" in body
    status, body = _get(preview, "/files/templates/disclosure.docx")
    assert status == 200 and body.startswith(b"PK")
    status, body = _get(preview, "/source/finance.yaml")
    assert status == 200 and b'id="L4"' in body


def test_other_host_names_are_refused(preview: Preview) -> None:
    status, _ = _get(preview, "/api/state", host="attacker.example:80")
    assert status == 403
    port = preview.server.server_address[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/api/focus/0123456789ab", headers={"Origin": "http://evil.example"})
    assert conn.getresponse().status == 403
    conn.close()


def test_state_lists_every_document_and_problem(preview: Preview) -> None:
    status, body = _get(preview, "/api/state")
    state = json.loads(body)
    assert status == 200
    kinds = [d["kind"] for d in state["docs"]]
    assert kinds.count("disclosure") == 1 and kinds.count("table") == 24
    assert len(state["docs"]) == len(plan_documents(prepare(DATA)[0]))
    from generator.audit.report import audit_report
    from generator.model.report import derive_report
    from generator.read.dataset import read_dataset

    dataset, findings = read_dataset(preview.engine.data_dir)  # what `check` reports
    findings += audit_report(dataset, derive_report(dataset))
    listed = {(p["file"], p["line"], p["field"], p["message"]) for p in state["problems"]}
    assert listed == {(f.file, f.line, f.field, f.message) for f in findings}
    status, body = _get(preview, "/")
    assert status == 200 and "问题".encode() in body and b"EventSource" in body


def test_document_and_charts_are_served(preview: Preview) -> None:
    state = json.loads(_get(preview, "/api/state")[1])
    disclosure = next(d for d in state["docs"] if d["kind"] == "disclosure")
    status, body = _get(preview, f"/api/doc/{disclosure['id']}")
    doc = json.loads(body)
    html = "".join(doc["parts"])
    assert status == 200 and doc["error"] == ""
    assert "收、支总计各增加158.44万元，增长21%" in text_of(html)
    charts = re.findall(r'src="(/chart/[0-9a-f]+\.png)"', html)
    assert len(charts) == 7
    status, png = _get(preview, charts[0])
    assert status == 200 and png.startswith(b"\x89PNG")
    assert _get(preview, "/chart/ffffffffffffffffffff.png")[0] == 404


def test_saving_a_file_refreshes_the_document(preview: Preview) -> None:
    engine = preview.engine
    state = json.loads(_get(preview, "/api/state")[1])
    disclosure = next(d for d in state["docs"] if d["kind"] == "disclosure")["id"]
    before = json.loads(_get(preview, f"/api/doc/{disclosure}")[1])
    path = engine.data_dir / "finance.yaml"
    original = path.read_text(encoding="utf-8")
    edited = original.replace("  income_total: 753.82 ", "  income_total: 700 ", 1)
    edited = edited.replace("  expenditure_total: 753.82 ", "  expenditure_total: 700 ", 1)
    assert edited.count(" 700 ") == 2
    path.write_text(edited, encoding="utf-8")
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            doc = json.loads(_get(preview, f"/api/doc/{disclosure}")[1])
            if doc["hash"] != before["hash"]:
                break
            time.sleep(0.05)
        text = text_of("".join(doc["parts"]))
        assert "收、支总计各增加212.26万元，增长30%" in text, re.findall("收、支总计各.{40}", text)
    finally:
        path.write_text(original, encoding="utf-8")


def test_watcher_reports_changed_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("a: 1\n", encoding="utf-8")
    seen: list[set[Path]] = []
    watcher = Watcher([tmp_path], lambda paths, _t: seen.append(paths))
    assert watcher.poll() == set()
    (tmp_path / "a.yaml").write_text("a: 22\n", encoding="utf-8")
    (tmp_path / "~$lock.docx").write_text("x", encoding="utf-8")  # Word's lock file: ignored
    assert watcher.poll() == {tmp_path / "a.yaml"}
    (tmp_path / "b.yaml").write_text("b: 1\n", encoding="utf-8")
    assert watcher.poll() == {tmp_path / "b.yaml"}
    assert len(seen) == 2


@pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice (soffice) is not installed",
)
def test_pdf_of_a_document_through_libreoffice(preview: Preview) -> None:
    state = json.loads(_get(preview, "/api/state")[1])
    table = next(d for d in state["docs"] if d["kind"] == "table")
    port = preview.server.server_address[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    conn.request("POST", f"/api/pdf/{table['id']}")
    answer = json.loads(conn.getresponse().read())
    conn.close()
    assert "url" in answer, answer
    status, body = _get(preview, quote(answer["url"]))
    assert status == 200 and body.startswith(b"%PDF")
