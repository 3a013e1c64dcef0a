"""The preview's fast rendering (generator/preview/fastdoc.py, annexmemo.py): the HTML it makes
is the HTML of the build's own rendering, document by document, before and after edits; what
it keeps (annexes, blocks) is kept only while its inputs are the same; what it cannot do
safely goes the build's way. No timings here: bench/bench_preview.py measures them."""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from docxtpl import DocxTemplate
from lxml import etree
from support import edit_template

from generator.build import TEMPLATES
from generator.errors import describe
from generator.preview import fastdoc
from generator.preview.engine import Engine, gc_paused
from generator.preview.fastdoc import Unusual, resolve_listing, split_body
from generator.preview.htmldoc import document_to_html
from generator.preview.state import DocState, parts_patch
from generator.read.placeholders import lenient_decimals
from generator.write.scheduler import fill_job

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "2023"
EXAMPLES = ROOT / "data" / "examples" / "water-centre-2024"
PREVIOUS = "  income_total: 753.82 "
LISTED = '  actual: "第一行\\n第二行\\t完"'  # a line break and a tab in the text


def copy(source: Path, dest: Path, edits: dict[str, list[tuple[str, str]]] | None = None) -> Path:
    shutil.copytree(source, dest)
    for name, pairs in (edits or {}).items():
        edit(dest / name, *pairs)
    return dest


def edit(path: Path, *pairs: tuple[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert text.count(old) == 1, f"{path.name}: {old!r}"
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def builds_html(engine: Engine, doc: DocState) -> tuple[list[str], list, list[int]]:
    """The HTML of `doc` the build's way: fill_job, then the whole body converted."""
    with lenient_decimals():
        rendered = fill_job(doc.job, engine.report, engine.images, engine.template_dirs)
        html = document_to_html(
            rendered.docx,
            engine.labels.image_html,
            engine.labels.placeholder_html,
            None,
            rendered.styles,
        )
    return html.parts, html.blocks, html.placeholders


def assert_as_built(engine: Engine) -> None:
    """Every document rendered by the engine (fastdoc) is the build's HTML, part for part."""
    for doc in sorted(engine.docs.values(), key=lambda d: d.order):
        engine.render(doc)
        assert doc.error == "", (doc.job.title, doc.error)
        assert doc.fast, (doc.job.title, engine.fallbacks)
        parts, blocks, placeholders = builds_html(engine, doc)
        assert doc.parts == parts, doc.job.title
        assert doc.blocks == blocks, doc.job.title
        assert doc.placeholders == placeholders, doc.job.title


@pytest.fixture()
def engine(tmp_path: Path) -> Iterator[Engine]:
    running = Engine(copy(DATA, tmp_path / "2023"), tmp_path / "out", chart_workers=0)
    running.recompute()
    yield running
    running.close()


def disclosure_of(engine: Engine) -> DocState:
    return next(d for d in engine.docs.values() if d.job.kind == "disclosure")


def test_every_document_is_the_builds_html(engine: Engine) -> None:
    assert_as_built(engine)
    assert engine.fallbacks == []


def test_after_edits_every_document_is_still_the_builds_html(engine: Engine) -> None:
    assert_as_built(engine)
    data = engine.data_dir
    project = sorted((data / "projects").glob("01-*.yaml"))[0]
    for path, pairs in [
        (data / "finance.yaml", [(PREVIOUS, "  income_total: 700 ")]),
        (project, [("    actual: 10名", "    actual: 12名")]),
        (data / "department.yaml", [("short_name: 区委组织部", "short_name: 组织部")]),
        (data / "finance.yaml", [("  income_total: 700 ", "  income_total: 七百 ")]),  # invalid
        (project, [("  actual: 引进专家团队2个，专家教授10名。", LISTED)]),  # docxtpl's listing
    ]:
        edit(path, *pairs)
        engine.recompute()
        assert_as_built(engine)
    assert engine.fallbacks == []
    assert "第一行<br>第二行" in disclosure_of(engine).html  # through resolve_listing


def test_the_example_dataset_and_the_plain_path_are_the_builds_html(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = Engine(copy(EXAMPLES, tmp_path / "examples"), tmp_path / "out", chart_workers=0)
    try:
        running.recompute()
        assert_as_built(running)
        monkeypatch.setenv("GENERATOR_PLAIN_RENDER", "1")
        running.recompute()
        assert_as_built(running)
    finally:
        running.close()


def test_own_templates_and_their_edits_are_the_builds_html(tmp_path: Path) -> None:
    data = copy(DATA, tmp_path / "2023")
    (data / "templates").mkdir()
    shutil.copy(TEMPLATES / "project_table.docx", data / "templates")
    running = Engine(data, tmp_path / "out", chart_workers=0)
    try:
        running.recompute()
        assert_as_built(running)
        edit_template(data / "templates" / "project_table.docx", ">项目名称<", ">项目名（改）<")
        running.recompute()
        assert_as_built(running)
        assert ">项目名（改）<" in disclosure_of(running).html  # the annexed 自评表 too
    finally:
        running.close()


# --------------------------------------------------------------------------------------------
# What is kept


def test_annexes_whose_inputs_did_not_change_are_not_filled_again(engine: Engine) -> None:
    disclosure = disclosure_of(engine)
    engine.render(disclosure)
    memo = engine.annexes
    annexed = memo.fills
    assert annexed >= 25  # the department letter, 24 自评表, the project letters
    # last year's 收入总计: only the department letter reads the finance part
    edit(engine.data_dir / "finance.yaml", (PREVIOUS, "  income_total: 700 "))
    engine.recompute()
    fills, hits = memo.fills, memo.hits
    engine.render(disclosure)
    assert memo.hits - hits >= annexed - 1 and memo.fills - fills <= 1
    # one project's result: its 自评表 (and letter, if it has one) only
    project = sorted((engine.data_dir / "projects").glob("01-*.yaml"))[0]
    edit(project, ("    actual: 10名", "    actual: 12名"))
    engine.recompute()
    fills = memo.fills
    engine.render(disclosure)
    assert 1 <= memo.fills - fills <= 2
    assert "12名" in disclosure.html
    assert (disclosure.parts, disclosure.blocks) == builds_html(engine, disclosure)[:2]


def test_the_filters_read_no_more_of_the_context_than_the_keys_say() -> None:
    """An annex's key holds what its template reads, and `style` (annexmemo.ALWAYS), which
    the filters that take the context read. A filter reading more would need it there."""
    import inspect

    from generator.preview.annexmemo import ALWAYS
    from generator.render.docx import shared_env

    env = shared_env()
    modules = {
        inspect.getmodule(f)
        for f in [*env.filters.values(), *env.globals.values()]
        if getattr(f, "jinja_pass_arg", None) is not None
    }
    ours = [m for m in modules if m is not None and m.__name__.startswith("generator.")]
    assert ours
    for module in ours:
        source = inspect.getsource(module)
        uses = set(re.findall(r"\bctx\s*[.\[][^\s,)]*", source))
        assert uses <= {f'ctx.get("{name}"' for (name,) in ALWAYS}, (module.__name__, uses)


def test_a_template_edit_fills_its_annexes_again(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    running = Engine(copy(DATA, tmp_path / "2023"), tmp_path / "out", templates, chart_workers=0)
    try:
        running.recompute()
        disclosure = disclosure_of(running)
        running.render(disclosure)
        edit_template(templates / "project_table.docx", ">项目名称<", ">项目名称（改）<")
        running.recompute()
        fills = running.annexes.fills
        running.render(disclosure)
        assert running.annexes.fills - fills == len(running.report.projects)
        assert ">项目名称（改）<" in disclosure.html
    finally:
        running.close()


def test_unchanged_blocks_keep_their_html(engine: Engine) -> None:
    disclosure = disclosure_of(engine)
    engine.render(disclosure)
    cache = disclosure.block_cache
    first = cache.converted
    assert first > 100
    edit(engine.data_dir / "finance.yaml", (PREVIOUS, "  income_total: 700 "))
    engine.recompute()
    engine.render(disclosure)
    again = cache.converted - first
    assert 0 < again < first / 4  # the changed blocks and those with charts
    assert (disclosure.parts, disclosure.blocks) == builds_html(engine, disclosure)[:2]


def test_what_fastdoc_cannot_do_goes_the_builds_way(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unusual(xml: str) -> tuple[str, list[str]]:
        raise Unusual("a block that does not parse alone")

    monkeypatch.setattr(fastdoc, "split_body", unusual)
    disclosure = disclosure_of(engine)
    engine.render(disclosure)
    assert not disclosure.fast and disclosure.error == ""
    assert any("does not parse alone" in why for why in engine.fallbacks)
    assert (disclosure.parts, disclosure.blocks) == builds_html(engine, disclosure)[:2]


def test_a_failing_template_names_its_error_as_the_build_does(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    running = Engine(copy(DATA, tmp_path / "2023"), tmp_path / "out", templates, chart_workers=0)
    try:
        running.recompute()
        edit_template(templates / "project_table.docx", ">项目名称<", ">{{ nope.nope }}<")
        running.recompute()
        table = next(d for d in running.docs.values() if d.job.kind == "table")
        running.render(table)
        with pytest.raises(Exception) as built, lenient_decimals():
            fill_job(table.job, running.report, running.images, running.template_dirs)
        assert table.error == describe(built.value)
        assert "project_table.docx" in table.error and "nope" in table.error
    finally:
        running.close()


# --------------------------------------------------------------------------------------------
# The pieces


def test_resolve_listing_is_docxtpls() -> None:
    """On bodies made of paragraphs of every shape (self-closing with attributes, unclosed,
    nested) holding the characters docxtpl rewrites, at random."""
    pieces = [
        "<w:p>",
        "<w:p ",
        '<w:p w:rsidR="1">',
        '<w:p w:rsidR="2"/>',
        "<w:p/>",
        "</w:p>",
        "<w:pPr><w:jc/></w:pPr>",
        "<w:r>",
        "<w:r><w:rPr><w:b/></w:rPr>",
        "</w:r>",
        "<w:t>",
        '<w:t xml:space="preserve">',
        "</w:t>",
        "文字",
        "\n",
        "\t",
        "\a",
        "\f",
        "<w:tbl><w:tr><w:tc>",
        "</w:tc></w:tr></w:tbl>",
    ]
    rng = random.Random(13)

    def docxtpl(xml: str) -> str:
        return DocxTemplate.resolve_listing(None, xml)  # type: ignore[arg-type]

    for _ in range(3000):
        xml = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        assert resolve_listing(xml, docxtpl) == docxtpl(xml), repr(xml)


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
BODY = f'<w:body xmlns:w="{W}">'


def test_the_body_is_cut_at_its_blocks() -> None:
    blocks = [
        "<w:p><w:r><w:t>一</w:t></w:r></w:p>",
        '<w:p w:rsidR="00"/>',
        "<w:tbl><w:tr><w:tc><w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>"
        "<w:p><w:r><w:t>二</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
        "<w:p/>",
        "<w:sectPr><w:pgSz/></w:sectPr>",
    ]
    head, pieces = split_body(BODY + "".join(blocks) + "</w:body>")
    assert head == BODY and pieces == blocks
    assert split_body(BODY + " \n".join(blocks) + "\n</w:body>")[1] == blocks
    for bad in [
        BODY + "文字<w:p/></w:body>",
        BODY + "<!-- x --><w:p/></w:body>",
        BODY + "<w:p><w:r></w:r></w:body>",
        "<w:document>" + BODY + "</w:body></w:document>",
        BODY.replace(">", "/>"),
    ]:
        with pytest.raises(Unusual):
            split_body(bad)


def test_blocks_converted_one_by_one_are_the_whole_body_converted() -> None:
    """Tables whose rows have more or fewer cells than their grid go through docxtpl's
    fix_tables as in the build; a cached block gives the same HTML as a converted one."""
    from generator.preview.fastdoc import BlockCache, Filled, body_html
    from generator.preview.htmldoc import block_converter

    def cell(text: str = "") -> str:
        run = f"<w:r><w:t>{text}</w:t></w:r>" if text else ""
        return f"<w:tc><w:p>{run}</w:p></w:tc>"

    def grid(n: int) -> str:
        return "<w:tblGrid>" + '<w:gridCol w:w="1000"/>' * n + "</w:tblGrid>"

    xml = (
        BODY
        + "<w:p><w:r><w:t>前</w:t></w:r></w:p>"
        + f"<w:tbl>{grid(2)}<w:tr>{cell('一')}{cell()}{cell('三')}</w:tr></w:tbl>"
        + f"<w:tbl>{grid(4)}<w:tr>{cell('甲')}{cell()}</w:tr></w:tbl>"
        + f"<w:tbl>{grid(1)}<w:tr><w:tc><w:tbl>{grid(1)}<w:tr>{cell('内')}{cell('外')}</w:tr>"
        + "</w:tbl><w:p/></w:tc></w:tr></w:tbl>"
        + "<w:p/><w:sectPr/></w:body>"
    )

    class Template:  # what body_html uses of docxtpl's template
        class docx:  # noqa: N801
            class part:  # noqa: N801
                rels: dict[str, object] = {}

        @staticmethod
        def fix_tables(text: str) -> object:
            return DocxTemplate.fix_tables(None, text)  # type: ignore[arg-type]

    whole = block_converter(None, lambda rid: None)
    expected = whole.result(whole.body(Template.fix_tables(xml)))
    # fix_tables made the grids fit (the outer table counts the nested rows too, as it does)
    assert expected.html.count("<col ") == 3 + 2 + 2 + 2
    cache = BlockCache()
    styles = etree.fromstring(f'<w:styles xmlns:w="{W}"/>')
    for _ in range(2):  # converted, then from the cache
        got = body_html(Filled(Template(), xml, styles), None, None, cache)
        assert (got.parts, got.blocks) == (expected.parts, expected.blocks)
    assert cache.hits == 6  # every block, the section properties too
    other = etree.fromstring(f'<w:styles xmlns:w="{W}"/>')  # the template's styles changed
    body_html(Filled(Template(), xml, other), None, None, cache)
    assert cache.hits == 6 and cache.converted == 12


def test_parts_patch_turns_the_old_parts_into_the_new() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        old = [rng.choice("abcde") for _ in range(rng.randint(0, 12))]
        new = list(old)
        for _ in range(rng.randint(0, 4)):
            what = rng.random()
            if what < 0.4 and new:
                new[rng.randrange(len(new))] = rng.choice("xyz")
            elif what < 0.7:
                new.insert(rng.randint(0, len(new)), rng.choice("xyz"))
            elif new:
                del new[rng.randrange(len(new))]
        patched = list(old)
        for start, removed, added in parts_patch(old, new):
            patched[start : start + removed] = added
        assert patched == new, (old, new)
    assert parts_patch(["a", "b"], ["a", "b"]) == []


def test_the_collector_is_paused_and_resumed() -> None:
    import gc

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_fastdoc_is_the_path_the_engine_takes(engine: Engine) -> None:
    """Guards the figures of the benchmark: the document shown takes fastdoc, not the build's
    way (which is right too, but slow)."""
    disclosure = disclosure_of(engine)
    engine.render(disclosure)
    assert disclosure.fast and engine.fallbacks == []
    assert re.search(r"<h[1-6][^>]*>", disclosure.html)
