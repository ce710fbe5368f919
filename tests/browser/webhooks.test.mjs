// Webhooks end to end, as an AMB system receives them: `plan-api serve` (whose worker starts
// with the server) POSTs a publication to a receiver on 127.0.0.1, and the official Standard
// Webhooks library (`standardwebhooks`, the reference implementation) verifies the signature,
// with the secret shown once at creation, and with both secrets during a rotation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';
import {
  CREATE_SUBMITTED, PUBLISH, graphql, hs256Token, startApi, syntheticProgress, until,
} from './lib.mjs';

const SECRET = 'webhook-test-secret-of-at-least-32-bytes!';
let api;
let receiver;
const received = [];

const ADMIN = hs256Token(SECRET, { sub: 'wh-test-admin', role: 'admin' });
const SRI = hs256Token(SECRET, { sub: 'wh-test-sri', role: 'area', unit: 'AMB-SRI' });
const gql = (query, variables, token) => graphql(api.url, query, variables, token);

async function publish(action, key) {
  const rec = (await gql(CREATE_SUBMITTED, { input: syntheticProgress(action), key }, SRI)).r;
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
  await until(() => received.length === 1, 'the delivery', 15_000);
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
  await until(() => received.length === 2, 'the delivery after the rotation', 15_000);
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
