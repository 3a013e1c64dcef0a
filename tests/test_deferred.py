"""第四部分's tables typeset where they were rendered (generator.render.deferred): the same
disclosure as filling and typesetting every annex inside it, and the whole way where a
template places them somewhere the deferred tables were not typeset for."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

from generator.render import deferred
from generator.render.deferred import Deferred, Mismatch, Placement, Register
from generator.render.ooxml import W_NS
from tests.support import ROOT, edit_template

DATA = ROOT / "data" / "2023"
LETTER_TAG = "<w:p><w:r><w:t>{{p annex.department_letter() }}</w:t></w:r></w:p>"


def _year(templates: Path | None = None):  # type: ignore[no-untyped-def]
    from generator import build as b
    from generator.charts.specs import chart_specs
    from generator.render.docx import Image
    from generator.write import scheduler as sch

    report, _ = b.prepare(DATA)
    jobs = b.plan_documents(report)
    dirs = (templates,) if templates is not None else b.template_dirs(None, DATA)
    specs = chart_specs(report)
    images = {s.name: Image(png) for s, png in zip(specs, sch.draw_specs(specs), strict=True)}
    work = sch._Work(report, [], {}, jobs[:1], jobs[1:], dirs, ())
    made = [sch.render_with_body(j, report, dirs, work.placement) for j in jobs[1:]]
    return sch, report, jobs[0], images, dirs, work.bodies(jobs[1:], made), made


def test_every_annex_of_2023_is_typeset_where_it_was_rendered() -> None:
    """Each letter's and 自评表's tables come typeset; the disclosure placed from them equals
    the one that fills and typesets its annexes itself, byte for byte."""
    sch, report, job, images, dirs, bodies, made = _year()
    assert made and all(isinstance(body, Deferred) for _, body in made)
    assert all(body.parts for _, body in made)
    placed = sch.fill_job(job, report, images, dirs, bodies).to_bytes()  # no Mismatch
    itself = sch.fill_job(job, report, images, dirs, None).to_bytes()
    assert placed == itself


def test_a_template_that_nests_an_annex_in_a_table_is_filled_the_whole_way(
    tmp_path: Path,
) -> None:
    """The department letter placed inside a table cell: its tables would be nested there
    (typeset otherwise), so the stand-ins do not fit and the disclosure is filled the whole
    way: the same bytes as filling it without any body handed over."""
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    cell = (
        '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>'
        '<w:gridCol w:w="8000"/></w:tblGrid><w:tr><w:tc><w:tcPr><w:tcW w:w="8000" '
        f'w:type="dxa"/></w:tcPr>{LETTER_TAG}<w:p/></w:tc></w:tr></w:tbl>'
    )
    edit_template(templates / "disclosure.docx", LETTER_TAG, cell)
    sch, report, job, images, dirs, bodies, _ = _year(templates)
    with pytest.raises(Mismatch):
        sch.fill_job(job, report, images, dirs, bodies).to_bytes()
    assert sch.render_job(job, report, images, dirs, bodies) == (
        sch.fill_job(job, report, images, dirs, None).to_bytes()
    )


NS = {"w": W_NS}
PLACEMENT = Placement(Path("disclosure.docx"), NS, 9000, "n0nce")


class _Shell:
    key = "shell"
    preset = None

    def __init__(self) -> None:
        self.styles = etree.fromstring(f'<w:styles xmlns:w="{W_NS}"/>')


def _table(inner: str = "<w:p><w:r><w:t>1</w:t></w:r></w:p>") -> str:
    return (
        '<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w="3000"/></w:tblGrid>'
        f"<w:tr><w:tc>{inner}</w:tc></w:tr></w:tbl>"
    )


def test_a_plain_table_is_deferred_and_its_stand_in_written_as_lxml_writes_it() -> None:
    body = f"<w:p><w:r><w:t>标题</w:t></w:r></w:p>{_table()}<w:p/>"
    made = deferred.defer(body, PLACEMENT, _Shell(), "s1")
    assert isinstance(made, Deferred) and len(made.parts) == 1
    (token,) = made.parts
    root = etree.fromstring(
        f'<w:document xmlns:w="{W_NS}"><w:body>{made.markup}</w:body></w:document>'
    )
    assert deferred.stand_in(token, "w") in etree.tostring(root, encoding="unicode")
    assert made.parts[token].startswith(b"<w:tbl>")  # no declarations of its own


@pytest.mark.parametrize(
    "inner",
    [
        '<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>一、</w:t></w:r></w:p>',
        '<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>函</w:t></w:r></w:p>',
        "<w:p><w:r><w:t>a\tb</w:t></w:r></w:p>",
    ],
    ids=["heading", "title", "rewritten-text"],
)
def test_a_table_whose_inside_others_read_stays_in_the_body(inner: str) -> None:
    """Headings and titles (restyle_annexes reads them in order), text docxtpl rewrites."""
    body = f"<w:p><w:r><w:t>x</w:t></w:r></w:p>{_table(inner)}"
    assert deferred.defer(body, PLACEMENT, _Shell(), "s2") == body


def test_a_stand_in_with_no_table_is_refused() -> None:
    register = Register(nonce="n0nce")
    xml = deferred.stand_in("generator-deferred-n0nce-x-0-0", "w").encode()
    with pytest.raises(Mismatch):
        deferred.splice(xml, register, "w")


def test_a_rebuild_takes_the_deferred_tables_from_the_disk_cache(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The token comes from the disclosure template (the same in every build), so a rebuild
    finds each annex's deferred tables, and the disclosure's typeset part, in the cache."""
    first = _year()[-1]
    calls: list[str] = []
    original = deferred.defer
    monkeypatch.setattr(deferred, "defer", lambda *a: (calls.append(a[3]), original(*a))[1])
    again = _year()[-1]
    assert not calls
    assert [body for _, body in again] == [body for _, body in first]


def test_the_standalone_documents_take_the_tables_typeset_for_the_disclosure(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Their own typesetting would make the same of those tables (same sizes, faces and
    width): each letter and 自评表 is typeset around stand-ins and gets the tables back, the
    same bytes as typesetting it whole."""
    from generator import build as b
    from generator.write import scheduler as sch

    spliced: list[int] = []
    original = deferred.splice
    monkeypatch.setattr(deferred, "splice", lambda *a: (spliced.append(1), original(*a))[1])
    report, _ = b.prepare(DATA)
    jobs = b.plan_documents(report)[1:]
    dirs = b.template_dirs(None, DATA)
    work = sch._Work(report, [], {}, [], jobs, dirs, ())
    work.with_charts = b.plan_documents(report)[:1]
    made = [sch.render_with_body(j, report, dirs, work.placement)[0] for j in jobs]
    assert len(spliced) == len(jobs)
    assert made == [sch.fill_job(j, report, {}, dirs).to_bytes() for j in jobs]
