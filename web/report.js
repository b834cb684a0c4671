// report.js - a whole report to read (/report/ID#p12): its metadata, its
// section outline, every paragraph with its number, the paragraph of the
// link highlighted.  The paragraphs are /v1/search's hits of
// `report:ID` (all=1, in paragraph order); a heading is the paragraph
// that opens a section of the paths the hits carry.
import { el, put, t, fmt, api, url, reportUrl, reportList, previousReport, fv, errorBox, loading, title } from './util.js';

export async function reportPage(main, id, live) {
  title(id);
  put(main, el('h1', {}, id), loading());
  let ans, reports;
  try {
    [ans, reports] = await Promise.all([api('search', { q: 'report:' + fv(id), all: 1, sort: 'year' }), reportList()]);
  } catch (e) {
    if (live()) put(main, el('h1', {}, id), errorBox(e));
    return;
  }
  if (!live()) return;
  const rep = reports.find((r) => r.id === id) || { id };
  const hits = ans.hits;
  // Headings: paragraph i opens the sections the next paragraph enters.
  const level = new Map();
  for (let i = 0; i + 1 < hits.length; i++) {
    const here = hits[i].section || [], next = hits[i + 1].section || [];
    for (let d = 0; d < next.length; d++)
      if (here[d] !== next[d] && hits[i].text.startsWith(next[d])) { level.set(hits[i].para, d + 1); break; }
  }
  const outline = el('ol', { class: 'outline' });
  const paras = el('div', { class: 'paras' });
  for (const h of hits) {
    const lv = level.get(h.para);
    if (lv) outline.append(el('li', { class: 'lv' + lv }, el('a', { href: '#p' + h.para }, h.text.length > 40 ? Array.from(h.text).slice(0, 40).join('') + '…' : h.text)));
    paras.append(el('div', { class: 'para' + (lv ? ' h lv' + lv : ''), id: 'p' + h.para, 'data-para': h.para },
      el('a', { class: 'pn', href: '#p' + h.para, 'aria-label': '¶' + h.para }, h.para),
      el('p', {}, h.text),
      el('a', { class: 'sim', href: url('/similar', { para: id + '#' + h.para }), title: t('similarLink') }, '≈')));
  }
  const prev = previousReport(reports, rep);
  const next = reports.filter((r) => r.region === rep.region && r.year != null && rep.year != null && r.year > rep.year).sort((a, b) => a.year - b.year)[0];
  const meta = el('dl', { class: 'reportmeta' },
    [[t('years'), rep.year], [t('region'), rep.region], [t('date'), rep.date], [t('speaker'), rep.speaker], [t('paragraphs'), hits.length && fmt(hits.length)]]
      .filter(([, v]) => v).map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  const links = el('p', { class: 'links' },
    prev ? el('a', { href: url('/compare', { a: prev.id, b: id }) }, t('comparePrev', { y: prev.year })) : null,
    next ? el('a', { href: url('/compare', { a: id, b: next.id }) }, t('compare') + ' ' + next.year) : null);
  main.className = 'reading';
  put(main, 
    el('h1', {}, rep.title || id), el('p', { class: 'id' }, id), meta, links,
    el('div', { class: 'readgrid' },
      el('nav', { class: 'toc', 'aria-label': t('outline') }, el('details', { open: window.matchMedia('(min-width: 900px)').matches }, el('summary', {}, t('outline')), outline)),
      paras));
  target();
}

// Highlights and shows the paragraph the fragment names.
function target() {
  for (const e of document.querySelectorAll('.para.target')) e.classList.remove('target');
  const m = /^#p(\d+)$/.exec(location.hash);
  const e = m && document.getElementById('p' + m[1]);
  if (e) {
    e.classList.add('target');
    e.scrollIntoView({ block: 'center' });
  }
}
window.addEventListener('hashchange', () => { if (location.pathname.startsWith('/report/')) target(); });
