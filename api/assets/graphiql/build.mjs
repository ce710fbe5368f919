// Builds GraphiQL (with the Explorer plugin, React and Monaco's workers) from the packages pinned
// in package-lock.json into dist/, which is committed and compiled into the plan-api binary.
//
//   npm ci && node build.mjs           rebuild dist/ (after changing package.json or src/)
//   npm ci && node build.mjs --check   rebuild into a temporary folder and fail unless every file
//                                      has the checksum recorded in dist/SHA256SUMS
//
// Every output name carries a content hash, so the server can cache them as immutable;
// dist/manifest.json maps the names the page asks for to the hashed files.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const check = process.argv.includes('--check');
const dist = join(here, 'dist');
const outdir = check ? mkdtempSync(join(tmpdir(), 'graphiql-check-')) : dist;
if (!check) rmSync(dist, { recursive: true, force: true });

const entries = {
  graphiql: 'src/index.jsx',
  'editor.worker': 'node_modules/monaco-editor/esm/vs/editor/editor.worker.js',
  'json.worker': 'node_modules/monaco-editor/esm/vs/language/json/json.worker.js',
  'graphql.worker': 'node_modules/monaco-graphql/esm/graphql.worker.js',
};

const result = await build({
  absWorkingDir: here,
  entryPoints: entries,
  outdir,
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2022',
  platform: 'browser',
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file', '.png': 'file' },
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
});

// The page needs the entry scripts, the stylesheet, and the workers by their logical names.
const manifest = {};
for (const [file, out] of Object.entries(result.metafile.outputs)) {
  if (!out.entryPoint) continue;
  const logical = Object.keys(entries).find((k) => out.entryPoint === entries[k]);
  if (!logical) continue;
  manifest[`${logical}.js`] = basename(file);
  if (out.cssBundle) manifest[`${logical}.css`] = basename(out.cssBundle);
}
const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(join(outdir, 'manifest.json'), `${JSON.stringify(sorted, null, 2)}\n`);

const sums = readdirSync(outdir)
  .filter((f) => f !== 'SHA256SUMS')
  .sort()
  .map((f) => `${createHash('sha256').update(readFileSync(join(outdir, f))).digest('hex')}  ${f}`)
  .join('\n');

if (check) {
  const recorded = readFileSync(join(dist, 'SHA256SUMS'), 'utf8').trim();
  rmSync(outdir, { recursive: true, force: true });
  if (recorded !== sums) {
    console.error('dist/ is not what package-lock.json builds. Recorded:\n' + recorded);
    console.error('Built now:\n' + sums);
    process.exit(1);
  }
  console.log(`dist/ matches the lockfile's build (${sums.split('\n').length} files)`);
} else {
  writeFileSync(join(outdir, 'SHA256SUMS'), `${sums}\n`);
  console.log(sums);
}
