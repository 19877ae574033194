/**
 * lib/icws against the ICWS simulator, over the wire: the subscriptions for messages outside
 * Dialer (IcwsSubscriptions: made once per session, deleted when nobody needs them, a refusal
 * is a warning), passTypes parsing, and `scheduledTime` in epoch seconds (the vendor's unit).
 */
import * as assert from 'node:assert/strict';
import { CcError } from '../../lib/errors';
import { IcwsClient, kindsFor, parsePassTypes, passes, type IcwsMessage } from '../../lib/icws';
import { start, type IcwsSimulator } from '../../simulators/icws';
import { waitFor } from '../helpers';

describe('ICWS subscriptions and scheduledTime seconds (lib/icws)', function () {
  this.timeout(20000);
  let sim: IcwsSimulator;
  let c: IcwsClient;
  let messages: IcwsMessage[];
  let warnings: string[];

  beforeEach(async () => {
    sim = await start({ port: 0, alternate: false });
    c = new IcwsClient({ url: sim.url, username: 'agent1', password: 'agent1-secret', timeout: 3000, backoffMs: [100] });
    messages = [];
    warnings = [];
    c.session.on('message', (m: IcwsMessage) => messages.push(m));
    c.session.on('warning', (w: string) => warnings.push(w));
  });
  afterEach(async () => {
    await c.close();
    await sim.close();
  });

  const subRequests = () =>
    sim.server.requests.filter((r) => r.path.includes('/messaging/subscriptions/')).map((r) => `${r.method} ${r.path.replace(/^.*\/messaging\//, '')}`);

  it('passTypes: prefixes under urn:inin.com:, each naming the subscriptions it needs', () => {
    assert.deepEqual(parsePassTypes(' urn:inin.com:queues:, urn:inin.com:status:userStatusMessage '), [
      'urn:inin.com:queues:',
      'urn:inin.com:status:userStatusMessage',
    ]);
    assert.deepEqual(parsePassTypes(['urn:inin.com:interactions:']), ['urn:inin.com:interactions:']);
    assert.deepEqual(parsePassTypes(''), []);
    for (const bad of ['queueContentsMessage', 'urn:inin.com:', 'urn:other:x']) {
      assert.throws(
        () => parsePassTypes(bad),
        (e: unknown) => e instanceof CcError && e.code === 'INVALID_INPUT' && e.field === 'passTypes',
        bad,
      );
    }
    assert.deepEqual(
      kindsFor(['urn:inin.com:']).map((k) => k.prefix),
      ['urn:inin.com:queues:', 'urn:inin.com:status:'],
    );
    assert.deepEqual(
      kindsFor(['urn:inin.com:status:userStatusMessage']).map((k) => k.prefix),
      ['urn:inin.com:status:'],
    );
    assert.deepEqual(kindsFor(['urn:inin.com:interactions:']), [], 'no subscription this package knows of');
    assert.ok(passes('urn:inin.com:queues:queueContentsMessage', ['urn:inin.com:queues:']));
    assert.ok(!passes('urn:inin.com:dialer:dataPopMessage', ['urn:inin.com:queues:']));
  });

  it('one subscription per kind for two listeners; deleted when the last listener goes', async () => {
    const a = {};
    const b = {};
    c.session.open();
    await waitFor(() => c.session.getStatus().phase === 'connected', 3000, 'connected');
    await c.subscriptions.want(a, ['urn:inin.com:queues:']);
    await c.subscriptions.want(b, ['urn:inin.com:queues:queueContentsMessage', 'urn:inin.com:status:']);
    await waitFor(() => subRequests().length === 2, 3000, 'two subscriptions');
    assert.deepEqual(subRequests(), ['PUT subscriptions/queues/node-red-my-interactions', 'PUT subscriptions/status/user-statuses']);
    await c.subscriptions.drop(b);
    assert.deepEqual(subRequests().slice(2), ['DELETE subscriptions/status/user-statuses']);
    await c.subscriptions.drop(a);
    assert.deepEqual(subRequests().slice(3), ['DELETE subscriptions/queues/node-red-my-interactions']);
    const s = [...sim.sessions.values()][0];
    assert.equal(s.subscriptions.queues.size + s.subscriptions.users.size, 0, 'nothing subscribed at the server');
    assert.equal(sim.queueInteraction({ queueName: 'agent1', interactionId: '1', attributes: {} }), 0);
  });

  it('a refused subscription is a warning naming the prefix; the session stays up', async () => {
    c.session.open();
    await waitFor(() => c.session.getStatus().phase === 'connected', 3000, 'connected');
    sim.server.addFault({ path: `/icws/${c.session.sessionId}/messaging/subscriptions/`, status: 400, body: '{"message":"no such queue"}', times: 1 });
    await c.subscriptions.want({}, ['urn:inin.com:queues:']);
    assert.ok(
      warnings.some((w) => /subscribing to urn:inin\.com:queues: messages/.test(w)),
      warnings.join('\n'),
    );
    assert.equal(c.session.getStatus().phase, 'connected');
    assert.deepEqual(c.subscriptions.active, []);
  });

  it('scheduledTime in epoch seconds (below 10^11) is sent as it is; epoch ms at or above 10^11 as floor(ms/1000)', async () => {
    await c.logIn();
    await c.readyForCalls();
    await c.setStatus({ statusId: 'Available' });
    const pops = () => messages.filter((m) => m.__type === 'urn:inin.com:dialer:dataPopMessage' && !m.isDelta).length;
    await waitFor(() => pops() === 1, 3000, 'data pop');
    await c.disposition({ label: 'Call Back Later', scheduledTime: 1746180000 });
    await c.setStatus({ statusId: 'Available' });
    await waitFor(() => pops() === 2, 3000, 'second pop');
    await c.disposition({ label: 'Call Back Later', scheduledTime: '1746180000000' });
    const sent = sim.server.requests.filter((r) => r.path.endsWith('/dialer/disposition')).map((r) => JSON.parse(r.body).scheduledTime);
    assert.deepEqual(sent, [1746180000, 1746180000]);
  });
});
