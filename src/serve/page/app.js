// jiansuo's search page: every state is in the URL (?mode=phrase&q=…&since=…, ?doc=…&line=…),
// every text from a document or a query goes into the page as text (textContent), never as HTML.
"use strict";

const I18N = {
  zh: {
    subtitle: "政策文献全文检索", mode_search: "检索", mode_phrase: "短语", mode_quote: "引文",
    mode_theme: "主题", mode_quotes: "引文聚类", mode_shared: "共享片段", go: "搜索",
    placeholder: "输入词语、短语或引文", since: "起", until: "止", collection: "集合", all: "全部",
    also: "对比短语", also_hint: "以逗号分隔", more: "更多结果", footer: "结果来自本机索引；短语检索列出每一处出现。",
    searching: "检索中…", passages: "段落", hits_of: (n, d) => `共 ${n} 处，分布在 ${d} 篇文献`,
    search_total: (n, shown) => `${n} 个段落含全部检索词，显示前 ${shown} 个`,
    search_any: (n, shown) => `${n} 个段落含任一检索词（含词多者在前），显示前 ${shown} 个`,
    any: "含任一词即可", not: "排除", not_hint: "以逗号分隔", within: "词距不超过", chars: "字",
    quote_total: (n, d) => `${n} 个段落引用了这段话，分布在 ${d} 篇文献`,
    theme_total: (n) => `${n} 个段落与该主题相关`,
    clusters: (n, q) => `${n} 组引文（共 ${q} 次引用）`, shared_total: (n) => `${n} 个共享片段`,
    per_million: "每百万字", by_year: "按年份的出现频率（每百万字）", download: "下载",
    top_docs: "出现最多的文献", speaker: "说话人", unattributed: "未标明", coverage: "覆盖",
    identity: "一致", first: "最早", last: "最晚", docs: "篇文献", score: "得分",
    back: "← 返回结果", date: "日期", undated: "无日期", source: "来源", collection_of: "集合",
    paragraphs_shown: (a, b) => `显示 ${a} / ${b} 段`, themes_of: "本文主题", empty: "没有找到。",
    enter_query: "请输入检索内容。", limited: (d, of, u) => `限于 ${d} / ${of} 篇文献` + (u ? `（${u} 篇无日期文献未计入）` : ""),
    choose_theme: "选择主题", shared_hint: "共享片段较费时：可先用日期或集合缩小范围。", times: "次",
    mode_reuse: "文本溯源", reuse_placeholder: "粘贴一段文字（最多约三十万字），查找它的哪些部分出自语料中的哪些文献",
    reuse_enter: "请粘贴要溯源的文字。", reuse_total: (r, n, x, k) => `${n} 字中有 ${r} 字（${x}）见于 ${k} 篇文献`,
    reuse_covers: (x, c, n) => `覆盖本文 ${x}（${c} 字，${n} 处）`, reuse_text: "本文", reuse_source: "出处",
    reuse_doc: (d) => `溯源文献：${d}（本文不计为出处）`, reuse_this: "查找本文出处", changed: "有改动", verbatim: "原文一致",
  },
  en: {
    subtitle: "full-text search of policy documents", mode_search: "Search", mode_phrase: "Phrase",
    mode_quote: "Quotation", mode_theme: "Theme", mode_quotes: "Quotations", mode_shared: "Shared",
    go: "Search", placeholder: "a word, a phrase or a quotation", since: "from", until: "to",
    collection: "collection", all: "all", also: "compare with", also_hint: "comma-separated",
    more: "more results", footer: "Results come from the local index; phrase lookup lists every occurrence.",
    searching: "searching…", passages: "passages", hits_of: (n, d) => `${n} occurrences in ${d} documents`,
    search_total: (n, shown) => `${n} passages hold every word; the first ${shown} shown`,
    search_any: (n, shown) => `${n} passages hold some of the words (most words first); the first ${shown} shown`,
    any: "any of the words", not: "without", not_hint: "comma-separated", within: "words within", chars: "characters",
    quote_total: (n, d) => `${n} paragraphs cite it, in ${d} documents`,
    theme_total: (n) => `${n} passages about the theme`,
    clusters: (n, q) => `${n} clusters (${q} quotations)`, shared_total: (n) => `${n} shared phrases`,
    per_million: "per million characters", by_year: "occurrences per million characters, by year",
    download: "download", top_docs: "documents with the most", speaker: "speaker",
    unattributed: "unattributed", coverage: "coverage", identity: "identity", first: "first",
    last: "last", docs: "documents", score: "score", back: "← back to the results", date: "date",
    undated: "undated", source: "source", collection_of: "collection",
    paragraphs_shown: (a, b) => `${a} of ${b} paragraphs shown`, themes_of: "themes of this document",
    empty: "Nothing found.", enter_query: "Type something to look for.",
    limited: (d, of, u) => `limited to ${d} of ${of} documents` + (u ? ` (${u} undated left out)` : ""),
    choose_theme: "choose a theme", shared_hint: "Shared phrases take a while: narrow them with dates or a collection.", times: "×",
    mode_reuse: "Sources", reuse_placeholder: "paste a text (up to about 300,000 characters) to see which parts come from which documents",
    reuse_enter: "Paste the text to trace.", reuse_total: (r, n, x, k) => `${r} of ${n} characters (${x}) found in ${k} documents`,
    reuse_covers: (x, c, n) => `covers ${x} of the text (${c} characters, ${n} spans)`, reuse_text: "text", reuse_source: "source",
    reuse_doc: (d) => `tracing the document ${d} (not counted as its own source)`, reuse_this: "find this document's sources", changed: "changed", verbatim: "verbatim",
  },
};

let lang = localStorage.getItem("jiansuo-lang") || "zh";
const t = (key, ...args) => {
  const v = I18N[lang][key];
  return typeof v === "function" ? v(...args) : v;
};

const $ = (id) => document.getElementById(id);

/// An element with text (never HTML) and attributes.
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return e;
}

/// `text` with the character spans `[start, end)` marked.
function marked(text, spans) {
  const chars = Array.from(text);
  const frag = document.createDocumentFragment();
  let at = 0;
  for (const [s, e] of (spans || []).slice().sort((a, b) => a[0] - b[0])) {
    if (s < at) continue;
    frag.append(chars.slice(at, s).join(""));
    frag.append(el("mark", { text: chars.slice(s, e).join("") }));
    at = e;
  }
  frag.append(chars.slice(at).join(""));
  return frag;
}

function applyLanguage() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const e of document.querySelectorAll("[data-i18n]")) e.textContent = t(e.dataset.i18n);
  for (const e of document.querySelectorAll("[data-i18n-placeholder]")) e.placeholder = t(e.dataset.i18nPlaceholder);
  $("lang").textContent = lang === "zh" ? "English" : "中文";
}

// --- state <-> URL -------------------------------------------------------------------------

const KEYS = ["mode", "q", "theme", "since", "until", "collection", "also", "any", "not", "within", "src", "doc", "line", "hl", "offset"];
// A pasted text may be too long for a URL: it is kept in the tab's session, the URL says `mode=reuse`.
const REUSE_TEXT = "jiansuo-reuse-text";

function stateFromUrl() {
  const p = new URLSearchParams(location.search);
  const s = {};
  for (const k of KEYS) s[k] = p.get(k) || "";
  if (!s.mode) s.mode = "search";
  return s;
}

function urlOf(s) {
  const p = new URLSearchParams();
  for (const k of KEYS) if (s[k]) p.set(k, s[k]);
  const q = p.toString();
  return q ? `?${q}` : location.pathname;
}

function go(s, replace = false) {
  const url = urlOf(s);
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  render();
}

function formState() {
  const mode = document.querySelector('input[name="mode"]:checked').value;
  return {
    mode,
    q: $("q").value.trim(),
    theme: mode === "theme" ? $("theme").value : "",
    since: $("since").value.trim(),
    until: $("until").value.trim(),
    collection: $("collection").value,
    also: mode === "phrase" ? $("also").value.trim() : "",
    any: mode === "search" && $("any").checked ? "1" : "",
    not: mode === "search" ? $("not").value.trim() : "",
    within: mode === "search" && !$("any").checked ? $("within").value.trim() : "",
    src: mode === "reuse" && !$("text").value.trim() ? stateFromUrl().src : "",
  };
}

function fillForm(s) {
  for (const r of document.querySelectorAll('input[name="mode"]')) r.checked = r.value === s.mode;
  $("q").value = s.q;
  $("since").value = s.since;
  $("until").value = s.until;
  $("collection").value = s.collection;
  $("also").value = s.also;
  $("any").checked = s.any === "1";
  $("not").value = s.not;
  $("within").value = s.within;
  if (s.theme) $("theme").value = s.theme;
  $("text").value = sessionStorage.getItem(REUSE_TEXT) || "";
  $("reuse-src").hidden = !s.src;
  $("reuse-src").textContent = s.src ? t("reuse_doc", s.src) : "";
  modeChanged();
}

function modeChanged() {
  const mode = document.querySelector('input[name="mode"]:checked').value;
  $("theme").hidden = mode !== "theme";
  $("q").hidden = mode === "theme" || mode === "reuse";
  $("reuse-box").hidden = mode !== "reuse";
  $("also-box").hidden = mode !== "phrase";
  $("words-box").hidden = mode !== "search";
}

// --- API -----------------------------------------------------------------------------------

function filterParams(s) {
  const p = new URLSearchParams();
  for (const k of ["since", "until", "collection"]) if (s[k]) p.set(k, s[k]);
  return p;
}

async function api(path, params, post = false) {
  const r = post
    ? await fetch(`/api/${path}`, { method: "POST", body: params })
    : await fetch(`/api/${path}?${params}`);
  const body = await r.json().catch(() => ({ error: `HTTP ${r.status}` }));
  if (!r.ok) {
    const e = new Error(body.error || `HTTP ${r.status}`);
    e.hint = body.hint;
    throw e;
  }
  return body;
}

function status(content, isError = false) {
  const st = $("status");
  st.className = isError ? "error" : "";
  st.replaceChildren(...(Array.isArray(content) ? content : [content]));
}

function scopeNote(summary) {
  const s = summary && summary.scope;
  return s ? ` · ${t("limited", s.documents, s.of, s.undated_left_out)}` : "";
}

function downloads(path, params) {
  const box = $("downloads");
  box.replaceChildren();
  if (!path) return;
  box.append(t("download") + ": ");
  for (const [label, fmt] of [["CSV", "csv"], ["Excel", "excel"], ["JSON", "jsonl"]]) {
    const p = new URLSearchParams(params);
    p.set("format", fmt);
    p.set("limit", "0");
    p.delete("offset");
    box.append(el("a", { href: `/api/${path}?${p}`, download: `jiansuo-${path}.${fmt === "jsonl" ? "jsonl" : "csv"}`, text: label }));
  }
}

function docLink(doc, line, hl, label) {
  const s = { doc, line: line ? String(line) : "", hl: hl || "" };
  const a = el("a", { href: urlOf(s), text: label || (line ? `${doc}:${line}` : doc), class: "loc" });
  a.addEventListener("click", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
    ev.preventDefault();
    sessionStorage.setItem("jiansuo-back", location.search);
    go(s);
  });
  return a;
}

function docMeta(title, date) {
  return el("span", { class: "title", text: title || "" }, date ? ` · ${date}` : "");
}

// --- trend chart (SVG) ---------------------------------------------------------------------

const COLOURS = ["#b3261e", "#174ea6", "#188038", "#e37400", "#8430ce", "#5f6368"];

function chart(rows, phrases) {
  const box = $("chart");
  box.replaceChildren();
  box.className = "chart";
  const buckets = [...new Set(rows.map((r) => r.bucket))];
  if (buckets.length < 2) return;
  const NS = "http://www.w3.org/2000/svg";
  const W = 900, H = 240, L = 50, R = 12, T = 14, B = 34;
  const max = Math.max(...rows.map((r) => r.per_million), 0) || 1;
  const x = (i) => L + (buckets.length === 1 ? 0 : (i * (W - L - R)) / (buckets.length - 1));
  const y = (v) => T + (H - T - B) * (1 - v / max);
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", t("by_year"));
  const add = (tag, attrs, text) => {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    svg.append(e);
    return e;
  };
  for (let k = 0; k <= 4; k++) {
    const v = (max * k) / 4;
    add("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: "#eee" });
    add("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end", "font-size": 11, fill: "#5f6368" }, v >= 10 ? v.toFixed(0) : v.toFixed(1));
  }
  const step = Math.max(1, Math.ceil(buckets.length / 12));
  buckets.forEach((b, i) => {
    const last = i === buckets.length - 1 && i % step >= step / 2;
    if (i % step === 0 || last)
      add("text", { x: x(i), y: H - 12, "text-anchor": "middle", "font-size": 11, fill: "#5f6368" }, b);
  });
  phrases.forEach((p, k) => {
    const mine = rows.filter((r) => r.phrase === p || (phrases.length === 1 && r.phrase === undefined));
    const pts = mine.map((r) => [x(buckets.indexOf(r.bucket)), y(r.per_million)]);
    add("polyline", { points: pts.map((q) => q.join(",")).join(" "), fill: "none", stroke: COLOURS[k % COLOURS.length], "stroke-width": 2 });
    mine.forEach((r, i) => {
      const c = add("circle", { cx: pts[i][0], cy: pts[i][1], r: 3, fill: COLOURS[k % COLOURS.length] });
      const tip = document.createElementNS(NS, "title");
      tip.textContent = `${p} ${r.bucket}: ${r.per_million} ${t("per_million")} (${r.hits ?? r.passages} / ${r.chars})`;
      c.append(tip);
    });
  });
  box.append(el("h3", { text: t("by_year") }), svg);
  const legend = el("div", { class: "legend" });
  phrases.forEach((p, k) => {
    const i = el("i");
    i.style.background = COLOURS[k % COLOURS.length];
    legend.append(el("span", {}, i, p));
  });
  box.append(legend);
}

// --- views ---------------------------------------------------------------------------------

function clear() {
  for (const id of ["results", "counts", "chart", "downloads"]) $(id).replaceChildren();
  $("more").hidden = true;
  $("doc").hidden = true;
  $("results").hidden = false;
}

async function render() {
  const s = stateFromUrl();
  fillForm(s);
  clear();
  if (s.doc) {
    await showDoc(s);
    return done();
  }
  const needsText = !["quotes", "shared", "theme", "reuse"].includes(s.mode);
  if (needsText && !s.q) {
    status(t("enter_query"));
    return done();
  }
  status(t("searching"));
  try {
    await VIEWS[s.mode](s);
  } catch (e) {
    status([el("strong", { text: e.message }), e.hint ? ` — ${e.hint}` : ""], true);
  }
  document.title = `${s.q || s.theme || t("mode_" + s.mode)} · 检索`;
  done();
}

let renders = 0;
/// Marks the page as drawn (what the browser tests wait for).
function done() {
  document.body.dataset.rendered = String(++renders);
}

function moreButton(s, shown, total) {
  const b = $("more");
  b.hidden = shown >= total;
  b.onclick = () => go({ ...s, offset: String((Number(s.offset) || 0) + 20) });
}

const VIEWS = {
  async search(s, theme) {
    const p = filterParams(s);
    if (theme) p.set("theme", theme);
    else {
      p.set("q", s.q);
      if (s.any) p.set("any", "1");
      for (const w of s.not.split(/[,，、\s]+/).filter(Boolean)) p.append("not", w);
      if (s.within) p.set("within", s.within);
    }
    p.set("limit", String((Number(s.offset) || 0) + 20));
    const r = await api("search", p);
    const sum = r.summary;
    const total = sum.words === "any" ? "search_any" : "search_total";
    status(theme ? t("theme_total", sum.total) + scopeNote(sum) : t(total, sum.total, r.hits.length) + scopeNote(sum));
    downloads("search", p);
    const list = $("results");
    if (!r.hits.length) list.append(el("p", { text: t("empty") }));
    for (const h of r.hits) {
      list.append(el("div", { class: "hit" },
        el("div", { class: "meta" }, `${h.rank}. `, docMeta(h.title, h.date), " · ", docLink(h.doc, h.line, theme ? "" : s.q), ` · ${t("score")} ${h.score.toFixed(2)}`),
        el("div", { class: "text" }, marked(h.text, h.highlights))));
    }
    moreButton(s, r.hits.length, sum.total);
  },

  async theme(s) {
    if (!s.theme) {
      status(t("choose_theme"));
      return;
    }
    return VIEWS.search(s, s.theme);
  },

  async phrase(s) {
    const base = filterParams(s);
    base.set("q", s.q);
    const hitsP = new URLSearchParams(base);
    hitsP.set("limit", String((Number(s.offset) || 0) + 200));
    const countP = new URLSearchParams(base);
    countP.set("count", "true");
    countP.set("limit", "20");
    const trendP = new URLSearchParams(base);
    trendP.set("by", "year");
    trendP.set("limit", "0");
    const also = s.also ? s.also.split(/[,，、]/).map((x) => x.trim()).filter(Boolean) : [];
    for (const a of also) trendP.append("also", a);
    const [hits, counts, trend] = await Promise.all([api("phrase", hitsP), api("phrase", countP), api("phrase", trendP)]);
    const sum = hits.summary;
    status([el("strong", { text: t("hits_of", sum.hits, sum.docs) }), scopeNote(sum)]);
    chart(trend.rows, [s.q, ...also]);
    downloads("phrase", base);
    if (counts.counts.length) {
      const ol = el("ol");
      for (const c of counts.counts) ol.append(el("li", {}, docLink(c.doc, null, s.q, c.doc), ` ${c.hits} ${t("times")}`));
      $("counts").append(el("h3", { text: t("top_docs") }), ol);
    }
    const table = el("table", { class: "kwic" });
    for (const h of hits.hits) {
      table.append(el("tr", {},
        el("td", { class: "left" }, el("span", { text: h.left })),
        el("td", { class: "match", text: h.match }),
        el("td", { class: "right", text: h.right }),
        el("td", { class: "loc" }, docLink(h.doc, h.line, s.q))));
    }
    if (!hits.hits.length) $("results").append(el("p", { text: t("empty") }));
    else $("results").append(table);
    moreButton(s, hits.hits.length, hits.page.total);
  },

  async quote(s) {
    const base = filterParams(s);
    base.set("q", s.q);
    const trendP = new URLSearchParams(base);
    trendP.set("by", "year");
    trendP.set("limit", "0");
    const hitsP = new URLSearchParams(base);
    hitsP.set("limit", String((Number(s.offset) || 0) + 20));
    const [r, trend] = await Promise.all([api("quote", hitsP), api("quote", trendP)]);
    status([el("strong", { text: t("quote_total", r.page.total, r.summary.docs) }), scopeNote(r.summary)]);
    chart(trend.buckets.map((b) => ({ ...b, phrase: s.q })), [s.q]);
    downloads("quote", base);
    for (const h of r.hits) {
      $("results").append(el("div", { class: "hit" },
        el("div", { class: "meta" }, docMeta(h.title, h.date), " · ", docLink(h.doc, h.line, h.text),
          ` · ${t("coverage")} ${h.coverage.toFixed(2)} · ${t("identity")} ${h.identity.toFixed(2)} · ${t("speaker")}: ${h.speaker || t("unattributed")}`),
        el("div", { class: "text" }, "“", el("mark", { text: h.text }), "”")));
    }
    if (!r.hits.length) $("results").append(el("p", { text: t("empty") }));
    moreButton(s, r.hits.length, r.page.total);
  },

  async quotes(s) {
    const p = filterParams(s);
    if (s.q) p.set("q", s.q);
    p.set("limit", String((Number(s.offset) || 0) + 20));
    const r = await api("quotes", p);
    status([el("strong", { text: t("clusters", r.summary.clusters, r.summary.quotations) }), scopeNote(r.summary)]);
    downloads("quotes", p);
    for (const c of r.clusters) {
      const speakers = c.speakers.map((x) => `${x.name || t("unattributed")} ${x.count}`).join("、");
      $("results").append(el("div", { class: "hit cluster" },
        el("div", { class: "text" }, "“", el("mark", { text: c.text }), "”"),
        el("div", { class: "meta" }, `${c.docs} ${t("docs")} · ${c.occurrences} ${t("times")}`,
          c.years ? ` · ${c.years[0]}–${c.years[1]}` : "", " · ", `${t("first")} `, docLink(c.first.doc, c.first.line, c.text), c.first.date ? ` (${c.first.date})` : "",
          ` · ${t("last")} `, docLink(c.last.doc, c.last.line, c.text), c.last.date ? ` (${c.last.date})` : ""),
        el("div", { class: "speakers", text: `${t("speaker")}: ${speakers}` })));
    }
    moreButton(s, r.clusters.length, r.page.total);
  },

  async reuse(s) {
    const text = sessionStorage.getItem(REUSE_TEXT) || "";
    if (!s.src && !text.trim()) {
      status(t("reuse_enter"));
      return;
    }
    const p = filterParams(s);
    if (s.src) p.set("doc", s.src);
    else p.set("text", text);
    p.set("limit", String((Number(s.offset) || 0) + 20));
    const r = await api("reuse", p, true);
    const sum = r.summary;
    const pct = (x) => `${(x * 100).toFixed(1)}%`;
    status([el("strong", { text: t("reuse_total", sum.reused, sum.chars, pct(sum.share), sum.sources) }), scopeNote(sum)]);
    for (const src of r.sources) {
      const spans = el("ol", { class: "spans" });
      for (const sp of src.spans) {
        spans.append(el("li", {},
          el("div", { class: "pair" }, el("span", { class: "tag", text: t("reuse_text") }), el("mark", { text: sp.at.text })),
          el("div", { class: "pair" }, el("span", { class: "tag", text: t("reuse_source") }), docLink(src.doc, sp.source_line, sp.source_text, `${src.doc}:${sp.source_line}`), " ",
            el("span", { text: sp.source_text }), el("span", { class: "meta", text: ` · ${sp.exact ? t("verbatim") : `${t("changed")}, ${t("identity")} ${sp.identity.toFixed(2)}`}` }))));
      }
      $("results").append(el("div", { class: "hit source" },
        el("div", { class: "meta" }, docMeta(src.title, src.date), " · ", docLink(src.doc, null, null, src.doc), ` · ${t("reuse_covers", pct(src.share), src.covered, src.spans.length)}`),
        spans));
    }
    if (!r.sources.length) $("results").append(el("p", { text: t("empty") }));
    moreButton(s, r.sources.length, r.page.total);
  },

  async shared(s) {
    const p = filterParams(s);
    p.set("min-chars", "12");
    p.set("limit", String((Number(s.offset) || 0) + 20));
    status(t("shared_hint"));
    const r = await api("shared", p);
    status([el("strong", { text: t("shared_total", r.summary.phrases) }), scopeNote(r.summary)]);
    downloads("shared", p);
    for (const x of r.phrases) {
      const docs = el("div", { class: "meta" });
      x.documents.slice(0, 8).forEach((d, i) => docs.append(i ? " · " : "", docLink(d.doc, null, x.phrase, d.doc)));
      if (x.documents.length > 8) docs.append(` … (${x.documents.length})`);
      $("results").append(el("div", { class: "hit" }, el("div", { class: "text", text: x.text }), docs));
    }
    moreButton(s, r.phrases.length, r.page.total);
  },
};

async function showDoc(s) {
  $("results").hidden = true;
  const box = $("doc");
  box.hidden = false;
  box.replaceChildren();
  status(t("searching"));
  const p = new URLSearchParams({ doc: s.doc, context: "100000" });
  if (s.line) p.set("line", s.line);
  if (s.hl) p.set("highlight", s.hl);
  try {
    const r = await api("show", p);
    const d = r.doc;
    const back = el("a", { href: sessionStorage.getItem("jiansuo-back") || "/", text: t("back") });
    const date = d.date ? `${d.date} (${d.date_source})` : t("undated");
    const trace = el("a", { href: urlOf({ mode: "reuse", src: d.path }), text: t("reuse_this") });
    trace.addEventListener("click", (ev) => {
      ev.preventDefault();
      sessionStorage.removeItem(REUSE_TEXT);
      go({ mode: "reuse", src: d.path });
    });
    box.append(el("header", {}, back, " · ", trace, el("h2", { text: d.title }),
      el("div", { class: "meta" }, `${t("date")} ${date} · ${t("collection_of")} ${d.collection} · ${d.path}`,
        d.url ? " · " : "", d.url ? el("a", { href: d.url, rel: "noopener noreferrer", text: t("source") }) : "")));
    const themesBox = el("div", { class: "bars" });
    box.append(themesBox);
    const ol = el("ol");
    let target = null;
    for (const l of r.lines) {
      const li = el("li", { class: l.target ? "target" : "", id: `l${l.line}` }, el("span", { class: "n", text: String(l.line) }), el("span", {}, marked(l.text, l.highlights)));
      if (l.target) target = li;
      ol.append(li);
    }
    box.append(ol);
    status(t("paragraphs_shown", r.lines.length, r.paragraphs));
    document.title = `${d.title} · 检索`;
    if (target) target.scrollIntoView({ block: "center" });
    const th = await api("themes", new URLSearchParams({ under: s.doc, top: "0" })).catch(() => null);
    if (th) {
      const top = th.themes.filter((x) => x.share > 0).slice(0, 4);
      if (top.length) themesBox.append(el("h3", { text: t("themes_of") }));
      for (const x of top) {
        const bar = el("b");
        bar.style.width = `${Math.round(x.share * 200)}px`;
        themesBox.append(el("div", {}, bar, `${x.name} ${(x.share * 100).toFixed(0)}%`));
      }
    }
  } catch (e) {
    status([el("strong", { text: e.message }), e.hint ? ` — ${e.hint}` : ""], true);
  }
}

// --- start ---------------------------------------------------------------------------------

async function start() {
  applyLanguage();
  $("lang").addEventListener("click", () => {
    lang = lang === "zh" ? "en" : "zh";
    localStorage.setItem("jiansuo-lang", lang);
    applyLanguage();
    render();
  });
  $("form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const s = formState();
    if (s.mode === "reuse") {
      const text = $("text").value;
      if (text.trim()) sessionStorage.setItem(REUSE_TEXT, text);
      else sessionStorage.removeItem(REUSE_TEXT);
    }
    go(s);
  });
  for (const r of document.querySelectorAll('input[name="mode"]')) r.addEventListener("change", modeChanged);
  $("home").addEventListener("click", (ev) => {
    ev.preventDefault();
    go({ mode: "search" });
  });
  window.addEventListener("popstate", render);
  try {
    const [cols, themes, health] = await Promise.all([
      api("docs", new URLSearchParams({ collections: "true", limit: "0" })),
      api("themes", new URLSearchParams({ top: "0" })),
      api("health", new URLSearchParams()),
    ]);
    for (const c of cols.collections) $("collection").append(el("option", { value: c.name, text: `${c.name} (${c.docs})` }));
    $("theme").append(el("option", { value: "", text: t("choose_theme") }));
    for (const x of themes.themes) $("theme").append(el("option", { value: x.name, text: x.name }));
    $("health").textContent = `· ${health.documents} ${t("docs")} · ${health.generation}`;
  } catch (e) {
    status([el("strong", { text: e.message })], true);
  }
  document.body.dataset.ready = "1";
  await render();
}

start();
