// GraphQL subscriptions over WebSocket (graphql-transport-ws) with the graphql-ws client, as
// dashboards and GraphiQL use them: a publish made through a mutation reaches subscribers, an
// anonymous subscriber never sees a draft, tokens go in connection_init, and the per-client
// and per-connection limits hold.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  CREATE_SUBMITTED, PUBLISH, graphql, hs256Token, startApi, syntheticProgress, until,
} from './lib.mjs';

const SECRET = 'subscription-test-secret-of-at-least-32-bytes';
let api;

const ADMIN = hs256Token(SECRET, { sub: 'sub-test-admin', role: 'admin' });
const SRI = hs256Token(SECRET, { sub: 'sub-test-sri', role: 'area', unit: 'AMB-SRI' });
const gql = (query, variables, token) => graphql(api.url, query, variables, token);

function client(token, extra = {}) {
  return createClient({
    url: api.url.replace('http:', 'ws:'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { Authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: false,
    ...extra,
  });
}

/** Subscribes and collects every change into `into`; resolves when the server acknowledged. */
function collect(c, query, into, errors = []) {
  return c.subscribe(
    { query },
    { next: (m) => (m.errors ? errors.push(m.errors) : into.push(m.data.changes)), error: (e) => errors.push(e), complete: () => {} },
  );
}

const SUB = 'subscription { changes { type nodeId state sequence cursor } }';

before(async () => {
  api = await startApi({
    PLAN_API_JWT_SECRET: SECRET,
    PLAN_API_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '2',
    PLAN_API_WS_MAX_CONNECTIONS_PER_CLIENT: '4',
    PLAN_API_RATE_LIMIT_PER_MINUTE: '0',
    PLAN_API_WS_KEEPALIVE_SECS: '1',
  });
});
after(async () => api && api.stop());

test('a publish reaches subscribers; an anonymous subscriber never sees a draft', async () => {
  const seenByAnonymous = [];
  const seenByAdmin = [];
  const errors = [];
  let acked = 0;
  const ack = { on: { connected: () => (acked += 1) } };
  const a = client(null, ack);
  const b = client(ADMIN, ack);
  const stopA = collect(a, SUB, seenByAnonymous, errors);
  const stopB = collect(b, SUB, seenByAdmin, errors);
  await until(() => acked === 2, 'both connections acknowledged');
  // Give the server a moment to start both subscriptions.
  await new Promise((r) => setTimeout(r, 300));

  const draft = (await gql(CREATE_SUBMITTED, { input: syntheticProgress('LE1.2'), key: 'ws-draft' }, SRI)).r;
  const rec = (await gql(CREATE_SUBMITTED, { input: syntheticProgress('LE1.1'), key: 'ws-pub' }, SRI)).r;
  const published = (await gql(PUBLISH, { id: rec.id, v: rec.version }, ADMIN)).r;
  assert.equal(published.state, 'PUBLISHED');

  await until(() => seenByAnonymous.some((c) => c.type === 'RECORD_PUBLISHED'), 'the anonymous subscriber to see the publish');
  await until(() => seenByAdmin.length === 3, 'the admin subscriber to see three changes');
  assert.deepEqual(errors, []);
  assert.deepEqual(
    seenByAdmin.map((c) => [c.type, c.nodeId]),
    [['RECORD_SUBMITTED', draft.id], ['RECORD_SUBMITTED', rec.id], ['RECORD_PUBLISHED', rec.id]],
  );
  assert.ok(seenByAdmin[0].sequence < seenByAdmin[1].sequence && seenByAdmin[1].sequence < seenByAdmin[2].sequence);
  // A little longer, in case anything unpublished were on its way.
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(seenByAnonymous.map((c) => [c.type, c.nodeId, c.state]), [['RECORD_PUBLISHED', rec.id, 'PUBLISHED']]);
  assert.ok(!JSON.stringify(seenByAnonymous).includes(draft.id));

  // The cursor of a live change resumes the feed exactly after it.
  const feed = await gql('query($after: String) { changes(after: $after) { nodes { type nodeId } } }', { after: seenByAdmin[0].cursor }, ADMIN);
  assert.deepEqual(feed.changes.nodes.map((c) => c.nodeId), [rec.id, rec.id]);
  stopA();
  stopB();
  await a.dispose();
  await b.dispose();
});

test('a bad token in connection_init closes the connection with 4403', async () => {
  const closed = [];
  const c = client('not-a-token', { on: { closed: (e) => closed.push(e.code) } });
  const errors = [];
  collect(c, SUB, [], errors);
  await until(() => closed.length > 0, 'the connection to close');
  assert.equal(closed[0], 4403);
  await c.dispose();
});

test('subscriptions per connection and connections per client are capped', async () => {
  const c = client(null);
  const errors = [];
  const stops = [collect(c, SUB, [], errors), collect(c, SUB, [], errors), collect(c, SUB, [], errors)];
  await until(() => errors.length === 1, 'the third subscription to be refused');
  const err = errors[0];
  assert.equal(Array.isArray(err) ? err[0].extensions.code : err, 'RATE_LIMITED');
  stops.forEach((s) => s());
  await c.dispose();

  // Four connections at once are allowed from one address; a fifth is refused with 429.
  const open = [];
  for (let i = 0; i < 4; i += 1) {
    const ws = new WebSocket(api.url.replace('http:', 'ws:'), 'graphql-transport-ws');
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    open.push(ws);
  }
  const refused = new WebSocket(api.url.replace('http:', 'ws:'), 'graphql-transport-ws');
  const status = await new Promise((resolve) => {
    refused.once('unexpected-response', (_req, res) => resolve(res.statusCode));
    refused.once('open', () => resolve('open'));
  });
  assert.equal(status, 429);
  open.forEach((ws) => ws.close());
});

test('the server pings every keep-alive interval and the client answers', async () => {
  const pings = [];
  const closed = [];
  const c = client(null, { keepAlive: 0, on: { ping: (received) => received && pings.push(Date.now()), closed: (e) => closed.push(e.code) } });
  const stop = collect(c, SUB, [], []);
  // PLAN_API_WS_KEEPALIVE_SECS=1 here: a few pings in 3.5 s, and the connection stays open
  // past the three-interval idle limit because the client answers them.
  await new Promise((r) => setTimeout(r, 3500));
  assert.ok(pings.length >= 2, `pings: ${pings.length}`);
  assert.deepEqual(closed, []);
  stop();
  await c.dispose();
});

test('a silent connection is closed after three keep-alive intervals', async () => {
  const ws = new WebSocket(api.url.replace('http:', 'ws:'), 'graphql-transport-ws');
  const code = await new Promise((resolve) => ws.once('close', (c) => resolve(c)));
  assert.equal(code, 3008);
});
