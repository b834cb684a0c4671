// search.js - the search page (/search?q=&sort=&offset=) and the similar
// passages page (/similar?para=REPORT#PARA), which share how a hit looks.
import { el, put, t, fmt, api, url, reportUrl, reportList, previousReport, fv, errorBox,
  highlighted, mergeRanges, loading, title } from './util.js';
import { go } from './app.js';

const PAGE = 20;      // hits per page
const WINDOW = 160;   // code points shown of a long paragraph until expanded

const EXAMPLES = ['高质量发展', '稳中求进 OR 稳中有进', '营商环境 -优化', '"人工智能" year:2018..',
  '新质生产力 region:广东省', '(5G OR 人工智能) 产业'];

const SYNTAX = [
  ['A B', ['两者都在同一段', 'both in one paragraph']],
  ['A OR B', ['任一', 'either']],
  ['A -B', ['有 A 无 B', 'A without B']],
  ['(A OR B) C', ['分组', 'grouping']],
  ['"a b"', ['含空格的短语', 'a phrase with spaces']],
  ['year:2018..2023', ['年份', 'years']],
  ['region:广东省', ['地区', 'region']],
  ['report:ID', ['报告', 'report']],
];

// ---- filters kept in the query text ----

// The top-level tokens of a query: [{s, e, text}] (code unit offsets).
function topTokens(q) {
  const out = [];
  let i = 0;
  const n = q.length, space = (c) => /\s/.test(c);
  while (i < n) {
    if (space(q[i])) { i++; continue; }
    const s = i;
    if (q[i] === '(') {
      let depth = 0, quoted = false;
      for (; i < n; i++) {
        const c = q[i];
        if (c === '"') quoted = !quoted;
        else if (!quoted && c === '(') depth++;
        else if (!quoted && c === ')' && --depth === 0) { i++; break; }
      }
    } else if (q[i] === '"') {
      const j = q.indexOf('"', i + 1);
      i = j < 0 ? n : j + 1;
    } else {
      while (i < n && !space(q[i]) && !'()"'.includes(q[i])) i++;
      if (q[i - 1] === ':' && q[i] === '"') {
        const j = q.indexOf('"', i + 1);
        i = j < 0 ? n : j + 1;
      }
      if (i === s) i++;
    }
    out.push({ s, e: i, text: q.slice(s, i) });
  }
  return out;
}

const VALUE = '(?:"([^"]*)"|([^\\s()"]+))';
const filterRe = (kind) => new RegExp('^' + kind + ':' + VALUE + '$');
const regionGroupRe = new RegExp('^\\(\\s*region:' + VALUE + '(?:\\s+OR\\s+region:' + VALUE + ')*\\s*\\)$');

// The filters a query holds at its top level: {from, to, regions, report,
// spans} (spans: where they are, to replace them).
export function readFilters(q) {
  const f = { from: '', to: '', regions: [], report: '', spans: [] };
  for (const tok of topTokens(q)) {
    let m;
    if ((m = /^year:(\d*)(?:\.\.(\d*))?$/.exec(tok.text))) {
      f.from = m[1];
      f.to = m[2] === undefined ? m[1] : m[2];
    } else if ((m = filterRe('region').exec(tok.text))) {
      f.regions.push(m[1] ?? m[2]);
    } else if (regionGroupRe.test(tok.text)) {
      for (const g of tok.text.matchAll(new RegExp('region:' + VALUE, 'g'))) f.regions.push(g[1] ?? g[2]);
    } else if ((m = filterRe('report').exec(tok.text))) {
      f.report = m[1] ?? m[2];
    } else continue;
    f.spans.push(tok);
  }
  return f;
}

// q with its top-level filters replaced by those of f.
export function writeFilters(q, f) {
  let rest = q;
  for (const s of readFilters(q).spans.reverse()) rest = rest.slice(0, s.s) + rest.slice(s.e);
  const parts = [rest.replace(/\s+/g, ' ').trim()];
  if (f.from || f.to) parts.push('year:' + (f.from === f.to ? f.from : (f.from || '') + '..' + (f.to || '')));
  if (f.regions.length === 1) parts.push('region:' + fv(f.regions[0]));
  else if (f.regions.length > 1) parts.push('(' + f.regions.map((r) => 'region:' + fv(r)).join(' OR ') + ')');
  if (f.report) parts.push('report:' + fv(f.report));
  return parts.filter(Boolean).join(' ');
}

// ---- a hit ----

// One search (or similar) hit: year, region, report, ¶, section path, the
// paragraph with its matches marked (a window of a long one, expandable),
// and links to the report, similar passages and the previous report.
export function hitView(h, reports) {
  const cps = Array.from(h.text || '');
  const long = cps.length > WINDOW;
  const first = (mergeRanges(h.matches)[0] || [0])[0];
  const from = long ? Math.max(0, Math.min(first - 40, cps.length - WINDOW)) : 0;
  const text = el('p', { class: 'text' });
  let open = !long;
  const toggle = el('button', { type: 'button', class: 'more', 'aria-expanded': 'false' }, t('expand'));
  const draw = () => {
    put(text,
      !open && from > 0 ? '…' : null,
      highlighted(cps, h.matches, open ? 0 : from, open ? cps.length : from + WINDOW),
      !open && from + WINDOW < cps.length ? '…' : null);
    text.dataset.full = open ? '1' : '0';
    toggle.textContent = open ? t('collapse') : t('expand');
    toggle.setAttribute('aria-expanded', String(open));
  };
  toggle.addEventListener('click', () => { open = !open; draw(); });
  draw();
  const links = el('div', { class: 'links' },
    el('a', { href: reportUrl(h.report, h.para) }, t('inReport')),
    el('a', { href: url('/similar', { para: h.report + '#' + h.para }) }, t('similarLink')));
  const rep = reports && reports.find((r) => r.id === h.report);
  const prev = rep && previousReport(reports, rep);
  if (prev) links.append(el('a', { class: 'prev', href: url('/compare', { a: prev.id, b: h.report }) }, t('comparePrev', { y: prev.year })));
  return el('article', { class: 'hit', 'data-report': h.report, 'data-para': h.para },
    el('div', { class: 'meta' },
      el('span', { class: 'year' }, h.year ?? '—'),
      el('span', { class: 'region' }, h.region || '—'),
      el('a', { class: 'where', href: reportUrl(h.report, h.para) }, h.report, ' ¶' + h.para),
      h.similarity !== undefined ? el('span', { class: 'score' }, t('similarity') + ' ' + h.similarity.toFixed(3)) : null),
    h.section && h.section.length ? el('div', { class: 'section' }, h.section.join(' › ')) : null,
    text,
    el('div', { class: 'actions' }, long ? toggle : null, links));
}

// ---- the search page ----

function optionList(values, selected, blank) {
  return [el('option', { value: '' }, blank), values.map((v) => el('option', { value: v, selected: String(v) === String(selected) }, v))];
}

export async function searchPage(main, params, live) {
  const q = params.get('q') || '';
  const sort = params.get('sort') || 'relevance';
  const offset = Math.max(0, parseInt(params.get('offset') || '0', 10) || 0);
  title(q || t('search'));
  const goQuery = (nq, nsort = sort) => go(url('/search', { q: nq, sort: nsort === 'relevance' ? '' : nsort }));

  const input = el('input', { type: 'search', name: 'q', id: 'q', value: q, 'aria-label': t('query'),
    autocomplete: 'off', spellcheck: 'false', placeholder: '高质量发展' });
  const form = el('form', { class: 'qform', role: 'search', on: { submit: (ev) => {
    ev.preventDefault();
    if (input.value.trim()) goQuery(input.value.trim());
  } } }, input, el('button', { type: 'submit' }, t('go')));

  const help = el('aside', { class: 'help' },
    el('details', { open: window.matchMedia('(min-width: 900px)').matches },
      el('summary', {}, t('syntax')),
      el('table', {}, SYNTAX.map(([code, d]) => el('tr', {}, el('td', {}, el('code', {}, code)), el('td', {}, d[getLangIndex()])))),
      el('p', {}, t('examples')),
      el('ul', { class: 'examples' }, EXAMPLES.map((x) => el('li', {},
        el('a', { href: url('/search', { q: x }) }, x))))));

  const filters = el('div', { class: 'filters' }, loading());
  const results = el('section', { class: 'results', 'aria-live': 'polite' });
  put(main, el('div', { class: 'searchgrid' },
    el('div', { class: 'searchmain' }, form, filters, results), help));
  if (!q) input.focus();

  const reportsP = reportList();
  // Filters: drawn when the report list is there; they rewrite the query.
  reportsP.then((reports) => {
    if (!live()) return;
    const f = readFilters(q);
    const years = [...new Set(reports.map((r) => r.year).filter((y) => y != null))].sort((a, b) => a - b);
    const regions = [...new Set(reports.map((r) => r.region).filter(Boolean))].sort((a, b) => a.localeCompare(b, 'zh-CN'));
    const from = el('select', { name: 'from', 'aria-label': t('years') + ' ' + t('from') }, optionList(years, f.from, t('any')));
    const to = el('select', { name: 'to', 'aria-label': t('years') + ' ' + t('to') }, optionList(years, f.to, t('any')));
    const boxes = regions.map((r) => el('label', {}, el('input', { type: 'checkbox', name: 'region', value: r, checked: f.regions.includes(r) }), r));
    const report = el('input', { name: 'report', list: 'report-ids', value: f.report, 'aria-label': t('reportF'), placeholder: 'ID' });
    const ids = el('datalist', { id: 'report-ids' }, reports.map((r) => el('option', { value: r.id })));
    const sortSel = el('select', { name: 'sort', 'aria-label': t('sort') },
      [['relevance', 'relevance'], ['year', 'yearAsc'], ['-year', 'yearDesc']].map(([v, k]) => el('option', { value: v, selected: v === sort }, t(k))));
    const apply = () => {
      const nf = { from: from.value, to: to.value, regions: boxes.map((b) => b.firstChild).filter((c) => c.checked).map((c) => c.value), report: report.value.trim() };
      const nq = writeFilters(input.value.trim() || q, nf);
      if (nq) goQuery(nq, sortSel.value);
    };
    for (const c of [from, to, sortSel, report]) c.addEventListener('change', apply);
    const regionBox = el('details', { class: 'regions' },
      el('summary', {}, f.regions.length ? f.regions.join('、') : t('allRegions')),
      el('div', { class: 'boxes' }, boxes),
      el('button', { type: 'button', on: { click: apply } }, t('go')));
    put(filters, 
      el('label', {}, t('years') + ' ', from, ' – ', to),
      el('span', { class: 'lbl' }, t('regions'), ' ', regionBox),
      el('label', {}, t('reportF') + ' ', report, ids),
      el('label', {}, t('sort') + ' ', sortSel));
  }, (e) => put(filters, errorBox(e)));

  if (!q) return;
  put(results, loading());
  let ans;
  try {
    ans = await api('search', { q, limit: PAGE, offset, sort });
  } catch (e) {
    if (live()) put(results, errorBox(e, q));
    return;
  }
  if (!live()) return;
  const list = el('div', { class: 'hits' });
  const draw = (reports) => put(list, ...ans.hits.map((h) => hitView(h, reports)));
  draw(null);
  const a = ans.hits.length ? offset + 1 : 0, b = offset + ans.hits.length;
  put(results, 
    el('p', { class: 'summary' },
      el('strong', { id: 'total', 'data-total': ans.total }, t('total', { n: fmt(ans.total) })),
      ans.hits.length ? '；' + t('showing', { a: fmt(a), b: fmt(b) }) : '',
      el('span', { class: 'took' }, ' · ' + t('ms', { t: ans.took_ms }))),
    ans.total ? list : el('p', { class: 'none' }, t('none')),
    pager(ans.total, offset, (o) => url('/search', { q, sort: sort === 'relevance' ? '' : sort, offset: o || '' })));
  performance.mark('baogao:first-answer');
  document.body.dataset.firstAnswerMs = performance.now().toFixed(1);
  reportsP.then((reports) => { if (live()) draw(reports); }, () => {});
}

function getLangIndex() { return document.documentElement.lang === 'en' ? 1 : 0; }

function pager(total, offset, link) {
  if (total <= PAGE) return null;
  const page = Math.floor(offset / PAGE), last = Math.floor((total - 1) / PAGE);
  const nums = [...new Set([0, page - 2, page - 1, page, page + 1, page + 2, last])].filter((p) => p >= 0 && p <= last).sort((x, y) => x - y);
  const items = [];
  if (page > 0) items.push(el('a', { rel: 'prev', class: 'prev', href: link((page - 1) * PAGE) }, t('prev')));
  let before = -1;
  for (const p of nums) {
    if (p > before + 1) items.push(el('span', {}, '…'));
    items.push(p === page ? el('span', { class: 'current', 'aria-current': 'page' }, p + 1)
      : el('a', { href: link(p * PAGE), 'aria-label': t('page', { n: p + 1 }) }, p + 1));
    before = p;
  }
  if (page < last) items.push(el('a', { rel: 'next', class: 'next', href: link((page + 1) * PAGE) }, t('next')));
  return el('nav', { class: 'pager', 'aria-label': 'pages' }, items);
}

// ---- similar passages ----

export async function similarPage(main, params, live) {
  const para = params.get('para') || '';
  const filter = params.get('filter') || '';
  title(t('similar'), para);
  put(main, el('h1', {}, t('similar')), loading());
  let ans, reports;
  try {
    [ans, reports] = await Promise.all([api('similar', { para, filter, limit: PAGE }), reportList()]);
  } catch (e) {
    if (live()) put(main, el('h1', {}, t('similar')), errorBox(e));
    return;
  }
  if (!live()) return;
  const src = ans.source || {};
  put(main, 
    el('h1', {}, t('similar')),
    el('blockquote', { class: 'source' },
      src.report ? el('a', { href: reportUrl(src.report, src.para) }, src.report, ' ¶' + src.para) : null,
      el('p', {}, src.text)),
    el('p', { class: 'summary' }, t('examined', { n: fmt(ans.reports_examined) }), ' · ', t('ms', { t: ans.took_ms })),
    ans.hits.length ? el('div', { class: 'hits' }, ans.hits.map((h) => hitView(h, reports))) : el('p', {}, t('noHits')));
}
