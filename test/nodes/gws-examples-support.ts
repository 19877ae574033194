/**
 * Loading the GWS example flows (examples/gws/*.json) as `npm start` deploys them, for the example
 * run tests: every file, the server URL pointed at the test's simulator, debug nodes replaced by
 * helper nodes that record what they receive.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { helper, root } from '../helpers';

export type Json = Record<string, unknown>;
export type NodeModule = (red: unknown) => unknown;

export const coreNodes: NodeModule[] = [
  require('@node-red/nodes/core/common/20-inject.js'),
  require('@node-red/nodes/core/common/90-comment.js'),
  require('@node-red/nodes/core/function/10-switch.js'),
  require('@node-red/nodes/core/function/15-change.js'),
  require('@node-red/nodes/core/network/21-httprequest.js'),
];

/**
 * node-red-node-test-helper registers its preloaded `catch` module once per catch node of the
 * flow, which fails from the second one on; the examples have one catch node per tab.
 */
export async function loadOnce(nodes: NodeModule[], flow: Json[], credentials: Json): Promise<void> {
  const h = helper as unknown as { _nodeModules: Record<string, NodeModule> };
  const orig = h._nodeModules.catch;
  let registered = false;
  h._nodeModules.catch = (red) => {
    if (registered) return undefined;
    registered = true;
    return orig(red);
  };
  try {
    await helper.load(nodes as never, flow as never, credentials as never);
  } finally {
    h._nodeModules.catch = orig;
  }
}
export const DEFAULT_URL = 'http://127.0.0.1:18083';

export function loadExamples(url: string): { flow: Json[]; byName: Map<string, string> } {
  const dir = path.join(root, 'examples', 'gws');
  const seen = new Set<string>();
  const flow: Json[] = [];
  const byName = new Map<string, string>();
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8').split(DEFAULT_URL).join(url);
    for (const n of JSON.parse(text) as Json[]) {
      if (seen.has(String(n.id))) continue;
      seen.add(String(n.id));
      assert.ok(!('credentials' in n), `${file}: no credentials in example files`);
      const node = n.type === 'debug' ? { id: n.id, z: n.z, type: 'helper', name: n.name, wires: [] } : n;
      if (n.name) byName.set(`${file}:${String(n.name)}`, String(n.id));
      flow.push(node);
    }
  }
  return { flow, byName };
}
