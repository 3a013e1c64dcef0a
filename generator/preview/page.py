"""The preview page: documents on the left, the chosen one in the middle, problems on the right.

Plain HTML, CSS and JavaScript, no build step and nothing fetched from elsewhere. The style and
the script are package data (static/page.css, static/page.js). The page listens to /api/events
(Server-Sent Events). An event brings what changed with it: the state when the problems or the
documents changed, and the changed parts of the document shown, which replace only those blocks
(keeping the scroll position and marking the blocks whose text changed). What an event does not
bring (another document, a message missed) is fetched: the state when its hash moved, the
document when its hash moved.
"""

from __future__ import annotations

import html
from functools import cache
from importlib import resources

PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>实时预览</title>
<style>
{css}</style>
</head>
<body>
<header>
  <h1>实时预览</h1>
  <span id="status" class="busy"><span class="dot"></span>正在连接…</span>
  <span class="spacer"></span>
  <span id="pdf-note"></span>
  <button id="pdf" type="button" title="通过 LibreOffice 生成这份文档的 PDF，看真实分页">
    PDF 页面视图</button>
  <select id="zoom" title="缩放">
    <option value="0.6">60%</option><option value="0.8" selected>80%</option>
    <option value="1">100%</option><option value="1.25">125%</option>
  </select>
</header>
<main>
  <nav aria-label="文档"></nav>
  <section id="viewer">
    <div id="stale">有文件暂时无法读取或计算，文档中相应部分显示的是上次可用的内容。</div>
    <div id="doc-error"></div>
    <article id="doc" class="page" style="zoom:0.8"></article>
  </section>
  <aside aria-label="问题">
    <div class="head">
      <h2>问题</h2>
      <div class="counts" id="counts"></div>
      <div class="filters">
        <button type="button" data-f="all" class="on">全部</button>
        <button type="button" data-f="error">错误</button>
        <button type="button" data-f="warning">警告</button>
      </div>
    </div>
    <p id="empty-problems">没有发现问题。</p>
    <ol id="problems"></ol>
  </aside>
</main>
<script>
{js}</script>
</body>
</html>
"""


@cache
def static_text(name: str) -> str:
    """A file of the package's static/ folder (package data, read once)."""
    return resources.files("generator.preview").joinpath("static", name).read_text(encoding="utf-8")


def page_html() -> str:
    return PAGE.replace("{css}", static_text("page.css")).replace("{js}", static_text("page.js"))


SOURCE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ margin: 0; font: 14px/1.6 ui-monospace, "Noto Sans Mono CJK SC", monospace; }}
h1 {{ font: 600 15px sans-serif; margin: 0; padding: 10px 14px; background: #1f4e79;
  color: #fff; position: sticky; top: 0; }}
ol {{ margin: 0; padding: 8px 0 40vh 4em; }}
li {{ white-space: pre-wrap; padding-left: 8px; color: #222; }}
li::marker {{ color: #999; }}
li:target {{ background: #fff1a8; }}
</style></head>
<body><h1>{title}</h1><ol>{lines}</ol>
<script>
const el = location.hash && document.getElementById(location.hash.slice(1));
if (el) el.scrollIntoView({{ block: "center" }});
</script></body></html>
"""


def source_html(name: str, text: str) -> str:
    """A data file as numbered lines; #L12 highlights line 12."""
    lines = "".join(
        f'<li id="L{i}">{html.escape(line) or " "}</li>'
        for i, line in enumerate(text.splitlines(), start=1)
    )
    return SOURCE.format(title=html.escape(name), lines=lines)
