// app.js - the workbench's shell: the header, the router from the URL to
// a page, and navigation without reloading (each page is a permalink:
// back, forward and reload restore it from the URL alone).
import { el, put, t, getLang, setLang } from './util.js';
import { searchPage, similarPage } from './search.js';
import { timePage } from './time.js';
import { kwicPage } from './kwic.js';
import { comparePage } from './compare.js';
import { reportPage } from './report.js';

const NAV = [['/search', 'search'], ['/time', 'time'], ['/kwic', 'kwic'], ['/compare', 'compare']];

function header() {
  const top = document.getElementById('top');
  const path = location.pathname === '/' ? '/search' : location.pathname;
  put(top, 
    el('a', { class: 'brand', href: '/' }, el('span', { lang: 'zh-CN' }, '报告'), ' baogao'),
    el('nav', { 'aria-label': 'pages' }, NAV.map(([p, k]) =>
      el('a', { href: p, 'aria-current': path === p ? 'page' : null }, t(k)))),
    el('button', {
      type: 'button', class: 'lang', lang: getLang() === 'zh' ? 'en' : 'zh-CN',
      on: { click: () => { setLang(getLang() === 'zh' ? 'en' : 'zh'); render(); } },
    }, t('lang')));
}

let generation = 0;

// Draws the page the URL names.  A page gets `live()`, false once another
// render has started, so that a late answer is dropped.
export async function render() {
  const gen = ++generation;
  const live = () => gen === generation;
  header();
  const main = document.getElementById('main');
  const params = new URLSearchParams(location.search);
  const path = location.pathname;
  main.className = '';
  try {
    if (path === '/' || path === '/search') await searchPage(main, params, live);
    else if (path === '/time') await timePage(main, params, live);
    else if (path === '/kwic') await kwicPage(main, params, live);
    else if (path === '/compare') await comparePage(main, params, live);
    else if (path === '/similar') await similarPage(main, params, live);
    else if (path.startsWith('/report/')) await reportPage(main, decodeURIComponent(path.slice(8)), live);
    else put(main, el('p', { class: 'error' }, '404'));
  } catch (e) {
    if (live()) put(main, el('p', { class: 'error', role: 'alert' }, String(e.message || e)));
  }
}

// Goes to a page of the workbench: a new history entry (or the current
// one replaced) and a render.
export function go(href, replace = false) {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  render().then(() => { if (!location.hash) window.scrollTo(0, 0); });
}

document.addEventListener('click', (ev) => {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = ev.target.closest('a');
  if (!a || a.hasAttribute('download') || a.target) return;
  const href = a.getAttribute('href');
  if (!href || !href.startsWith('/')) return;
  const u = new URL(href, location.href);
  if (u.pathname === location.pathname && u.search === location.search && u.hash) return; // same page
  ev.preventDefault();
  go(href);
});

window.addEventListener('popstate', () => render());
render();
