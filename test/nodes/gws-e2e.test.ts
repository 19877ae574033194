/**
 * The GWS nodes in a real Node-RED process (red.js; Node-RED 4.1 on Node 20 and Node-RED 5 on
 * Node 22), flows deployed through the admin API: CometD notifications leave Node-RED through
 * an http request node to a collector, operations are driven through an http in endpoint, and
 * the simulator is restarted on the same port under the running flow.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { start, type GwsSimulator } from '../../simulators/gws';
import { deploy, freePort, nodeRed4, nodeRed5, startNodeRed, type RunningNodeRed, type Runtime } from '../support/nodered';
import { root, waitFor } from '../helpers';

const PASS = 'e2e-GWS-pass-5e1f09';
const USERS = [{ userName: 'agent01', password: PASS, id: '9d2c0f6e41b84a57' }];

type Json = Record<string, unknown>;

function flows(gwsUrl: string, collector: string): unknown[] {
  const z = 'g-tab';
  return [
    { id: z, type: 'tab', label: 'gws e2e' },
    { id: 'g-cfg', type: 'gws-config', name: 'agent01', url: gwsUrl, timeout: 5000, credentials: { username: 'agent01', password: PASS } },
    { id: 'g-in', type: 'http in', z, url: '/gws-op', method: 'post', upload: false, x: 100, y: 100, wires: [['g-prep']] },
    {
      id: 'g-prep',
      type: 'change',
      z,
      rules: [
        { t: 'set', p: 'operation', pt: 'msg', to: 'payload.operation', tot: 'msg' },
        { t: 'set', p: 'payload', pt: 'msg', to: 'payload.params', tot: 'msg' },
      ],
      x: 250,
      y: 100,
      wires: [['g-op']],
    },
    { id: 'g-op', type: 'interaction-op', z, config: 'g-cfg', operation: 'msg', x: 400, y: 100, wires: [['g-res']] },
    { id: 'g-res', type: 'http response', z, statusCode: '', headers: {}, x: 550, y: 100, wires: [] },
    { id: 'g-catch', type: 'catch', z, scope: ['g-op'], uncaught: false, x: 100, y: 160, wires: [['g-err']] },
    {
      id: 'g-err',
      type: 'change',
      z,
      rules: [
        { t: 'set', p: 'payload', pt: 'msg', to: '{"code": error.code, "message": error.message}', tot: 'jsonata' },
        { t: 'set', p: 'statusCode', pt: 'msg', to: '500', tot: 'num' },
      ],
      x: 250,
      y: 160,
      wires: [['g-res']],
    },
    { id: 'g-ev', type: 'interaction-events', z, config: 'g-cfg', channels: '/v2/me/interactions', x: 100, y: 220, wires: [['g-wrap']] },
    {
      id: 'g-wrap',
      type: 'change',
      z,
      rules: [{ t: 'set', p: 'payload', pt: 'msg', to: '{"topic": topic, "data": payload}', tot: 'jsonata' }],
      x: 250,
      y: 220,
      wires: [['g-post']],
    },
    {
      id: 'g-post',
      type: 'http request',
      z,
      method: 'POST',
      ret: 'txt',
      paytoqs: 'ignore',
      url: collector,
      tls: '',
      persist: false,
      proxy: '',
      authType: '',
      senderr: false,
      headers: [],
      x: 400,
      y: 220,
      wires: [[]],
    },
  ];
}

for (const [label, runtime] of [
  ['Node-RED 4.1 on Node 20', nodeRed4],
  ['Node-RED 5 on Node 22', nodeRed5],
] as Array<[string, () => Runtime]>) {
  describe(`GWS nodes in a real Node-RED: ${label}`, function () {
    this.timeout(90000);
    let red: RunningNodeRed;
    let userDir: string;
    let sim: GwsSimulator;
    let collector: http.Server;
    const events: Json[] = [];
    const sessionIds: string[] = [];

    before(async () => {
      sim = await start({ users: USERS, cometdTimeoutMs: 1000 });
      collector = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          events.push(JSON.parse(body) as Json);
          res.end('ok');
        });
      });
      await new Promise<void>((r) => collector.listen(0, '127.0.0.1', () => r()));
      const collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/events`;
      userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gws-e2e-'));
      fs.writeFileSync(
        path.join(userDir, 'settings.js'),
        `module.exports = ${JSON.stringify({
          uiHost: '127.0.0.1',
          credentialSecret: 'gws-e2e-secret',
          flowFile: 'flows.json',
          nodesDir: [path.join(root, 'dist', 'nodes', 'gws')],
          logging: { console: { level: 'debug', metrics: false, audit: false } },
        })};\n`,
      );
      red = await startNodeRed(runtime(), userDir, await freePort());
      await deploy(red.url, flows(sim.url, collectorUrl));
    });
    after(async () => {
      await red?.stop();
      if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
      await sim?.close();
      collector?.closeAllConnections();
      await new Promise<void>((r) => (collector ? collector.close(() => r()) : r()));
    });

    const subscribed = (): Promise<void> =>
      waitFor(() => [...sim.bayeux.clients.values()].some((c) => c.subscriptions.has('/v2/me/interactions')), 30000, 'CometD subscription from Node-RED');
    const op = async (operation: string, params: Json): Promise<{ status: number; body: Json }> => {
      const r = await fetch(`${red.url}/gws-op`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ operation, params }),
      });
      return { status: r.status, body: (await r.json()) as Json };
    };
    const eventIds = (): string[] => events.map((e) => String(((e.data as Json).interaction as Json | undefined)?.id));

    it('loads the gws node set without error', async () => {
      const r = await fetch(red.url + '/nodes', { headers: { accept: 'application/json' } });
      const sets = (await r.json()) as Array<{ types: string[]; err?: string }>;
      const mine = sets.find((s) => s.types.includes('interaction-op'));
      assert.ok(mine, 'gws set registered');
      assert.equal(mine.err, undefined);
      for (const t of ['gws-config', 'gws-agent', 'interaction-events']) assert.ok(mine.types.includes(t), t);
    });

    it('delivers CometD notifications and runs operations with the session', async () => {
      await subscribed();
      sim.invite({ id: 'E2E-1', userData: { Subject: 'Card blocked' } });
      await waitFor(() => eventIds().includes('E2E-1'), 10000, 'invite notification');
      assert.equal(events[0].topic, '/v2/me/interactions');
      const acc = await op('Accept', { interactionId: 'E2E-1' });
      assert.equal(acc.status, 200);
      assert.equal(acc.body.ok, true);
      assert.equal(typeof acc.body.referenceId, 'number');
      assert.equal(sim.interactions.get('E2E-1')!.state, 'Processing');
      sim.invite({ id: 'E2E-2' });
      const refused = await op('Transfer', { interactionId: 'E2E-2', userId: 'agent07' });
      assert.equal(refused.status, 500);
      assert.equal(refused.body.code, 'CONFLICT');
      const bad = await op('PlaceInQueue', { interactionId: 'E2E-1' });
      assert.equal(bad.body.code, 'INVALID_INPUT');
    });

    it('comes back after the simulator restarts on the same port, without a redeploy', async () => {
      const port = sim.server.port;
      sessionIds.push(...sim.sessions.keys());
      await sim.close();
      await new Promise((r) => setTimeout(r, 500));
      sim = await start({ port, users: USERS, cometdTimeoutMs: 1000 });
      await subscribed();
      sim.invite({ id: 'E2E-AFTER' });
      await waitFor(() => eventIds().includes('E2E-AFTER'), 15000, 'invite after restart');
      const acc = await op('Accept', { interactionId: 'E2E-AFTER' });
      assert.equal(acc.status, 200);
    });

    it('never logs the password, the Basic header or the session cookie', () => {
      const out = red.output();
      assert.ok(!out.includes(PASS));
      assert.ok(!out.includes(Buffer.from(`agent01:${PASS}`).toString('base64')));
      const sids = [...sessionIds, ...sim.sessions.keys()];
      assert.ok(sids.length >= 2);
      for (const sid of sids) assert.ok(!out.includes(sid));
      assert.match(out, /Started flows/);
    });
  });
}
