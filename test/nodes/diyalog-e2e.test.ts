/**
 * diyalog-interaction-in in a real Node-RED process (red.js, Node-RED 4.1) with httpNodeRoot,
 * httpNodeAuth and httpNodeMiddleware set, flows deployed through the admin API, driven over
 * HTTP by the Diyalog simulator's client role; a redeploy moves the endpoint.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { driveCreate, driveDelete } from '../../simulators/diyalog/driver';
import { deploy, freePort, nodeRed4, nodeRed5, startNodeRed, type RunningNodeRed, type Runtime } from '../support/nodered';
import { root } from '../helpers';

const TOKEN = 'e2e-TOKEN-c41d98aa';
const USER = 'diyalog';
const PASS = 'e2e-basic-PASS-71';

function flows(path: string): unknown[] {
  return [
    { id: 'dy-tab', type: 'tab', label: 'diyalog e2e' },
    { id: 'dy-cfg', type: 'diyalog-config', name: 'token', url: '', credentials: { authToken: TOKEN } },
    {
      id: 'dy-in',
      type: 'diyalog-interaction-in',
      z: 'dy-tab',
      path,
      config: 'dy-cfg',
      responseTimeout: 5000,
      x: 100,
      y: 100,
      wires: [['dy-route'], ['dy-resp']],
    },
    {
      id: 'dy-route',
      type: 'function',
      z: 'dy-tab',
      name: 'route',
      func: "msg.interactionId = 'IX-' + msg.payload.attachedData.ProcessType + '-' + msg.payload.customerId; return msg;",
      outputs: 1,
      x: 300,
      y: 100,
      wires: [['dy-resp']],
    },
    { id: 'dy-resp', type: 'diyalog-interaction-response', z: 'dy-tab', interactionId: 'interactionId', interactionIdType: 'msg', x: 500, y: 100, wires: [] },
  ];
}

for (const [label, runtime] of [
  ['Node-RED 4.1 on Node 20', nodeRed4],
  ['Node-RED 5 on Node 22', nodeRed5],
] as Array<[string, () => Runtime]>) {
  describe(`diyalog-interaction-in in a real Node-RED (httpNodeRoot, httpNodeAuth, httpNodeMiddleware): ${label}`, function () {
    this.timeout(90000);
    let red: RunningNodeRed;
    let userDir: string;

    before(async () => {
      userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'diyalog-e2e-'));

      const bcrypt = require('bcryptjs') as { hashSync(s: string, rounds: number): string };
      const settings = `module.exports = {
    uiHost: '127.0.0.1',
    credentialSecret: 'diyalog-e2e-secret',
    flowFile: 'flows.json',
    nodesDir: [${JSON.stringify(path.join(root, 'dist', 'nodes', 'diyalog'))}],
    httpNodeRoot: '/api',
    httpNodeAuth: { user: ${JSON.stringify(USER)}, pass: ${JSON.stringify(bcrypt.hashSync(PASS, 8))} },
    httpNodeMiddleware: function (req, res, next) { res.setHeader('x-node-middleware', 'ran'); next(); },
    logging: { console: { level: 'info', metrics: false, audit: false } },
  };
  `;
      fs.writeFileSync(path.join(userDir, 'settings.js'), settings);
      red = await startNodeRed(runtime(), userDir, await freePort());
      await deploy(red.url, flows('/diyalog'));
      await waitDeployed();
    });
    after(async () => {
      await red?.stop();
      if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
    });

    async function waitDeployed(): Promise<void> {
      for (let i = 0; i < 100; i++) {
        if (/Started flows/.test(red.output().split('Stopped flows').pop() ?? '')) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('flows did not start:\n' + red.output());
    }

    const authed = (p: string): string => `http://${USER}:${PASS}@127.0.0.1:${red.port}/api${p}`;

    it('loads the diyalog node set without error', async () => {
      const r = await fetch(red.url + '/nodes', { headers: { accept: 'application/json' } });
      const sets = (await r.json()) as Array<{ types: string[]; err?: string }>;
      const mine = sets.find((s) => s.types.includes('diyalog-interaction-in'));
      assert.ok(mine, 'diyalog set registered');
      assert.equal(mine.err, undefined);
      for (const t of [
        'diyalog-config',
        'diyalog-api-config',
        'diyalog-interaction-response',
        'diyalog-create-interaction',
        'diyalog-delete-interaction',
        'diyalog-interaction-not-delivered',
      ])
        assert.ok(mine.types.includes(t), t);
    });

    it('serves under httpNodeRoot behind httpNodeAuth, checks Auth-Token, applies the middleware', async () => {
      const ok = await driveCreate({ endpoint: authed('/diyalog'), customerId: 'CUS-1', attachedData: { ProcessType: 'VideoCall' }, authToken: TOKEN });
      assert.equal(ok.status, 200);
      assert.equal(ok.body, '{"success":true,"errorMessage":null,"result":{"interactionId":"IX-VideoCall-CUS-1"}}');
      assert.equal(ok.headers['x-node-middleware'], 'ran');
      const flat = await driveCreate({
        endpoint: authed('/diyalog'),
        customerId: 'CUS-2',
        attachedData: { ProcessType: 'VoiceCall' },
        shape: 'object',
        authToken: TOKEN,
      });
      assert.equal((flat.json as { result: { interactionId: string } }).result.interactionId, 'IX-VoiceCall-CUS-2');
      const del = await driveDelete({ endpoint: authed('/diyalog'), interactionId: 'IX-VideoCall-CUS-1', authToken: TOKEN });
      assert.equal(del.body, '{"success":true,"errorMessage":null,"result":null}');

      const noBasic = await driveCreate({ endpoint: `http://127.0.0.1:${red.port}/api/diyalog`, customerId: 'C', authToken: TOKEN });
      assert.equal(noBasic.status, 401, 'httpNodeAuth applies');
      const noToken = await driveCreate({ endpoint: authed('/diyalog'), customerId: 'C' });
      assert.equal(noToken.status, 401);
      assert.deepEqual(noToken.json, { success: false, errorMessage: 'Auth-Token header is missing or wrong', result: null });
      const outsideRoot = await driveCreate({ endpoint: `http://${USER}:${PASS}@127.0.0.1:${red.port}/diyalog`, customerId: 'C', authToken: TOKEN });
      assert.equal(outsideRoot.status, 404, 'only under httpNodeRoot');
    });

    it('moves the endpoint on redeploy: the new path answers, the old one is gone', async () => {
      await deploy(red.url, flows('/queue-v2'));
      await waitDeployed();
      const old = await driveCreate({ endpoint: authed('/diyalog'), customerId: 'C', attachedData: { ProcessType: 'VideoCall' }, authToken: TOKEN });
      assert.equal(old.status, 404);
      assert.equal(old.json, undefined, 'not our envelope: the route is gone');
      const now = await driveCreate({ endpoint: authed('/queue-v2'), customerId: 'C', attachedData: { ProcessType: 'VideoCall' }, authToken: TOKEN });
      assert.equal(now.status, 200);
    });

    it('never logs the token', () => {
      assert.ok(!red.output().includes(TOKEN));
      assert.ok(!red.output().includes(PASS));
    });
  });
}
