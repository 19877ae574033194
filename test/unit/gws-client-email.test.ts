/**
 * The GWS client's e-mail operations, `listMineUris` and `other` (lib/gws/client.ts,
 * docs/vendors/gws.md 3.2, 3.3) against the simulator over the wire: the request each one
 * sends, the draft's notification with its parent, and bad input refused with nothing sent.
 */
import * as assert from 'node:assert/strict';
import { start, type GwsSimulator } from '../../simulators/gws';
import type { RecordedRequest } from '../../simulators/common';
import { CcError } from '../../lib/errors';
import { GwsClient, OPERATION_NAME, type GwsNotification } from '../../lib/gws';

type Json = Record<string, unknown>;

async function until(what: string, fn: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function rejects(p: Promise<unknown>): Promise<CcError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof CcError, `expected a CcError, got ${String(err)}`);
    return err;
  }
  throw new Error('expected a rejection');
}

describe('GWS client: e-mail operations, listMineUris, other', function () {
  this.timeout(20000);
  let sim: GwsSimulator;
  let client: GwsClient;

  beforeEach(async () => {
    sim = await start({ cometdTimeoutMs: 500, cometdMaxIntervalMs: 1000 });
    client = new GwsClient({ url: sim.url, username: 'agent01', password: 'agent01-pass' }, { timeout: 3000, retryBaseMs: 10 });
  });
  afterEach(async () => {
    await client.close();
    await sim.close();
  });

  const posts = (): RecordedRequest[] => sim.server.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/api/v2/me/interactions/'));
  const lastBody = (): Json => JSON.parse(posts().at(-1)!.body) as Json;
  const draftOf = (parentId: string, origin: string) => [...sim.interactions.values()].find((i) => i.parentId === parentId && i.origin === origin)!;

  async function acceptedEmail(): Promise<string> {
    const mail = sim.email({ from: 'ann@example.com', subject: 'Card blocked' });
    await client.interaction('Accept', { interactionId: mail.id });
    return mail.id;
  }

  it('sends each e-mail operation as POST /api/v2/me/interactions/{id} with its operationName', async () => {
    const got: GwsNotification[] = [];
    client.subscribe('/v2/me/interactions', (n) => got.push(n));
    await until('subscribed', () => [...sim.bayeux.clients.values()].some((c) => c.subscriptions.size > 0));
    const id = await acceptedEmail();
    for (const op of ['Reply', 'ReplyAll', 'Forward']) {
      const r = await client.interaction(op, { interactionId: id });
      assert.equal(r.payload && (r.payload as Json).ok, true);
      assert.equal(typeof (r.payload as Json).referenceId, 'number');
      assert.equal(posts().at(-1)!.path, `/api/v2/me/interactions/${id}`);
      assert.deepEqual(lastBody(), { operationName: op });
    }
    const reply = draftOf(id, 'Reply');
    // The draft's id reaches the flow on CometD, with its parent and the HTTP answer's referenceId.
    await until('the draft notification', () => got.some((n) => ((n.data as Json).interaction as Json).id === reply.id));
    const note = got.find((n) => ((n.data as Json).interaction as Json).id === reply.id)!.data as Json;
    assert.equal((note.interaction as Json).parentId, id);
    assert.equal((note.interaction as Json).direction, 'outbound');
    assert.equal(typeof note.referenceId, 'number');
    await client.interaction('Send', { interactionId: reply.id });
    assert.deepEqual(lastBody(), { operationName: 'Send' });
    await client.interaction('CancelReply', { interactionId: draftOf(id, 'ReplyAll').id });
    assert.deepEqual(lastBody(), { operationName: 'CancelReply' });
    await client.interaction('Send', { interactionId: draftOf(id, 'Forward').id });
    await client.interaction('StopProcessing', { interactionId: id });
    assert.deepEqual(lastBody(), { operationName: 'StopProcessing' });
    assert.equal(sim.interactions.get(id)!.state, 'Completed');
    assert.deepEqual(
      sim.sentEmails.map((m) => m.origin),
      ['Reply', 'Forward'],
    );
  });

  it('maps the refusals of the e-mail model: CONFLICT with the vendor words, NOT_FOUND once sent', async () => {
    const id = await acceptedEmail();
    await client.interaction('Reply', { interactionId: id });
    const stop = await rejects(client.interaction('StopProcessing', { interactionId: id }));
    assert.equal(stop.code, 'CONFLICT');
    assert.match(stop.message, /outbound e-mail in progress/);
    const draft = draftOf(id, 'Reply').id;
    await client.interaction('Send', { interactionId: draft });
    assert.equal((await rejects(client.interaction('Send', { interactionId: draft }))).code, 'NOT_FOUND');
    const before = posts().length;
    assert.equal((await rejects(client.interaction('Reply', {}))).field, 'interactionId');
    assert.equal(posts().length, before);
  });

  it('listMineUris: GET /api/v2/me/interactions without fields, as {id, uri}', async () => {
    const a = sim.invite({ id: 'A/1' });
    const b = sim.email({ id: 'B2' });
    const r = await client.interaction('listMineUris');
    const get = sim.server.requests.filter((x) => x.method === 'GET' && x.path === '/api/v2/me/interactions').at(-1)!;
    assert.deepEqual(get.query, {});
    assert.deepEqual(r.payload, [
      { id: a.id, uri: `${sim.url}/api/v2/interactions/A%2F1` },
      { id: b.id, uri: `${sim.url}/api/v2/interactions/B2` },
    ]);
  });

  it('other: the given operationName and the body fields, on the same path', async () => {
    const id = await acceptedEmail();
    const r = await client.interaction('other', { interactionId: id, operationName: 'Reply', body: { note: 'kept' } });
    assert.equal((r.payload as Json).ok, true);
    assert.deepEqual(lastBody(), { operationName: 'Reply', note: 'kept' });
    assert.ok(draftOf(id, 'Reply'));
    // An operation this simulator does not know is refused by GWS, not by the client.
    const unknown = await rejects(client.interaction('other', { interactionId: id, operationName: 'Redirect' }));
    assert.equal(unknown.operation, 'Redirect');
    assert.match(unknown.message, /Unsupported operationName Redirect/);
    assert.deepEqual(lastBody(), { operationName: 'Redirect' });
  });

  it('other: a missing or malformed operationName or body is INVALID_INPUT naming the field, nothing sent', async () => {
    const id = await acceptedEmail();
    const before = posts().length;
    const cases: Array<[Json, string]> = [
      [{ interactionId: id }, 'operationName'],
      [{ interactionId: id, operationName: '' }, 'operationName'],
      [{ interactionId: id, operationName: 'Re ply' }, 'operationName'],
      [{ interactionId: id, operationName: '../me' }, 'operationName'],
      [{ interactionId: id, operationName: 'Reply?x=1' }, 'operationName'],
      [{ interactionId: id, operationName: 7 }, 'operationName'],
      [{ interactionId: id, operationName: 'A'.repeat(65) }, 'operationName'],
      [{ interactionId: id, operationName: 'Reply', body: [1] }, 'body'],
      [{ interactionId: id, operationName: 'Reply', body: 'x' }, 'body'],
      [{ interactionId: id, operationName: 'Reply', body: { operationName: 'Complete' } }, 'body'],
      [{ operationName: 'Reply' }, 'interactionId'],
    ];
    for (const [params, field] of cases) {
      const e = await rejects(client.interaction('other', params));
      assert.equal(e.code, 'INVALID_INPUT', JSON.stringify(params));
      assert.equal(e.field, field, JSON.stringify(params));
    }
    assert.equal(posts().length, before);
    assert.ok(OPERATION_NAME.test('StopProcessing') && !OPERATION_NAME.test('1Reply'));
  });
});
