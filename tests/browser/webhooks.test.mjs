// Webhooks end to end, as an AMB system receives them: `plan-api serve` (whose worker starts
// with the server) POSTs a publication to a receiver on 127.0.0.1, and the official Standard
// Webhooks library (`standardwebhooks`, the reference implementation) verifies the signature,
// with the secret shown once at creation, and with both secrets during a rotation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { startApi } from './lib.mjs';

const SECRET = 'webhook-test-secret-of-at-least-32-bytes!';
let api;
let receiver;
const received = [];

function jwt(claims) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iat: now, exp: now + 3600, ...claims })}`;
  return `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
}
const ADMIN = jwt({ sub: 'wh-test-admin', role: 'admin' });
const SRI = jwt({ sub: 'wh-test-sri', role: 'area', unit: 'AMB-SRI' });

async function gql(query, variables, token) {
  const res = await fetch(api.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

async function until(pred, what, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const CREATE = `mutation($input: ProgressUpdateInput!, $key: String!) {
  r: createProgressUpdate(input: $input, idempotencyKey: $key, submit: true) { id version } }`;
const PUBLISH = `mutation($id: ID!, $v: Int!) { r: publishRecord(id: $id, expectedVersion: $v) { id } }`;

async function publish(action, key) {
  const input = {
    action, year: 2024, status: 'IN_PROGRESS', percentComplete: 50,
    narrative: { es: '[Synthetic test data] avance' },
  };
  const rec = (await gql(CREATE, { input, key }, SRI)).r;
  await gql(PUBLISH, { id: rec.id, v: rec.version }, ADMIN);
  return rec.id;
}

before(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise((ok) => receiver.listen(0, '127.0.0.1', ok));
  api = await startApi({
    PLAN_API_JWT_SECRET: SECRET,
    PLAN_API_RATE_LIMIT_PER_MINUTE: '0',
    PLAN_API_WEBHOOK_ALLOW_PRIVATE: 'true',
    PLAN_API_WEBHOOK_ALLOW_HTTP: 'true',
    PLAN_API_WEBHOOK_POLL_MS: '200',
  });
});
after(async () => {
  if (api) await api.stop();
  if (receiver) receiver.close();
});

test('a publication reaches the receiver, verified by the standardwebhooks library', async () => {
  const url = `http://127.0.0.1:${receiver.address().port}/amb`;
  const created = (await gql(
    `mutation($input: CreateWebhookEndpointInput!) {
      createWebhookEndpoint(input: $input) { secret endpoint { id url } } }`,
    { input: { url, eventTypes: ['RECORD_PUBLISHED'], description: 'transparency portal' } },
    ADMIN,
  )).createWebhookEndpoint;
  assert.match(created.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  const id = await publish('LE1.1', 'wh-node-1');
  await until(() => received.length === 1, 'the delivery');
  const { headers, body } = received[0];
  const payload = new Webhook(created.secret).verify(body, headers);
  assert.equal(payload.type, 'RECORD_PUBLISHED');
  assert.equal(payload.data.nodeId, id);
  assert.equal(payload.data.state, 'PUBLISHED');
  // Another secret does not verify it.
  assert.throws(() => new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').verify(body, headers));

  // Rotation: during the grace period, both the old and the new secret verify.
  const rotated = (await gql(
    'mutation($id: ID!) { rotateWebhookSecret(id: $id, graceSeconds: 600) { secret } }',
    { id: created.endpoint.id },
    ADMIN,
  )).rotateWebhookSecret;
  await publish('LE1.2', 'wh-node-2');
  await until(() => received.length === 2, 'the delivery after the rotation');
  const second = received[1];
  assert.equal(new Webhook(created.secret).verify(second.body, second.headers).type, 'RECORD_PUBLISHED');
  assert.equal(new Webhook(rotated.secret).verify(second.body, second.headers).type, 'RECORD_PUBLISHED');

  const log = await gql(
    `query($id: ID!) { webhookEndpoint(id: $id) { deliveries { totalCount nodes { status attempts { statusCode } } } } }`,
    { id: created.endpoint.id },
    ADMIN,
  );
  assert.equal(log.webhookEndpoint.deliveries.totalCount, 2);
  assert.deepEqual(
    log.webhookEndpoint.deliveries.nodes.map((d) => [d.status, d.attempts.map((a) => a.statusCode)]),
    [['DELIVERED', [204]], ['DELIVERED', [204]]],
  );
});
