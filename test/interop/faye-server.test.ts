/**
 * The GWS nodes in a real Node-RED process (Node-RED 4.1 on Node 20, Node-RED 5 on Node 22)
 * against a Bayeux server no one here wrote: Faye's, mounted at `/api/v2/notifications` in front
 * of the GWS simulator's REST (test/interop/faye-front.ts). Events published through Faye reach
 * the flow in order, exactly once; after Faye is restarted on the same port (a fresh server: the
 * flow's client is unknown and handshakes again) every event published afterwards arrives once;
 * a redeploy and a stop each send one `/meta/disconnect`, seen by Faye.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { start, type GwsSimulator } from '../../simulators/gws';
import { deploy, freePort, nodeRed4, nodeRed5, startNodeRed, type RunningNodeRed, type Runtime } from '../support/nodered';
import { root, sleep, waitFor } from '../helpers';
import { recorded, writeRecorder, type Recorded } from '../support/recorder';
import { FayeFront } from './faye-front';

const PASS = 'interop-GWS-pass-7c41aa';
const USERS = [{ userName: 'agent01', password: PASS, id: '9d2c0f6e41b84a57' }];
const CHANNEL = '/v2/me/calls';

function flows(url: string, name: string): unknown[] {
  const z = 'f-tab';
  return [
    { id: z, type: 'tab', label: 'faye interop' },
    { id: 'f-cfg', type: 'gws-config', name: 'agent01', url, timeout: 5000, credentials: { username: 'agent01', password: PASS } },
    { id: 'f-ev', type: 'interaction-events', z, name, config: 'f-cfg', channels: CHANNEL, x: 100, y: 100, wires: [['f-rec']] },
    { id: 'f-rec', type: 'interop-recorder', z, x: 300, y: 100, wires: [] },
  ];
}

for (const [label, runtime] of [
  ['Node-RED 4.1 on Node 20', nodeRed4],
  ['Node-RED 5 on Node 22', nodeRed5],
] as Array<[string, () => Runtime]>) {
  describe(`interop: the GWS nodes against Faye's Bayeux server: ${label}`, function () {
    this.timeout(90000);
    let red: RunningNodeRed;
    let userDir: string;
    let sim: GwsSimulator;
    let front: FayeFront;
    let next = 0;

    before(async () => {
      sim = await start({ users: USERS });
      front = await FayeFront.start(sim.url);
      userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'faye-interop-'));
      const own = writeRecorder(userDir);
      fs.writeFileSync(
        path.join(userDir, 'settings.js'),
        `module.exports = ${JSON.stringify({
          uiHost: '127.0.0.1',
          credentialSecret: 'faye-interop-secret',
          flowFile: 'flows.json',
          nodesDir: [path.join(root, 'dist', 'nodes', 'gws'), own],
          logging: { console: { level: 'info', metrics: false, audit: false } },
        })};\n`,
      );
      red = await startNodeRed(runtime(), userDir, await freePort());
      await deploy(red.url, flows(front.url, 'v1'));
    });
    after(async () => {
      await red?.stop();
      if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
      await front?.close();
      await sim?.close();
    });

    const got = async (): Promise<Recorded[]> => (await recorded(red.url))['f-rec'] ?? [];
    /** Publishes the next `n` numbered events through Faye; waits until the flow has every one so far. */
    const publishAndWait = async (n: number): Promise<Recorded[]> => {
      const from = next;
      next += n;
      await front.publish(
        CHANNEL,
        Array.from({ length: n }, (_, i) => ({ seq: from + i, call: { id: `C-${from + i}` } })),
      );
      const end = Date.now() + 15000;
      while ((await got()).length < next && Date.now() < end) await sleep(50);
      await sleep(300); // anything doubled would come now
      return got();
    };
    const assertOnce = (all: Recorded[]): void => {
      assert.deepEqual(
        all.map((g) => g.payload.seq),
        [...Array(next).keys()],
        'every event once, in order',
      );
      assert.ok(all.every((g) => g.topic === CHANNEL));
    };
    const handshakes = (): number => front.seen.filter((s) => s.dir === 'out' && s.channel === '/meta/handshake' && s.successful).length;

    it('events published through Faye reach the flow in order, exactly once (40 events)', async () => {
      await waitFor(() => front.subscribed(CHANNEL).length === 1, 30000, 'the flow subscribed at Faye');
      assertOnce(await publishAndWait(40));
      assert.equal(handshakes(), 1);
      assert.deepEqual(front.disconnects(), []);
    });

    it('Faye restarted on the same port (a fresh server): the flow handshakes and subscribes again; 40 + 20 events once, in order', async () => {
      const before = front.subscribed(CHANNEL);
      await front.stop();
      front.fresh(); // the new server knows no client: the flow's connect gets `401::Unknown client`
      await sleep(300);
      await front.listen();
      await waitFor(() => front.subscribed(CHANNEL).length === 2, 30000, 'subscribed again');
      assert.notEqual(front.subscribed(CHANNEL)[1], before[0], 'a new client');
      assertOnce(await publishAndWait(20));
      assert.equal(handshakes(), 2, 'one handshake after the restart');
      assert.deepEqual(front.disconnects(), []);
    });

    it('a redeploy sends one /meta/disconnect for the old client, seen by Faye; the new one gets the next 10 events once', async () => {
      const old = front.subscribed(CHANNEL).at(-1);
      await deploy(red.url, flows(front.url, 'v2'));
      await waitFor(() => front.disconnects().length === 1, 15000, 'a /meta/disconnect');
      assert.deepEqual(front.disconnects(), [old]);
      await waitFor(() => front.subscribed(CHANNEL).length === 3, 30000, 'the redeployed flow subscribed');
      assertOnce(await publishAndWait(10));
      assert.equal(handshakes(), 3);
      assert.equal(front.disconnects().length, 1);
    });

    it('stopping Node-RED sends one /meta/disconnect for the live client, seen by Faye', async () => {
      const live = front.subscribed(CHANNEL).at(-1);
      await red.stop();
      assert.deepEqual(front.disconnects().slice(1), [live]);
      assert.equal(front.disconnects().length, 2);
      assert.match(red.output(), /Started flows/);
    });
  });
}
