/**
 * A real Node-RED 4.1 process with the packed package installed and adminAuth on, every
 * registered node set deployed against its simulator with known secret credentials:
 *
 * - admin endpoints of the package need a token with the right permission;
 * - the flow export, the credentials and test-connection answers and the whole log hold no secret;
 * - TLS is verified unless a tls-config node turns it off;
 * - the Diyalog inbound endpoint under fuzzed bodies and headers, oversize bodies, wrong
 *   content types, deep nesting, prototype keys, invalid UTF-8 and slow-loris clients:
 *   clean 4xx answers, no pollution, bounded memory, other clients still served;
 * - a redeploy and a stop with requests in flight: every msg ends exactly once, no crash.
 *
 * Msgs are driven and counted by a small local node (userDir/nodes/rel-driver.js) that
 * injects msgs through an admin route and records every completion through the onComplete hook.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as path from 'node:path';
import fc from 'fast-check';
import type { ConfigSpec } from '../../nodes/shared/spec';
import type { Simulator } from '../../simulators/common';
import { rawRequest, root, sleep, type RawAnswer } from '../helpers';
import { selfSignedCert } from '../support/tls';
import { ROOT, freePort, makeUserDir, nodeRed4, nodeRed5, pack, startNodeRed, type Runtime, type RunningNodeRed } from '../support/nodered';
import { ALL_SECRETS, PROFILES, type Profile } from './profiles';
import { FUZZ_RUNS, N, SOAK, record, registeredSets, writeReport, type Tally } from './support';

type Def = Record<string, unknown>;

const ADMIN_PASSWORD = 'REL-admin-password-51c9e0';
const VIEWER_PASSWORD = 'REL-viewer-password-8d2f4b';
const DLG_PATH = '/rel-dlg';

const DRIVER_JS = `module.exports = function (RED) {
  const fs = require('fs');
  const path = require('path');
  const file = path.join(RED.settings.userDir, 'rel-ends.log');
  const ends = {};
  RED.hooks.add('onComplete.reldriver', (ev) => {
    const id = ev.msg && ev.msg._rel;
    if (typeof id !== 'string') return;
    const e = { id, node: ev.node.id, code: ev.error ? String(ev.error.code || 'NO_CODE') : null, message: ev.error ? String(ev.error.message) : null };
    (ends[id] = ends[id] || []).push(e);
    fs.appendFileSync(file, JSON.stringify(e) + '\\n');
  });
  RED.httpAdmin.post('/rel-driver/send/:id', RED.auth.needsPermission('flows.write'), (req, res) => {
    const n = RED.nodes.getNode(req.params.id);
    if (!n) return res.status(404).json({ error: 'no node ' + req.params.id });
    for (const m of req.body.msgs) n.receive(m);
    res.json({ ok: true });
  });
  RED.httpAdmin.get('/rel-driver/ends', RED.auth.needsPermission('flows.read'), (req, res) => res.json(ends));
  RED.httpAdmin.get('/rel-driver/heap', RED.auth.needsPermission('flows.read'), (req, res) => {
    if (global.gc) { global.gc(); global.gc(); }
    res.json(process.memoryUsage());
  });
  RED.httpAdmin.get('/rel-driver/proto', RED.auth.needsPermission('flows.read'), (req, res) => res.json({ polluted: ({}).polluted === undefined ? null : String(({}).polluted) }));
};
`;

const request = rawRequest;

/** Node-RED with `--expose-gc`, ready when `/auth/login` answers (with adminAuth `/settings` needs a token). */
function startWithAdminAuth(rt: Runtime, userDir: string, port: number): Promise<RunningNodeRed> {
  return startNodeRed(rt, userDir, port, {}, 60000, { nodeArgs: ['--expose-gc'], readyPath: '/auth/login' });
}

/** VmRSS of a process in bytes (Linux). */
function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Node-RED 4.1 in `npm test`; the soak run adds Node-RED 5 on Node 22 (scripts/setup-nr5.js). */
const RUNTIMES: Array<[string, () => Runtime]> = SOAK
  ? [
      ['4.1', nodeRed4],
      ['5', nodeRed5],
    ]
  : [['4.1', nodeRed4]];

for (const [label, runtime] of RUNTIMES)
  describe(`reliability in a real Node-RED ${label} process (adminAuth, secrets, TLS, inbound endpoint, redeploy and stop in flight)`, function () {
    this.timeout(240000);
    const sets = registeredSets().filter((s) => PROFILES[s]);
    const sims = new Map<string, Simulator>();
    let nr: RunningNodeRed | undefined;
    let userDir = '';
    let adminToken = '';
    let viewerToken = '';
    let flows: Def[] = [];
    let httpsServer: https.Server | undefined;
    let httpsUrl = '';
    const httpsHits: string[] = [];
    let seq = 0;
    const admin = (): Record<string, string> => ({ authorization: `Bearer ${adminToken}` });

    async function token(username: string, password: string, scope = '*'): Promise<string> {
      const r = await request(`${(nr as RunningNodeRed).url}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: 'node-red-admin', grant_type: 'password', scope, username, password }).toString(),
      });
      assert.equal(r.status, 200, r.text);
      return String((r.json as { access_token: string }).access_token);
    }

    async function deploy(f: Def[]): Promise<void> {
      const r = await request(`${(nr as RunningNodeRed).url}/flows`, {
        method: 'POST',
        headers: { ...admin(), 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
        body: JSON.stringify(f),
      });
      assert.ok(r.status === 200 || r.status === 204, `deploy: ${r.status} ${r.text}`);
      await sleep(500);
    }

    async function drive(nodeId: string, msgs: Def[]): Promise<void> {
      const r = await request(`${(nr as RunningNodeRed).url}/rel-driver/send/${nodeId}`, {
        method: 'POST',
        headers: { ...admin(), 'content-type': 'application/json' },
        body: JSON.stringify({ msgs }),
      });
      assert.equal(r.status, 200, r.text);
    }

    async function ends(): Promise<Record<string, Array<{ node: string; code: string | null; message?: string | null }>>> {
      const r = await request(`${(nr as RunningNodeRed).url}/rel-driver/ends`, { headers: admin() });
      return r.json as Record<string, Array<{ node: string; code: string | null; message?: string | null }>>;
    }

    function tally(all: Record<string, Array<{ node: string; code: string | null; message?: string | null }>>, ids: string[], node: string): Tally {
      const t: Tally = { sent: ids.length, delivered: 0, errored: 0, lost: 0, duplicated: 0, codes: {} };
      for (const id of ids) {
        const e = (all[id] ?? []).filter((x) => x.node === node);
        if (!e.length) t.lost++;
        else if (e.length > 1) t.duplicated++;
        if (!e.length) continue;
        if (e[0].code) {
          t.errored++;
          t.codes[e[0].code] = (t.codes[e[0].code] ?? 0) + 1;
        } else t.delivered++;
      }
      return t;
    }

    async function settle(ids: string[], node: string, ms = 30000): Promise<Tally> {
      const end = Date.now() + ms;
      let t = tally(await ends(), ids, node);
      while (t.lost > 0 && Date.now() < end) {
        await sleep(200);
        t = tally(await ends(), ids, node);
      }
      await sleep(200);
      return tally(await ends(), ids, node);
    }

    /** Every registered set's config and op nodes, the Diyalog endpoint, and a TLS copy of each op. */
    function buildFlows(): Def[] {
      const f: Def[] = [{ id: 'reltab', type: 'tab', label: 'reliability' }];
      let y = 40;
      for (const set of sets) {
        const p = PROFILES[set];
        const { nodes, credentials } = p.configs(sims.get(set) as Simulator);
        for (const n of nodes) f.push({ ...n, credentials: credentials[String(n.id)] });
        for (const op of p.ops) f.push({ id: op.id, z: 'reltab', x: 200, y: (y += 40), ...op.node, wires: [[]] });
        if (p.events) f.push({ id: p.events.id, z: 'reltab', x: 200, y: (y += 40), ...p.events.node, wires: [[]] });
        // The same op against an HTTPS server with a self-signed certificate: verified, then not.
        for (const verify of [true, false]) {
          const suffix = verify ? 'tlsv' : 'tlsoff';
          for (const n of nodes) {
            const url = String(n.url ?? '').replace(/^http:\/\/127\.0\.0\.1:\d+/, httpsUrl);
            f.push({ ...n, id: `${n.id}-${suffix}`, url, tls: verify ? '' : 'rel-tls-off', credentials: credentials[String(n.id)] });
          }
          for (const op of p.ops)
            f.push({ id: `${op.id}-${suffix}`, z: 'reltab', x: 400, y: (y += 40), ...op.node, config: `${String(op.node.config)}-${suffix}`, wires: [[]] });
        }
      }
      f.push({
        id: 'rel-tls-off',
        type: 'tls-config',
        name: 'no verify',
        cert: '',
        key: '',
        ca: '',
        certname: '',
        keyname: '',
        caname: '',
        servername: '',
        verifyservercert: false,
      });
      if (sets.includes('diyalog')) {
        f.push(
          {
            id: 'dlg-in',
            type: 'diyalog-interaction-in',
            z: 'reltab',
            x: 100,
            y: 600,
            path: DLG_PATH,
            config: 'dlg-cfg',
            responseTimeout: 5000,
            wires: [['dlg-assign'], ['dlg-resp']],
          },
          {
            id: 'dlg-assign',
            type: 'function',
            z: 'reltab',
            x: 300,
            y: 600,
            func: "msg.interactionId = 'IX-' + Date.now(); return msg;",
            outputs: 1,
            wires: [['dlg-resp']],
          },
          { id: 'dlg-resp', type: 'diyalog-interaction-response', z: 'reltab', x: 500, y: 600, wires: [] },
        );
      }
      return f;
    }

    before(async function () {
      if (!sets.length) return;
      const bcrypt = require('bcryptjs') as { hashSync(p: string, r: number): string };
      const { key, cert } = selfSignedCert();
      httpsServer = https.createServer({ key, cert }, (req, res) => {
        httpsHits.push(`${req.method} ${req.url}`);
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      });
      await new Promise<void>((r) => (httpsServer as https.Server).listen(0, '127.0.0.1', () => r()));
      httpsUrl = `https://127.0.0.1:${(httpsServer.address() as net.AddressInfo).port}`;
      for (const set of sets) sims.set(set, await PROFILES[set].start());
      userDir = makeUserDir(path.join(ROOT, '.cache', `rel-userdir-${label}`), pack(), {
        adminAuth: {
          type: 'credentials',
          users: [
            { username: 'admin', password: bcrypt.hashSync(ADMIN_PASSWORD, 8), permissions: '*' },
            { username: 'viewer', password: bcrypt.hashSync(VIEWER_PASSWORD, 8), permissions: 'read' },
          ],
        },
        logging: { console: { level: 'debug', metrics: false, audit: true } },
      });
      fs.mkdirSync(path.join(userDir, 'nodes'), { recursive: true });
      fs.writeFileSync(path.join(userDir, 'nodes', 'rel-driver.js'), DRIVER_JS);
      fs.writeFileSync(path.join(userDir, 'nodes', 'rel-driver.html'), '');
      nr = await startWithAdminAuth(runtime(), userDir, await freePort());
      adminToken = await token('admin', ADMIN_PASSWORD);
      viewerToken = await token('viewer', VIEWER_PASSWORD, 'read');
      flows = buildFlows();
      await deploy(flows);
    });

    after(async () => {
      await nr?.stop();
      for (const s of sims.values()) await s.close();
      httpsServer?.closeAllConnections();
      await new Promise((r) => (httpsServer ? httpsServer.close(r) : r(undefined)));
      writeReport();
    });

    it('the package admin endpoints refuse requests without a token or without write permission', async () => {
      const types: string[] = [];
      for (const set of registeredSets()) {
        const specs = (require(path.join(root, 'dist', 'nodes', set, 'spec.js')) as { specs: { config: ConfigSpec[] } }).specs;
        for (const c of specs.config) if (c.testConnection) types.push(c.type);
      }
      assert.ok(types.length > 0, 'at least one config type offers test connection');
      for (const type of types) {
        const url = `${(nr as RunningNodeRed).url}/cc-glue/test-connection/${type}`;
        const body = JSON.stringify({ settings: { url: 'http://127.0.0.1:9' }, credentials: {} });
        const anon = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        assert.equal(anon.status, 401, `${type} without a token`);
        const viewer = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${viewerToken}` }, body });
        assert.ok([401, 403].includes(viewer.status), `${type} with a read-only token: ${viewer.status}`);
        const ok = await request(url, { method: 'POST', headers: { ...admin(), 'content-type': 'application/json' }, body });
        assert.equal(ok.status, 200, `${type} with an admin token`);
      }
      const flowsAnon = await request(`${(nr as RunningNodeRed).url}/flows`);
      assert.equal(flowsAnon.status, 401);
    });

    it('operations still work end to end (every registered set)', async () => {
      for (const set of sets) {
        for (const op of PROFILES[set].ops) {
          const ids = Array.from({ length: N }, () => `nr-${op.id}-${++seq}`);
          await drive(
            op.id,
            ids.map((id) => ({ ...op.msg(), _rel: id })),
          );
          const t = await settle(ids, op.id);
          record(`nodered ${label}`, set, `normal (${String(op.node.type)})`, t);
          assert.equal(t.delivered, N, `${op.id}: ${JSON.stringify(t)}`);
        }
      }
    });

    it('TLS: a self-signed server is refused (NETWORK) unless a tls-config node turns verification off', async () => {
      for (const set of sets) {
        for (const op of PROFILES[set].ops) {
          httpsHits.length = 0;
          const v = `nr-tls-${++seq}`;
          await drive(`${op.id}-tlsv`, [{ ...op.msg(), _rel: v }]);
          const tv = await settle([v], `${op.id}-tlsv`);
          record(`nodered ${label}`, set, `TLS verified against a self-signed server (${String(op.node.type)})`, tv);
          assert.deepEqual(tv.codes, { NETWORK: 1 }, `${op.id}: ${JSON.stringify(tv)}`);
          const why = (await ends())[v]?.[0]?.message ?? '';
          assert.match(why, /self.signed|certificate/i, `${op.id}: refused for the certificate`);
          const o = `nr-tls-${++seq}`;
          await drive(`${op.id}-tlsoff`, [{ ...op.msg(), _rel: o }]);
          const to = await settle([o], `${op.id}-tlsoff`);
          record(`nodered ${label}`, set, `TLS verification off in tls-config (${String(op.node.type)})`, to);
          assert.equal(to.lost, 0);
          assert.ok(httpsHits.length > 0, `${op.id}: with verification off the request reaches the server`);
          assert.equal(to.codes.NETWORK, undefined, `${op.id}: ${JSON.stringify(to)}`);
        }
      }
    });

    describe('the Diyalog inbound endpoint', function () {
      const url = (p = '/CreateInteraction'): string => `${(nr as RunningNodeRed).url}${DLG_PATH}${p}`;
      const token = (): string => PROFILES.diyalog.secrets[0];
      const envelopeOk = (a: RawAnswer): void => {
        const j = a.json as { success?: unknown; errorMessage?: unknown; result?: unknown } | undefined;
        assert.ok(
          j && j.success === false && typeof j.errorMessage === 'string' && j.result === null,
          `not the failure envelope: ${a.status} ${a.text.slice(0, 200)}`,
        );
      };
      const alive = async (): Promise<void> => {
        const a = await request(url(), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'auth-token': token() },
          body: '{"customerId":"C-alive"}',
        });
        assert.equal(a.status, 200, a.text);
      };

      before(function () {
        if (!sets.includes('diyalog')) this.skip();
      });

      it('fuzzed JSON bodies: 200 for a valid interaction, else a 400 envelope; never a 5xx', async () => {
        const t: Tally = { sent: 0, delivered: 0, errored: 0, lost: 0, duplicated: 0, codes: {} };
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(
              fc.jsonValue({ maxDepth: 4 }),
              fc.record(
                {
                  customerId: fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant(null)),
                  identityNumber: fc.oneof(fc.string({ maxLength: 11 }), fc.integer()),
                  attachedData: fc.jsonValue({ maxDepth: 3 }),
                },
                { requiredKeys: [] },
              ),
            ),
            fc.constantFrom(
              'application/json',
              'application/json; charset=utf-8',
              'text/plain',
              '',
              'application/x-www-form-urlencoded',
              'application/xml',
              'multipart/form-data; boundary=x',
            ),
            async (body, type) => {
              const headers: Record<string, string> = { 'auth-token': token() };
              if (type) headers['content-type'] = type;
              const a = await request(url(), { method: 'POST', headers, body: JSON.stringify(body) });
              t.sent++;
              assert.ok(a.status === 200 || a.status === 400, `status ${a.status} for ${JSON.stringify(body).slice(0, 200)}`);
              if (a.status === 400) {
                envelopeOk(a);
                t.errored++;
                t.codes.HTTP_400 = (t.codes.HTTP_400 ?? 0) + 1;
              } else t.delivered++;
            },
          ),
          { numRuns: FUZZ_RUNS },
        );
        record(`nodered ${label}`, 'diyalog', 'inbound: fuzzed bodies × content types (answered 200 or 400)', t);
      });

      it('fuzzed headers and tokens: 401 unless the token matches', async () => {
        const t: Tally = { sent: 0, delivered: 0, errored: 0, lost: 0, duplicated: 0, codes: {} };
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(
              fc.string({ maxLength: 40 }),
              fc.constant(token() + 'x'),
              fc.constant(token().slice(0, -1)),
              fc.constant(token().toUpperCase()),
              fc.constant(''),
            ),
            fc.dictionary(fc.stringMatching(/^x-[a-z]{1,8}$/), fc.stringMatching(/^[ -~]{0,40}$/), { maxKeys: 4 }),
            async (given, extra) => {
              const a = await request(url(), {
                method: 'POST',
                headers: { ...extra, 'content-type': 'application/json', 'auth-token': given },
                body: '{"customerId":"C-1"}',
              });
              t.sent++;
              t.errored++;
              t.codes[`HTTP_${a.status}`] = (t.codes[`HTTP_${a.status}`] ?? 0) + 1;
              assert.equal(a.status, 401, `token ${JSON.stringify(given)}`);
              envelopeOk(a);
            },
          ),
          { numRuns: FUZZ_RUNS },
        );
        record(`nodered ${label}`, 'diyalog', 'inbound: fuzzed Auth-Token and headers (401)', t);
      });

      it('oversize, deep nesting, prototype keys, invalid UTF-8: clean 4xx or a sound 200, no pollution', async () => {
        const cases: Array<[string, Buffer | string, number[]]> = [
          ['oversize 200 KB', JSON.stringify({ customerId: 'C', attachedData: { big: 'x'.repeat(200 * 1024) } }), [400, 413]],
          ['oversize 5 MB', Buffer.alloc(5 * 1024 * 1024, 'a'), [400, 413]],
          ['deep nesting (arrays, 100k)', '['.repeat(100000) + ']'.repeat(100000), [400]],
          ['deep nesting (objects, 20k)', '{"customerId":"C","attachedData":' + '{"a":'.repeat(20000) + '1' + '}'.repeat(20000) + '}', [400, 200]],
          [
            '__proto__ and constructor keys',
            '{"customerId":"C","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"attachedData":{"__proto__":{"polluted":"yes"}}}',
            [200, 400],
          ],
          [
            '__proto__ in attachedData array form',
            '{"customerId":"C","attachedData":[{"__proto__":{"polluted":"yes"}},{"constructor":{"prototype":{"polluted":"yes"}}}]}',
            [200, 400],
          ],
          ['invalid UTF-8', Buffer.concat([Buffer.from('{"customerId":"C'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]), [200, 400]],
          ['not JSON', 'customerId=C', [400]],
          ['empty body', '', [400]],
          ['a JSON string, not an object (found by fuzzing)', '""', [400]],
          ['a JSON number', '42', [400]],
        ];
        const t: Tally = { sent: 0, delivered: 0, errored: 0, lost: 0, duplicated: 0, codes: {} };
        const wrong: string[] = [];
        for (const [what, body, statuses] of cases) {
          const a = await request(url(), { method: 'POST', headers: { 'content-type': 'application/json', 'auth-token': token() }, body }).catch(
            (e: Error): RawAnswer => ({
              status: 0,
              headers: {},
              text: e.message,
              json: undefined,
              ms: 0,
            }),
          );
          t.sent++;
          if (a.status === 200) t.delivered++;
          else t.errored++;
          t.codes[`HTTP_${a.status}`] = (t.codes[`HTTP_${a.status}`] ?? 0) + 1;
          if (!statuses.includes(a.status)) wrong.push(`${what}: ${a.status} ${a.text.slice(0, 100)}`);
          else if (a.status >= 400) {
            try {
              envelopeOk(a);
            } catch {
              wrong.push(`${what}: ${a.status} without the failure envelope: ${a.text.slice(0, 100)}`);
            }
          }
          await alive();
        }
        const proto = await request(`${(nr as RunningNodeRed).url}/rel-driver/proto`, { headers: admin() });
        assert.deepEqual(proto.json, { polluted: null }, 'Object.prototype of the Node-RED process polluted');
        record(`nodered ${label}`, 'diyalog', 'inbound: oversize, deep nesting, prototype keys, invalid UTF-8, not JSON, empty', t);
        assert.deepEqual(wrong, [], 'answers outside the contract (400/413 with the failure envelope)');
      });

      it('slow-loris clients do not block others; memory stays bounded under oversize floods', async () => {
        const port = (nr as RunningNodeRed).port;
        const sockets: net.Socket[] = [];
        const open = (partial: string): Promise<void> =>
          new Promise((resolve, reject) => {
            const s = net.connect(port, '127.0.0.1', () => {
              s.write(partial);
              resolve();
            });
            s.on('error', () => undefined);
            s.once('error', reject);
            sockets.push(s);
          });
        for (let i = 0; i < 50; i++) await open(`POST ${DLG_PATH}/CreateInteraction HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `);
        for (let i = 0; i < 50; i++)
          await open(
            `POST ${DLG_PATH}/CreateInteraction HTTP/1.1\r\nHost: 127.0.0.1\r\nAuth-Token: ${token()}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"customerId":`,
          );
        await alive();
        const pid = (nr as RunningNodeRed).proc.pid as number;
        const flood = Buffer.alloc(4 * 1024 * 1024, 'a');
        const rounds = Math.min(N * 5, 50);
        // Two equal floods: memory may grow once (heap sizing), but must not keep growing with the load.
        const floodOnce = async (): Promise<void> => {
          for (let i = 0; i < rounds; i += 5) {
            const batch = await Promise.all(
              Array.from({ length: 5 }, () =>
                request(url(), { method: 'POST', headers: { 'content-type': 'application/json', 'auth-token': token() }, body: flood }).catch((e: Error) => ({
                  status: 0,
                  text: e.message,
                  json: undefined,
                })),
              ),
            );
            for (const a of batch) assert.ok([400, 413, 0].includes(a.status), `flood answer ${a.status}`);
          }
        };
        const heap = async (): Promise<number> =>
          ((await request(`${(nr as RunningNodeRed).url}/rel-driver/heap`, { headers: admin() })).json as { heapUsed: number }).heapUsed;
        const startHeap = await heap();
        const startRss = rss(pid);
        await floodOnce();
        await floodOnce();
        const peakRss = rss(pid);
        await alive();
        for (const s of sockets) s.destroy();
        await sleep(200);
        const endHeap = await heap();
        const mb = (b: number): number => Math.round(b / 1048576);
        record(
          `nodered ${label}`,
          'diyalog',
          `inbound: 100 slow-loris sockets held, 2 × ${rounds} × 4 MB bodies (heap after GC ${mb(startHeap)} → ${mb(endHeap)} MB, RSS ${mb(startRss)} → ${mb(peakRss)} MB)`,
          { sent: 2 * rounds, delivered: 0, errored: 2 * rounds, lost: 0, duplicated: 0, codes: {} },
        );
        assert.ok(endHeap - startHeap < 32 * 1024 * 1024, `heap after GC grew ${mb(startHeap)} → ${mb(endHeap)} MB`);
      });
    });

    it('redeploy with requests in flight: every msg ends exactly once, the new flows work', async () => {
      const inflight = new Map<string, string[]>();
      for (const set of sets) {
        for (const op of PROFILES[set].ops) {
          (sims.get(set) as Simulator).server.addFault({ path: op.faultPath, method: op.faultMethod, delayMs: 2000, times: N });
          const ids = Array.from({ length: N }, () => `nr-redeploy-${op.id}-${++seq}`);
          inflight.set(op.id, ids);
          await drive(
            op.id,
            ids.map((id) => ({ ...op.msg(), _rel: id })),
          );
        }
      }
      await sleep(300);
      await deploy(buildFlows());
      for (const set of sets) {
        for (const op of PROFILES[set].ops) {
          const t = await settle(inflight.get(op.id) as string[], op.id);
          record(`nodered ${label}`, set, `redeploy in flight (${String(op.node.type)})`, t);
          assert.equal(t.lost + t.duplicated, 0, `${op.id}: ${JSON.stringify(t)}`);
          (sims.get(set) as Simulator).server.clearFaults();
          const ids = Array.from({ length: N }, () => `nr-after-${op.id}-${++seq}`);
          await drive(
            op.id,
            ids.map((id) => ({ ...op.msg(), _rel: id })),
          );
          const after = await settle(ids, op.id);
          record(`nodered ${label}`, set, `after redeploy (${String(op.node.type)})`, after);
          assert.equal(after.delivered, N, `${op.id} after redeploy: ${JSON.stringify(after)}`);
        }
      }
    });

    it('no secret in the flow export, credentials and test-connection answers, or anything Node-RED printed', async () => {
      const base = (nr as RunningNodeRed).url;
      const texts: string[] = [];
      const get = async (p: string): Promise<void> => {
        const a = await request(base + p, { headers: admin() });
        assert.equal(a.status, 200, `${p}: ${a.status}`);
        texts.push(a.text);
      };
      await get('/flows');
      await get('/settings');
      await get('/nodes');
      for (const n of flows.filter((x) => x.credentials)) await get(`/credentials/${String(n.type)}/${String(n.id)}`);
      // Test connection with the stored credentials (placeholder) and with a wrong URL: answers hold no secret.
      for (const set of sets) {
        const p = PROFILES[set] as Profile;
        const specs = (require(path.join(root, 'dist', 'nodes', set, 'spec.js')) as { specs: { config: ConfigSpec[] } }).specs;
        for (const c of specs.config.filter((x) => x.testConnection)) {
          const cfg = flows.find((x) => x.type === c.type && !String(x.id).includes('-tls'));
          for (const settings of [cfg, { ...cfg, url: 'http://127.0.0.1:9' }, { ...cfg, url: httpsUrl }]) {
            const a = await request(`${base}/cc-glue/test-connection/${c.type}`, {
              method: 'POST',
              headers: { ...admin(), 'content-type': 'application/json' },
              body: JSON.stringify({ id: cfg?.id, settings, credentials: Object.fromEntries(c.credentials.map((k) => [k, '__PWRD__'])) }),
            });
            texts.push(a.text);
          }
          assert.ok(p.secrets.length > 0);
        }
      }
      const flowExport = JSON.parse(texts[0]) as { flows?: Def[] } | Def[];
      const list = Array.isArray(flowExport) ? flowExport : (flowExport.flows ?? []);
      assert.ok(list.length > 0, 'the flow export lists the deployed nodes');
      assert.ok(!list.some((n) => n.credentials), 'credentials are not exported with flows');
      const everything = texts.join('\n') + (nr as RunningNodeRed).output() + fs.readFileSync(path.join(userDir, 'rel-ends.log'), 'utf8');
      for (const secret of [...ALL_SECRETS, ADMIN_PASSWORD, VIEWER_PASSWORD]) assert.ok(!everything.includes(secret), `secret ${secret.slice(0, 8)}… leaked`);
      const stored = fs.readFileSync(path.join(userDir, 'flows_cred.json'), 'utf8');
      for (const secret of ALL_SECRETS) assert.ok(!stored.includes(secret), 'credentials file is encrypted');
    });

    describe('finally', function () {
      it('stop with requests in flight: every msg ends exactly once, Node-RED exits cleanly with no unhandled rejection', async () => {
        const inflight = new Map<string, string[]>();
        for (const set of sets) {
          for (const op of PROFILES[set].ops) {
            (sims.get(set) as Simulator).server.addFault({ path: op.faultPath, method: op.faultMethod, delayMs: 3000, times: N });
            const ids = Array.from({ length: N }, () => `nr-stop-${op.id}-${++seq}`);
            inflight.set(op.id, ids);
            await drive(
              op.id,
              ids.map((id) => ({ ...op.msg(), _rel: id })),
            );
          }
        }
        await sleep(300);
        const running = nr as RunningNodeRed;
        await running.stop();
        assert.equal(running.proc.exitCode, 0, `exit code ${String(running.proc.exitCode)} / signal ${String(running.proc.signalCode)}`);
        nr = undefined;
        const lines = fs
          .readFileSync(path.join(userDir, 'rel-ends.log'), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { id: string; node: string; code: string | null });
        const all: Record<string, Array<{ node: string; code: string | null; message?: string | null }>> = {};
        for (const l of lines) (all[l.id] = all[l.id] ?? []).push(l);
        for (const set of sets) {
          for (const op of PROFILES[set].ops) {
            const t = tally(all, inflight.get(op.id) as string[], op.id);
            record(`nodered ${label}`, set, `stop in flight (${String(op.node.type)})`, t);
            assert.equal(t.lost + t.duplicated, 0, `${op.id}: ${JSON.stringify(t)}`);
          }
        }
        assert.doesNotMatch(running.output(), /unhandled|uncaught|UnhandledPromiseRejection/i);
      });
    });
  });
