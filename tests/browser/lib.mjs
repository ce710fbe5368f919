// What every browser test shares: a plan-api process on a fresh SQLite database, a headless
// Debian Chromium driven over the DevTools protocol (playwright-core), a guard that fails on
// console errors, uncaught exceptions and requests to hosts the test did not allow, and a
// folder for screenshots.
//
// Environment:
//   PLAN_API_BIN     the plan-api binary (default: $CARGO_TARGET_DIR/debug/plan-api, else
//                    ../../target/debug/plan-api)
//   CHROMIUM         the browser (default /usr/bin/chromium)
//   SCREENSHOT_DIR   where screenshots go (default: a fresh folder under the system temp dir)

import { spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');

export function apiBinary() {
  if (process.env.PLAN_API_BIN) return process.env.PLAN_API_BIN;
  const target = process.env.CARGO_TARGET_DIR || join(repoRoot, 'target');
  return join(target, 'debug', 'plan-api');
}

const dataFiles = new Map();
/**
 * A localized text of a data file under data/ (`file`, e.g. `AMB-PI-2021-2025/strategy.toml`):
 * the first `key.lang = "…"` after `code = "CODE"`. Expected texts come from the data files,
 * never from the API under test.
 */
export function dataText(file, code, key, lang) {
  if (!dataFiles.has(file)) dataFiles.set(file, readFileSync(join(repoRoot, 'data', file), 'utf8'));
  const text = dataFiles.get(file);
  const from = text.indexOf(`code = "${code}"`);
  if (from < 0) throw new Error(`no code = "${code}" in data/${file}`);
  const m = text.slice(from).match(new RegExp(`^${key.replace('.', '\\.')}\\.${lang} = "(.*)"$`, 'm'));
  if (!m) throw new Error(`no ${key}.${lang} after ${code} in data/${file}`);
  return m[1];
}

/** A TCP port nobody listens on right now. */
export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/**
 * Starts `plan-api serve` on a fresh SQLite database (migrated and seeded by the server itself)
 * and resolves once /readyz answers. `env` adds or overrides settings; with `demoData`, the
 * database first gets `plan-api demo-data`'s synthetic monitoring records. Returns
 * `{ url, origin, port, stop(), log() }`.
 */
export async function startApi(env = {}, { demoData = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'plan-api-browser-'));
  const DATABASE_URL = `sqlite://${join(dir, 'plan.sqlite')}?mode=rwc`;
  if (demoData) {
    const demo = spawnSync(apiBinary(), ['demo-data'], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, DATABASE_URL, RUST_LOG: 'warn' },
      encoding: 'utf8',
    });
    if (demo.status !== 0) throw new Error(`plan-api demo-data failed:\n${demo.stderr}`);
  }
  const [port, opsPort] = [await freePort(), await freePort()];
  let output = '';
  const child = spawn(apiBinary(), ['serve'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL,
      PLAN_API_LISTEN: `127.0.0.1:${port}`,
      PLAN_API_METRICS_LISTEN: `127.0.0.1:${opsPort}`,
      RUST_LOG: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`plan-api exited with ${child.exitCode}:\n${output}`);
    }
    try {
      const res = await fetch(`${origin}/readyz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`plan-api was not ready within 120 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    origin,
    port,
    url: `${origin}/graphql`,
    log: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Headless Debian Chromium with the flags this closed network needs. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
      '--disable-extensions',
    ],
  });
}

/**
 * Watches a page: console errors, uncaught exceptions, failed requests and any request to an
 * origin outside `allowedOrigins`. `problems()` lists what went wrong, as readable lines.
 */
export function guardPage(page, allowedOrigins) {
  const problems = [];
  const allowed = new Set(allowedOrigins);
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught exception: ${err.message}`));
  page.on('request', (req) => {
    const url = req.url();
    if (url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank') return;
    let origin;
    try {
      origin = new URL(url).origin;
    } catch {
      problems.push(`request to an unparsable URL: ${url}`);
      return;
    }
    if (!allowed.has(origin)) problems.push(`request to another host: ${url}`);
  });
  page.on('requestfailed', (req) => {
    const why = req.failure()?.errorText ?? 'failed';
    if (why !== 'net::ERR_ABORTED') problems.push(`request failed (${why}): ${req.url()}`);
  });
  return { problems: () => problems.slice() };
}

let shotDir;
/** Saves a full-page screenshot under SCREENSHOT_DIR, prints and returns its path. */
export async function screenshot(page, name) {
  if (!shotDir) {
    shotDir = process.env.SCREENSHOT_DIR || mkdtempSync(join(tmpdir(), 'plan-api-screenshots-'));
    mkdirSync(shotDir, { recursive: true });
  }
  const path = join(shotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
  return path;
}

/** Records the page's Content-Security-Policy violations from its next navigation on. */
export async function watchCsp(page) {
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
}

/** The violations `watchCsp` recorded on the page's current document, as `directive URI` lines. */
export function cspViolations(page) {
  return page.evaluate(() => window.__cspViolations ?? []);
}

/** An HS256 JWT of `claims` signed with `secret`, issued now and valid for an hour. */
export function hs256Token(secret, claims) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iat: now, exp: now + 3600, ...claims })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** POSTs a GraphQL document to `url` (with `token` as a bearer, if any) and resolves to its
 * `data`, failing the test on any error. */
export async function graphql(url, query, variables = {}, token = null) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors !== undefined) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** Resolves once `pred()` holds, checking every 50 ms; throws naming `what` after `ms`. */
export async function until(pred, what, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Creates a progress update, submitted for review, as `r { id version }`. */
export const CREATE_SUBMITTED = `mutation($input: ProgressUpdateInput!, $key: String!) {
  r: createProgressUpdate(input: $input, idempotencyKey: $key, submit: true) { id version } }`;
/** Publishes a submitted record, as `r { id state }`. */
export const PUBLISH = `mutation($id: ID!, $v: Int!) { r: publishRecord(id: $id, expectedVersion: $v) { id state } }`;

/** A progress update of `action` for 2024, plainly marked as synthetic. */
export function syntheticProgress(action) {
  return {
    action, year: 2024, status: 'IN_PROGRESS', percentComplete: 50,
    narrative: { es: '[Synthetic test data] avance' },
  };
}
