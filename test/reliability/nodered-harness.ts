/**
 * The Node-RED process of the reliability suite (nodered.test.ts): the packed package installed
 * with adminAuth on, every registered node set deployed against its simulator with known secret
 * credentials, a TLS copy of each operation against a self-signed HTTPS server, and the Diyalog
 * inbound endpoint. Msgs are driven and counted by a small local node (userDir/nodes/rel-driver.js)
 * that injects msgs through an admin route and records every completion through the onComplete hook.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Simulator } from '../../simulators/common';
import { rawRequest, sleep } from '../helpers';
import { selfSignedCert } from '../support/tls';
import { ROOT, freePort, makeUserDir, nodeRed4, nodeRed5, pack, startNodeRed, type Runtime, type RunningNodeRed } from '../support/nodered';
import { PROFILES } from './profiles';
import { SOAK, registeredSets, writeReport, type Tally } from './support';

export type Def = Record<string, unknown>;
/** Completions by msg id, as the driver node records them. */
export type Ends = Record<string, Array<{ node: string; code: string | null; message?: string | null }>>;

export const ADMIN_PASSWORD = 'REL-admin-password-51c9e0';
export const VIEWER_PASSWORD = 'REL-viewer-password-8d2f4b';
export const DLG_PATH = '/rel-dlg';

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

export const request = rawRequest;

/** Node-RED with `--expose-gc`, ready when `/auth/login` answers (with adminAuth `/settings` needs a token). */
function startWithAdminAuth(rt: Runtime, userDir: string, port: number): Promise<RunningNodeRed> {
  return startNodeRed(rt, userDir, port, {}, 60000, { nodeArgs: ['--expose-gc'], readyPath: '/auth/login' });
}

/** VmRSS of a process in bytes (Linux). */
export function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Node-RED 4.1 in `npm test`; the soak run adds Node-RED 5 on Node 22 (scripts/setup-nr5.js). */
export const RUNTIMES: Array<[string, () => Runtime]> = SOAK
  ? [
      ['4.1', nodeRed4],
      ['5', nodeRed5],
    ]
  : [['4.1', nodeRed4]];

/** What the tests of one runtime share: the running process, its tokens and flows, the drive and count helpers. */
export interface RelNodeRed {
  readonly label: string;
  /** The registered sets that have a reliability profile. */
  readonly sets: string[];
  readonly sims: Map<string, Simulator>;
  /** The running Node-RED (undefined before `before` and once a test has stopped it). */
  nr: RunningNodeRed | undefined;
  readonly userDir: string;
  readonly viewerToken: string;
  /** The flows deployed by `before`. */
  readonly flows: Def[];
  readonly httpsUrl: string;
  /** Requests the self-signed HTTPS server received. */
  readonly httpsHits: string[];
  /** The next number for unique msg ids. */
  nextSeq(): number;
  /** The running Node-RED (asserts it). */
  running(): RunningNodeRed;
  admin(): Record<string, string>;
  deploy(f: Def[]): Promise<void>;
  drive(nodeId: string, msgs: Def[]): Promise<void>;
  ends(): Promise<Ends>;
  tally(all: Ends, ids: string[], node: string): Tally;
  settle(ids: string[], node: string, ms?: number): Promise<Tally>;
  buildFlows(): Def[];
}

/** Registers the hooks (inside the runtime's `describe`) that start and stop the process; returns what the tests share. */
export function relNodeRed(label: string, runtime: () => Runtime): RelNodeRed {
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

  async function ends(): Promise<Ends> {
    const r = await request(`${(nr as RunningNodeRed).url}/rel-driver/ends`, { headers: admin() });
    return r.json as Ends;
  }

  function tally(all: Ends, ids: string[], node: string): Tally {
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

  return {
    label,
    sets,
    sims,
    get nr() {
      return nr;
    },
    set nr(v) {
      nr = v;
    },
    get userDir() {
      return userDir;
    },
    get viewerToken() {
      return viewerToken;
    },
    get flows() {
      return flows;
    },
    get httpsUrl() {
      return httpsUrl;
    },
    httpsHits,
    nextSeq: () => ++seq,
    running: () => {
      assert.ok(nr, 'Node-RED is not running');
      return nr;
    },
    admin,
    deploy,
    drive,
    ends,
    tally,
    settle,
    buildFlows,
  };
}
