"""The preview page: documents on the left, the chosen one in the middle, problems on the right.

Plain HTML, CSS and JavaScript, no build step and nothing fetched from elsewhere. The page
listens to /api/events (Server-Sent Events) and fetches again only what changed: the problems
when their hash moved, the document shown when its hash moved (keeping the scroll position and
marking the blocks whose text changed).
"""

from __future__ import annotations

import html

CSS = r"""
:root { --nav: 250px; --aside: 400px; --bar: 44px; --ink: #1f1f1f; --line: #d9d9d9;
  --err: #b3261e; --warn: #a15c00; --ph: #fff1a8; --accent: #1f4e79; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC",
  sans-serif; color: var(--ink); background: #eef0f3; height: 100vh; overflow: hidden; }
header { height: var(--bar); display: flex; align-items: center; gap: 12px; padding: 0 14px;
  background: var(--accent); color: #fff; }
header h1 { font-size: 16px; margin: 0; font-weight: 600; white-space: nowrap; }
header .spacer { flex: 1; }
#status { font-size: 13px; opacity: .95; white-space: nowrap; }
#status .dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%;
  background: #9be29b; margin-right: 6px; vertical-align: middle; }
#status.busy .dot { background: #ffd54f; } #status.down .dot { background: #ff8a80; }
header button, header a.btn, header select { font: inherit; font-size: 13px; border: 1px solid
  rgba(255,255,255,.6); background: transparent; color: #fff; border-radius: 4px;
  padding: 3px 10px; cursor: pointer; text-decoration: none; }
header select option { color: #000; }
main { display: grid; grid-template-columns: var(--nav) 1fr var(--aside);
  height: calc(100vh - var(--bar)); }
nav { overflow: auto; background: #fff; border-right: 1px solid var(--line); padding: 8px 0; }
nav h2 { font-size: 12px; color: #666; margin: 12px 14px 4px; font-weight: 600; }
nav button { display: block; width: 100%; text-align: left; border: 0; background: none;
  padding: 5px 14px; font: inherit; font-size: 13px; cursor: pointer; color: inherit; }
nav button:hover { background: #f2f5f9; }
nav button.current { background: #e3ecf7; font-weight: 600; }
nav .badge { float: right; font-size: 11px; border-radius: 8px; padding: 0 6px; margin-left: 4px;
  background: var(--ph); color: #6b5500; }
nav .badge.err { background: #fde2e0; color: var(--err); }
#viewer { overflow: auto; padding: 24px 0 80px; position: relative; }
#doc-error { display: none; margin: 0 auto 12px; width: 21cm; max-width: 95%; padding: 10px 14px;
  border: 1px solid #f1b7b2; background: #fdecea; color: var(--err); border-radius: 4px; }
#stale { display: none; margin: 0 auto 12px; width: 21cm; max-width: 95%; padding: 8px 14px;
  border: 1px solid #f0d48a; background: #fff8e1; color: #7a5a00; border-radius: 4px; }
article.page { width: 21cm; min-height: 29.7cm; margin: 0 auto; background: #fff;
  padding: 3.7cm 2.6cm 3.5cm 2.8cm; box-shadow: 0 1px 4px rgba(0,0,0,.18);
  font-family: "FangSong", "仿宋_GB2312", "STFangsong", "Noto Serif CJK SC", serif;
  font-size: 16pt; line-height: 28pt; transform-origin: top center; }
article.page p { margin: 0; text-indent: 2em; text-align: justify; }
article.page h1, article.page h2, article.page h3, article.page h4, article.page h5 {
  font-size: 16pt; margin: 6pt 0; font-weight: normal; line-height: 28pt; }
article.page h1 { font-family: "方正小标宋简体", "Noto Serif CJK SC", serif; font-size: 22pt;
  line-height: 1.5; text-align: center; }
article.page h2 { font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif;
  text-align: center; }
article.page h3 { font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif;
  text-indent: 2em; }
article.page h4, article.page h5 { font-family: "楷体_GB2312", "KaiTi", "Noto Serif CJK SC",
  serif; text-indent: 2em; }
article.page .s-flush, article.page .s-figure, article.page .s-table-text { text-indent: 0; }
article.page .s-figure { text-align: center; line-height: 1; margin: 6pt 0; }
article.page .s-figure-caption { text-align: center; text-indent: 0; font-size: 14pt;
  font-family: "楷体_GB2312", "KaiTi", "Noto Serif CJK SC", serif; }
article.page table.doc-table { border-collapse: collapse; width: 100%; margin: 8pt 0;
  table-layout: fixed; }
article.page td, article.page th { border: 1px solid #000; padding: 2px 4px; vertical-align: middle;
  font-size: 10.5pt; line-height: 1.35; word-break: break-all; font-weight: normal; }
article.page table.borderless td { border: 0; }
article.page td p, article.page th p { text-indent: 0; text-align: center; }
article.page img.chart, article.page img.pic { max-width: 100%; height: auto !important; }
article.page img.chart { background: repeating-linear-gradient(45deg, #fafafa, #fafafa 8px,
  #f1f1f1 8px, #f1f1f1 16px); }
article.page .break-after { margin-bottom: 18pt; }
article.page div.page-break, article.page .break-after::after { display: block; content: "";
  border-top: 1px dashed #b9b9b9; margin: 18pt -2.6cm 18pt -2.8cm; height: 0; }
article.page .break-after::after { margin-bottom: -18pt; text-indent: 0; }
mark.ph { background: var(--ph); color: #6b4f00; border: 1px dashed #d4a800; border-radius: 3px;
  padding: 0 2px; text-indent: 0; cursor: pointer; font-family: "Noto Sans CJK SC", sans-serif;
  font-size: .85em; }
.chart-missing { display: inline-flex; max-width: 100%; align-items: center;
  justify-content: center; border: 1px dashed #d4a800; background: #fffbe6; }
.changed { animation: changed 2.4s ease-out; }
@keyframes changed { 0% { background: #ffe57f; } 100% { background: transparent; } }
.flash { outline: 3px solid #ff9800; outline-offset: 2px; animation: changed 2.4s ease-out; }
aside { overflow: auto; background: #fff; border-left: 1px solid var(--line); }
aside .head { position: sticky; top: 0; background: #fff; padding: 10px 14px 6px;
  border-bottom: 1px solid var(--line); z-index: 1; }
aside h2 { font-size: 15px; margin: 0 0 6px; }
aside .counts span { margin-right: 10px; font-size: 13px; }
aside .filters button { font: inherit; font-size: 12px; border: 1px solid var(--line);
  background: #fff; border-radius: 10px; padding: 1px 10px; margin-right: 4px; cursor: pointer; }
aside .filters button.on { background: var(--accent); color: #fff; border-color: var(--accent); }
#problems { list-style: none; margin: 0; padding: 0; }
#problems li { padding: 8px 14px; border-bottom: 1px solid #f0f0f0; font-size: 13px;
  cursor: default; }
#problems li.linked { cursor: pointer; }
#problems li.linked:hover, #problems li.selected { background: #f5f8fc; }
#problems .lvl { display: inline-block; font-size: 11px; border-radius: 3px; padding: 0 5px;
  margin-right: 6px; color: #fff; }
#problems .error .lvl { background: var(--err); }
#problems .warning .lvl { background: var(--warn); }
#problems a.src { color: var(--accent); font-family: ui-monospace, monospace; font-size: 12px; }
#problems code { background: #f3f3f3; padding: 0 4px; border-radius: 3px; font-size: 12px;
  margin-left: 4px; }
#problems .msg { margin-top: 3px; }
#problems .where { color: #666; font-size: 12px; margin-top: 2px; }
#empty-problems { padding: 16px 14px; color: #2e7d32; display: none; }
#pdf-note { font-size: 12px; }
#pdf-note a { color: #fff; }
"""

JS = r"""
"use strict";
const $ = (s, root = document) => root.querySelector(s);
const S = { state: null, current: null, shownHash: null, filter: "all", summary: null,
            fetching: false, again: false, selected: null };
window.preview = { timings: [], refreshes: 0, state: () => S.state, current: () => S.current };

function esc(t) {
  return String(t).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;",
    '"': "&quot;", "'": "&#39;" }[c]));
}

function setStatus(text, cls) {
  const el = $("#status");
  el.className = cls || "";
  el.innerHTML = '<span class="dot"></span>' + esc(text);
}

async function getJSON(url, opts) {
  const r = await fetch(url, Object.assign({ cache: "no-store" }, opts || {}));
  return r.json();
}

async function loadState() {
  S.state = await getJSON("/api/state");
  document.title = S.state.title + " · 实时预览";
  $("header h1").textContent = S.state.title + " · 实时预览";
  renderNav();
  renderProblems();
  $("#stale").style.display = S.state.stale_report ? "block" : "none";
  if (!S.current || !S.state.docs.some(d => d.id === S.current)) {
    const wanted = decodeURIComponent(location.hash.slice(1));
    const first = S.state.docs.find(d => d.id === wanted) || S.state.docs[0];
    if (first) await showDoc(first.id);
  }
  renderPdfNote();
}

function renderNav() {
  const nav = $("nav");
  const groups = new Map();
  for (const d of S.state.docs) {
    if (!groups.has(d.group)) groups.set(d.group, []);
    groups.get(d.group).push(d);
  }
  let out = "";
  for (const [group, docs] of groups) {
    out += `<h2>${esc(group)}（${docs.length}）</h2>`;
    for (const d of docs) {
      const badges = (d.error ? '<span class="badge err">出错</span>' : "") +
        (d.placeholders ? `<span class="badge" title="待填的值">${d.placeholders}</span>` : "");
      out += `<button data-doc="${d.id}" class="${d.id === S.current ? "current" : ""}"` +
        ` title="${esc(d.path)}">${badges}${esc(d.title)}</button>`;
    }
  }
  nav.innerHTML = out || '<p style="padding:0 14px;color:#888">暂无文档</p>';
}

function renderProblems() {
  const items = S.state.problems;
  const errors = items.filter(p => p.level === "error").length;
  $("#counts").innerHTML = `<span style="color:var(--err)">错误 ${errors}</span>` +
    `<span style="color:var(--warn)">警告 ${items.length - errors}</span>`;
  const shown = items.filter(p => S.filter === "all" || p.level === S.filter);
  let out = "";
  shown.forEach((p, i) => {
    const where = p.file ? (p.line ? `${p.file}:${p.line}` : p.file) : "";
    const src = p.source ? `/source/${p.source.split("/").map(encodeURIComponent).join("/")}` +
      (p.line ? `#L${p.line}` : "") : null;
    const link = where ? (src ? `<a class="src" href="${src}" target="_blank">${esc(where)}</a>`
      : `<span class="src">${esc(where)}</span>`) : "";
    const doc = p.target && S.state.docs.find(d => d.id === p.target.doc);
    const goto = doc ? `<div class="where">→ ${esc(doc.title)}</div>` : "";
    out += `<li class="${p.level}${p.target ? " linked" : ""}" data-i="${items.indexOf(p)}">` +
      `<span class="lvl">${esc(p.level_text)}</span>${link}` +
      (p.field ? `<code>${esc(p.field)}</code>` : "") +
      `<div class="msg">${esc(p.message)}</div>${goto}</li>`;
  });
  $("#problems").innerHTML = out;
  $("#empty-problems").style.display = items.length ? "none" : "block";
}

function renderPdfNote() {
  const note = $("#pdf-note");
  const info = S.state && S.current && S.state.pdf && S.state.pdf[S.current];
  if (!info) { note.innerHTML = ""; return; }
  if (info.error) { note.textContent = "PDF：" + info.error; return; }
  const url = "/files/output/" + info.path.split("/").map(encodeURIComponent).join("/");
  note.innerHTML = `<a href="${url}" target="_blank">打开 PDF</a>`;
}

function textsOf(nodes) {
  const out = new Map();
  for (const node of nodes) {
    if (node.dataset && node.dataset.b !== undefined) out.set(node.dataset.b, node.textContent);
    for (const el of node.querySelectorAll("[data-b]")) out.set(el.dataset.b, el.textContent);
  }
  return out;
}

function markChanged(nodes, before) {
  for (const node of nodes) {
    const all = [node, ...node.querySelectorAll("[data-b]")];
    for (const el of all) {
      if (el.dataset.b === undefined) continue;
      if (before.get(el.dataset.b) !== el.textContent) el.classList.add("changed");
    }
  }
}

function fragment(html) {
  const t = document.createElement("template");
  t.innerHTML = html;
  return t.content;
}

// Replace only the top-level blocks whose HTML changed (one element per part).
function applyParts(parts, live) {
  const doc = $("#doc");
  const old = S.parts || [];
  const children = Array.from(doc.children);
  if (!live || children.length !== old.length) {
    doc.replaceChildren(fragment(parts.join("")));
    S.parts = parts;
    return;
  }
  if (parts.length === old.length) {
    for (let i = 0; i < parts.length; i++) {
      if (parts[i] === old[i]) continue;
      const before = textsOf([children[i]]);
      const node = fragment(parts[i]).firstElementChild;
      if (!node) continue;
      children[i].replaceWith(node);
      markChanged([node], before);
    }
  } else {
    let a = 0;
    while (a < old.length && a < parts.length && old[a] === parts[a]) a++;
    let b = 0;
    while (b < old.length - a && b < parts.length - a &&
           old[old.length - 1 - b] === parts[parts.length - 1 - b]) b++;
    const gone = children.slice(a, old.length - b);
    const before = textsOf(gone);
    const frag = fragment(parts.slice(a, parts.length - b).join(""));
    const fresh = Array.from(frag.children);
    doc.insertBefore(frag, children[old.length - b] || null);
    for (const el of gone) el.remove();
    markChanged(fresh, before);
  }
  S.parts = parts;
}

async function showDoc(id, live) {
  if (S.current !== id) { S.shownHash = null; live = false; }
  S.current = id;
  if (location.hash.slice(1) !== id) history.replaceState(null, "", "#" + id);
  for (const b of document.querySelectorAll("nav button")) {
    b.classList.toggle("current", b.dataset.doc === id);
  }
  if (S.fetching) { S.again = true; return; }
  S.fetching = true;
  try {
    const d = await getJSON("/api/doc/" + id);
    if (S.current !== id) { S.again = true; return; }
    swap(d, live);
  } catch (e) {
    setStatus("无法读取文档：" + e, "down");
  } finally {
    S.fetching = false;
    if (S.again) { S.again = false; showDoc(S.current, true); }
  }
}

function swap(d, live) {
  const viewer = $("#viewer");
  const top = viewer.scrollTop;
  applyParts(d.parts || [], live && $("#doc").dataset.id === d.id);
  $("#doc").dataset.hash = d.hash;
  $("#doc").dataset.id = d.id;
  const err = $("#doc-error");
  err.style.display = d.error ? "block" : "none";
  err.textContent = d.error ? "这份文档无法生成：" + d.error : "";
  if (live) {
    viewer.scrollTop = top;
    if (d.changed_at) {
      const latency = Date.now() / 1000 - d.changed_at;
      if (latency > 0 && latency < 60) {
        window.preview.timings.push(latency);
        setStatus(`已更新（保存后 ${latency.toFixed(2)} 秒）`);
      }
    }
  } else {
    viewer.scrollTop = 0;
  }
  S.shownHash = d.hash;
  window.preview.refreshes += 1;
  window.preview.lastHash = d.hash;
  renderPdfNote();
}

async function onSummary(s) {
  const first = S.summary === null;
  S.summary = s;
  if (s.busy) setStatus("正在更新…", "busy");
  else if (first || $("#status").className !== "") setStatus("已连接，保存即刷新");
  const docsChanged = !S.state || S.state.docs.length !== Object.keys(s.docs).length ||
    S.state.docs.some(d => !(d.id in s.docs));
  if (!S.state || s.problems !== S.state.problems_hash || docsChanged ||
      JSON.stringify(s.pdf) !== JSON.stringify(S.state.pdf)) {
    await loadState();
  }
  if (S.current && s.docs[S.current] && s.docs[S.current] !== S.shownHash) {
    await showDoc(S.current, true);
  }
}

function connect() {
  const es = new EventSource("/api/events?doc=" + encodeURIComponent(S.current || ""));
  es.onmessage = e => { onSummary(JSON.parse(e.data)).catch(console.error); };
  es.onerror = () => { setStatus("连接中断，正在重连…", "down"); };
}

function findTarget(t) {
  if (t.ph) {
    for (const id of t.ph) {
      const el = document.querySelector(`#doc mark[data-ph~="${id}"]`);
      if (el) return el;
    }
  }
  if (t.block !== undefined) return document.querySelector(`#doc [data-b="${t.block}"]`);
  return $("#doc");
}

async function goTo(p) {
  if (!p.target) return;
  if (S.current !== p.target.doc) await showDoc(p.target.doc);
  const el = findTarget(p.target);
  if (!el) return;
  el.scrollIntoView({ block: "center", behavior: "instant" });
  el.classList.remove("flash"); void el.offsetWidth; el.classList.add("flash");
}

function select(li) {
  for (const x of document.querySelectorAll("#problems li.selected")) {
    x.classList.remove("selected");
  }
  li.classList.add("selected");
}

document.addEventListener("click", e => {
  const nav = e.target.closest("nav button[data-doc]");
  if (nav) {
    showDoc(nav.dataset.doc);
    fetch("/api/focus/" + nav.dataset.doc, { method: "POST" });
    return;
  }
  const filter = e.target.closest(".filters button");
  if (filter) {
    S.filter = filter.dataset.f;
    for (const b of document.querySelectorAll(".filters button")) {
      b.classList.toggle("on", b === filter);
    }
    renderProblems();
    return;
  }
  if (e.target.closest("a")) return;
  const li = e.target.closest("#problems li");
  if (li) {
    select(li);
    goTo(S.state.problems[+li.dataset.i]);
    return;
  }
  const mark = e.target.closest("#doc mark.ph");
  if (mark && S.state) {
    const ids = (mark.dataset.ph || "").split(" ");
    const i = S.state.problems.findIndex(p => p.target && p.target.ph &&
      p.target.ph.some(x => ids.includes(String(x))));
    const li2 = i >= 0 && document.querySelector(`#problems li[data-i="${i}"]`);
    if (li2) {
      select(li2);
      li2.scrollIntoView({ block: "center" });
    }
  }
});

$("#pdf").addEventListener("click", async () => {
  if (!S.current) return;
  const note = $("#pdf-note");
  note.textContent = "正在通过 LibreOffice 生成 PDF…";
  try {
    const r = await getJSON("/api/pdf/" + S.current, { method: "POST" });
    if (r.error) { note.textContent = "PDF 生成失败：" + r.error; return; }
    const url = r.url.split("/").map((p, i) => i < 3 ? p : encodeURIComponent(p)).join("/");
    note.innerHTML = `<a href="${url}" target="_blank">打开 PDF</a>`;
    window.open(url, "_blank");
  } catch (e) { note.textContent = "PDF 生成失败：" + e; }
});

$("#zoom").addEventListener("change", e => {
  $("#doc").style.zoom = e.target.value;
});

window.addEventListener("hashchange", () => {
  const id = location.hash.slice(1);
  if (id && id !== S.current) showDoc(id);
});

loadState().then(connect).catch(e => setStatus("无法连接预览服务：" + e, "down"));
"""

PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>实时预览</title>
<style>{css}</style>
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
<script>{js}</script>
</body>
</html>
"""


def page_html() -> str:
    return PAGE.replace("{css}", CSS).replace("{js}", JS)


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
    lines = "".join(f'<li id="L{i}">{html.escape(line) or " "}</li>'
                    for i, line in enumerate(text.splitlines(), start=1))
    return SOURCE.format(title=html.escape(name), lines=lines)
