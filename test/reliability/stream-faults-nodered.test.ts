/**
 * Stream faults through the event nodes in a real Node-RED process (Node-RED 4.1 on Node 20,
 * Node-RED 5 on Node 22), counting every event that reaches the flow: `icws-dialer-events` on
 * short polling (poll dropped, poll 500, poll hung past the config node's timeout) and on
 * server-sent events (stream cut), `interaction-events` on CometD (held connect cut,
 * `402 unknown client`). stream-faults.test.ts proves the same (and SSE idle, whose 60 s bound
 * a node does not set) on the sessions alone. Each fault: 0 lost, 0 twice, no new ICWS session.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { start as startGws, type GwsSimulator } from '../../simulators/gws';
import { start as startIcws, type IcwsSimulator } from '../../simulators/icws';
import { root, sleep, waitFor } from '../helpers';
import { CutProxy } from '../support/cut-proxy';
import { deploy, freePort, nodeRed4, nodeRed5, startNodeRed, type RunningNodeRed, type Runtime } from '../support/nodered';
import { recorded, writeRecorder } from '../support/recorder';

const ICWS = { username: 'agent1', password: 'agent1-secret' };
const GWS = { username: 'agent01', password: 'agent01-pass' };
const dialerMsg = (seq: number): Record<string, unknown> & { __type: string } => ({
  __type: 'urn:inin.com:dialer:breakStatusMessage',
  isDelta: false,
  breakStatus: 0,
  seq,
});

function flows(pollUrl: string, sseUrl: string, gwsUrl: string): unknown[] {
  const z = 'sf-tab';
  return [
    { id: z, type: 'tab', label: 'stream faults' },
    { id: 'sf-poll-cfg', type: 'icws-config', url: pollUrl, timeout: 1000, credentials: ICWS },
    { id: 'sf-sse-cfg', type: 'icws-config', url: sseUrl, timeout: 5000, credentials: ICWS },
    { id: 'sf-gws-cfg', type: 'gws-config', url: gwsUrl, timeout: 5000, credentials: GWS },
    { id: 'sf-poll', type: 'icws-dialer-events', z, config: 'sf-poll-cfg', x: 100, y: 100, wires: [['rec-poll']] },
    { id: 'sf-sse', type: 'icws-dialer-events', z, config: 'sf-sse-cfg', x: 100, y: 160, wires: [['rec-sse']] },
    { id: 'sf-gws', type: 'interaction-events', z, config: 'sf-gws-cfg', channels: '/v2/me/test', x: 100, y: 220, wires: [['rec-gws']] },
    { id: 'rec-poll', type: 'interop-recorder', z, x: 300, y: 100, wires: [] },
    { id: 'rec-sse', type: 'interop-recorder', z, x: 300, y: 160, wires: [] },
    { id: 'rec-gws', type: 'interop-recorder', z, x: 300, y: 220, wires: [] },
  ];
}

for (const [label, runtime] of [
  ['Node-RED 4.1 on Node 20', nodeRed4],
  ['Node-RED 5 on Node 22', nodeRed5],
] as Array<[string, () => Runtime]>) {
  describe(`stream faults through the event nodes: ${label}`, function () {
    this.timeout(60000);
    let red: RunningNodeRed;
    let userDir: string;
    let poll: IcwsSimulator;
    let sse: IcwsSimulator;
    let proxy: CutProxy;
    let gws: GwsSimulator;
    const sent: Record<string, number> = { 'rec-poll': 0, 'rec-sse': 0, 'rec-gws': 0 };
    const report: Record<string, { sent: number; delivered: number; lost: number; twice: number }> = {};

    before(async () => {
      poll = await startIcws({ port: 0, messagingVersion: 1 });
      sse = await startIcws({ port: 0, messagingVersion: 2 });
      proxy = await CutProxy.start(new URL(sse.url).port);
      gws = await startGws({ port: 0, cometdTimeoutMs: 1000, cometdMaxIntervalMs: 3000 });
      userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-faults-'));
      const own = writeRecorder(userDir);
      fs.writeFileSync(
        path.join(userDir, 'settings.js'),
        `module.exports = ${JSON.stringify({
          uiHost: '127.0.0.1',
          credentialSecret: 'stream-faults-secret',
          flowFile: 'flows.json',
          nodesDir: [path.join(root, 'dist', 'nodes', 'icws'), path.join(root, 'dist', 'nodes', 'gws'), own],
          logging: { console: { level: 'info', metrics: false, audit: false } },
        })};\n`,
      );
      red = await startNodeRed(runtime(), userDir, await freePort());
      await deploy(red.url, flows(poll.url, proxy.url, gws.url));
      await waitFor(() => poll.sessions.size === 1 && sse.sessions.size === 1, 20000, 'both ICWS sessions');
      await waitFor(() => [...sse.sessions.values()][0].streams.size === 1, 20000, 'the SSE stream open');
      await waitFor(() => [...gws.bayeux.clients.values()].some((c) => c.subscriptions.has('/v2/me/test') && c.pending), 20000, 'a held CometD connect');
    });
    after(async () => {
      await red?.stop();
      if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
      await proxy?.close();
      for (const s of [poll, sse, gws]) await s?.close();
      console.log(`    stream fault counts through the nodes (${label}):`, JSON.stringify(report));
    });

    const seqs = async (rec: string): Promise<number[]> =>
      ((await recorded(red.url))[rec] ?? []).map((g) => g.payload.seq).filter((s): s is number => typeof s === 'number');
    const sid = (sim: IcwsSimulator): string => [...sim.sessions.keys()][0];
    const pushIcws = (sim: IcwsSimulator, rec: string, n: number): void => {
      for (let i = 0; i < n; i++) sim.push(dialerMsg(sent[rec]++), sid(sim));
    };
    const publishGws = (n: number): void => {
      for (let i = 0; i < n; i++) assert.equal(gws.publish(GWS.username, '/v2/me/test', { seq: sent['rec-gws']++ }), 1);
    };
    /** Waits until the recorder has every event sent so far; asserts each arrived once, in order. */
    const settled = async (name: string | undefined, rec: string, from: number, ms = 20000): Promise<void> => {
      const end = Date.now() + ms;
      while ((await seqs(rec)).length < sent[rec] && Date.now() < end) await sleep(100);
      await sleep(300); // anything doubled would come now
      const got = await seqs(rec);
      const mine = got.filter((s) => s >= from);
      const want = [...Array(sent[rec] - from).keys()].map((i) => from + i);
      if (name)
        report[name] = {
          sent: want.length,
          delivered: new Set(mine).size,
          lost: want.filter((s) => !mine.includes(s)).length,
          twice: mine.length - new Set(mine).size,
        };
      assert.deepEqual(got, [...Array(sent[rec]).keys()], `${name ?? rec}: every event once, in order`);
    };

    it('ICWS short polling, 2 dropped polls during a burst of 60: 60 once, same session', async () => {
      const from = sent['rec-poll'];
      poll.server.addFault({ path: `/icws/${sid(poll)}/messaging`, drop: true, times: 2 });
      pushIcws(poll, 'rec-poll', 60);
      await settled('ICWS poll dropped ×2', 'rec-poll', from);
      assert.equal(poll.stats.sessionsCreated, 1, 'no new session');
    });

    it('ICWS short polling, 2 polls answered 500: 40 once, same session', async () => {
      const from = sent['rec-poll'];
      pushIcws(poll, 'rec-poll', 20);
      poll.server.addFault({ path: `/icws/${sid(poll)}/messaging`, status: 500, body: 'oops', times: 2 });
      pushIcws(poll, 'rec-poll', 20);
      await settled('ICWS poll 500 ×2', 'rec-poll', from);
      assert.equal(poll.stats.sessionsCreated, 1);
    });

    it("ICWS short polling, a poll hung past the config node's 1 s timeout: 30 once, same session", async () => {
      const from = sent['rec-poll'];
      poll.server.addFault({ path: `/icws/${sid(poll)}/messaging`, delayMs: 2500, times: 1 });
      await sleep(1200); // the next poll is the hung one
      pushIcws(poll, 'rec-poll', 30);
      await settled('ICWS poll hung past the timeout', 'rec-poll', from);
      await sleep(2000); // the hung request's handler runs now: it must take nothing
      await settled('ICWS poll hung past the timeout', 'rec-poll', from);
      assert.equal(poll.stats.sessionsCreated, 1);
    });

    it('ICWS SSE, the stream cut while the server was writing: 30 once (Last-Event-ID), same session', async () => {
      const from = sent['rec-sse'];
      pushIcws(sse, 'rec-sse', 10);
      const all = async (): Promise<void> => {
        const end = Date.now() + 15000;
        while ((await seqs('rec-sse')).length < sent['rec-sse'] && Date.now() < end) await sleep(50);
      };
      await all();
      proxy.blackhole(); // bytes from the server go nowhere; both sockets stay open
      pushIcws(sse, 'rec-sse', 10);
      await sleep(100);
      proxy.cutClients(); // Node-RED sees the cut; the simulator does not (yet)
      await all(); // the stream was reopened with Last-Event-ID: the 10 swallowed ones came again
      pushIcws(sse, 'rec-sse', 10);
      await settled('ICWS SSE cut', 'rec-sse', from);
      assert.equal([...sse.sessions.values()][0].replayed, 10, 'the 10 swallowed events were sent again after Last-Event-ID');
      assert.equal(sse.stats.sessionsCreated, 1);
    });

    it('GWS CometD, the held connect cut, events published right after: 10 once, same client', async () => {
      const from = sent['rec-gws'];
      const id = [...gws.bayeux.clients.keys()][0];
      publishGws(5);
      await settled(undefined, 'rec-gws', from);
      await waitFor(() => [...gws.bayeux.clients.values()].some((c) => c.pending), 5000, 'held again');
      for (const c of gws.bayeux.clients.values()) c.pending?.res.socket?.destroy();
      publishGws(5); // at once: the dead response must take nothing
      await settled('GWS CometD connect cut', 'rec-gws', from);
      assert.deepEqual([...gws.bayeux.clients.keys()], [id]);
    });

    it('GWS CometD, 402 unknown client: the flow handshakes and subscribes again; 10 once', async () => {
      const from = sent['rec-gws'];
      publishGws(5);
      await settled(undefined, 'rec-gws', from);
      const before = [...gws.bayeux.clients.keys()];
      gws.handshakeAdvice(1);
      await waitFor(
        () => [...gws.bayeux.clients.values()].some((c) => !before.includes(c.id) && c.subscriptions.has('/v2/me/test') && c.pending),
        15000,
        'subscribed again on a new client',
      );
      publishGws(5);
      await settled('GWS CometD 402 unknown client', 'rec-gws', from);
      assert.equal(gws.bayeux.clients.size, 1);
    });
  });
}
