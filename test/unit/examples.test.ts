/**
 * The example flows as `npm start` merges them (test/support/nodered.ts `exampleFlows`): every
 * file on a tab of its own, config nodes shared between files identical in each (the merge keeps
 * the first copy), no two HTTP endpoints on one path, and the credentials each config node gets.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_PORTS } from '../../simulators/registry';
import { GLUE_CREDENTIALS, ROOT, exampleFlows } from '../support/nodered';

type FlowNode = Record<string, unknown> & { id: string; type: string; z?: string };

function exampleFiles(): Array<{ file: string; nodes: FlowNode[] }> {
  const out: Array<{ file: string; nodes: FlowNode[] }> = [];
  const dir = path.join(ROOT, 'examples');
  for (const set of fs.readdirSync(dir).sort()) {
    for (const f of fs.readdirSync(path.join(dir, set)).filter((x) => x.endsWith('.json'))) {
      out.push({ file: `${set}/${f}`, nodes: JSON.parse(fs.readFileSync(path.join(dir, set, f), 'utf8')) as FlowNode[] });
    }
  }
  return out;
}

const credentials = (): Record<string, Record<string, string>> => {
  const c: Record<string, Record<string, string>> = {};
  for (const v of Object.keys(DEFAULT_PORTS)) {
    Object.assign(c, (require(`../../simulators/${v}`) as { DEMO_CREDENTIALS?: Record<string, Record<string, string>> }).DEMO_CREDENTIALS ?? {});
  }
  return { ...c, ...GLUE_CREDENTIALS };
};

describe('example flows merged for npm start', () => {
  const files = exampleFiles();

  it('has the four glue flows beside every vendor set, each file on its own tab', () => {
    assert.deepEqual(
      files.filter((f) => f.file.startsWith('glue/')).map((f) => f.file),
      ['glue/diyalog-virtualq-callback.json', 'glue/virtualq-ameyo-callbacks.json', 'glue/virtualq-gws-connector.json', 'glue/virtualq-icws-connector.json'],
    );
    const tabs = files.map((f) => f.nodes.filter((n) => n.type === 'tab'));
    for (const [i, t] of tabs.entries()) assert.equal(t.length, 1, files[i].file);
    assert.equal(new Set(tabs.map((t) => t[0].id)).size, files.length, 'tab ids are unique');
  });

  it('a node id used by two files is a config node, identical in both (the merge keeps one copy)', () => {
    const seen = new Map<string, { file: string; node: FlowNode }>();
    for (const { file, nodes } of files) {
      for (const n of nodes) {
        const first = seen.get(n.id);
        if (!first) {
          seen.set(n.id, { file, node: n });
          continue;
        }
        assert.equal(n.z, undefined, `${file} ${n.id} repeats a flow node of ${first.file}`);
        const strip = (x: FlowNode): FlowNode => Object.fromEntries(Object.entries(x).filter(([k]) => k !== 'x' && k !== 'y')) as FlowNode;
        assert.deepEqual(strip(n), strip(first.node), `${file}: config ${n.id} differs from ${first.file}`);
      }
    }
  });

  it('no two HTTP endpoints share a path', () => {
    const paths = files.flatMap(({ nodes }) =>
      nodes
        .filter((n) => n.type === 'diyalog-interaction-in' || n.type === 'http in')
        .map((n) => `${n.type === 'http in' ? String(n.method) : 'diyalog'} ${String(n.path ?? n.url)}`),
    );
    assert.equal(new Set(paths).size, paths.length, paths.join(', '));
  });

  it('gives the glue flows their own agents and every other config node its type’s demo credentials', () => {
    const merged = exampleFlows(credentials()) as Array<FlowNode & { credentials?: Record<string, string> }>;
    const creds = (id: string): Record<string, string> | undefined => merged.find((n) => n.id === id)?.credentials;
    assert.deepEqual(creds('91ue00000000c0a1'), { username: 'agent07', password: 'agent07-pass' });
    assert.deepEqual(creds('91ue00000000c0b1'), { username: 'agent2', password: 'agent2-secret' });
    assert.deepEqual(creds('gws0000000000cfg'), { username: 'agent01', password: 'agent01-pass' });
    assert.deepEqual(creds('1c5500000000c0f1'), { username: 'agent1', password: 'agent1-secret' });
    assert.deepEqual(creds('9e1a0000000000c0'), { apiKey: 'sim-virtualq-key' });
    assert.equal(new Set(merged.map((n) => n.id)).size, merged.length);
    assert.ok(merged.filter((n) => !n.z && n.type !== 'tab').every((n) => n.credentials || !/-config$/.test(n.type) || n.type === 'diyalog-config'));
  });
});
