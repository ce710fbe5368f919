// <amb-plan-widget> in a real browser, embedded the way a municipal portal does it: a host page
// served from ANOTHER origin (a small node server on its own port) with a strict
// Content-Security-Policy loads /embed/v1/plan-widget.js from the API and shows L'Hospitalet's
// part in the plan. The API runs on a fresh SQLite database with `plan-api demo-data` (plainly
// synthetic monitoring records), so published activities, projects and progress show; its
// CORS allow-list names the host page's origin, as a portal operator's would.
//
// axe-core is injected over the DevTools protocol (page.evaluate → Runtime.evaluate), which a
// page's CSP does not govern: the host page keeps its strict policy, no bypassCSP, and every
// CSP violation the widget itself caused would still be reported (console + the
// securitypolicyviolation listener, also installed over the protocol with addInitScript).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import {
  cspViolations, freePort, guardPage, launchBrowser, repoRoot, screenshot, startApi, watchCsp,
} from './lib.mjs';

const AXE = readFileSync(join(repoRoot, 'tests/browser/node_modules/axe-core/axe.min.js'), 'utf8');
const STRATEGY = readFileSync(join(repoRoot, 'data/AMB-PI-2021-2025/strategy.toml'), 'utf8');

/** A localized text of the plan's data file, as `key.lang = "…"` after `code = "CODE"`. */
function planText(code, key, lang) {
  const from = STRATEGY.indexOf(`code = "${code}"`);
  assert.ok(from >= 0, `${code} in strategy.toml`);
  const m = STRATEGY.slice(from).match(new RegExp(`^${key}\\.${lang} = "(.*)"$`, 'm'));
  assert.ok(m, `${code} ${key}.${lang}`);
  return m[1];
}

let api, browser, host, other, hostOrigin, otherOrigin, deadOrigin;
const pages = new Map(); // path → body HTML of a host page

function hostPage(body, lang) {
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Portal municipal (test host page)</title>
<link rel="stylesheet" href="/host.css">
</head><body><main><h1>Portal municipal</h1>
${body}
</main></body></html>`;
}

function serveHost(port) {
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (path === '/host.css') {
      res.writeHead(200, { 'content-type': 'text/css' });
      // The portal's identity, through the widget's documented custom properties.
      res.end('body{font-family:serif;margin:0 auto;max-width:50rem;padding:0 8px}' +
        '#themed{--amb-widget-accent:#7a0019;--amb-widget-bar:#7a0019;--amb-widget-link:#7a0019}');
      return;
    }
    const page = pages.get(path);
    if (!page) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': [
        "default-src 'none'",
        `script-src ${api.origin}`,
        `connect-src ${api.origin} ${deadOrigin}`,
        "style-src 'self'",
        "img-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
        "require-trusted-types-for 'script'",
      ].join('; '),
    });
    res.end(hostPage(page.body, page.lang));
  });
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => ok(server)));
}

before(async () => {
  const [hostPort, otherPort, deadPort] = [await freePort(), await freePort(), await freePort()];
  hostOrigin = `http://127.0.0.1:${hostPort}`;
  otherOrigin = `http://127.0.0.1:${otherPort}`;
  deadOrigin = `http://127.0.0.1:${deadPort}`; // nothing listens there
  api = await startApi({ PLAN_API_CORS_ORIGINS: hostOrigin }, { demoData: true });
  host = await serveHost(hostPort);
  other = await serveHost(otherPort); // same pages, but an origin the API does not allow
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  host?.close();
  other?.close();
  await api?.stop();
});

/** Opens a host page on `origin` with a guard and a CSP-violation recorder. */
async function open(origin, path, { width = 1024, allowed = [] } = {}) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await watchCsp(page);
  const guard = guardPage(page, [origin, api.origin, ...allowed]);
  await page.goto(`${origin}${path}`);
  return { context, page, guard };
}

async function cleanPage(page, guard, { expectedProblems = [] } = {}) {
  const violations = await cspViolations(page);
  assert.deepEqual(violations, [], 'no CSP violations');
  const problems = guard.problems().filter((p) => !expectedProblems.some((re) => re.test(p)));
  assert.deepEqual(problems, [], 'no console errors, exceptions or foreign requests');
}

async function axe(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }));
  const found = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(found, [], 'axe-core finds no violations');
  assert.ok(result.passes.length > 10, 'axe ran its checks');
}

function widget(attrs) {
  const list = Object.entries(attrs).map(([k, v]) => `${k}="${v}"`).join(' ');
  return `<script src="${api.origin}/embed/v1/plan-widget.js" defer></script>\n<amb-plan-widget ${list}></amb-plan-widget>`;
}

test('Catalan: the actions, activities, projects and line progress of 08101 on a strict-CSP page of another origin', async () => {
  pages.set('/ca', { lang: 'ca', body: widget({ municipality: '08101', lang: 'ca', limit: 3 }) });
  const { context, page, guard } = await open(hostOrigin, '/ca');
  const w = page.locator('amb-plan-widget');
  await w.getByText('LE1.1', { exact: true }).waitFor();

  await w.getByRole('heading', { level: 2, name: "L'Hospitalet de Llobregat" }).waitFor();
  for (const name of ['Avenç per línia estratègica', 'Accions en què participa el municipi',
    'Activitats publicades', 'Projectes amb finançament publicats']) {
    await w.getByRole('heading', { level: 3, name }).waitFor();
  }
  // The plan's own words, verbatim from data/, in Catalan; its line and responsible unit.
  await w.getByText(planText('LE1.1', 'title', 'ca'), { exact: true }).waitFor();
  const first = w.locator('section[aria-labelledby="amb-actions"] li').first();
  assert.match(await first.innerText(), /Línia LE1: Incidència en l'agenda política europea i internacional/);
  assert.match(await first.innerText(), /Responsables: Servei de Relacions Internacionals/);
  // Progress as text as well as a bar (demo data: LE1.1 in progress at 60 %).
  assert.match(await first.innerText(), /En curs: 60\s?%/);
  const lines = w.locator('section[aria-labelledby="amb-progress"] li');
  assert.match(await lines.first().innerText(), /LE1.*\n?.*Avenç mitjà: 55\s?%/s);
  assert.match(await lines.first().innerText(), /2 de 13 accions amb avenç publicat/);
  // Synthetic demo records are published, and say so.
  await w.getByText(/^\[Dades sintètiques de demostració\]/).first().waitFor();
  assert.equal(await w.locator('.w').getAttribute('lang'), 'ca');

  // "Show all" works from the keyboard and keeps the focus on its button.
  const more = w.locator('section[aria-labelledby="amb-actions"] button');
  assert.equal(await more.getAttribute('aria-expanded'), 'false');
  const shown = await w.locator('section[aria-labelledby="amb-actions"] li').count();
  assert.equal(shown, 3);
  await more.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('amb-plan-widget').shadowRoot
    .querySelector('section[aria-labelledby="amb-actions"] button').getAttribute('aria-expanded') === 'true');
  assert.ok(await w.locator('section[aria-labelledby="amb-actions"] li').count() > shown);
  const focused = await page.evaluate(() => document.querySelector('amb-plan-widget').shadowRoot.activeElement?.tagName);
  assert.equal(focused, 'BUTTON');
  // The focus is visible: an outline of at least 2 px.
  const outline = await page.evaluate(() => {
    const b = document.querySelector('amb-plan-widget').shadowRoot.activeElement;
    return parseFloat(getComputedStyle(b).outlineWidth);
  });
  assert.ok(outline >= 2, `focus outline ${outline}px`);

  await axe(page);
  await screenshot(page, 'widget-ca-overview');
  await cleanPage(page, guard);
  await context.close();
});

test('Spanish and English, other views, a heading level and a portal theme; fits 320 px', async () => {
  pages.set('/es', {
    lang: 'es',
    body: `<h2>Internacionalització</h2><div id="themed">${widget({ municipality: '08101', lang: 'es', view: 'actions', 'heading-level': 3 })}</div>
<amb-plan-widget municipality="08101" lang="en" view="progress"></amb-plan-widget>`,
  });
  const { context, page, guard } = await open(hostOrigin, '/es', { width: 320 });
  const [es, en] = [page.locator('amb-plan-widget').nth(0), page.locator('amb-plan-widget').nth(1)];
  await es.getByText(planText('LE1.1', 'title', 'es'), { exact: true }).waitFor();
  await es.getByRole('heading', { level: 3, name: "L'Hospitalet de Llobregat" }).waitFor();
  await es.getByRole('heading', { level: 4, name: 'Acciones en las que participa el municipio' }).waitFor();
  assert.equal(await es.locator('section[aria-labelledby="amb-activities"]').count(), 0, 'actions view only');
  assert.match(await es.locator('li').first().innerText(), /Responsables: Servicio de Relaciones Internacionales/);

  await en.getByRole('heading', { level: 3, name: 'Progress by strategic line' }).waitFor();
  await en.getByText(planText('LE1', 'title', 'en'), { exact: true }).waitFor();
  assert.match(await en.locator('li').first().innerText(), /Mean progress: 55%/);

  // The portal's colour reaches the inside of the shadow root.
  const colour = await page.evaluate(() => getComputedStyle(document.querySelector('#themed amb-plan-widget')
    .shadowRoot.querySelector('.bar > span')).backgroundColor);
  assert.equal(colour, 'rgb(122, 0, 25)');
  // Nothing wider than the 320 px viewport.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 320, `page is ${width}px wide at 320px`);

  await axe(page);
  await screenshot(page, 'widget-es-en-320px');
  await cleanPage(page, guard);
  await context.close();
});

test('an unknown municipality gets a polite message in its language, with a link to the plan', async () => {
  pages.set('/unknown', {
    lang: 'fr',
    body: `${widget({ municipality: '08999', lang: 'fr' })}
<amb-plan-widget municipality="Hospitalet" lang="es" plan-url="https://www.example.cat/pla"></amb-plan-widget>`,
  });
  const { context, page, guard } = await open(hostOrigin, '/unknown');
  const [fr, es] = [page.locator('amb-plan-widget').nth(0), page.locator('amb-plan-widget').nth(1)];
  await fr.getByText('Aucune commune de l’AMB n’a le code « 08999 ».').waitFor();
  const link = fr.getByRole('link', { name: 'Consultez le Plan d’internationalisation de l’AMB' });
  assert.equal(await link.getAttribute('href'), 'https://www.amb.cat/');
  await es.getByText('No hay ningún municipio del AMB con el código «Hospitalet».').waitFor();
  assert.equal(await es.getByRole('link').getAttribute('href'), 'https://www.example.cat/pla');
  await axe(page);
  await screenshot(page, 'widget-unknown-municipality');
  await cleanPage(page, guard);
  await context.close();
});

test('an unreachable API, or a portal missing from the CORS allow-list, gets a polite message', async () => {
  pages.set('/unreachable', {
    lang: 'en',
    body: `${widget({ municipality: '08101', lang: 'en', api: deadOrigin })}`,
  });
  const { context, page, guard } = await open(hostOrigin, '/unreachable', { allowed: [deadOrigin] });
  const w = page.locator('amb-plan-widget');
  await w.getByText('The AMB Internationalisation Plan’s data cannot be shown right now.').waitFor();
  await w.getByRole('link', { name: 'See the AMB Internationalisation Plan' }).waitFor();
  await axe(page);
  await screenshot(page, 'widget-unreachable');
  // The browser itself logs the refused connection; the widget throws nothing.
  await cleanPage(page, guard, {
    expectedProblems: [/ERR_CONNECTION_REFUSED/],
  });
  await context.close();

  // The same page from an origin the API's allow-list does not name.
  pages.set('/not-allowed', { lang: 'ca', body: widget({ municipality: '08101', lang: 'ca' }) });
  const second = await open(otherOrigin, '/not-allowed');
  await second.page.locator('amb-plan-widget')
    .getByText('Ara mateix no es poden mostrar les dades del Pla d’Internacionalització de l’AMB.').waitFor();
  await cleanPage(second.page, second.guard, {
    expectedProblems: [/blocked by CORS policy/, /ERR_FAILED/],
  });
  await second.context.close();
});

test('the editors’ page: choose, preview, copy; the snippet works on a portal of another origin', async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: api.origin });
  const page = await context.newPage();
  const guard = guardPage(page, [api.origin]);
  const response = await page.goto(`${api.origin}/embed`);
  assert.match(response.headers()['content-security-policy'], /default-src 'none'/);
  await page.waitForFunction(() => document.querySelectorAll('#municipality option').length === 36);
  await page.getByLabel('Municipality', { exact: true }).selectOption('08019');
  await page.getByLabel('Language', { exact: true }).selectOption('es');
  await page.getByLabel('View', { exact: true }).selectOption('actions');
  const preview = page.locator('#preview amb-plan-widget');
  await preview.getByRole('heading', { level: 2, name: 'Barcelona' }).waitFor();
  await preview.getByText(planText('LE1.1', 'title', 'es'), { exact: true }).waitFor();
  const snippet = await page.locator('#snippet').inputValue();
  assert.equal(snippet,
    `<script src="${api.origin}/embed/v1/plan-widget.js" defer></script>\n` +
    '<amb-plan-widget municipality="08019" lang="es" view="actions"></amb-plan-widget>');
  await page.getByRole('button', { name: 'Copy the snippet' }).click();
  await page.getByText('Copied.').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), snippet);
  await axe(page);
  await screenshot(page, 'embed-editor');
  assert.deepEqual(guard.problems(), []);
  await context.close();

  // Done when: the copied snippet, pasted into a page of another site, shows Barcelona's part.
  pages.set('/pasted', { lang: 'es', body: snippet });
  const portal = await open(hostOrigin, '/pasted');
  await portal.page.locator('amb-plan-widget').getByRole('heading', { level: 2, name: 'Barcelona' }).waitFor();
  await portal.page.locator('amb-plan-widget').getByText(planText('LE1.2', 'title', 'es'), { exact: true }).waitFor();
  await screenshot(portal.page, 'widget-pasted-snippet');
  await cleanPage(portal.page, portal.guard);
  await portal.context.close();
});
