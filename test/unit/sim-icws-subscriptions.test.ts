/**
 * The ICWS simulator's message subscriptions (docs/vendors/icws.md 4.1, 8) with plain fetch:
 * queue and user-status subscriptions answered 204 (400 for a bad body), the first state then
 * deltas, and the control API reaching subscribed sessions only.
 */
import * as assert from 'node:assert/strict';
import { start, type IcwsSimulator } from '../../simulators/icws';

interface Session {
  sid: string;
  csrf: string;
  cookie: string;
}

describe('ICWS simulator: subscriptions (messages outside Dialer)', function () {
  this.timeout(10000);
  let sim: IcwsSimulator;
  beforeEach(async () => {
    sim = await start({ port: 0, alternate: false, messagingVersion: 1 });
  });
  afterEach(() => sim.close());

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
    const res = await fetch(sim.url + path, {
      method,
      headers: { 'accept-language': 'en-us', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  async function connect(userID: string): Promise<Session> {
    const res = await fetch(`${sim.url}/icws/connection`, {
      method: 'POST',
      headers: { 'accept-language': 'en-us', 'content-type': 'application/json' },
      body: JSON.stringify({ __type: 'urn:inin.com:connection:icAuthConnectionRequestSettings', applicationName: 't', userID, password: `${userID}-secret` }),
    });
    assert.equal(res.status, 201);
    const b = (await res.json()) as { sessionId: string; csrfToken: string };
    return { sid: b.sessionId, csrf: b.csrfToken, cookie: res.headers.getSetCookie()[0].split(';')[0] };
  }
  const on = (s: Session, method: string, rest: string, body?: unknown) =>
    call(method, `/icws/${s.sid}/${rest}`, body, { 'inin-icws-csrf-token': s.csrf, cookie: s.cookie });
  const poll = async (s: Session) => (await on(s, 'GET', 'messaging/messages')).body as Array<Record<string, unknown>>;
  const control = (name: string, body: unknown) => call('POST', `/__sim/${name}`, body);

  it('a queue subscription: 204, the queue contents, then deltas with the attributes asked for; DELETE ends it', async () => {
    const a = await connect('agent1');
    const b = await connect('agent2');
    assert.equal((await control('queue-interaction', { queueName: 'agent1', interactionId: '1', attributes: { Eic_State: 'A', Other: 'x' } })).status, 200);
    const put = await on(a, 'PUT', 'messaging/subscriptions/queues/mine', { queueIds: [{ queueType: 1, queueName: 'agent1' }], attributeNames: ['Eic_State'] });
    assert.equal(put.status, 204);
    const first = await poll(a);
    assert.deepEqual(first, [
      {
        __type: 'urn:inin.com:queues:queueContentsMessage',
        isDelta: false,
        subscriptionId: 'mine',
        interactionsAdded: [{ interactionId: '1', attributes: { Eic_State: 'A' } }],
        interactionsChanged: [],
        interactionsRemoved: [],
      },
    ]);
    const changed = await control('queue-interaction', { queueName: 'agent1', interactionId: '1', attributes: { Eic_State: 'C' } });
    assert.deepEqual(changed.body, { ok: true, result: { sessions: 1 } });
    await control('queue-interaction', { queueName: 'agent1', interactionId: '1', removed: true });
    const deltas = await poll(a);
    assert.deepEqual(
      deltas.map((m) => [m.isDelta, m.interactionsChanged, m.interactionsRemoved]),
      [
        [true, [{ interactionId: '1', attributes: { Eic_State: 'C' } }], []],
        [true, [], ['1']],
      ],
    );
    assert.deepEqual(await poll(b), [], 'agent2 did not subscribe');
    assert.equal((await on(a, 'DELETE', 'messaging/subscriptions/queues/mine')).status, 204);
    assert.deepEqual((await control('queue-interaction', { queueName: 'agent1', interactionId: '2' })).body, { ok: true, result: { sessions: 0 } });
  });

  it('a user-status subscription: 204, the current status, then each change; bad bodies are 400', async () => {
    const a = await connect('agent1');
    assert.equal((await on(a, 'PUT', 'messaging/subscriptions/status/user-statuses', { userIds: [] })).status, 400);
    assert.equal((await on(a, 'PUT', 'messaging/subscriptions/queues/x', { queueIds: [{ queueName: 'agent1' }] })).status, 400);
    assert.equal((await on(a, 'PUT', 'messaging/subscriptions/status/user-statuses', { userIds: ['agent2'] })).status, 204);
    const [first] = await poll(a);
    assert.equal(first.__type, 'urn:inin.com:status:userStatusMessage');
    assert.equal((first.userStatusList as Array<Record<string, unknown>>)[0].statusId, 'Do Not Disturb');
    await control('set-status', { userId: 'agent2', statusId: 'At Lunch' });
    await control('set-status', { userId: 'agent1', statusId: 'Available' });
    const changes = await poll(a);
    assert.deepEqual(
      changes.map((m) => (m.userStatusList as Array<Record<string, unknown>>).map((u) => [u.userId, u.statusId])),
      [[['agent2', 'At Lunch']]],
      'only the watched user',
    );
    assert.equal((await on(a, 'DELETE', 'messaging/subscriptions/status/user-statuses')).status, 204);
    await control('set-status', { userId: 'agent2', statusId: 'Available' });
    assert.deepEqual(await poll(a), []);
  });

  it('queue-interaction needs a queueName and an interactionId; a subscription needs the session cookie', async () => {
    assert.equal((await control('queue-interaction', { queueName: 'agent1' })).status >= 400, true);
    const a = await connect('agent1');
    const r = await call('PUT', `/icws/${a.sid}/messaging/subscriptions/status/user-statuses`, { userIds: ['agent1'] }, { 'inin-icws-csrf-token': a.csrf });
    assert.equal(r.status, 401);
  });
});
