/**
 * Running a real Node-RED with this package installed as a user has it (from its `npm pack`
 * tarball), used by `npm start` (the demo) and the end-to-end tests (Node-RED 4.1 on Node 20,
 * Node-RED 5 on Node 22).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

export interface Runtime {
  /** Node binary to run Node-RED with. */
  node: string;
  /** Node-RED's red.js. */
  redJs: string;
  label: string;
}

/** Node-RED 4.1 from devDependencies on this Node. */
export function nodeRed4(): Runtime {
  return { node: process.execPath, redJs: require.resolve('node-red/red.js'), label: 'Node-RED 4.1 / Node ' + process.version };
}

export const NR5_DIR = path.join(ROOT, '.cache', 'nr5');

/** Node-RED 5 on Node 22, installed by scripts/setup-nr5.js into .cache/nr5. */
export function nodeRed5(): Runtime {
  const node = path.join(NR5_DIR, 'node_modules', 'node', 'bin', 'node');
  const redJs = path.join(NR5_DIR, 'node_modules', 'node-red', 'red.js');
  if (!fs.existsSync(node) || !fs.existsSync(redJs)) throw new Error('Node-RED 5 is not installed: run `node scripts/setup-nr5.js`');
  return { node, redJs, label: 'Node-RED 5 / Node 22' };
}

/** `npm pack` of the built package; returns the tarball path (cached per test run). */
let packed: string | undefined;
export function pack(): string {
  if (packed && fs.existsSync(packed)) return packed;
  const out = path.join(ROOT, '.cache', 'pack');
  fs.mkdirSync(out, { recursive: true });
  for (const f of fs.readdirSync(out)) fs.rmSync(path.join(out, f), { force: true });
  const json = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const info = JSON.parse(json) as Array<{ filename: string }>;
  packed = path.join(out, path.basename(info[0].filename));
  return packed;
}

/** A Node-RED user directory with the tarball installed, as `npm install <tarball>` in ~/.node-red does. */
export function makeUserDir(dir: string, tarball: string, settings: Record<string, unknown> = {}): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true, version: '0.0.1' }));
  execFileSync('npm', ['install', '--no-fund', '--no-audit', '--no-package-lock', '--omit=dev', tarball], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const s = {
    uiHost: '127.0.0.1',
    credentialSecret: 'cc-glue-test-secret',
    flowFile: 'flows.json',
    logging: { console: { level: 'info', metrics: false, audit: false } },
    ...settings,
  };
  fs.writeFileSync(path.join(dir, 'settings.js'), `module.exports = ${JSON.stringify(s, null, 2)};\n`);
  return dir;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface RunningNodeRed {
  url: string;
  port: number;
  proc: ChildProcess;
  /** Everything Node-RED printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Flags for node itself before Node-RED's script (e.g. `--expose-gc`). */
  nodeArgs?: string[];
  /** The path polled until it answers 200 (default `/settings`; with adminAuth `/auth/login`). */
  readyPath?: string;
}

export async function startNodeRed(
  rt: Runtime,
  userDir: string,
  port: number,
  env: Record<string, string> = {},
  timeoutMs = 60000,
  opts: StartOptions = {},
): Promise<RunningNodeRed> {
  let out = '';
  const args = [...(opts.nodeArgs ?? []), rt.redJs, '--userDir', userDir, '--port', String(port), '--settings', path.join(userDir, 'settings.js')];
  const proc = spawn(rt.node, args, {
    cwd: userDir,
    env: { ...process.env, ...env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`Node-RED exited (${proc.exitCode}):\n${out}`);
    try {
      const r = await fetch(url + (opts.readyPath ?? '/settings'));
      if (r.ok && /Started flows|Server now running/.test(out)) break;
    } catch {
      // not up yet
    }
    if (Date.now() > end) {
      proc.kill('SIGKILL');
      throw new Error(`Node-RED did not start within ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    proc,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        const t = setTimeout(() => proc.kill('SIGKILL'), 15000);
        proc.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        proc.kill('SIGINT');
      }),
  };
}

/** Deploys a full flow set through the admin API (credentials inline on config nodes). */
export async function deploy(url: string, flows: unknown[]): Promise<void> {
  const r = await fetch(url + '/flows', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
    body: JSON.stringify(flows),
  });
  if (!r.ok) throw new Error(`deploy failed: HTTP ${r.status} ${await r.text()}`);
}

/**
 * Credentials of the glue flows' own config nodes (examples/glue), by node id: they sign in as the
 * simulators' second agents, so that the single-vendor example tabs (agent01, agent1: one accepts
 * every GWS invite, one places every preview pop) never take the glue flows' calls.
 */
export const GLUE_CREDENTIALS: Record<string, Record<string, string>> = {
  '91ue00000000c0a1': { username: 'agent07', password: 'agent07-pass' },
  '91ue00000000c0b1': { username: 'agent2', password: 'agent2-secret' },
};

/**
 * The example flows of every node set, merged, with the simulators' demo credentials added
 * (`credentials` is keyed by config node id or, for every other node of that type, by type).
 */
export function exampleFlows(credentials: Record<string, Record<string, string>>): unknown[] {
  const dir = path.join(ROOT, 'examples');
  const all: Array<Record<string, unknown>> = [];
  const seen = new Set<string>();
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) {
        for (const n of JSON.parse(fs.readFileSync(p, 'utf8')) as Array<Record<string, unknown>>) {
          if (seen.has(String(n.id))) continue;
          seen.add(String(n.id));
          const creds = credentials[String(n.id)] ?? credentials[String(n.type)];
          all.push(creds ? { ...n, credentials: creds } : n);
        }
      }
    }
  };
  walk(dir);
  return all;
}
