"""The speed caches change nothing but the time (issue 13): charts are redrawn exactly when
what they show changes, a changed template is never served from the disk cache, the fast save
writes the bytes of docxtpl's save followed by typesetting, and a build gives the same bytes
with a cold cache, a warm cache and no cache."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support import ROOT, copy_data, snapshot

from generator.write import diskcache


def test_raw_zip_equals_zipfile() -> None:
    from generator.render.zipraw import deflate, plain_zip, write_zip, zipfile_compatible

    rng = random.Random(13)
    members = [
        deflate(
            f"word/part{i}.xml", bytes(rng.randrange(60, 70) for _ in range(rng.randrange(0, 9000)))
        )
        for i in range(12)
    ]
    assert zipfile_compatible()
    assert write_zip(members) == plain_zip(members)
    with zipfile.ZipFile(io.BytesIO(write_zip(members))) as archive:
        assert archive.testzip() is None


# --- charts ---------------------------------------------------------------------------------


def test_changing_one_figure_redraws_exactly_its_charts(
    cache: Path, data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.build import draw_charts, prepare
    from generator.charts.specs import chart_specs
    from generator.write import scheduler

    drawn: list[str] = []
    real = scheduler.draw_chart

    def counting(spec):  # noqa: ANN001, ANN202
        drawn.append(spec.name)
        return real(spec)

    monkeypatch.setattr(scheduler, "draw_chart", counting)
    report = prepare(data)[0]
    first = draw_charts(report)
    assert sorted(drawn) == sorted(s.name for s in chart_specs(report))
    drawn.clear()
    assert draw_charts(report) == first and drawn == []  # the same figures: nothing drawn

    last_year = "general_budget: {}        # 一般公共预算"
    edit = (last_year.format("753.82"), last_year.format("700.00"))
    edited = copy_data(data, tmp_path / "edited", {"finance.yaml": [edit]})
    changed_report = prepare(edited)[0]
    before = {s.name: s.key for s in chart_specs(report)}
    after = {s.name: s.key for s in chart_specs(changed_report)}
    changed = {name for name in after if after[name] != before[name]}
    again = draw_charts(changed_report)
    assert 0 < len(changed) < len(after)
    assert set(drawn) == changed and len(drawn) == len(changed)
    assert all(again[n] == first[n] for n in after if n not in changed)


def test_a_rebuild_with_the_same_figures_does_not_import_matplotlib(
    cache: Path, data: Path, tmp_path: Path
) -> None:
    code = (
        "import sys; from pathlib import Path; from generator.build import build; "
        f"build(Path({str(data)!r}), Path(sys.argv[1])); "
        "print('matplotlib' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), diskcache.ENV: str(cache)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code, str(tmp_path / f"out{i}")],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120,
        ).stdout.split()[-1]
        for i in range(2)
    ]  # fmt: skip
    assert runs == ["False", "False"]  # the main process never draws
    assert snapshot(tmp_path / "out0") == snapshot(tmp_path / "out1")


# --- templates ------------------------------------------------------------------------------


def _edited_template(source: Path, target: Path) -> Path:
    """`source` with a different body text and a different font size in its styles."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/styles.xml":
                data = data.replace(b'<w:sz w:val="', b'<w:sz w:val="2', 1)
            dst.writestr(info, data)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(out.getvalue())
    return target


def _render(template: Path, report, monkeypatch: pytest.MonkeyPatch, plain: bool) -> bytes:  # noqa: ANN001
    from generator.build import base_context
    from generator.render.docx import PLAIN_ENV, render_docx

    monkeypatch.setenv(PLAIN_ENV, "1" if plain else "0")
    p = report.projects[0]
    return render_docx(template, {**base_context(report), "p": p})


def test_a_changed_template_is_not_served_from_the_cache(
    cache: Path,
    report,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    from generator.render import docxfast
    from generator.render.templatedirs import TEMPLATES

    template = tmp_path / "templates" / "project_table.docx"
    template.parent.mkdir()
    template.write_bytes((TEMPLATES / "project_table.docx").read_bytes())
    first = _render(template, report, monkeypatch, plain=False)
    assert first == _render(template, report, monkeypatch, plain=True)
    shells = len(list((cache / "shells").rglob("*")))
    _edited_template(TEMPLATES / "project_table.docx", template)  # same path, new content
    docxfast._ENTRIES.clear()  # a new process: only the disk cache remembers
    second = _render(template, report, monkeypatch, plain=False)
    assert second != first
    assert second == _render(template, report, monkeypatch, plain=True)
    assert len(list((cache / "shells").rglob("*"))) > shells  # a new entry, the old one unused


# --- whole builds ---------------------------------------------------------------------------


def test_cold_warm_and_no_cache_give_the_same_bytes(data: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = {
        "plain": {"GENERATOR_PLAIN_RENDER": "1", diskcache.ENV: "off"},
        "cold": {diskcache.ENV: str(tmp_path / "cache")},
        "warm": {diskcache.ENV: str(tmp_path / "cache")},
    }
    for name, extra in runs.items():
        subprocess.run(
            [sys.executable, "-m", "generator", "build", str(data), "-o", str(tmp_path / name)],
            cwd=ROOT, env={**env, **extra}, capture_output=True, check=True, timeout=120,
        )  # fmt: skip
    plain = snapshot(tmp_path / "plain")
    assert len(plain) > 30
    assert snapshot(tmp_path / "cold") == plain
    assert snapshot(tmp_path / "warm") == plain
    assert any((tmp_path / "cache" / kind).is_dir() for kind in ("charts", "shells", "typeset"))


def test_an_unwritable_cache_is_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(diskcache.ENV, str(blocker / "cache"))
    diskcache.reset()
    try:
        assert diskcache.root() is None
        diskcache.store("charts", "ab" * 20, b"x")  # nothing happens, no error
        assert diskcache.load("charts", "ab" * 20) is None
    finally:
        diskcache.reset()


def test_entries_are_written_whole_and_again_after_their_folder_is_deleted(cache: Path) -> None:
    """No temporary file is left beside the entries; a folder deleted while a build runs (by
    hand) is made again for the next entry."""
    import shutil

    diskcache.store("charts", "ab" * 20, b"first")
    shutil.rmtree(cache / "charts")
    diskcache.store("charts", "ab" * 20, b"second")
    assert diskcache.load("charts", "ab" * 20) == b"second"
    assert not [p for p in cache.rglob(".tmp-*")]


# --- the rendered body parsed in place (generator.render.inplace) ----------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def _root() -> object:
    from docx.oxml.parser import parse_xml

    return parse_xml(
        f'<w:document xmlns:w="{W}" xmlns:wp="{WP}"><w:body><w:p/></w:body></w:document>'
    )


def test_the_body_is_spliced_with_the_roots_declarations_only() -> None:
    from generator.render.inplace import document_xml

    body = (f'<w:body xmlns:w="{W}" xmlns:wp="{WP}"><w:p><wp:inline xmlns:wp="{WP}" '
            'xmlns:a="urn:a"/></w:p></w:body>')  # fmt: skip
    pieces = document_xml(_root(), body)
    assert pieces is not None
    whole = str(pieces)
    assert whole.count(f'xmlns:wp="{WP}"') == 1  # the root's; the repeat inside is dropped
    assert 'xmlns:a="urn:a"' in whole  # a namespace the root lacks stays declared
    assert "<w:body><w:p><wp:inline" in whole


def test_a_body_declaring_what_the_root_does_not_is_left_to_docxtpl() -> None:
    from generator.render.inplace import document_xml

    assert document_xml(_root(), f'<w:body xmlns:w="{W}" xmlns:x="urn:x"><w:p/></w:body>') is None
    assert document_xml(_root(), '<w:body xmlns:w="urn:other"><w:p/></w:body>') is None
    assert document_xml(_root(), f'<w:body xmlns:w="{W}" w:rsid="1"><w:p/></w:body>') is None


def test_in_place_and_docxtpls_own_path_give_the_same_document(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The disclosure template filled the fast way (spliced, parsed once, bodies handed over)
    and docxtpl's way (parsed alone, moved, annexes filled inside) serialise the same."""
    from generator import build as b
    from generator.render import inplace
    from generator.render.annexes import body_markup
    from generator.write import scheduler as sch

    installed: list[object] = []
    original = inplace.install
    monkeypatch.setattr(
        inplace, "install", lambda t, root: (installed.append(t), original(t, root))
    )
    data = ROOT / "data" / "2023"
    report, _ = b.prepare(data)
    jobs = b.plan_documents(report)
    dirs = b.template_dirs(None, data)
    from generator.charts.specs import chart_specs
    from generator.render.docx import Image

    specs = chart_specs(report)
    images = {s.name: Image(png) for s, png in zip(specs, sch.draw_specs(specs), strict=True)}
    work = sch._Work(report, [], {}, jobs[:1], jobs[1:], dirs, ())
    namespaces = work.placement.namespaces  # the bodies as text (their tables not deferred)
    made = [
        (b"", body_markup(sch.fill_job(j, report, {}, dirs).docx, namespaces)) for j in jobs[1:]
    ]
    fast = sch.fill_job(jobs[0], report, images, dirs, work.bodies(jobs[1:], made))
    os.environ["GENERATOR_PLAIN_RENDER"] = "1"
    try:
        plain = sch.fill_job(jobs[0], report, images, dirs)
    finally:
        del os.environ["GENERATOR_PLAIN_RENDER"]
    from lxml import etree

    assert fast.tpl in installed and plain.tpl not in installed  # each took its own path
    assert type(fast.docx.element).__name__ == "CT_Document"
    assert len(fast.docx.paragraphs) > 100  # python-docx reads the installed tree
    assert etree.tostring(fast.docx.element) == etree.tostring(plain.docx.element)


def test_a_python_docx_that_keeps_its_tree_elsewhere_gets_docxtpls_move(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where installing the parsed document does not take, docxtpl's own move places the body:
    the same document, never the unfilled template."""
    from generator import build as b
    from generator.render import inplace
    from generator.write import scheduler as sch

    data = ROOT / "data" / "2023"
    report, _ = b.prepare(data)
    job = next(j for j in b.plan_documents(report) if j.kind == "table")
    dirs = b.template_dirs(None, data)
    normal = sch.fill_job(job, report, {}, dirs).to_bytes()
    monkeypatch.setattr(inplace, "install", lambda template, root: False)
    assert sch.fill_job(job, report, {}, dirs).to_bytes() == normal


def _grid(*widths: int) -> str:
    return "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{x}"/>' for x in widths) + "</w:tblGrid>"


def _cell(span: str | None = None) -> str:
    props = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span is not None else ""
    return f"<w:tc>{props}<w:p/></w:tc>"


@pytest.mark.parametrize(
    ("table", "mended"),
    [
        (f"{_grid(3000, 3000)}<w:tr>{_cell()}{_cell()}</w:tr>", False),
        (f"{_grid(3000, 3000, 3000)}<w:tr>{_cell('2')}{_cell()}</w:tr>", False),
        (f"{_grid(3000, 3000)}<w:tr>{_cell()}{_cell()}{_cell()}</w:tr>", True),  # a cell more
        (f"{_grid(3000, 3000, 3000)}<w:tr>{_cell()}{_cell()}</w:tr>", True),  # a column more
        (f"{_grid(3000, 3000)}<w:tr>{_cell(' 2')}</w:tr>", True),  # a span int() reads
        (_grid(3000), True),  # no rows
    ],
    ids=["fits", "spans", "extra-cell", "extra-column", "odd-span", "no-rows"],
)
def test_tables_are_mended_as_docxtpl_mends_them(table: str, mended: bool) -> None:
    """docxtpl's fix_tables loop runs where it would change a table, and only there; either
    way the parsed document is docxtpl's own."""
    from lxml import etree

    from generator.render import inplace

    xml = f'<w:document xmlns:w="{W}"><w:body><w:tbl>{table}</w:tbl><w:p/></w:body></w:document>'
    fix = inplace.fix_function()
    ran: list[bool] = []

    def counted(template: object, text: object) -> object:
        ran.append(True)
        return fix(template, text)

    tree = inplace.fix_tables(None, counted, xml)
    assert bool(ran) == mended
    assert etree.tostring(tree) == etree.tostring(fix(None, xml))
