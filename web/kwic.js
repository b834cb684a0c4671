// kwic.js - the concordance (/kwic?q=&sort=year|left|right&width=): one
// line per occurrence, aligned on the match, with a TSV download of
// exactly the lines shown (the columns of `baogao kwic --tsv`).
import { el, put, t, fmt, api, url, reportUrl, errorBox, loading, title } from './util.js';
import { go } from './app.js';

const FIRST = 1000; // lines drawn before "show all"

export async function kwicPage(main, params, live) {
  const q = params.get('q') || '';
  const sort = ['year', 'left', 'right'].includes(params.get('sort')) ? params.get('sort') : 'year';
  const width = params.get('width') || '';
  title(q || t('kwic'));
  const link = (o) => url('/kwic', { q, sort: sort === 'year' ? '' : sort, width, ...o });
  const input = el('input', { type: 'search', name: 'q', value: q, 'aria-label': t('query'), placeholder: '稳中求进' });
  const form = el('form', { class: 'qform', role: 'search', on: { submit: (ev) => {
    ev.preventDefault();
    if (input.value.trim()) go(url('/kwic', { q: input.value.trim(), sort: sort === 'year' ? '' : sort, width }));
  } } }, input, el('button', { type: 'submit' }, t('go')));
  const out = el('section', { class: 'kwic', 'aria-live': 'polite' });
  put(main, el('h1', {}, t('kwic')), form, out);
  if (!q) { input.focus(); return; }
  put(out, loading());
  let ans;
  try {
    ans = await api('kwic', { q, sort, width });
  } catch (e) {
    if (live()) put(out, errorBox(e, q));
    return;
  }
  if (!live()) return;
  const sorts = el('div', { class: 'sorts', role: 'group', 'aria-label': t('sort') },
    [['year', 'sortYear'], ['left', 'sortLeft'], ['right', 'sortRight']].map(([s, k]) =>
      s === sort ? el('span', { class: 'current', 'aria-current': 'true' }, t(k)) : el('a', { href: link({ sort: s === 'year' ? '' : s }) }, t(k))));
  const body = el('tbody');
  const count = el('span', { class: 'shown' });
  const download = el('a', { class: 'button tsv', download: 'kwic.tsv', href: '#' }, t('tsv'));
  let shown = 0, blob = null;
  const drawTo = (n) => {
    const rows = [];
    for (; shown < n && shown < ans.lines.length; shown++) rows.push(line(ans.lines[shown]));
    body.append(...rows);
    count.textContent = shown < ans.lines.length ? t('shown', { n: fmt(shown) }) : '';
    more.hidden = shown >= ans.lines.length;
    if (blob) URL.revokeObjectURL(blob);
    blob = URL.createObjectURL(new Blob([tsv(ans.lines.slice(0, shown))], { type: 'text/tab-separated-values;charset=utf-8' }));
    download.setAttribute('href', blob);
  };
  const more = el('button', { type: 'button', on: { click: () => drawTo(ans.lines.length) } }, t('showAll'));
  put(out, 
    el('p', { class: 'summary' }, el('strong', { id: 'total', 'data-total': ans.total }, t('lines', { n: fmt(ans.total) })), ' ', count,
      el('span', { class: 'took' }, ' · ' + t('ms', { t: ans.took_ms }))),
    el('div', { class: 'row' }, sorts, download),
    el('div', { class: 'tablewrap' }, el('table', { class: 'kwiclines' },
      el('thead', {}, el('tr', {}, el('th', {}, t('reportF')), el('th', { class: 'l' }, t('left')), el('th', {}, t('match')), el('th', {}, t('right')))),
      body)),
    more);
  drawTo(FIRST);
}

function line(l) {
  return el('tr', {},
    el('td', { class: 'ref' }, el('a', { href: reportUrl(l.report, l.para) }, l.report, ' ¶' + l.para)),
    el('td', { class: 'l' }, el('span', {}, l.left)),
    el('td', { class: 'm' }, el('mark', {}, l.match)),
    el('td', { class: 'r' }, el('span', {}, l.right)));
}

const field = (s) => String(s ?? '').replace(/[\t\r\n]/g, ' ');

// The lines as `baogao kwic --tsv` writes them.
export function tsv(lines) {
  return 'report\tyear\tpara\tleft\tmatch\tright\n' + lines.map((l) =>
    [field(l.report), l.year > 0 ? l.year : '', l.para, field(l.left), field(l.match), field(l.right)].join('\t') + '\n').join('');
}
