/** The session of the ICWS nodes in a real Node-RED against the ICWS simulator: polling, expiry, switchover, bad credentials, station, redeploys. Set-up in icws-support.ts. */
import * as assert from 'node:assert/strict';
import { catchNode, collect, helper, nodeSet, sleep, waitFor } from '../helpers';
import type { IcwsSimulator } from '../../simulators/icws';
import { PASSWORD, T_POP, flow, icwsHarness, type Msg } from './icws-support';

describe('icws nodes', function () {
  let s: IcwsSimulator;
  const { log, load, op, events } = icwsHarness(this, (x) => (s = x));

  it('short-polls when the server reports messaging version 1', async () => {
    s.configure({ messagingVersion: 1 });
    const n = await load();
    await op(n, 'logIn');
    await waitFor(() => n.ev.length === 2, 4000, 'events by polling');
    const [sess] = s.sessions.values();
    assert.ok(sess.polls >= 1);
    assert.equal(sess.streamsOpened, 0);
  });

  it('recovers from session expiry mid-flow: the flow sees no error, Dialer is restored, events go on', async () => {
    const n = await load();
    await op(n, 'logIn');
    await op(n, 'readyForCalls');
    await waitFor(() => n.ev.length === 2);
    s.expire();
    // the request that hits the expired session (or the stream noticing it first) reconnects
    const out = await op(n, 'setStatus', { statusId: 'Available' });
    assert.equal((out.payload as Msg).ok, true);
    await waitFor(() => events(n, T_POP).length === 1, 4000, 'pop after recovery');
    await waitFor(() => events(n, 'reconnected').length === 1, 3000, 'reconnected event');
    assert.deepEqual(events(n, 'reconnected')[0].payload, { restored: true });
    assert.equal(n.caught.length, 0);
    assert.equal(s.stats.sessionsCreated, 2);
    const [sess] = s.sessions.values();
    assert.equal(sess.dialer.loggedIn, true);
    // no message twice: one break status per log-in (two log-ins), one pop
    assert.equal(events(n, 'urn:inin.com:dialer:breakStatusMessage').length, 2);
    assert.ok(n.eventsStatus.some((x) => x.text === 'reconnecting'));
    assert.deepEqual(n.eventsStatus.at(-1), { fill: 'green', shape: 'dot', text: 'connected' });
  });

  it('switches over to the alternate server on 503', async () => {
    const n = await load();
    await op(n, 'logIn');
    await waitFor(() => n.ev.length === 2);
    s.switchover(true);
    await op(n, 'readyForCalls');
    await op(n, 'setStatus', { statusId: 'Available' });
    await waitFor(() => events(n, T_POP).length === 1, 4000, 'pop from the alternate');
    assert.equal(n.caught.length, 0);
    assert.equal(s.alternate?.sessions.size, 1);
    await helper.unload();
    await waitFor(() => s.alternate?.sessions.size === 0, 3000, 'alternate session deleted');
  });

  it('bad credentials: AUTH_FAILED, no login storm, status says so, no password anywhere', async () => {
    const n = await load({}, {}, 'wrong-Pa55word!');
    const end = Date.now() + 3000;
    let sent = 0;
    while (Date.now() < end) {
      n.dialer.receive({ operation: 'logIn', payload: {} });
      sent++;
      await sleep(100);
    }
    await waitFor(() => n.caught.length === sent, 3000, 'all errors');
    assert.ok(n.caught.every((m) => (m.error as Msg).code === 'AUTH_FAILED'));
    assert.ok(s.stats.connectAttempts <= 3, `${s.stats.connectAttempts} login attempts in 3 s`);
    assert.equal(s.stats.sessionsCreated, 0);
    assert.match(String(n.eventsStatus.at(-1)?.text), /^down: AUTH_FAILED, retry in \d+ s$/);
    assert.equal(n.eventsStatus.at(-1)?.fill, 'red');
    const everything = JSON.stringify([n.caught, n.eventsStatus, n.dialerStatus]) + log.text();
    assert.ok(!everything.includes('wrong-Pa55word!'));
    assert.ok(!everything.includes(PASSWORD));
  });

  it('a failed station log-on shows on the status; the session stays up', async () => {
    const n = await load({ station: '9999' });
    await waitFor(() => n.eventsStatus.some((x) => x.fill === 'yellow' && x.text === 'connected, station log-on failed'), 4000, 'station status');
    await op(n, 'logIn');
    await helper.unload();
    const m = await load({ station: '7001' });
    await op(m, 'logIn');
    assert.equal([...s.sessions.values()][0].station, '7001');
  });

  it('deletes the session when the last node goes; 20 redeploys leave one session and no timer or socket', async () => {
    await sleep(50);
    const baseline = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length;
    const creds = { cfg: { username: 'agent1', password: PASSWORD } };
    const f = flow(s.url);
    await helper.load([nodeSet('icws'), catchNode], f as never, creds);
    await waitFor(() => s.sessions.size === 1, 3000, 'first session');
    for (let i = 0; i < 20; i++) {
      await helper.setFlows(f, 'full', creds);
      assert.equal(s.stats.sessionsDeleted, i + 1, 'the old session is deleted before the new flows start');
      await waitFor(() => s.stats.sessionsCreated === i + 2, 3000, `session ${i + 2}`);
    }
    await waitFor(() => s.sessions.size === 1 && s.stats.sessionsDeleted === 20, 5000, 'old sessions deleted');
    const n = { out: collect(helper.getNode('out')) };
    helper.getNode('dialer').receive({ operation: 'logIn', payload: {} });
    await waitFor(() => n.out.length === 1);
    assert.equal(s.stats.sessionsCreated, 21, 'the request used the open session');
    await helper.unload();
    await waitFor(() => s.sessions.size === 0 && s.stats.sessionsDeleted === 21, 3000, 'last session deleted');
    const count = (): number => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length;
    await waitFor(() => count() <= baseline, 3000, 'resources back to the baseline');
  });
});
