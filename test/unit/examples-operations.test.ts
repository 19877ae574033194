/**
 * The examples show every operation of every node that has operations: either a node with the
 * operation set, or an inject setting `msg.operation` for a node of that type whose operation
 * comes from the msg (the injects are pressed over the wire by the per-vendor example tests).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { root } from '../helpers';

type Json = Record<string, unknown>;
interface Spec {
  type: string;
  operations?: readonly string[];
}

function flows(): Json[][] {
  const out: Json[][] = [];
  const walk = (dir: string): void => {
    for (const f of fs.readdirSync(dir)) {
      const p = path.join(dir, f);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.json')) out.push(JSON.parse(fs.readFileSync(p, 'utf8')) as Json[]);
    }
  };
  walk(path.join(root, 'examples'));
  return out;
}

/** Operations used per node type: set on the node, or set by an inject upstream of a from-msg node. */
function usedOperations(): Map<string, Set<string>> {
  const used = new Map<string, Set<string>>();
  const add = (type: string, op: string): void => void (used.get(type) ?? used.set(type, new Set()).get(type))?.add(op);
  for (const flow of flows()) {
    const byId = new Map(flow.map((n) => [String(n.id), n]));
    for (const n of flow) {
      if (typeof n.operation === 'string' && n.operation !== 'msg') add(String(n.type), n.operation);
      if (n.type !== 'inject') continue;
      const op = ((n.props as Json[] | undefined) ?? []).find((p) => p.p === 'operation');
      if (!op) continue;
      // msg.operation travels with the msg: every from-msg node downstream of the inject runs it.
      const seen = new Set<string>();
      const next = ((n.wires as string[][] | undefined) ?? []).flat();
      while (next.length) {
        const id = next.shift() as string;
        const target = byId.get(id);
        if (!target || seen.has(id)) continue;
        seen.add(id);
        if (target.operation === 'msg') add(String(target.type), String(op.v));
        next.push(...((target.wires as string[][] | undefined) ?? []).flat());
      }
    }
  }
  return used;
}

describe('examples: every operation of every node', function () {
  const used = usedOperations();
  for (const set of ['ameyo', 'diyalog', 'gws', 'icws', 'virtualq']) {
    const specs = Object.values(require(`../../nodes/${set}/spec`) as Record<string, unknown>).filter(
      (v): v is Spec => typeof v === 'object' && v !== null && Array.isArray((v as Spec).operations),
    );
    for (const spec of specs) {
      it(`${spec.type}: ${spec.operations?.length} operations, each in an example`, () => {
        const have = used.get(spec.type) ?? new Set<string>();
        assert.deepEqual(
          (spec.operations ?? []).filter((o) => !have.has(o)),
          [],
        );
      });
    }
  }
});
