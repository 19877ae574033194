/// <reference lib="dom" />
/**
 * What the browser suite needs around Playwright: Debian's Chromium, the node sets registered in
 * package.json with their specs and en-US messages, the simulators and a base flow with one
 * config node per config type pointing at them, and small page helpers for the Node-RED editor.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { SetSpecs } from '../../nodes/shared/editor';
import type { ConfigSpec, NodeSpec } from '../../nodes/shared/spec';
import type { Simulator } from '../../simulators/common';
import { DEFAULT_PORTS, VENDORS, startSimulator } from '../../simulators/registry';
import { ROOT } from '../support/nodered';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = path.join(ROOT, 'docs', 'screenshots');

/** Node types docs/contract.md §2 promises per node set (config nodes included). */
export const CONTRACT_TYPES: Record<string, string[]> = {
  diyalog: [
    'diyalog-config',
    'diyalog-api-config',
    'diyalog-interaction-in',
    'diyalog-interaction-response',
    'diyalog-create-interaction',
    'diyalog-delete-interaction',
    'diyalog-interaction-not-delivered',
  ],
  virtualq: ['virtualq-config', 'virtualq-line-up', 'virtualq-caller', 'virtualq-line', 'virtualq-line-group'],
  icws: ['icws-config', 'icws-dialer', 'icws-dialer-events'],
  gws: ['gws-config', 'gws-agent', 'interaction-op', 'interaction-events'],
  ameyo: ['ameyo-config', 'ameyo-click-to-dial'],
};

export interface NodeSet {
  set: string;
  specs: SetSpecs;
  /** en-US messages as the build merged them (common + the set's own). */
  messages: Record<string, unknown>;
}

/** The node sets package.json registers, in its order, as built into dist/. */
export function nodeSets(): NodeSet[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } };
  return Object.entries(pkg['node-red'].nodes).map(([set, js]) => {
    const dir = path.join(ROOT, path.dirname(js));
    const { specs } = require(path.join(dir, 'spec.js')) as { specs: SetSpecs };
    const messages = JSON.parse(fs.readFileSync(path.join(dir, 'locales', 'en-US', `${set}.json`), 'utf8')) as Record<string, unknown>;
    return { set, specs, messages };
  });
}

export function lookup(messages: Record<string, unknown>, key: string): unknown {
  let cur: unknown = messages;
  for (const k of key.split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
  return cur;
}

export function message(messages: Record<string, unknown>, key: string): string | undefined {
  const v = lookup(messages, key);
  return typeof v === 'string' ? v : undefined;
}

/** Text of an HTML fragment as the browser shows it (tags removed, entities decoded, spaces folded). */
export function plain(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

export interface Simulators {
  sims: Map<string, Simulator>;
  credentials: Record<string, Record<string, string>>;
  close(): Promise<void>;
}

/** Every vendor simulator that exists, on free ports, with its demo credentials by config type. */
export async function startSimulators(): Promise<Simulators> {
  const sims = new Map<string, Simulator>();
  const credentials: Record<string, Record<string, string>> = {};
  for (const v of VENDORS) {
    let mod: { DEMO_CREDENTIALS?: Record<string, Record<string, string>> };
    try {
      mod = require(`../../simulators/${v}`) as typeof mod;
    } catch {
      continue; // a vendor whose simulator has not landed
    }
    sims.set(v, await startSimulator(v, { port: 0 }));
    Object.assign(credentials, mod.DEMO_CREDENTIALS ?? {});
  }
  return { sims, credentials, close: async () => void (await Promise.all([...sims.values()].map((s) => s.close()))) };
}

type FlowNode = Record<string, unknown>;

/** The example files' nodes (examples/<set>/*.json). */
export function exampleNodes(set: string): Array<{ file: string; nodes: FlowNode[] }> {
  const dir = path.join(ROOT, 'examples', set);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: f, nodes: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as FlowNode[] }));
}

/** Points a URL of an example (default simulator port) at the running simulator. */
export function retarget(url: unknown, set: string, sims: Map<string, Simulator>): string {
  const sim = sims.get(set);
  const u = String(url ?? '');
  const base = `http://127.0.0.1:${DEFAULT_PORTS[set]}`;
  if (!sim) return u;
  return u.startsWith(base) ? sim.url + u.slice(base.length) : sim.url;
}

/**
 * One config node per config type (id `bt-<type>`), settings as the set's examples use them
 * (else the spec's defaults), URL at the simulator, the simulator's demo credentials.
 */
export function baseConfigNodes(sets: NodeSet[], sims: Simulators): FlowNode[] {
  const out: FlowNode[] = [];
  for (const { set, specs } of sets) {
    const examples = exampleNodes(set).flatMap((e) => e.nodes);
    for (const c of specs.config) {
      const fromExample = examples.find((n) => n.type === c.type);
      const defaults: FlowNode = Object.fromEntries(c.settings.filter((s) => !s.configType).map((s) => [s.name, s.value]));
      const node: FlowNode = { ...defaults, ...(fromExample ?? {}), id: `bt-${c.type}`, type: c.type, name: `browser ${c.type}` };
      for (const s of c.settings) if (s.configType) node[s.name] = '';
      node.url = retarget(node.url, set, sims.sims);
      const creds = sims.credentials[c.type];
      if (creds) node.credentials = creds;
      out.push(node);
    }
  }
  return out;
}

/**
 * `npm pack` into a folder of this suite's own (.cache/pack is emptied by the other suites'
 * pack(), which may run at the same time on this checkout). Retries when a concurrent build is
 * rewriting dist/ under npm's feet.
 */
let ownTarball: string | undefined;
export function packedTarball(): string {
  if (ownTarball && fs.existsSync(ownTarball)) return ownTarball;
  const dir = path.join(ROOT, '.cache', 'browser-pack');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const r = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
    if (r.status === 0) {
      const info = JSON.parse(r.stdout) as Array<{ filename: string }>;
      ownTarball = path.join(dir, path.basename(info[0].filename));
      return ownTarball;
    }
    if (attempt >= 4) throw new Error(`npm pack failed (${r.status}): ${r.stderr.slice(-2000)}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
  }
}

export function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`bash scripts/setup-browser.sh\``);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Node-RED settings for a quiet editor: no update prompt, no tour, no remote catalogue. */
export const EDITOR_SETTINGS = {
  telemetry: { enabled: false, updateNotification: false },
  editorTheme: { tours: false, palette: { catalogues: [] } },
};

/** Loads the editor and waits until the palette and flows are in. */
export async function openEditor(page: Page, url: string): Promise<void> {
  await page.goto(url + '/');
  await page.waitForFunction(() => {
    const red = (window as unknown as { RED?: { nodes?: { version?: () => unknown } } }).RED;
    return Boolean(red?.nodes?.version?.()) && document.querySelectorAll('.red-ui-palette-node').length > 10;
  }, null);
  await page.waitForSelector('#red-ui-workspace-chart', { state: 'visible' });
}

export type { ConfigSpec, NodeSpec };
