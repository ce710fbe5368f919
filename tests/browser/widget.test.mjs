// <amb-plan-widget> in a real browser, embedded the way a municipal portal does it: a host page
// served from ANOTHER origin (a small node server on its own port) with a strict
// Content-Security-Policy loads /embed/v1/plan-widget.js from the API and shows L'Hospitalet's
// part in the plan. The API runs on a fresh SQLite database with `plan-api demo-data` (plainly
// synthetic monitoring records), so published activities, projects and progress show, and
// with no CORS setting at all: by default any portal's page may read it, so no origin of these
// pages is named anywhere. A second API, restricted by its operator to one origin, shows what a
// portal left out of that list sees.
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
  cspViolations, dataText, freePort, guardPage, launchBrowser, repoRoot, screenshot, startApi,
  watchCsp,
} from './lib.mjs';

const AXE = readFileSync(join(repoRoot, 'tests/browser/node_modules/axe-core/axe.min.js'), 'utf8');

/** A localized text of the plan's strategy (lines and actions), from its data file. */
function planText(code, key, lang) {
  return dataText('AMB-PI-2021-2025/strategy.toml', code, key, lang);
}

let api, restricted, browser, host, other, hostOrigin, otherOrigin, deadOrigin;
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
        `script-src ${api.origin} ${restricted.origin}`,
        `connect-src ${api.origin} ${restricted.origin} ${deadOrigin}`,
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
  // No CORS setting: the default an operator gets.
  api = await startApi({}, { demoData: true });
  restricted = await startApi({ PLAN_API_CORS_ORIGINS: hostOrigin });
  host = await serveHost(hostPort);
  other = await serveHost(otherPort); // the same pages, on an origin no setting names
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  host?.close();
  other?.close();
  await api?.stop();
  await restricted?.stop();
});

/** Opens a host page on `origin` with a guard and a CSP-violation recorder; `responses`
 * collects every response the page received. */
async function open(origin, path, { width = 1024, allowed = [] } = {}) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await watchCsp(page);
  const guard = guardPage(page, [origin, api.origin, ...allowed]);
  const responses = [];
  page.on('response', (r) => responses.push(r));
  await page.goto(`${origin}${path}`);
  return { context, page, guard, responses };
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

/** The snippet a portal pastes, loading the widget from `from` (the default API). */
function widget(attrs, from = api.origin) {
  const list = Object.entries(attrs).map(([k, v]) => `${k}="${v}"`).join(' ');
  return `<script src="${from}/embed/v1/plan-widget.js" defer></script>\n<amb-plan-widget ${list}></amb-plan-widget>`;
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

test('French: a French portal’s page shows 08101 in French, the widget taking the page’s language', async () => {
  // No lang attribute: the widget follows <html lang="fr">, as on a portal's French pages.
  pages.set('/fr', { lang: 'fr', body: widget({ municipality: '08101', limit: 2 }) });
  const { context, page, guard } = await open(hostOrigin, '/fr');
  const w = page.locator('amb-plan-widget');
  await w.getByText('LE1.1', { exact: true }).waitFor();
  assert.equal(await w.locator('.w').getAttribute('lang'), 'fr');

  await w.getByRole('heading', { level: 2, name: "L'Hospitalet de Llobregat" }).waitFor();
  for (const name of ['Avancement par axe stratégique', 'Actions impliquant la commune',
    'Activités publiées', 'Projets financés publiés']) {
    await w.getByRole('heading', { level: 3, name }).waitFor();
  }
  // The plan's own words in French, verbatim from data/: its title, lines, actions, units.
  const planTitle = dataText('AMB-PI-2021-2025/plan.toml', 'AMB-PI-2021-2025', 'title', 'fr');
  assert.equal((await w.locator('.w > p.sub').innerText()).trim(), planTitle);
  await w.getByText(planText('LE1.1', 'title', 'fr'), { exact: true }).waitFor();
  const le1 = planText('LE1', 'title', 'fr');
  const sri = dataText('organizations.toml', 'AMB-SRI', 'name', 'fr');
  const action = await w.locator('section[aria-labelledby="amb-actions"] li').first().innerText();
  assert.ok(action.includes(`Axe LE1: ${le1}`), action);
  assert.ok(action.includes(`Responsables: ${sri}`), action);
  // Progress in French words and number format, a space before % (demo data: LE1.1 in
  // progress at 60 %).
  assert.match(action, /En cours: 60\s%/);
  const line = await w.locator('section[aria-labelledby="amb-progress"] li').first().innerText();
  assert.ok(line.includes(le1), line);
  assert.match(line, /Avancement moyen: 55\s%/);
  assert.match(line, /2 actions sur 13 avec un avancement publié \(En cours: 2\)/);
  // One action is "1 action", not "1 actions" (LE2: only LE2.2 has published progress).
  const lines = await w.locator('section[aria-labelledby="amb-progress"] li').allInnerTexts();
  assert.match(lines[1], /^LE2/);
  assert.match(lines[1], /\n1 action sur 4 avec un avancement publié \(En retard: 1\)$/);

  // Published activities and projects: kinds, statuses and dates in French.
  const activities = await w.locator('section[aria-labelledby="amb-activities"] li').allInnerTexts();
  assert.equal(activities.length, 2, activities.join('\n'));
  assert.ok(activities.every((a) => a.startsWith('[Données synthétiques de démonstration] ')), activities.join('\n'));
  assert.ok(activities.some((a) => a.includes('Forum · 10 mai 2022 – 12 mai 2022 · Barcelona')), activities.join('\n'));
  assert.ok(activities.some((a) => a.includes('Transfert de connaissances · 10 mai 2023 – 12 mai 2023 · Barcelona')),
    activities.join('\n'));
  const project = await w.locator('section[aria-labelledby="amb-projects"] li').first().innerText();
  assert.match(project, /^\[Données synthétiques de démonstration\] Projet fictif FEDER\n/);
  assert.ok(project.endsWith('FEDER · Clôturé · 1 janv. 2021 – 31 déc. 2023'), project);

  // "Show all" and the link to the plan, in French.
  const more = w.locator('section[aria-labelledby="amb-actions"] button');
  assert.match(await more.innerText(), /^Tout afficher \(\d+\)$/);
  await more.click();
  await w.getByRole('button', { name: 'Afficher moins' }).waitFor();
  const link = w.getByRole('link', { name: 'Consultez le Plan d’internationalisation de l’AMB' });
  assert.equal(await link.getAttribute('href'), 'https://www.amb.cat/');

  await axe(page);
  await screenshot(page, 'widget-fr-overview');
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

test('an unreachable API, or a portal left out of an operator’s CORS list, gets a polite message', async () => {
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

  // An operator restricted CORS to the host page's origin: the same snippet on another
  // portal's page cannot read the answer.
  pages.set('/not-allowed', {
    lang: 'ca', body: widget({ municipality: '08101', lang: 'ca' }, restricted.origin),
  });
  const second = await open(otherOrigin, '/not-allowed', { allowed: [restricted.origin] });
  await second.page.locator('amb-plan-widget')
    .getByText('Ara mateix no es poden mostrar les dades del Pla d’Internacionalització de l’AMB.').waitFor();
  await cleanPage(second.page, second.guard, {
    expectedProblems: [/blocked by CORS policy/, /ERR_FAILED/],
  });
  await second.context.close();
});

test('a portal no setting names: with the API’s default CORS the pasted snippet shows the plan', async () => {
  // The API started without PLAN_API_CORS_ORIGINS; this page's origin appears nowhere.
  pages.set('/unlisted', { lang: 'ca', body: widget({ municipality: '08019', lang: 'ca', view: 'actions' }) });
  const { context, page, guard, responses } = await open(otherOrigin, '/unlisted');
  const w = page.locator('amb-plan-widget');
  await w.getByRole('heading', { level: 2, name: 'Barcelona' }).waitFor();
  await w.getByRole('heading', { level: 3, name: 'Accions en què participa el municipi' }).waitFor();
  await w.getByText(planText('LE1.1', 'title', 'ca'), { exact: true }).waitFor();
  assert.equal(await w.getByText('Ara mateix no es poden mostrar', { exact: false }).count(), 0);

  // What the browser sent and got: its page's origin, and the answer open to any origin.
  const answers = responses.filter((r) => r.url().startsWith(`${api.origin}/graphql?`));
  assert.equal(answers.length, 1, 'one request for the widget');
  assert.equal(answers[0].status(), 200);
  assert.equal(await answers[0].request().headerValue('origin'), otherOrigin);
  assert.equal(await answers[0].headerValue('access-control-allow-origin'), '*');
  assert.equal(await answers[0].headerValue('access-control-allow-credentials'), null);

  await screenshot(page, 'widget-unlisted-origin');
  await cleanPage(page, guard);
  await context.close();
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
