/**
 * Issue #18 asks every node page and the README for a "Glue" section: each one points at
 * examples/glue/, and the README names every glue flow that exists there.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { root } from '../helpers';

function glueSection(file: string): string {
  const text = fs.readFileSync(file, 'utf8');
  const at = text.search(/^## Glue\b.*$/m);
  assert.ok(at >= 0, `${path.relative(root, file)} has a "## Glue" section`);
  const rest = text.slice(at + 1);
  const next = rest.search(/^## /m);
  return next >= 0 ? rest.slice(0, next) : rest;
}

describe('docs: Glue sections', () => {
  const flows = fs
    .readdirSync(path.join(root, 'examples', 'glue'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''));

  it('there are glue flows', () => {
    assert.ok(flows.length >= 4, flows.join(', '));
  });

  for (const page of fs.readdirSync(path.join(root, 'docs', 'nodes')).filter((f) => f.endsWith('.md'))) {
    it(`docs/nodes/${page} has a Glue section pointing at examples/glue/`, () => {
      const section = glueSection(path.join(root, 'docs', 'nodes', page));
      assert.match(section, /examples\/glue\//);
      assert.ok(
        flows.some((f) => section.includes(f)),
        `docs/nodes/${page} names a glue flow`,
      );
    });
  }

  it('the README has a Glue section naming every glue flow', () => {
    const section = glueSection(path.join(root, 'README.md'));
    assert.match(section, /examples\/glue\//);
    for (const f of flows) assert.ok(section.includes(f), `README Glue section names ${f}`);
  });
});
