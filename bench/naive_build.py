"""The naive pipeline the benchmarks compare with: the same documents, made the plain way.

One process, no workers, no caches: read and check the data, draw the 7 charts with plain
matplotlib (the same drawing function), then for every document a stock
`DocxTemplate(path).render(context, env); save()` (docxtpl compiles its template and cleans
its XML every time) followed by the same typesetting, and the 附表 workbook. The files are
written straight into OUT (no staging). Its output equals the generator's, byte for byte.

python bench/naive_build.py DATA_DIR OUT
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def naive_build(data_dir: Path, out: Path) -> int:
    import jinja2
    from docx.shared import Cm
    from docxtpl import DocxTemplate, InlineImage
    from lxml import etree
    from markupsafe import Markup

    from generator import pipeline
    from generator.build import (
        _chart_path,
        base_context,
        plan_documents,
        workbook_bytes,
        workbook_path,
    )
    from generator.charts.specs import chart_specs, draw_chart
    from generator.machine.fonts_probe import require_cjk_font
    from generator.present.annex import AnnexTables
    from generator.render.annexes import SECT_PR, Annexes
    from generator.render.docx import FILTERS, FUNCTIONS, score_lines
    from generator.render.tags import rewrite_tags
    from generator.render.templatedirs import template_dirs, template_path
    from generator.render.typeset import typeset_docx

    class Template(DocxTemplate):  # the project's tag rewriting, done every time
        def patch_xml(self, src_xml: str) -> str:
            return rewrite_tags(super().patch_xml(src_xml))

    def make_env() -> jinja2.Environment:
        env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
        env.filters.update(FILTERS)
        env.filters["score_rows"] = score_lines
        env.globals.update(FUNCTIONS)
        return env

    class NaiveAnnexes(Annexes):  # 第四部分's letters and tables, each a stock render too
        def _body(self, name: str, extra: dict) -> Markup:
            tpl = Template(str(template_path(name, self.dirs)))
            tpl.render({**self.context, **extra, "chart": {}}, make_env(), autoescape=True)
            body = tpl.docx.element.body
            parts = [etree.tostring(child, encoding="unicode") for child in body.iterchildren()
                     if child.tag != SECT_PR]  # fmt: skip
            return Markup("".join(parts))

    report, _ = pipeline.prepare(data_dir)
    require_cjk_font()
    charts = {s.name: (s, draw_chart(s)) for s in chart_specs(report)}
    dirs = template_dirs(None, data_dir)
    files = {_chart_path(s.number, s.caption): png for s, png in charts.values()}
    for job in plan_documents(report):
        env = make_env()
        tpl = Template(str(template_path(job.template, dirs)))
        context = {**base_context(report), **dict(job.extra), "style": report.style}
        context["annex_tables"] = AnnexTables(report)
        context["annex"] = NaiveAnnexes(context, dirs)
        context["chart"] = {
            name: InlineImage(tpl, io.BytesIO(png), width=Cm(15.0))
            for name, (_, png) in (charts.items() if job.kind == "disclosure" else [])
        }
        tpl.render(context, env, autoescape=True)
        buffer = io.BytesIO()
        tpl.save(buffer)
        files[job.path] = typeset_docx(buffer.getvalue(), report.style.fonts)
    files[workbook_path(report)[0]] = workbook_bytes(report)
    for relative, data in files.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return len(files)


def main() -> int:
    count = naive_build(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{count} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
