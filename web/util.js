// util.js - what every page of the workbench shares: building DOM from
// data (text is always a text node, never markup), the JSON endpoints,
// the interface language, links between the pages.

const STRINGS = {
  search: ['搜索', 'Search'],
  time: ['用语变化', 'Over time'],
  kwic: ['语境', 'Concordance'],
  compare: ['对比', 'Compare'],
  similar: ['相似段落', 'Similar passages'],
  report: ['报告', 'Report'],
  lang: ['English', '中文'],
  query: ['查询', 'Query'],
  go: ['搜索', 'Search'],
  syntax: ['查询语法', 'Query syntax'],
  examples: ['示例', 'Examples'],
  years: ['年份', 'Years'],
  from: ['从', 'from'],
  to: ['到', 'to'],
  any: ['不限', 'any'],
  regions: ['地区', 'Regions'],
  allRegions: ['全部地区', 'all regions'],
  reportF: ['报告', 'Report'],
  sort: ['排序', 'Sort'],
  relevance: ['相关度', 'relevance'],
  yearAsc: ['年份 ↑', 'year ↑'],
  yearDesc: ['年份 ↓', 'year ↓'],
  total: ['共 {n} 段', '{n} paragraphs'],
  showing: ['显示第 {a}–{b} 段', 'showing {a}–{b}'],
  none: ['没有匹配的段落', 'No paragraph matches'],
  prev: ['上一页', 'Previous'],
  next: ['下一页', 'Next'],
  page: ['第 {n} 页', 'page {n}'],
  expand: ['展开全文', 'Show all'],
  collapse: ['收起', 'Show less'],
  inReport: ['在报告中', 'In the report'],
  similarLink: ['相似段落', 'Similar passages'],
  comparePrev: ['与 {y} 年报告对比', 'Compare with {y}'],
  loading: ['加载中…', 'Loading…'],
  error: ['出错', 'Error'],
  phrases: ['短语或查询（最多 6 个）', 'Phrases or queries (up to 6)'],
  add: ['添加', 'Add'],
  remove: ['删除', 'Remove'],
  draw: ['绘制', 'Draw'],
  measure: ['度量', 'Measure'],
  per_10k: ['每万单位', 'per 10,000 units'],
  occurrences: ['出现次数', 'occurrences'],
  paragraphs: ['段落数', 'paragraphs'],
  reports: ['报告数', 'reports'],
  firstLast: ['首次 {f}，最近 {l}', 'first {f}, last {l}'],
  never: ['从未出现', 'never used'],
  gapNote: ['没有报告的年份留空，不计为零。点击年份查看语境。',
    'Years without reports are gaps, not zeros. Click a year for its concordance.'],
  byRegion: ['按地区', 'By region'],
  phrase: ['短语', 'Phrase'],
  region: ['地区', 'Region'],
  value: ['数值', 'Value'],
  national: ['全国（国务院）', 'National (State Council)'],
  noReport: ['无报告', 'no report'],
  tileNote: ['点击地区查看语境。', 'Click a region for its concordance.'],
  width: ['宽度', 'Width'],
  sortYear: ['按年份', 'by year'],
  sortLeft: ['按左侧', 'by left'],
  sortRight: ['按右侧', 'by right'],
  tsv: ['下载 TSV', 'Download TSV'],
  lines: ['共 {n} 处', '{n} occurrences'],
  shown: ['显示 {n} 处', 'showing {n}'],
  showAll: ['全部显示', 'Show all'],
  left: ['左侧', 'Left'],
  match: ['匹配', 'Match'],
  right: ['右侧', 'Right'],
  pick: ['选择地区和两个年份', 'Choose a region and two years'],
  yearA: ['旧', 'Older'],
  yearB: ['新', 'Newer'],
  paired: ['{p} 对段落（{u} 段未改），{a} 段仅在旧报告，{b} 段仅在新报告',
    '{p} pairs ({u} unchanged), {a} only in the older, {b} only in the newer'],
  unchanged: ['{n} 段未改', '{n} unchanged'],
  onlyA: ['仅在旧报告', 'only in the older'],
  onlyB: ['仅在新报告', 'only in the newer'],
  newPhrases: ['新出现的短语', 'New phrases'],
  gonePhrases: ['不再出现的短语', 'Dropped phrases'],
  similarity: ['相似度', 'similarity'],
  outline: ['目录', 'Outline'],
  speaker: ['报告人', 'Speaker'],
  date: ['日期', 'Date'],
  source: ['来源', 'Source'],
  noHits: ['没有相似段落', 'No similar passage'],
  examined: ['检查了 {n} 份报告', '{n} reports examined'],
  similarTo: ['与此段相似', 'Similar to'],
  ms: ['{t} 毫秒', '{t} ms'],
  atChar: ['第 {n} 个字符', 'character {n}'],
};

let lang = localStorage.getItem('baogao-lang') === 'en' ? 1 : 0;
export const getLang = () => (lang ? 'en' : 'zh');
export function setLang(l) {
  lang = l === 'en' ? 1 : 0;
  localStorage.setItem('baogao-lang', getLang());
  document.documentElement.lang = lang ? 'en' : 'zh-CN';
}
document.documentElement.lang = lang ? 'en' : 'zh-CN';

// The interface text of key, with {name} replaced from vars.
export function t(key, vars = {}) {
  const s = (STRINGS[key] || [key, key])[lang];
  return s.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
}

export const fmt = (n) => (typeof n === 'number' ? n.toLocaleString(lang ? 'en' : 'zh-CN') : String(n));

// An element: attrs are attributes (`on` maps events to handlers), the
// children strings (as text), nodes, or arrays of them; null is skipped.
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  return fill(e, attrs, children);
}

export function svg(tag, attrs, ...children) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  return fill(e, attrs, children);
}

function fill(e, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'on') for (const [ev, fn] of Object.entries(v)) e.addEventListener(ev, fn);
    else if (k === 'href') e.setAttribute('href', safeHref(v));
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  append(e, children);
  return e;
}

// Replaces the children of e (as el() takes them).
export function put(e, ...children) {
  e.replaceChildren();
  append(e, children);
  return e;
}

function append(e, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(e, c);
    else e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// Links stay inside this origin: a path, a fragment or a blob.
function safeHref(v) {
  const s = String(v);
  return /^(\/(?!\/)|#|blob:)/.test(s) ? s : '#';
}

// A link to a page of the workbench: path and parameters ([name, value]
// pairs or an object; repeated names allowed).
export function url(path, params = {}, hash = '') {
  const p = new URLSearchParams();
  for (const [k, v] of Array.isArray(params) ? params : Object.entries(params))
    if (v !== undefined && v !== null && v !== '') p.append(k, v);
  const q = p.toString();
  return path + (q ? '?' + q : '') + (hash ? '#' + hash : '');
}

export const reportUrl = (id, para) => '/report/' + encodeURIComponent(id) + (para ? '#p' + para : '');

export class ApiError extends Error {
  constructor(code, message, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

// GET /v1/NAME with params; the JSON answer, or an ApiError.
export async function api(name, params = {}) {
  const r = await fetch(url('/v1/' + name, params));
  let j;
  try {
    j = await r.json();
  } catch {
    throw new ApiError('bad_answer', r.status + ' ' + r.statusText, r.status);
  }
  if (!r.ok || j.error) {
    const e = j.error || {};
    throw new ApiError(e.code || 'error', e.message || String(r.status), r.status);
  }
  return j;
}

// /v1/reports, asked once per page load.
let reportsPromise = null;
export function reportList() {
  if (!reportsPromise) {
    reportsPromise = api('reports').then((j) => j.reports || []);
    reportsPromise.catch(() => { reportsPromise = null; });
  }
  return reportsPromise;
}

// The same region's latest report before `rep` (from the list), or null.
export function previousReport(list, rep) {
  if (!rep || rep.year == null) return null;
  let best = null;
  for (const r of list)
    if (r.region === rep.region && r.year != null && r.year < rep.year && (!best || r.year > best.year)) best = r;
  return best;
}

// A filter value of the query language, quoted when it must be.
export const fv = (v) => (/^[^\s()"\\]+$/.test(v) ? v : '"' + v + '"');

// An error box; a query error marks the character its message names.
export function errorBox(err, query) {
  const box = el('div', { class: 'error', role: 'alert', 'data-code': err.code || '' },
    el('strong', {}, t('error') + ': '), el('span', { class: 'message' }, err.message));
  const m = /character (\d+)/.exec(err.message || '');
  if (query && m) {
    const cps = Array.from(query);
    const at = Math.min(Number(m[1]) - 1, cps.length);
    box.append(el('div', { class: 'where' },
      el('code', {}, cps.slice(0, at).join(''),
        el('mark', { class: 'bad', title: t('atChar', { n: at + 1 }) }, cps[at] ?? ' '),
        cps.slice(at + 1).join(''))));
  }
  return box;
}

// The paragraph text cps[from, to) (code points) with the matches (sorted
// [start, end) code point ranges; overlapping ones merged) marked.
export function highlighted(cps, matches, from = 0, to = cps.length) {
  const out = [];
  let at = from;
  for (const [s0, e0] of mergeRanges(matches)) {
    const s = Math.max(s0, from), e = Math.min(e0, to);
    if (e <= s) continue;
    if (s > at) out.push(cps.slice(at, s).join(''));
    out.push(el('mark', {}, cps.slice(s, e).join('')));
    at = e;
  }
  if (at < to) out.push(cps.slice(at, to).join(''));
  return out;
}

export function mergeRanges(matches) {
  const out = [];
  for (const [s, e] of [...(matches || [])].sort((a, b) => a[0] - b[0] || a[1] - b[1])) {
    const last = out[out.length - 1];
    if (last && s < last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

export const loading = () => el('p', { class: 'loading' }, t('loading'));

// Sets the document title of a page.
export function title(...parts) {
  document.title = [...parts.filter(Boolean), '报告 baogao'].join(' · ');
}
