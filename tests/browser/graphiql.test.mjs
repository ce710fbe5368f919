// GraphiQL as a developer meets it: a real headless Chromium opens /graphiql on a machine
// with no route to the internet, loads everything from the API's own origin under the page's
// Content-Security-Policy, shows the schema in the docs panel, runs the example query and
// shows the plan's code in the result pane.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cspViolations, guardPage, launchBrowser, screenshot, startApi, watchCsp } from './lib.mjs';

test('GraphiQL loads from the binary alone, documents the schema and runs the example', async (t) => {
  const api = await startApi();
  t.after(() => api.stop());
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const guard = guardPage(page, [api.origin]);
  await watchCsp(page);

  const response = await page.goto(`${api.origin}/graphiql`);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-security-policy'], /script-src 'self'/);

  // The editor is ready once Monaco shows the example query.
  await page.getByText('# The open API of the AMB').first().waitFor({ timeout: 60_000 });

  // The docs panel lists the root query type's fields, `plan` among them.
  await page.getByRole('button', { name: /show documentation explorer/i }).click();
  await page.getByText('Query', { exact: true }).first().click();
  const planField = page.locator('.graphiql-doc-explorer-content a.graphiql-doc-explorer-field-name', {
    hasText: /^plan$/,
  });
  await planField.first().waitFor({ timeout: 30_000 });

  // Run the example query; the result pane shows the plan's code.
  await page.getByRole('button', { name: /execute query/i }).click();
  const result = page.locator('section.result-window');
  await result.getByText('AMB-PI-2021-2025').first().waitFor({ timeout: 60_000 });
  const text = await result.innerText();
  assert.match(text, /"code":\s+"AMB-PI-2021-2025"/);

  // The Headers tab opens on the commented token example.
  await page.locator('.graphiql-editor-tools').getByText('Headers', { exact: true }).click();
  await page.getByText('"Authorization": "Bearer').first().waitFor({ timeout: 10_000 });

  await screenshot(page, 'graphiql');
  assert.deepEqual(await cspViolations(page), [], 'no Content-Security-Policy violations');
  assert.deepEqual(guard.problems(), [], 'no console errors and no request to another host');
});

test('GraphiQL assets are immutable, typed and only what the bundle has', async (t) => {
  const api = await startApi();
  t.after(() => api.stop());
  const html = await (await fetch(`${api.origin}/graphiql`)).text();
  const assets = [...html.matchAll(/\/graphiql\/assets\/[^"&]+/g)].map((m) => m[0]);
  assert.ok(assets.length >= 2, `the page names its script and stylesheet: ${assets}`);
  for (const path of assets) {
    const res = await fetch(`${api.origin}${path}`);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.match(res.headers.get('content-type'), /^(text\/javascript|text\/css)/);
  }
  const missing = await fetch(`${api.origin}/graphiql/assets/manifest.json`);
  assert.equal(missing.status, 404);
});
