/**
 * The attack suite in a real Node-RED (4.1 on Node 20 and 5 on Node 22) with the packed package
 * installed: every vendor's operation node against a hostile server (echoes of the request at
 * 200/401/500, huge answers, gzip/deflate/br bombs, an endless body, deep JSON, a redirect), each
 * output wired to two nodes (so Node-RED clones every msg), and hostile callers of the Diyalog
 * endpoint (3,000 levels of attachedData, 1,001 keys, bad JSON, oversize bodies). After each
 * attack Node-RED still answers and the next msg ends as it did before the attack; at the end a
 * secret scan runs over every msg, error, status and everything Node-RED printed. Issue #16.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startSimulator } from '../../simulators/registry';
import type { Simulator } from '../../simulators/common';
import { rawRequest, sleep } from '../helpers';
import { ROOT, freePort, makeUserDir, nodeRed4, nodeRed5, pack, startNodeRed, type Runtime, type RunningNodeRed } from '../support/nodered';
import { HostileServer, basic, scan, type Attack } from './hostile';

type Def = Record<string, unknown>;

const TOKEN = 'dlgSecTok7Qx2Lm9';
/** Decoded size of huge answers and bombs: 6 × the default cap (4 MiB). */
const BOMB_BYTES = 24 * 1024 * 1024;

/** A recorder node (every msg it gets, serialised), a driver route and the onComplete endings. */
const DRIVER_JS = `module.exports = function (RED) {
  const seen = [];
  const ends = {};
  // At most 2 MB of each msg is kept (answers over the 4 MiB cap are filler by construction).
  const text = (m) => { try { const t = JSON.stringify(m, (k, v) => (k === 'req' || k === 'res' ? undefined : v)); return t.length > 2e6 ? t.slice(0, 1e6) + t.slice(-1e6) : t; } catch (e) { return 'unserialisable: ' + e.message; } };
  function Recorder(def) {
    RED.nodes.createNode(this, def);
    this.on('input', (msg, send, done) => { seen.push(text(msg)); done(); });
  }
  RED.nodes.registerType('sec-recorder', Recorder);
  RED.hooks.add('onComplete.secdriver', (ev) => {
    const id = ev.msg && ev.msg._sec;
    if (typeof id !== 'string') return;
    (ends[id] = ends[id] || []).push({ node: ev.node.id, code: ev.error ? String(ev.error.code || 'NO_CODE') : null, message: ev.error ? String(ev.error.message) : null });
  });
  RED.httpAdmin.post('/sec-driver/send/:id', (req, res) => {
    const n = RED.nodes.getNode(req.params.id);
    if (!n) return res.status(404).json({ error: 'no node ' + req.params.id });
    n.receive(req.body.msg);
    res.json({ ok: true });
  });
  RED.httpAdmin.get('/sec-driver/ends', (req, res) => res.json(ends));
  RED.httpAdmin.get('/sec-driver/seen', (req, res) => res.json(seen));
};
`;

interface VendorCase {
  id: string;
  sim: string;
  simOpts?: Record<string, unknown>;
  attackPath: RegExp;
  config(url: string): Def;
  credentials: Record<string, string>;
  op: Def;
  payload: Def;
}

const VENDORS: VendorCase[] = [
  {
    id: 'dlg',
    sim: 'diyalog',
    simOpts: { authToken: TOKEN },
    attackPath: /\/queue\/CreateInteraction$/,
    config: (url) => ({ type: 'diyalog-config', url: url + '/queue' }),
    credentials: { authToken: TOKEN },
    op: { type: 'diyalog-create-interaction', attachedDataShape: 'array' },
    payload: { customerId: 'c-1', attachedData: { a: '1' } },
  },
  {
    id: 'vq',
    sim: 'virtualq',
    attackPath: /\/waiters$/,
    config: (url) => ({ type: 'virtualq-config', url }),
    credentials: { apiKey: 'sim-virtualq-key' },
    op: { type: 'virtualq-caller', operation: 'listWaiting' },
    payload: { callCenterId: 1 },
  },
  {
    id: 'am',
    sim: 'ameyo',
    attackPath: /ameyowebaccess/,
    config: (url) => ({ type: 'ameyo-config', url, requestingHost: 'sim-crm' }),
    credentials: { hashKey: 'sim-hash-key' },
    op: { type: 'ameyo-click-to-dial' },
    payload: { campaignId: 1, userId: 'agent', phone: '5551234' },
  },
  {
    id: 'icws',
    sim: 'icws',
    attackPath: /\/status\/user-statuses\//,
    config: (url) => ({ type: 'icws-config', url, restoreDialer: false }),
    credentials: { username: 'agent1', password: 'agent1-secret' },
    op: { type: 'icws-dialer', operation: 'setStatus' },
    payload: { statusId: 'Available' },
  },
  {
    id: 'gws',
    sim: 'gws',
    attackPath: /\/api\/v2\/interactions\/x-1$/,
    config: (url) => ({ type: 'gws-config', url }),
    credentials: { username: 'agent01', password: 'agent01-pass' },
    op: { type: 'interaction-op', operation: 'get' },
    payload: { interactionId: 'x-1' },
  },
];

const STATIC_SECRETS = [TOKEN, 'sim-virtualq-key', 'sim-hash-key', 'agent1-secret', 'agent01-pass', basic('agent01', 'agent01-pass')];

const ATTACKS: Array<{ attack: Attack; status: number; expect: 'any' | 'limit' | 'error' }> = [
  { attack: 'echo', status: 200, expect: 'any' },
  { attack: 'echo', status: 401, expect: 'error' },
  { attack: 'echo', status: 500, expect: 'error' },
  { attack: 'echoText', status: 500, expect: 'error' },
  { attack: 'deep', status: 200, expect: 'any' },
  { attack: 'redirect', status: 302, expect: 'error' },
  { attack: 'huge', status: 200, expect: 'limit' },
  { attack: 'gzip', status: 200, expect: 'limit' },
  { attack: 'deflate', status: 200, expect: 'limit' },
  { attack: 'br', status: 200, expect: 'limit' },
  { attack: 'endless', status: 200, expect: 'limit' },
];

const RUNTIMES: Array<[string, () => Runtime]> = [
  ['4.1', nodeRed4],
  ['5', nodeRed5],
];

for (const [label, runtime] of RUNTIMES)
  describe(`security: attacks on a real Node-RED ${label} with the packed package`, function () {
    this.timeout(120000);
    let nr: RunningNodeRed;
    const sims: Simulator[] = [];
    const hostile = new Map<string, HostileServer>();
    let elsewhere: HostileServer;
    const baseline = new Map<string, string | null>();
    let seq = 0;
    const DLG_IN = '/sec-dlg';

    async function send(node: string, payload: Def): Promise<{ code: string | null; message: string | null }> {
      const id = `m${++seq}`;
      const r = await rawRequest(`${nr.url}/sec-driver/send/${node}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ msg: { _sec: id, payload } }),
      });
      assert.equal(r.status, 200, r.text);
      const end = Date.now() + 30000;
      for (;;) {
        const ends = (await rawRequest(`${nr.url}/sec-driver/ends`)).json as Record<
          string,
          Array<{ node: string; code: string | null; message: string | null }>
        >;
        const mine = (ends[id] ?? []).filter((e) => e.node === node);
        if (mine.length) return mine[0];
        if (Date.now() > end) throw new Error(`msg ${id} at ${node} never ended`);
        await sleep(50);
      }
    }

    async function alive(): Promise<void> {
      const r = await rawRequest(`${nr.url}/settings`);
      assert.equal(r.status, 200, 'Node-RED answers');
    }

    before(async function () {
      elsewhere = await new HostileServer().listen();
      const flows: Def[] = [{ id: 'sec', type: 'tab', label: 'security' }];
      let y = 40;
      flows.push({ id: 'rec', type: 'sec-recorder', z: 'sec', x: 600, y: 40, wires: [] });
      flows.push({ id: 'rec2', type: 'sec-recorder', z: 'sec', x: 600, y: 80, wires: [] });
      flows.push({ id: 'catch', type: 'catch', z: 'sec', scope: null, uncaught: false, x: 100, y: 20, wires: [['rec']] });
      flows.push({ id: 'status', type: 'status', z: 'sec', scope: null, x: 100, y: 30, wires: [['rec']] });
      for (const v of VENDORS) {
        const sim = await startSimulator(v.sim, { port: 0, ...(v.simOpts ?? {}) });
        sims.push(sim);
        const h = await new HostileServer(sim.url).listen();
        hostile.set(v.id, h);
        flows.push({ id: `cfg-${v.id}`, timeout: 5000, ...v.config(h.url), credentials: v.credentials });
        flows.push({ id: `op-${v.id}`, z: 'sec', x: 300, y: (y += 40), config: `cfg-${v.id}`, ...v.op, wires: [['rec', 'rec2']] });
      }
      // The endpoint's create output goes to two nodes: Node-RED clones the msg.
      flows.push(
        {
          id: 'in',
          type: 'diyalog-interaction-in',
          z: 'sec',
          path: DLG_IN,
          config: '',
          responseTimeout: 5000,
          x: 100,
          y: 400,
          wires: [['chg', 'rec2'], ['resp']],
        },
        { id: 'chg', type: 'change', z: 'sec', rules: [{ t: 'set', p: 'interactionId', pt: 'msg', to: 'i-1', tot: 'str' }], x: 300, y: 400, wires: [['resp']] },
        { id: 'resp', type: 'diyalog-interaction-response', z: 'sec', x: 500, y: 400, wires: [] },
      );
      const userDir = makeUserDir(path.join(ROOT, '.cache', `sec-userdir-${label}`), pack(), {
        logging: { console: { level: 'debug', metrics: false, audit: true } },
      });
      fs.mkdirSync(path.join(userDir, 'nodes'), { recursive: true });
      fs.writeFileSync(path.join(userDir, 'nodes', 'sec-driver.js'), DRIVER_JS);
      fs.writeFileSync(path.join(userDir, 'nodes', 'sec-driver.html'), '');
      nr = await startNodeRed(runtime(), userDir, await freePort());
      const r = await rawRequest(`${nr.url}/flows`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
        body: JSON.stringify(flows),
      });
      assert.ok(r.status === 200 || r.status === 204, r.text);
      await sleep(500);
      for (const v of VENDORS) baseline.set(v.id, (await send(`op-${v.id}`, v.payload)).code);
    });

    after(async () => {
      // A Node-RED that died by a signal has no exit code: stop() would wait for an exit already seen.
      if (nr && nr.proc.exitCode === null && nr.proc.signalCode === null) await nr.stop();
      for (const h of hostile.values()) await h.close();
      await elsewhere?.close();
      for (const s of sims) await s.close();
    });

    for (const v of VENDORS)
      for (const a of ATTACKS)
        it(`${v.op.type as string}: ${a.attack} (HTTP ${a.status}) ends that msg only${a.expect === 'limit' ? ', with VENDOR_ERROR naming the limit' : ''}; the next msg works`, async () => {
          const h = hostile.get(v.id) as HostileServer;
          h.rules = [
            {
              path: v.attackPath,
              attack: a.attack,
              status: a.status,
              bytes: a.attack === 'deep' ? 1000 * 1000 : BOMB_BYTES,
              location: elsewhere.url + '/steal',
            },
          ];
          let ended: { code: string | null; message: string | null };
          try {
            ended = await send(`op-${v.id}`, v.payload);
          } finally {
            h.rules = [];
          }
          await alive();
          if (a.expect === 'error') assert.ok(ended.code, `expected an error, the msg succeeded`);
          if (a.expect === 'limit') {
            assert.equal(ended.code, 'VENDOR_ERROR', String(ended.message));
            assert.match(String(ended.message), /limit|larger than|too large|bytes/i);
          }
          if (a.attack === 'redirect') assert.equal(elsewhere.seen.length, 0, 'the redirect was followed');
          const next = await send(`op-${v.id}`, v.payload);
          assert.equal(next.code, baseline.get(v.id), `the next msg ended otherwise: ${String(next.message)}`);
        });

    describe('hostile callers of the Diyalog endpoint', () => {
      const post = (body: string | Buffer, type = 'application/json'): ReturnType<typeof rawRequest> =>
        rawRequest(`${nr.url}${DLG_IN}/CreateInteraction`, { method: 'POST', headers: { 'content-type': type }, body });
      const deep = (n: number): string => '{"customerId":"c","attachedData":[{"k":' + '{"a":'.repeat(n) + '1' + '}'.repeat(n) + '}]}';

      async function nextWorks(): Promise<void> {
        await alive();
        const ok = await post(JSON.stringify({ customerId: 'c-2', attachedData: [{ a: '1' }] }));
        assert.equal(ok.status, 200, ok.text);
        assert.deepEqual(ok.json, { success: true, errorMessage: null, result: { interactionId: 'i-1' } });
      }

      function envelope400(r: { status: number; text: string; headers: Record<string, unknown> }, pattern: RegExp): void {
        assert.equal(r.status, 400, r.text.slice(0, 200));
        assert.match(String(r.headers['content-type']), /application\/json/);
        const b = JSON.parse(r.text) as { success: boolean; errorMessage: string; result: unknown };
        assert.equal(b.success, false);
        assert.equal(b.result, null);
        assert.match(b.errorMessage, pattern);
      }

      for (const type of ['application/json', 'text/plain'])
        it(`attachedData 3,000 levels deep (${type}), output wired to two nodes: 400 envelope, Node-RED alive, next msg works`, async () => {
          envelope400(await post(deep(3000), type), /deeper than 32/);
          await nextWorks();
        });

      it('1,001 keys: 400 envelope; next msg works', async () => {
        const wide = { customerId: 'c', attachedData: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`k${i}`, 'v'])) };
        envelope400(await post(JSON.stringify(wide)), /more than 1000 keys/);
        await nextWorks();
      });

      it('bad JSON, a 200 KB body and a 6 MB JSON body: 400 envelopes, never an HTML page', async () => {
        envelope400(await post('{"customerId": ', 'application/json'), /not valid JSON/);
        envelope400(await post('{"customerId":"' + 'x'.repeat(200 * 1024) + '"}', 'text/plain'), /larger than/);
        envelope400(await post('{"customerId":"' + 'x'.repeat(6 * 1024 * 1024) + '"}', 'application/json'), /larger than/);
        await nextWorks();
      });

      it("the package's admin route answers a bad body with JSON", async () => {
        const r = await rawRequest(`${nr.url}/cc-glue/test-connection/ameyo-config`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"id": ',
        });
        assert.equal(r.status, 400);
        assert.match(String(r.headers['content-type']), /json/);
      });
    });

    describe('finally', () => {
      it('Node-RED never exited, and the secret scan finds no credential or session token in any msg, error, status or log line', async () => {
        await alive();
        const seen = (await rawRequest(`${nr.url}/sec-driver/seen`)).json as string[];
        assert.ok(seen.length > VENDORS.length * ATTACKS.length, `recorded ${seen.length} msgs`);
        const carried = [...hostile.values()].flatMap((h) => [...h.carried]);
        const leaks = scan([...seen, nr.output()].join('\n'), [...STATIC_SECRETS, ...carried]);
        assert.deepEqual(leaks, []);
      });
    });
  });
