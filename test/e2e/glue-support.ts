/**
 * The harness of the glue flows' end-to-end test: every simulator on a free port, the packed
 * package in a real Node-RED (4.1 or 5), the examples/glue flows deployed as shipped with only
 * the simulators' addresses swapped and the credentials added (as `npm start` does), and a
 * way to press their injects through the admin API.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RecordedRequest } from '../../simulators/common';
import { DEFAULT_PORTS, startSimulator } from '../../simulators/registry';
import type { AmeyoSimulator } from '../../simulators/ameyo';
import type { DiyalogSimulator } from '../../simulators/diyalog';
import type { GwsSimulator } from '../../simulators/gws';
import type { IcwsSimulator } from '../../simulators/icws';
import type { VirtualQSimulator } from '../../simulators/virtualq';
import { GLUE_CREDENTIALS, ROOT, deploy, freePort, makeUserDir, pack, startNodeRed, type RunningNodeRed, type Runtime } from '../support/nodered';

export type FlowNode = Record<string, unknown> & { id: string; type: string; name?: string; z?: string };

export const GLUE_DIR = path.join(ROOT, 'examples', 'glue');

export interface Sims {
  virtualq: VirtualQSimulator;
  gws: GwsSimulator;
  icws: IcwsSimulator;
  diyalog: DiyalogSimulator;
  ameyo: AmeyoSimulator;
}

/** The glue example files as shipped: file name (without .json) → nodes. */
export function glueFlows(): Map<string, FlowNode[]> {
  const out = new Map<string, FlowNode[]>();
  for (const f of fs
    .readdirSync(GLUE_DIR)
    .filter((x) => x.endsWith('.json'))
    .sort()) {
    out.set(f.replace(/\.json$/, ''), JSON.parse(fs.readFileSync(path.join(GLUE_DIR, f), 'utf8')) as FlowNode[]);
  }
  return out;
}

export async function startSims(): Promise<Sims> {
  const s = async <T>(v: string, o: Record<string, unknown> = {}): Promise<T> => (await startSimulator(v, { port: 0, ...o })) as unknown as T;
  return {
    virtualq: await s<VirtualQSimulator>('virtualq'),
    gws: await s<GwsSimulator>('gws'),
    icws: await s<IcwsSimulator>('icws', { alternate: false }),
    diyalog: await s<DiyalogSimulator>('diyalog'),
    ameyo: await s<AmeyoSimulator>('ameyo', { delayMs: 20 }),
  };
}

export async function closeSims(sims: Sims | undefined): Promise<void> {
  if (!sims) return;
  await Promise.all(Object.values(sims).map((x: { close(): Promise<void> }) => x.close()));
}

/** The simulators' default credentials by config type, the glue flows' own by config id. */
function credentialsFor(n: FlowNode): Record<string, string> | undefined {
  if (GLUE_CREDENTIALS[n.id]) return GLUE_CREDENTIALS[n.id];
  for (const v of Object.keys(DEFAULT_PORTS)) {
    const mod = require(`../../simulators/${v}`) as { DEMO_CREDENTIALS?: Record<string, Record<string, string>> };
    const c = mod.DEMO_CREDENTIALS?.[n.type];
    if (c) return c;
  }
  return undefined;
}

/** The flows with the default simulator ports and Node-RED's port 1880 swapped for the running ones. */
export function retarget(flows: FlowNode[], sims: Sims, redUrl: string): FlowNode[] {
  let text = JSON.stringify(flows);
  for (const [v, port] of Object.entries(DEFAULT_PORTS))
    text = text.split(`http://127.0.0.1:${port}`).join((sims as unknown as Record<string, { url: string }>)[v].url);
  text = text.split('http://127.0.0.1:1880/').join(`${redUrl}/`);
  const seen = new Set<string>();
  const out: FlowNode[] = [];
  for (const n of JSON.parse(text) as FlowNode[]) {
    if (seen.has(n.id)) continue; // config nodes shared by several files
    seen.add(n.id);
    const creds = credentialsFor(n);
    out.push(creds ? { ...n, credentials: creds } : n);
  }
  return out;
}

export interface GlueRed {
  red: RunningNodeRed;
  flows: Map<string, FlowNode[]>;
  /** Presses the inject named `name` of the flow `file` (POST /inject/<id>, as the editor's button does). */
  press(file: string, name: string): Promise<void>;
}

export async function startGlueRed(rt: Runtime, label: string, sims: Sims): Promise<GlueRed> {
  const userDir = makeUserDir(path.join(ROOT, '.cache', `e2e-glue-${label.replace(/\W+/g, '-')}`), pack());
  const red = await startNodeRed(rt, userDir, await freePort());
  const flows = glueFlows();
  await deploy(red.url, retarget([...flows.values()].flat(), sims, red.url));
  // The admin API answers before the new flows have started.
  await waitFor(() => (red.output().match(/Started flows/g) ?? []).length >= 2, 20000, `flows started\n${red.output()}`);
  return {
    red,
    flows,
    async press(file, name) {
      const node = flows.get(file)?.find((n) => n.type === 'inject' && n.name === name);
      if (!node) throw new Error(`no inject "${name}" in ${file}`);
      const r = await fetch(`${red.url}/inject/${node.id}`, { method: 'POST' });
      if (r.status !== 200) throw new Error(`inject "${name}": HTTP ${r.status} ${await r.text()}`);
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitFor(cond: () => boolean | Promise<boolean>, ms = 10000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** A recorded request in a form that is easy to compare: method, path, query and the JSON body. */
export function brief(r: RecordedRequest): { method: string; path: string; query: string; body: unknown } {
  let body: unknown = r.body;
  try {
    body = r.body ? JSON.parse(r.body) : undefined;
  } catch {
    // not JSON: kept as text
  }
  return { method: r.method, path: r.path, query: r.rawQuery, body };
}

/** The `data.attributes` of a virtualQ write. */
export function attrs(r: RecordedRequest): Record<string, unknown> {
  return (JSON.parse(r.body) as { data: { attributes: Record<string, unknown> } }).data.attributes;
}
