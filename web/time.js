// time.js - phrasing over time (/time?q=A&q=B&m=per_10k&from=&to=&tab=):
// up to six queries as lines on one chart by year (hand-written SVG: a
// year without reports is a gap, not a zero; first and last use marked),
// and below it the same figures by region for a year or a range, as a
// tile map of the province-level divisions with a table beside it.
// Every point and tile carries its figure (data-year, data-region,
// data-value) so that it can be read back.
import { el, put, svg, t, fmt, api, url, reportList, errorBox, loading, title } from './util.js';
import { go } from './app.js';
import { TILES, ROWS, COLS } from './tiles.js';

const MAX = 6;
const MEASURES = ['per_10k', 'occurrences', 'paragraphs', 'reports'];

// A bucket with no report behind it: no text in that year or region.
const gap = (b) => !b || (b.reports_total !== undefined ? b.reports_total === 0 : b.units === 0);
const valueOf = (b, m) => (m === 'per_10k' ? b.per_10k : b[m]);
const show = (v, m) => (v === undefined || v === null ? '—' : m === 'per_10k' ? v.toFixed(2) : fmt(v));
const withFilter = (q, f) => q + ' ' + f;
const yearFilter = (a, b) => 'year:' + (a === b ? a : a + '..' + b);

export async function timePage(main, params, live) {
  const qs = params.getAll('q').map((s) => s.trim()).filter(Boolean).slice(0, MAX);
  const m = MEASURES.includes(params.get('m')) ? params.get('m') : 'per_10k';
  const tab = Math.min(Math.max(0, parseInt(params.get('tab') || '0', 10) || 0), Math.max(0, qs.length - 1));
  title(qs.join(' / ') || t('time'));
  const link = (over) => {
    const o = { q: qs, m, from: params.get('from'), to: params.get('to'), tab: String(tab), ...over };
    const pairs = o.q.map((x) => ['q', x]);
    if (o.m !== 'per_10k') pairs.push(['m', o.m]);
    for (const k of ['from', 'to']) if (o[k]) pairs.push([k, o[k]]);
    if (o.tab && o.tab !== '0') pairs.push(['tab', o.tab]);
    return url('/time', pairs);
  };

  // The form: one line per query.
  const inputs = el('ol', { class: 'phrases' });
  const addInput = (v) => {
    if (inputs.children.length >= MAX) return;
    const i = inputs.children.length;
    inputs.append(el('li', { class: 's' + i },
      el('input', { type: 'search', name: 'q', value: v, 'aria-label': t('phrase') + ' ' + (i + 1), placeholder: i ? '' : '新质生产力' })));
  };
  qs.forEach(addInput);
  if (qs.length < MAX) addInput('');
  const measure = el('select', { name: 'm', 'aria-label': t('measure') },
    MEASURES.map((x) => el('option', { value: x, selected: x === m }, t(x))));
  const form = el('form', { class: 'timeform', on: { submit: (ev) => {
    ev.preventDefault();
    const nq = [...inputs.querySelectorAll('input')].map((i) => i.value.trim()).filter(Boolean);
    if (nq.length) go(link({ q: nq, m: measure.value, tab: '0' }));
  } } },
  el('label', { for: 'q0' }, t('phrases')), inputs,
  el('div', { class: 'row' },
    el('button', { type: 'button', on: { click: () => { addInput(''); inputs.lastChild.firstChild.focus(); } } }, t('add')),
    el('label', {}, t('measure') + ' ', measure),
    el('button', { type: 'submit' }, t('draw'))));
  measure.addEventListener('change', () => { if (qs.length) go(link({ m: measure.value }), true); });
  const chartBox = el('section', { class: 'chart', 'aria-live': 'polite' });
  const mapBox = el('section', { class: 'bymap' });
  put(main, el('h1', {}, t('time')), form, chartBox, mapBox);
  if (!qs.length) return;

  put(chartBox, loading());
  let answers;
  try {
    answers = await Promise.all(qs.map((q) => api('count', { q, by: 'year' })));
  } catch (e) {
    if (live()) put(chartBox, errorBox(e));
    return;
  }
  if (!live()) return;
  put(chartBox, chart(qs, answers, m, tab), legend(qs, answers), el('p', { class: 'note' }, t('gapNote')));

  // By region, for a year or a range (default: the latest year).
  const years = [...new Set(answers.flatMap((a) => a.buckets.filter((b) => !gap(b) && /^\d+$/.test(b.key)).map((b) => Number(b.key))))].sort((a, b) => a - b);
  if (!years.length) return;
  let from = Number(params.get('from')) || years[years.length - 1];
  let to = Number(params.get('to')) || from;
  if (to < from) [from, to] = [to, from];
  const sel = (name, v) => el('select', { name, 'aria-label': t(name) }, years.map((y) => el('option', { value: y, selected: y === v }, y)));
  const fromSel = sel('from', from), toSel = sel('to', to);
  const change = () => go(link({ from: fromSel.value, to: toSel.value }), true);
  fromSel.addEventListener('change', change);
  toSel.addEventListener('change', change);
  const tabs = qs.length > 1 ? el('div', { class: 'tabs', role: 'radiogroup', 'aria-label': t('phrase') }, qs.map((q, i) =>
    el('label', { class: 's' + i }, el('input', { type: 'radio', name: 'tab', value: i, checked: i === tab,
      on: { change: () => go(link({ tab: String(i) }), true) } }), q))) : null;
  const q = qs[tab];
  const query = withFilter(q, yearFilter(from, to));
  put(mapBox, el('h2', {}, t('byRegion')), tabs, el('p', { class: 'row' }, t('years') + ' ', fromSel, ' – ', toSel), loading());
  let byRegion, reports;
  try {
    [byRegion, reports] = await Promise.all([api('count', { q: query, by: 'region' }), reportList()]);
  } catch (e) {
    if (live()) mapBox.lastChild.replaceWith(errorBox(e));
    return;
  }
  if (!live()) return;
  // A region without a report in the years chosen is left out, not a zero.
  const inRange = new Set(reports.filter((r) => r.year >= from && r.year <= to).map((r) => r.region));
  const none = (b) => gap(b) || !inRange.has(b.key);
  mapBox.lastChild.replaceWith(el('div', { class: 'mapgrid' }, tileMap(byRegion, query, m, none), regionTable(byRegion, query, m, none)),
    el('p', { class: 'note' }, t('tileNote')));
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v)), r = v / p;
  return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * p;
}

// The chart is drawn at the width it will be shown at (one unit a CSS
// pixel), so that its labels keep their size on a phone instead of
// shrinking with a fixed 800-unit drawing.
function chartSize() {
  const main = document.querySelector('main');
  let avail = window.innerWidth - 32;
  if (main) {
    const cs = getComputedStyle(main);
    avail = main.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
  }
  const W = Math.max(300, Math.min(1200, Math.floor(avail)));
  return { W, H: W < 560 ? Math.round(W * 0.75) : Math.max(320, Math.round(W * 0.4)) };
}

function chart(qs, answers, m, tab) {
  const { W, H } = chartSize(), L = 46, R = 14, T = 14, B = 30;
  const all = answers.flatMap((a) => a.buckets.filter((b) => /^\d+$/.test(b.key)).map((b) => Number(b.key)));
  const y0 = Math.min(...all), y1 = Math.max(...all);
  const vmax = niceMax(Math.max(0, ...answers.flatMap((a) => a.buckets.filter((b) => !gap(b)).map((b) => valueOf(b, m) || 0))));
  const x = (yr) => L + (y1 === y0 ? (W - L - R) / 2 : ((yr - y0) / (y1 - y0)) * (W - L - R));
  const y = (v) => T + (1 - v / vmax) * (H - T - B);
  const g = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'linechart', role: 'img', 'data-measure': m,
    'aria-label': t('time') + ': ' + qs.join(', ') });
  for (let k = 0; k <= 4; k++) {
    const v = (vmax * k) / 4;
    g.append(svg('line', { class: 'grid', x1: L, x2: W - R, y1: y(v), y2: y(v) }),
      svg('text', { class: 'tick', x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, m === 'per_10k' ? +v.toFixed(2) : fmt(v)));
  }
  const most = Math.max(3, Math.floor((W - L - R) / 56));
  const step = [1, 2, 5, 10, 20, 25, 50].find((s) => (y1 - y0) / s <= most) || 100;
  for (let yr = Math.ceil(y0 / step) * step; yr <= y1; yr += step)
    g.append(svg('text', { class: 'tick', x: x(yr), y: H - 10, 'text-anchor': 'middle' }, yr));
  // A column per year with reports: a link to its concordance.
  const maps = answers.map((a) => new Map(a.buckets.map((b) => [b.key, b])));
  const colW = Math.max(4, (W - L - R) / Math.max(1, y1 - y0 + 1));
  for (let yr = y0; yr <= y1; yr++) {
    if (maps.every((mp) => gap(mp.get(String(yr))))) continue;
    const label = yr + ': ' + qs.map((q, i) => q + ' ' + show(gap(maps[i].get(String(yr))) ? undefined : valueOf(maps[i].get(String(yr)), m), m)).join('; ');
    g.append(svg('a', { href: url('/kwic', { q: withFilter(qs[tab], 'year:' + yr) }), class: 'col', 'data-year': yr, 'aria-label': label },
      svg('title', {}, label),
      svg('rect', { x: x(yr) - colW / 2, y: T, width: colW, height: H - T - B })));
  }
  answers.forEach((a, i) => {
    let d = '', prev = false;
    const pts = [];
    for (let yr = y0; yr <= y1; yr++) {
      const b = maps[i].get(String(yr));
      if (gap(b)) { prev = false; continue; }
      const v = valueOf(b, m);
      d += (prev ? 'L' : 'M') + x(yr).toFixed(1) + ' ' + y(v).toFixed(1);
      prev = true;
      pts.push(svg('circle', { class: 'pt s' + i, cx: x(yr), cy: y(v), r: 3, 'data-series': i, 'data-year': yr, 'data-value': v },
        svg('title', {}, `${qs[i]} ${yr}: ${show(v, m)}`)));
    }
    g.append(svg('path', { class: 'line s' + i, d }), ...pts);
    for (const [k, cls] of [['first', 'first'], ['last', 'last']]) {
      const b = a[k] && maps[i].get(String(a[k]));
      if (!b || gap(b)) continue;
      g.append(svg('circle', { class: 'mark s' + i + ' ' + cls, cx: x(Number(a[k])), cy: y(valueOf(b, m)), r: 7, 'data-series': i, 'data-year': a[k] },
        svg('title', {}, qs[i] + ' ' + t(k === 'first' ? 'firstLast' : 'firstLast', { f: a.first, l: a.last }))));
    }
  });
  return el('div', { class: 'chartwrap' }, g);
}

function legend(qs, answers) {
  return el('ul', { class: 'legend' }, qs.map((q, i) => el('li', { class: 's' + i, 'data-first': answers[i].first ?? '', 'data-last': answers[i].last ?? '' },
    el('span', { class: 'swatch' }), el('a', { href: url('/kwic', { q }) }, q), ' ',
    el('span', { class: 'fl' }, answers[i].first ? t('firstLast', { f: answers[i].first, l: answers[i].last }) : t('never')))));
}

function tileMap(ans, query, m, gap) {
  const S = 64, P = 3;
  const byKey = new Map(ans.buckets.map((b) => [b.key, b]));
  const max = Math.max(0, ...ans.buckets.filter((b) => !gap(b)).map((b) => valueOf(b, m) || 0));
  const g = svg('svg', { viewBox: `0 0 ${COLS * S} ${ROWS * S}`, class: 'tilemap', role: 'img', 'data-query': query, 'data-measure': m, 'aria-label': t('byRegion') });
  const tile = (region, row, col, label, national) => {
    const b = byKey.get(region);
    const empty = gap(b);
    const v = empty ? undefined : valueOf(b, m);
    const share = empty || !max ? 0 : v / max;
    const body = [
      svg('rect', { x: col * S + P, y: row * S + P, width: S - 2 * P, height: S - 2 * P, rx: 4,
        class: national ? 'national' : '', 'fill-opacity': empty ? null : (0.1 + 0.9 * share).toFixed(3) }),
      svg('text', { x: col * S + S / 2, y: row * S + S / 2 - 4, 'text-anchor': 'middle', class: share > 0.55 ? 'name dark' : 'name' }, label),
      svg('text', { x: col * S + S / 2, y: row * S + S / 2 + 14, 'text-anchor': 'middle', class: share > 0.55 ? 'val dark' : 'val' }, empty ? '—' : show(v, m)),
      svg('title', {}, region + ': ' + (empty ? t('noReport') : show(v, m)))];
    const attrs = { class: 'tile' + (empty ? ' empty' : ''), 'data-region': region, 'data-value': empty ? null : v };
    g.append(empty ? svg('g', attrs, body)
      : svg('a', { ...attrs, href: url('/kwic', { q: query + ' region:' + quoteRegion(region) }), 'aria-label': region + ' ' + show(v, m) }, body));
  };
  tile('国务院', 0, 0, '国务院', true);
  for (const [r, row, col] of TILES) tile(r, row, col, short(r), false);
  return el('div', { class: 'mapwrap' }, g);
}

const quoteRegion = (r) => (/^[^\s()"\\]+$/.test(r) ? r : '"' + r + '"');
const short = (r) => r.replace(/(维吾尔|壮族|回族)?自治区$|特别行政区$|省$|市$/, '');

function regionTable(ans, query, m, gap) {
  const rows = ans.buckets.filter((b) => !gap(b)).sort((a, b) => (valueOf(b, m) - valueOf(a, m)) || a.key.localeCompare(b.key, 'zh-CN'));
  return el('div', { class: 'tablewrap' }, el('table', { class: 'regions', 'data-query': query },
    el('thead', {}, el('tr', {}, el('th', {}, t('region')), el('th', {}, t(m)),
      ...MEASURES.filter((x) => x !== m).map((x) => el('th', {}, t(x))))),
    el('tbody', {}, rows.map((b) => el('tr', { 'data-region': b.key, 'data-value': valueOf(b, m) },
      el('td', {}, el('a', { href: url('/kwic', { q: query + ' region:' + quoteRegion(b.key) }) }, b.key)),
      el('td', { class: 'num' }, show(valueOf(b, m), m)),
      ...MEASURES.filter((x) => x !== m).map((x) => el('td', { class: 'num' }, show(valueOf(b, x), x))))))));
}
