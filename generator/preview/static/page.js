"use strict";
const $ = (s, root = document) => root.querySelector(s);
const S = { state: null, current: null, shownHash: null, filter: "all", summary: null,
            fetching: false, again: false, selected: null };
window.preview = { timings: [], refreshes: 0, patches: 0, state: () => S.state,
                   current: () => S.current };

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
  await applyState(await getJSON("/api/state"));
}

// The state, fetched or pushed with an event (when the problems or the documents changed).
async function applyState(state) {
  S.state = state;
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
  if (s.state && s.state.problems_hash === s.problems && S.state) await applyState(s.state);
  const docsChanged = !S.state || S.state.docs.length !== Object.keys(s.docs).length ||
    S.state.docs.some(d => !(d.id in s.docs));
  if (!S.state || s.problems !== S.state.problems_hash || docsChanged ||
      JSON.stringify(s.pdf) !== JSON.stringify(S.state.pdf)) {
    await loadState();
  }
  if (S.current && s.docs[S.current] && s.docs[S.current] !== S.shownHash) {
    if (!applyPatch(s.patch)) await showDoc(S.current, true);
  }
}

// The changed parts of the document shown, sent with the event: applied without a request
// when they start from the HTML shown (else the page fetches the document).
function applyPatch(p) {
  if (!p || p.doc !== S.current || p.base !== S.shownHash || S.fetching || !S.parts ||
      $("#doc").dataset.id !== p.doc) return false;
  const parts = S.parts.slice();
  for (const [start, removed, added] of p.edits) parts.splice(start, removed, ...added);
  if (parts.length !== p.count) return false;
  swap({ id: p.doc, hash: p.hash, parts, error: p.error, changed_at: p.changed_at }, true);
  window.preview.patches += 1;
  return true;
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
