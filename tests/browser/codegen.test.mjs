// What an integrator's tool chain does first: graphql-codegen (TypeScript types and typed
// operations) against the live endpoint's introspection and against the committed
// schema.graphql, for every GraphQL example of README.md and of the guides in docs/; then
// `tsc --strict` compiles both.
// The live introspection must describe exactly the committed schema.graphql.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  lexicographicSortSchema,
  printSchema,
} from 'graphql';
import { graphql, repoRoot, startApi } from './lib.mjs';

/** The ```graphql blocks of README.md and of docs/*.md, each with the file it comes from. */
function exampleOperations() {
  const guides = readdirSync(join(repoRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join('docs', name));
  return ['README.md', ...guides].flatMap((file) =>
    [...readFileSync(join(repoRoot, file), 'utf8').matchAll(/```graphql\n([\s\S]*?)```/g)].map(
      (m) => ({ file, text: m[1] }),
    ),
  );
}

/**
 * Generates `types.ts` (every schema type, the `typescript` plugin) and `operations.ts` (the
 * documents' results and variables, `typescript-operations`, which since v6 stands alone) into
 * `out`, and returns both texts.
 */
async function codegen(schema, documents, out) {
  const config = { enumsAsTypes: true, strictScalars: true, scalars: scalarTypes };
  await generate(
    {
      schema,
      documents,
      silent: true,
      errorsOnly: true,
      generates: {
        [join(out, 'types.ts')]: { plugins: ['typescript'], config },
        [join(out, 'operations.ts')]: { plugins: ['typescript-operations'], config },
      },
    },
    true,
  );
  return {
    types: readFileSync(join(out, 'types.ts'), 'utf8'),
    operations: readFileSync(join(out, 'operations.ts'), 'utf8'),
  };
}

// Every custom scalar of the schema, typed as it travels in JSON.
const scalarTypes = {
  Date: 'string',
  DateTime: 'string',
  Decimal: 'string',
  JSON: 'unknown',
};

test('graphql-codegen types the examples of the README and the guides from the live endpoint and from schema.graphql; tsc compiles them', async (t) => {
  const operations = exampleOperations();
  // Six today: three queries for integrators, the feed, a webhook registration, a progress
  // report; a guide may add more, none may go unchecked.
  assert.ok(operations.length >= 6, `the README and docs/ have their example operations (${operations.length})`);
  for (const file of ['docs/integrators.md', 'docs/reporting.md']) {
    assert.ok(operations.some((op) => op.file === file), `${file} has GraphQL examples`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'plan-api-codegen-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  operations.forEach((op, i) => writeFileSync(join(dir, `example-${i + 1}.graphql`), op.text));

  const api = await startApi();
  t.after(() => api.stop());

  // The live introspection and the committed SDL describe the same schema, descriptions
  // included. (graphql-codegen itself prints scalar descriptions only from SDL, so its two
  // outputs differ in those comments; the schemas are compared here instead.)
  const introspection = await graphql(
    api.url,
    getIntrospectionQuery({ descriptions: true, specifiedByUrl: true }),
  );
  const print = (schema) => printSchema(lexicographicSortSchema(schema));
  assert.equal(
    print(buildClientSchema(introspection)),
    print(buildSchema(readFileSync(join(repoRoot, 'schema.graphql'), 'utf8'))),
    'the live schema is the committed schema.graphql',
  );

  const live = await codegen(api.url, join(dir, '*.graphql'), join(dir, 'live'));
  const sdl = await codegen(join(repoRoot, 'schema.graphql'), join(dir, '*.graphql'), join(dir, 'sdl'));
  assert.equal(live.operations, sdl.operations, 'both schemas type the operations alike');
  // Real types came out: the root query and an operation's result over it.
  for (const expected of [/export type Query = \{/, /export type Plan = Node & \{/]) {
    assert.ok(expected.test(live.types), `the generated types have ${expected}`);
  }
  for (const expected of [
    /export type PlanOutlineQuery = \{ plan: \{ title: string, approvedOn: string, generalObjective: string/,
    /export type ReportProgressMutation = \{ createProgressUpdate: \{ id: string, state: ReviewState/,
    /export type ReportProgressMutationVariables = Exact<\{ \[key: string\]: never; \}>/,
  ]) {
    assert.ok(expected.test(live.operations), `the generated operations have ${expected}`);
  }

  const tsc = join(repoRoot, 'tests', 'browser', 'node_modules', '.bin', 'tsc');
  execFileSync(
    tsc,
    [
      '--noEmit',
      '--strict',
      '--target',
      'es2022',
      '--module',
      'esnext',
      '--skipLibCheck',
      ...['live', 'sdl'].flatMap((d) => [`${d}/types.ts`, `${d}/operations.ts`]),
    ],
    { cwd: dir, stdio: 'inherit' },
  );
});
