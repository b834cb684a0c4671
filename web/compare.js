// compare.js - two reports side by side (/compare?a=ID&b=ID): paragraphs
// aligned as /v1/compare aligns them, the wording diff inline (deleted
// text in the older, inserted text in the newer), paragraphs of one
// report only shown in place, and the new and dropped phrases linking to
// /time.  Reports are chosen by a region and two years.
import { el, put, t, fmt, api, url, reportUrl, reportList, previousReport, errorBox, loading, title } from './util.js';
import { go } from './app.js';

export async function comparePage(main, params, live) {
  const a = params.get('a') || '', b = params.get('b') || '';
  title(a && b ? a + ' → ' + b : t('compare'));
  const picker = el('form', { class: 'picker' }, loading());
  const out = el('section', { class: 'compare', 'aria-live': 'polite' });
  put(main, el('h1', {}, t('compare')), picker, out);
  const reports = await reportList().catch((e) => { put(picker, errorBox(e)); return []; });
  if (!live()) return;
  drawPicker(picker, reports, a, b);
  if (!a || !b) return;
  put(out, loading());
  let ans;
  try {
    ans = await api('compare', { a, b });
  } catch (e) {
    if (live()) put(out, errorBox(e));
    return;
  }
  if (!live()) return;
  put(out, ...view(ans, reports));
}

function drawPicker(form, reports, a, b) {
  const ra = reports.find((r) => r.id === a), rb = reports.find((r) => r.id === b);
  const regions = [...new Set(reports.map((r) => r.region).filter(Boolean))].sort((x, y) => x.localeCompare(y, 'zh-CN'));
  const region = el('select', { name: 'region', 'aria-label': t('region') }, regions.map((r) => el('option', { value: r, selected: r === (rb || ra || {}).region || (!rb && !ra && r === '国务院') }, r)));
  const ya = el('select', { name: 'a', 'aria-label': t('yearA') });
  const yb = el('select', { name: 'b', 'aria-label': t('yearB') });
  const fill = (keep) => {
    const list = reports.filter((r) => r.region === region.value).sort((x, y) => (x.year ?? 0) - (y.year ?? 0) || x.id.localeCompare(y.id));
    const opts = (sel) => list.map((r) => el('option', { value: r.id, selected: r.id === sel }, r.year ?? r.id));
    const last = list[list.length - 1], before = last && previousReport(list, last);
    put(ya, ...opts(keep ? a : before && before.id));
    put(yb, ...opts(keep ? b : last && last.id));
  };
  fill(!!(ra || rb));
  region.addEventListener('change', () => fill(false));
  put(form, el('p', {}, t('pick')),
    el('div', { class: 'row' }, el('label', {}, t('region') + ' ', region), el('label', {}, t('yearA') + ' ', ya), ' → ',
      el('label', {}, t('yearB') + ' ', yb), el('button', { type: 'submit' }, t('compare'))));
  form.onsubmit = (ev) => {
    ev.preventDefault();
    if (ya.value && yb.value) go(url('/compare', { a: ya.value, b: yb.value }));
  };
}

// A paragraph's side of a diff: the pieces of `keep` ('-' or '+') marked.
function side(diff, keep) {
  return diff.filter(([op]) => op === '=' || op === keep).map(([op, s]) =>
    op === '=' ? s : el(keep === '-' ? 'del' : 'ins', {}, s));
}

const ref = (id, p) => el('a', { class: 'pn', href: reportUrl(id, p) }, '¶' + p);

function view(ans, reports) {
  const title = (id) => { const r = reports.find((x) => x.id === id); return r && r.title ? r.title : id; };
  const unchanged = (p) => p.diff.length <= 1 && (!p.diff.length || p.diff[0][0] === '=');
  // Every paragraph in the order of both reports.
  const items = [];
  let ia = 0, ib = 0;
  const onlyA = ans.only_a || [], onlyB = ans.only_b || [];
  for (const p of ans.pairs) {
    while (ia < onlyA.length && onlyA[ia].para < p.a_para) items.push({ a: onlyA[ia++] });
    while (ib < onlyB.length && onlyB[ib].para < p.b_para) items.push({ b: onlyB[ib++] });
    items.push({ pair: p });
  }
  while (ia < onlyA.length) items.push({ a: onlyA[ia++] });
  while (ib < onlyB.length) items.push({ b: onlyB[ib++] });

  const rows = el('div', { class: 'rows' });
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    if (it.pair && unchanged(it.pair)) {
      const run = [];
      while (k < items.length && items[k].pair && unchanged(items[k].pair)) run.push(items[k++].pair);
      k--;
      const f = run[0], l = run[run.length - 1];
      const span = (x, y) => (x === y ? '¶' + x : '¶' + x + '–' + y);
      rows.append(el('details', { class: 'same' },
        el('summary', {}, span(f.a_para, l.a_para) + ' = ' + span(f.b_para, l.b_para) + ' · ' + t('unchanged', { n: run.length })),
        run.map((p) => el('div', { class: 'pair same', 'data-a': p.a_para, 'data-b': p.b_para },
          el('div', { class: 'a' }, ref(ans.a, p.a_para), el('p', {}, side(p.diff, '-'))),
          el('div', { class: 'b' }, ref(ans.b, p.b_para), el('p', {}, side(p.diff, '+')))))));
    } else if (it.pair) {
      const p = it.pair;
      rows.append(el('div', { class: 'pair changed', 'data-a': p.a_para, 'data-b': p.b_para, 'data-similarity': p.similarity },
        el('div', { class: 'a' }, ref(ans.a, p.a_para), el('span', { class: 'sim' }, t('similarity') + ' ' + p.similarity.toFixed(3)), el('p', {}, side(p.diff, '-'))),
        el('div', { class: 'b' }, ref(ans.b, p.b_para), el('p', {}, side(p.diff, '+')))));
    } else if (it.a) {
      rows.append(el('div', { class: 'pair only-a', 'data-a': it.a.para },
        el('div', { class: 'a' }, ref(ans.a, it.a.para), el('span', { class: 'tag' }, t('onlyA')), el('p', {}, el('del', {}, it.a.text))),
        el('div', { class: 'b empty' })));
    } else {
      rows.append(el('div', { class: 'pair only-b', 'data-b': it.b.para },
        el('div', { class: 'a empty' }),
        el('div', { class: 'b' }, ref(ans.b, it.b.para), el('span', { class: 'tag' }, t('onlyB')), el('p', {}, el('ins', {}, it.b.text)))));
    }
  }
  const phrases = (list, cls) => el('ul', { class: 'phraselist ' + cls }, (list || []).map((x) =>
    el('li', {}, el('a', { href: url('/time', { q: x.phrase }) }, x.phrase), ' ×' + x.count)));
  const nsame = ans.pairs.filter(unchanged).length;
  return [
    el('div', { class: 'pair heads' },
      el('div', { class: 'a' }, el('a', { href: reportUrl(ans.a) }, title(ans.a)), el('div', { class: 'id' }, ans.a)),
      el('div', { class: 'b' }, el('a', { href: reportUrl(ans.b) }, title(ans.b)), el('div', { class: 'id' }, ans.b))),
    el('p', { class: 'summary' }, t('paired', { p: fmt(ans.pairs.length), u: fmt(nsame), a: fmt(onlyA.length), b: fmt(onlyB.length) })),
    el('div', { class: 'phrases2' },
      el('div', {}, el('h2', {}, t('newPhrases')), phrases(ans.new_phrases, 'new')),
      el('div', {}, el('h2', {}, t('gonePhrases')), phrases(ans.gone_phrases, 'gone'))),
    rows];
}
