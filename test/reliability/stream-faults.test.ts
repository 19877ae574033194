/**
 * Stream faults, per stream kind, counting every event: ICWS short polling (poll dropped, poll
 * 500, poll hung past the timeout), ICWS server-sent events (stream cut, stream idle, an endless
 * line), GWS CometD (held connect cut, `402 unknown client`, an oversized answer). Each test
 * numbers its events and asserts how many arrived, how many twice, and that the session lived
 * on (no new ICWS session; CometD on the same or a renewed client). docs/RELIABILITY.md
 * ("Stream faults") quotes the counts these tests print.
 */
import * as assert from 'node:assert/strict';
import { GwsClient, type GwsNotification } from '../../lib/gws';
import { IcwsSession, type IcwsMessage, type IcwsSessionOptions } from '../../lib/icws';
import { start as startGws, type GwsSimulator } from '../../simulators/gws';
import { start as startIcws, type IcwsSimulator } from '../../simulators/icws';
import { sleep, waitFor } from '../helpers';
import { CutProxy } from '../support/cut-proxy';

const ICWS_PASSWORD = 'agent1-secret';
const GWS_PASSWORD = 'agent01-pass';

interface Count {
  sent: number;
  delivered: number;
  lost: number;
  twice: number;
}

/** Counts numbered events: each `seq` in 0..n-1 should arrive exactly once. */
function count(seqs: number[], n: number): Count {
  const seen = new Map<number, number>();
  for (const s of seqs) seen.set(s, (seen.get(s) ?? 0) + 1);
  let lost = 0;
  let twice = 0;
  for (let i = 0; i < n; i++) {
    const k = seen.get(i) ?? 0;
    if (k === 0) lost++;
    if (k > 1) twice++;
  }
  return { sent: n, delivered: seen.size, lost, twice };
}

const report: Record<string, Count> = {};
function record(name: string, c: Count): void {
  report[name] = c;
  assert.deepEqual({ lost: c.lost, twice: c.twice }, { lost: 0, twice: 0 }, `${name}: ${JSON.stringify(c)}`);
}

const dialerMsg = (seq: number): IcwsMessage => ({ __type: 'urn:inin.com:dialer:breakStatusMessage', isDelta: false, breakStatus: 0, seq });

describe('stream faults: every event once', function () {
  this.timeout(30000);
  after(() => console.log('    stream fault counts:', JSON.stringify(report)));

  describe('ICWS', () => {
    let sim: IcwsSimulator;
    let proxy: CutProxy | undefined;
    let session: IcwsSession | undefined;
    const seqs: number[] = [];
    const warnings: string[] = [];

    async function open(messagingVersion: number, o: Partial<IcwsSessionOptions> = {}, viaProxy = false): Promise<IcwsSession> {
      sim = await startIcws({ port: 0, messagingVersion });
      let url = sim.url;
      if (viaProxy) {
        proxy = await CutProxy.start(new URL(sim.url).port);
        url = proxy.url;
      }
      seqs.length = 0;
      warnings.length = 0;
      const s = new IcwsSession({ url, username: 'agent1', password: ICWS_PASSWORD, pollIntervalMs: 20, backoffMs: [50, 100], timeout: 2000, ...o });
      s.on('message', (m: IcwsMessage) => {
        if (typeof m.seq === 'number') seqs.push(m.seq);
      });
      s.on('warning', (w: string) => warnings.push(w));
      s.open();
      await waitFor(() => s.getStatus().phase === 'connected', 5000, 'connected');
      session = s;
      return s;
    }
    const sid = (): string => session?.sessionId ?? '';

    afterEach(async () => {
      await session?.close();
      session = undefined;
      await proxy?.close();
      proxy = undefined;
      await sim.close();
    });

    it('short polling, a burst of 60 Dialer messages with 2 dropped polls: 60 delivered once, same session', async () => {
      const s = await open(1);
      sim.server.addFault({ path: `/icws/${sid()}/messaging`, drop: true, times: 2 });
      for (let i = 0; i < 60; i++) sim.push(dialerMsg(i), sid());
      await waitFor(() => seqs.length >= 60, 10000, '60 messages');
      await sleep(100);
      record('ICWS poll dropped ×2 (60 msgs)', count(seqs, 60));
      assert.equal(s.counters.sessionsOpened, 1, 'no new session');
      assert.ok(warnings.some((w) => /polling failed/.test(w)));
    });

    it('short polling, polls answered 500 twice (interleaved with the burst): every message once', async () => {
      const s = await open(1);
      for (let i = 0; i < 20; i++) sim.push(dialerMsg(i), sid());
      sim.server.addFault({ path: `/icws/${sid()}/messaging`, status: 500, body: 'oops', times: 2 });
      for (let i = 20; i < 40; i++) sim.push(dialerMsg(i), sid());
      await waitFor(() => seqs.length >= 40, 10000, '40 messages');
      await sleep(100);
      record('ICWS poll 500 ×2 (40 msgs)', count(seqs, 40));
      assert.equal(s.counters.sessionsOpened, 1);
    });

    it('short polling, a poll hung past the request timeout: every message once, same session', async () => {
      const s = await open(1, { timeout: 300 });
      sim.server.addFault({ path: `/icws/${sid()}/messaging`, delayMs: 800, times: 1 });
      await sleep(50);
      for (let i = 0; i < 30; i++) sim.push(dialerMsg(i), sid());
      await waitFor(() => seqs.length >= 30, 10000, '30 messages');
      await sleep(1000); // the hung request's handler runs now: it must take nothing
      record('ICWS poll hung past timeout (30 msgs)', count(seqs, 30));
      assert.equal(s.counters.sessionsOpened, 1);
    });

    it('SSE, the stream cut while the server was still writing: Last-Event-ID brings back what the cut swallowed', async () => {
      const s = await open(2, {}, true);
      for (let i = 0; i < 10; i++) sim.push(dialerMsg(i), sid());
      await waitFor(() => seqs.length >= 10, 5000, 'first 10');
      proxy!.blackhole(); // bytes from the server go nowhere; both sockets stay open
      for (let i = 10; i < 20; i++) sim.push(dialerMsg(i), sid());
      await sleep(100);
      proxy!.cutClients(); // the client sees the cut; the server does not (yet)
      await waitFor(() => seqs.length >= 20, 5000, '20 messages');
      for (let i = 20; i < 30; i++) sim.push(dialerMsg(i), sid());
      await waitFor(() => seqs.length >= 30, 5000, '30 messages');
      await sleep(100);
      record('ICWS SSE cut (30 msgs)', count(seqs, 30));
      const simSession = [...sim.sessions.values()][0];
      assert.equal(simSession.replayed, 10, 'the 10 swallowed events were sent again after Last-Event-ID');
      assert.equal(s.counters.sessionsOpened, 1);
      const reopen = sim.server.requests.filter((r) => r.path.endsWith('/messaging/messages')).at(-1);
      assert.equal(reopen?.headers['last-event-id'], '10');
    });

    it('SSE, a stream gone silent (idle) is reopened on the same session: every message once', async () => {
      const s = await open(2, { streamIdleMs: 300 }, true);
      for (let i = 0; i < 5; i++) sim.push(dialerMsg(i), sid());
      await waitFor(() => seqs.length >= 5, 5000, 'first 5');
      proxy!.blackhole();
      for (let i = 5; i < 15; i++) sim.push(dialerMsg(i), sid());
      await waitFor(() => seqs.length >= 15, 5000, '15 messages');
      await sleep(100);
      record('ICWS SSE idle (15 msgs)', count(seqs, 15));
      assert.ok(warnings.some((w) => /silent for 300 ms/.test(w)));
      assert.equal(s.counters.sessionsOpened, 1);
    });

    it('SSE, a 40 MB line without a newline: the stream is ended at the 1 MiB cap in linear time and reopened; the session lives on', async () => {
      const s = await open(2);
      await waitFor(() => [...sim.sessions.values()][0]?.streams.size === 1, 5000, 'the stream open');
      const res = [...[...sim.sessions.values()][0].streams][0];
      let stalled = 0;
      let last = Date.now();
      const probe = setInterval(() => {
        stalled = Math.max(stalled, Date.now() - last);
        last = Date.now();
      }, 10);
      const chunk = 'x'.repeat(64 * 1024);
      res.write('data: ');
      for (let i = 0; i < 640 && !res.destroyed; i++) res.write(chunk);
      await waitFor(() => warnings.some((w) => /longer than 1048576 bytes/.test(w)), 5000, 'cap warning');
      // Pushed at once, while the stream is being reopened (the server may still write to the old
      // one): the session lives on, and the new stream brings every message (icws-reopen.test.ts).
      for (let i = 0; i < 5; i++) sim.push(dialerMsg(i), sid());
      await waitFor(() => seqs.length >= 5, 5000, '5 messages');
      clearInterval(probe);
      record('ICWS SSE 40 MB line, then 5 msgs', count(seqs, 5));
      assert.ok(stalled < 500, `event loop stalled ${stalled} ms`);
      assert.equal(s.counters.sessionsOpened, 1);
    });
  });

  describe('GWS CometD', () => {
    let sim: GwsSimulator;
    let client: GwsClient;
    const seqs: number[] = [];
    const logs: string[] = [];

    beforeEach(async () => {
      sim = await startGws({ port: 0, cometdTimeoutMs: 2000, cometdMaxIntervalMs: 2000 });
      seqs.length = 0;
      logs.length = 0;
    });
    afterEach(async () => {
      await client?.close();
      await sim.close();
    });

    async function subscribed(o: { maxAnswerBytes?: number } = {}): Promise<void> {
      client = new GwsClient(
        { url: sim.url, username: 'agent01', password: GWS_PASSWORD },
        { timeout: 3000, retryBaseMs: 10 },
        { cometd: { backoffIncrement: 50, maxBackoff: 300, maxNetworkDelay: 2000, ...o }, log: (_l, t) => logs.push(t) },
      );
      client.subscribe('/v2/me/test', (n: GwsNotification) => {
        const d = n.data as { seq?: number };
        if (typeof d?.seq === 'number') seqs.push(d.seq);
      });
      await waitFor(() => client.state().state === 'connected', 5000, 'connected');
      await waitFor(() => [...sim.bayeux.clients.values()].some((c) => c.pending), 5000, 'a held connect');
    }
    const publish = (from: number, to: number): void => {
      for (let i = from; i < to; i++) sim.publish('agent01', '/v2/me/test', { seq: i });
    };

    it('held connect cut, messages published right after the drop: every message once', async () => {
      await subscribed();
      publish(0, 5);
      await waitFor(() => seqs.length >= 5, 5000, 'first 5');
      await waitFor(() => [...sim.bayeux.clients.values()].some((c) => c.pending), 5000, 'held again');
      for (const c of sim.bayeux.clients.values()) c.pending?.res.socket?.destroy();
      publish(5, 10); // the held response is gone: the messages wait for the next connect
      await waitFor(() => seqs.length >= 10, 5000, '10 messages');
      await sleep(100);
      record('GWS CometD connect cut (10 msgs)', count(seqs, 10));
    });

    it('402 unknown client: handshake and subscribe again; messages before and after the gap once', async () => {
      await subscribed();
      publish(0, 5);
      await waitFor(() => seqs.length >= 5, 5000, 'first 5');
      const before = [...sim.bayeux.clients.keys()];
      sim.handshakeAdvice(1);
      await waitFor(() => sim.bayeux.clients.size === 1 && !before.includes([...sim.bayeux.clients.keys()][0]), 5000, 'a new client');
      await waitFor(() => [...sim.bayeux.clients.values()].some((c) => c.subscriptions.has('/v2/me/test') && c.pending), 5000, 're-subscribed');
      publish(5, 10);
      await waitFor(() => seqs.length >= 10, 5000, '10 messages');
      await sleep(100);
      record('GWS CometD 402 unknown client (10 msgs)', count(seqs, 10));
    });

    it('an answer over the CometD cap is a failed connect: the client connects again and the next messages arrive', async () => {
      await subscribed({ maxAnswerBytes: 64 * 1024 });
      sim.publish('agent01', '/v2/me/test', { big: 'x'.repeat(200 * 1024) });
      await waitFor(() => logs.some((l) => /over the limit of 65536/.test(l)), 5000, 'the cap');
      publish(0, 5);
      await waitFor(() => seqs.length >= 5, 5000, '5 messages');
      record('GWS CometD answer over the cap, then 5 msgs', count(seqs, 5));
    });

    it('close sends /meta/disconnect and waits for its answer before closing the transport', async () => {
      await subscribed();
      const id = [...sim.bayeux.clients.keys()][0];
      await client.close();
      const disc = sim.server.requests.filter((r) => r.path.startsWith('/api/v2/notifications') && r.body.includes('/meta/disconnect'));
      assert.equal(disc.length, 1);
      assert.ok(disc[0].body.includes(id));
      assert.equal(sim.bayeux.clients.size, 0, 'the server forgot the client at once');
    });
  });
});
