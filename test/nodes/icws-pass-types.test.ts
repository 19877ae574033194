/**
 * icws-dialer-events `passTypes` over the wire: a blended agent's ACD messages (queue contents,
 * user status) reach the flow when asked for, through the subscriptions the session makes on the
 * simulator (again after a reconnect); a session that did not subscribe hears nothing of them.
 * Also `types` with `reconnected`: a filtered node gets the reconnect notice only when it asks.
 */
import * as assert from 'node:assert/strict';
import { catchNode, collect, helper, onTab, LogCapture, nodeSet, sim, sleep, waitFor } from '../helpers';
import { QUEUE_CONTENTS, USER_STATUS, type IcwsSimulator } from '../../simulators/icws';

type Msg = Record<string, unknown>;

const cfg = (id: string, url: string): Msg => ({
  id,
  type: 'icws-config',
  url,
  timeout: 5000,
  applicationName: 'Node-RED',
  language: 'en-us',
  station: '',
  restoreDialer: true,
});

describe('icws-dialer-events: passTypes (messages outside Dialer)', function () {
  this.timeout(30000);
  let s: IcwsSimulator;
  const log = new LogCapture();

  before(async () => {
    s = await sim<IcwsSimulator>('icws');
    await helper.startServer();
    log.start();
  });
  after(async () => {
    log.stop();
    await helper.stopServer();
    await s.close();
  });
  afterEach(async () => {
    await helper.unload();
    await waitFor(() => s.sessions.size === 0, 3000, 'sessions deleted');
    s.reset();
    s.server.clearRequests();
  });

  /** agent1 with passTypes (node `blended`), agent2 without (node `plain`), each its own session. */
  async function load(passTypes: string, types = ''): Promise<{ blended: Msg[]; plain: Msg[] }> {
    await helper.load(
      [nodeSet('icws'), catchNode],
      onTab([
        cfg('cfg1', s.url),
        cfg('cfg2', s.url),
        { id: 'blended', type: 'icws-dialer-events', config: 'cfg1', types, passTypes, wires: [['b']] },
        { id: 'plain', type: 'icws-dialer-events', config: 'cfg2', types: '', passTypes: '', wires: [['p']] },
        { id: 'b', type: 'helper' },
        { id: 'p', type: 'helper' },
      ]) as never,
      { cfg1: { username: 'agent1', password: 'agent1-secret' }, cfg2: { username: 'agent2', password: 'agent2-secret' } },
    );
    const out = { blended: collect(helper.getNode('b')), plain: collect(helper.getNode('p')) };
    await waitFor(() => s.sessions.size === 2, 5000, 'two sessions');
    return out;
  }
  const sessionOf = (user: string) => [...s.sessions.values()].find((x) => x.userID === user);
  const subscribed = (user: string) => {
    const x = sessionOf(user);
    return !!x && x.subscriptions.queues.size === 1 && x.subscriptions.users.has(user);
  };

  it('subscribes to the agent queue and status; queue and status messages reach only that flow', async () => {
    const out = await load('urn:inin.com:queues:, urn:inin.com:status:');
    await waitFor(() => subscribed('agent1'), 5000, 'agent1 subscribed');
    const puts = s.server.requests.filter((r) => r.method === 'PUT' && r.path.includes('/messaging/subscriptions/'));
    assert.equal(puts.length, 2, 'one queue and one status subscription');
    const queuePut = puts.find((r) => r.path.includes('/queues/'));
    assert.deepEqual(JSON.parse(queuePut?.body ?? '{}').queueIds, [{ queueType: 1, queueName: 'agent1' }]);
    assert.deepEqual(JSON.parse(puts.find((r) => r.path.endsWith('/status/user-statuses'))?.body ?? '{}'), { userIds: ['agent1'] });
    assert.equal(sessionOf('agent2')?.subscriptions.queues.size, 0, 'no subscription for a node that did not ask');
    // the initial contents and status after subscribing
    await waitFor(() => out.blended.some((m) => m.topic === QUEUE_CONTENTS) && out.blended.some((m) => m.topic === USER_STATUS), 3000, 'initial messages');

    assert.equal(
      s.queueInteraction({ queueName: 'agent1', interactionId: '3001', attributes: { Eic_State: 'A', Eic_RemoteName: 'Ada', Secret_Thing: 'x' } }),
      1,
    );
    assert.equal(s.queueInteraction({ queueName: 'agent2', interactionId: '3002', attributes: { Eic_State: 'A' } }), 0, 'nobody watches agent2');
    s.setStatus('agent1', 'Away from desk');
    s.setStatus('agent2', 'At Lunch');
    await waitFor(() => out.blended.filter((m) => m.topic === QUEUE_CONTENTS).length === 2, 3000, 'queue delta');
    await waitFor(() => out.blended.filter((m) => m.topic === USER_STATUS).length === 2, 3000, 'status delta');
    const delta = out.blended.filter((m) => m.topic === QUEUE_CONTENTS)[1].payload as Msg;
    assert.equal(delta.isDelta, true);
    assert.deepEqual(
      delta.interactionsAdded,
      [{ interactionId: '3001', attributes: { Eic_State: 'A', Eic_RemoteName: 'Ada' } }],
      'only the attributes asked for',
    );
    const status = out.blended.filter((m) => m.topic === USER_STATUS)[1].payload as Msg;
    assert.equal((status.userStatusList as Msg[])[0].statusId, 'Away from desk');
    await sleep(100);
    assert.ok(!out.plain.some((m) => m.topic === QUEUE_CONTENTS || m.topic === USER_STATUS), 'the unsubscribed session heard nothing');
    // a pushed non-Dialer message the node did not ask for stays out
    s.push({ __type: 'urn:inin.com:interactions:interactionsMessage', isDelta: false });
    await sleep(200);
    assert.ok(!out.blended.some((m) => String(m.topic).startsWith('urn:inin.com:interactions:')));
  });

  it('a prefix of the queue messages only: the queue subscription, no status subscription', async () => {
    const out = await load('urn:inin.com:queues:queueContentsMessage');
    await waitFor(() => (sessionOf('agent1')?.subscriptions.queues.size ?? 0) === 1, 5000, 'queue subscription');
    await sleep(100);
    assert.equal(sessionOf('agent1')?.subscriptions.users.size, 0);
    s.setStatus('agent1', 'Available');
    s.queueInteraction({ queueName: 'agent1', interactionId: '3003', attributes: { Eic_State: 'C' } });
    await waitFor(() => out.blended.filter((m) => m.topic === QUEUE_CONTENTS).length === 2, 3000, 'queue messages');
    assert.ok(!out.blended.some((m) => m.topic === USER_STATUS));
  });

  it('after the session expired: subscribed again on the new session, messages flow again', async () => {
    const out = await load('urn:inin.com:queues:', 'dataPopMessage, reconnected');
    await waitFor(() => subscribed('agent1') || (sessionOf('agent1')?.subscriptions.queues.size ?? 0) === 1, 5000, 'subscribed');
    const first = sessionOf('agent1')?.id;
    s.expire(first);
    await waitFor(() => out.blended.some((m) => m.topic === 'reconnected'), 5000, 'reconnected');
    await waitFor(() => (sessionOf('agent1')?.subscriptions.queues.size ?? 0) === 1 && sessionOf('agent1')?.id !== first, 5000, 'subscribed again');
    s.queueInteraction({ queueName: 'agent1', interactionId: '3004', attributes: { Eic_State: 'A' } });
    await waitFor(
      () => out.blended.some((m) => m.topic === QUEUE_CONTENTS && ((m.payload as Msg).interactionsAdded as Msg[])[0]?.interactionId === '3004'),
      3000,
    );
  });

  it('a node with types but without "reconnected" gets no reconnect notice; one with empty types does', async () => {
    const out = await load('', 'dataPopMessage');
    s.expire();
    await waitFor(() => out.plain.some((m) => m.topic === 'reconnected'), 5000, 'plain node reconnected');
    await waitFor(() => s.sessions.size === 2, 5000, 'both sessions back');
    await sleep(200);
    assert.ok(!out.blended.some((m) => m.topic === 'reconnected'), 'a node filtering data pops gets no reconnect notice');
  });

  it('a passTypes entry outside urn:inin.com: is INVALID_INPUT at deploy, naming the field', async () => {
    const mark = log.lines.length;
    await helper.load(
      [nodeSet('icws'), catchNode],
      onTab([
        cfg('cfg1', s.url),
        { id: 'blended', type: 'icws-dialer-events', config: 'cfg1', types: '', passTypes: 'queueContentsMessage', wires: [[]] },
      ]) as never,
      { cfg1: { username: 'agent1', password: 'agent1-secret' } },
    );
    await waitFor(() => log.lines.slice(mark).some((l) => l.includes('"code":"INVALID_INPUT"') && l.includes('"field":"passTypes"')), 3000, 'logged error');
    await sleep(100);
    assert.equal(s.stats.connectAttempts, 0, 'no session for a node that cannot work');
  });
});
