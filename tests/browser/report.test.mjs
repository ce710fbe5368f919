// The annual activity report page (/reports/{plan}/{year}) in headless Chromium: rendered in
// its four languages (the page's words, the plan's titles from data/, monitoring values by
// name) with its three SVG charts and their text alternatives, clearly marked as not
// yet published and as containing synthetic demo data, without a request to any other host;
// printed to an A4 PDF with one page break before each strategic line and the municipalities.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  cspViolations, dataText, graphql, guardPage, launchBrowser, screenshot, startApi, watchCsp,
} from './lib.mjs';

const PLAN = 'AMB-PI-2021-2025';
let api;
let browser;
let lines;

before(async () => {
  // Synthetic demo records (published and drafts) in the database the server then opens.
  api = await startApi({}, { demoData: true });
  const data = await graphql(api.url, '{ plan { strategicLines { code } } }');
  lines = data.plan.strategicLines.map((l) => l.code);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await api?.stop();
});

/** Pages of a PDF, from its page objects (Chromium writes them uncompressed). */
function pdfPages(pdf) {
  const text = pdf.toString('latin1');
  return [...text.matchAll(/\/Type\s*\/Page(?![s\w])/g)].length;
}

// Per language: the heading, the draft notice's first word, and the name of the demo data's
// 2023 status of LE1.1 (in progress).
for (const [lang, title, draft, inProgress] of [
  ['es', 'Informe anual de actividad 2023', 'BORRADOR', 'En curso'],
  ['ca', "Informe anual d'activitat 2023", 'ESBORRANY', 'En curs'],
  ['en', 'Annual activity report 2023', 'DRAFT', 'In progress'],
  ['fr', "Rapport annuel d'activité 2023", 'BROUILLON', 'En cours'],
]) {
  test(`the 2023 report renders and prints in ${lang}`, async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await watchCsp(page);
    const guard = guardPage(page, [api.origin]);
    const response = await page.goto(`${api.origin}/reports/${PLAN}/2023?lang=${lang}`);
    assert.equal(response.status(), 200);
    assert.equal(response.headers()['content-language'], lang);
    const csp = response.headers()['content-security-policy'];
    assert.match(csp, /^default-src 'none'; style-src 'sha256-/);

    assert.equal(await page.getAttribute('html', 'lang'), lang);
    assert.equal((await page.textContent('h1')).trim(), title);
    // The plan's own words in this language, verbatim from data/.
    assert.equal((await page.textContent('header .plan')).trim(),
      dataText(`${PLAN}/plan.toml`, PLAN, 'title', lang));
    for (const code of lines) {
      const heading = (await page.textContent(`section#line-${code.replace('.', '\\.')} h2`)).trim();
      assert.equal(heading, `${code} ${dataText(`${PLAN}/strategy.toml`, code, 'title', lang)}`);
    }
    const le11 = page.locator('section#line-LE1 tbody tr')
      .filter({ has: page.locator('td:first-child', { hasText: /^LE1\.1$/ }) });
    assert.equal(await le11.count(), 1);
    assert.deepEqual((await le11.locator('td').allInnerTexts()).map((t) => t.trim()).filter((t, i) => i !== 1),
      ['LE1.1', inProgress, '60 %']);
    assert.ok((await le11.locator('td').nth(1).innerText())
      .startsWith(dataText(`${PLAN}/strategy.toml`, 'LE1.1', 'title', lang)));
    // Marked: not yet published, and synthetic.
    const live = page.locator('[data-mark="not-published"]');
    assert.ok(await live.isVisible());
    assert.match(await live.textContent(), new RegExp(draft));
    assert.ok(await page.locator('[data-mark="synthetic"]').isVisible());

    // One section for the summary, one per strategic line, one for the municipalities.
    const sections = await page.locator('main > section').count();
    assert.equal(sections, lines.length + 2);
    for (const code of lines) {
      assert.ok(await page.locator(`section#line-${code.replace('.', '\\.')} h2`).isVisible(), code);
    }

    // Three charts, each an image with a title and a description that name its values; the
    // style came through (the CSP allowed the page's own stylesheet): bars are drawn.
    const charts = await page.$$eval('svg[role="img"]', (svgs) =>
      svgs.map((svg) => {
        const ids = (svg.getAttribute('aria-labelledby') || '').split(' ');
        return {
          id: svg.id,
          label: ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' | '),
          bars: svg.querySelectorAll('rect.bar').length,
          width: svg.getBoundingClientRect().width,
        };
      }),
    );
    assert.deepEqual(
      charts.map((c) => c.id),
      ['chart-progress', 'chart-funding', 'chart-indicators'],
    );
    for (const c of charts) {
      const [name, desc] = c.label.split(' | ');
      assert.ok(name.length > 5 && desc.length > 5, `${c.id}: ${c.label}`);
      assert.ok(c.width > 200, `${c.id} is laid out`);
    }
    // The demo data has progress and funding in 2023 (its richest year): those charts have bars, and their
    // description lists each of them.
    for (const c of charts.slice(0, 2)) {
      assert.ok(c.bars > 0, `${c.id} has bars`);
      assert.equal(c.label.split(' | ')[1].split('; ').length, c.bars, c.id);
    }
    const font = await page.$eval('h1', (h) => getComputedStyle(h).fontSize);
    assert.notEqual(font, '32px', 'the inline stylesheet applies (browser default h1 is 32px)');

    await screenshot(page, `report-2023-${lang}`);
    await page.emulateMedia({ media: 'print' });
    await screenshot(page, `report-2023-${lang}-print`);
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    // A4 is 595.28 × 841.89 points.
    const boxes = [...pdf.toString('latin1').matchAll(/\/MediaBox\s*\[([^\]]*)\]/g)].map((m) =>
      m[1].trim().split(/\s+/).map(Number),
    );
    assert.ok(boxes.length > 0, 'the PDF has page boxes');
    for (const [x0, y0, x1, y1] of boxes) {
      assert.ok(Math.abs(x1 - x0 - 595.28) < 1 && Math.abs(y1 - y0 - 841.89) < 1, `A4: ${[x0, y0, x1, y1]}`);
    }
    // Every strategic line and the municipalities begin a new page.
    const pages = pdfPages(pdf);
    console.log(`${lang}: ${sections} sections, ${pages} A4 pages, ${pdf.length} bytes of PDF`);
    assert.ok(pages >= sections, `${pages} pages for ${sections} sections`);
    if (process.env.SCREENSHOT_DIR) {
      writeFileSync(join(process.env.SCREENSHOT_DIR, `report-2023-${lang}.pdf`), pdf);
    }
    assert.deepEqual(await cspViolations(page), [], 'no CSP violations');
    assert.deepEqual(guard.problems(), []);
    await page.close();
  });
}
