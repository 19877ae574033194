/**
 * The generated editor file of every node set registered in package.json, read the way the Flow
 * Library reads it (node-red-dev's getNodeDefinitions: acorn over each text/javascript script):
 * a literal `RED.nodes.registerType('<type>', {` per node type of the set's spec, inline
 * category/colour/icon/defaults, and no external `<script src>` before the registrations.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import type { SetSpecs } from '../../nodes/shared/editor';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } };

interface Registered {
  properties: Map<string, acorn.Expression>;
}

const lit = (e: acorn.Node | undefined): unknown => (e && e.type === 'Literal' ? (e as acorn.Literal).value : undefined);

/** Every registerType call of the file's scripts, as the library's parser sees it. */
function registrations(html: string): Map<string, Registered> {
  const out = new Map<string, Registered>();
  const re = /<script.+?type=['"]text\/javascript['"].*?>([\S\s]*?)<\/script>/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(html))) {
    const ast = acorn.parse(m[1], { ecmaVersion: 'latest' });
    walk.simple(ast, {
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier' || callee.property.name !== 'registerType') return;
        const [typeArg, defArg] = node.arguments;
        assert.equal(typeArg.type, 'Literal', 'registerType with a non-literal type');
        assert.equal(defArg.type, 'ObjectExpression', `registerType('${String((typeArg as acorn.Literal).value)}') without an object literal`);
        const properties = new Map<string, acorn.Expression>();
        for (const p of (defArg as acorn.ObjectExpression).properties) {
          if (p.type === 'Property' && p.key.type === 'Identifier') properties.set(p.key.name, p.value);
        }
        out.set(String((typeArg as acorn.Literal).value), { properties });
      },
    });
  }
  return out;
}

describe('generated editor files (Flow Library parsing)', () => {
  const sets = Object.entries(pkg['node-red'].nodes);

  it('package.json registers at least the Ameyo set', () => {
    assert.ok(sets.some(([set]) => set === 'ameyo'));
  });

  for (const [set, js] of sets) {
    describe(`node set ${set}`, () => {
      const htmlFile = path.join(ROOT, js.replace(/\.js$/, '.html'));
      const specFile = path.join(ROOT, path.dirname(js), 'spec.js');

      it('has a literal registerType for every node of its spec, and nothing else', () => {
        const html = fs.readFileSync(htmlFile, 'utf8');
        const { specs } = require(specFile) as { specs: SetSpecs };
        const types = [...specs.config.map((c) => c.type), ...specs.nodes.map((n) => n.type)];
        const found = registrations(html);
        assert.deepEqual([...found.keys()].sort(), [...types].sort());
        for (const t of types) {
          assert.ok(html.includes(`RED.nodes.registerType('${t}', {`), `${t}: no literal "RED.nodes.registerType('${t}', {"`);
        }
      });

      it('declares category, defaults and (for flow nodes) colour, icon, inputs and outputs inline', () => {
        const html = fs.readFileSync(htmlFile, 'utf8');
        const { specs } = require(specFile) as { specs: SetSpecs };
        const found = registrations(html);
        for (const c of specs.config) {
          const r = found.get(c.type);
          assert.ok(r, c.type);
          assert.equal(lit(r.properties.get('category')), 'config', `${c.type} category`);
          assert.equal(r.properties.get('defaults')?.type, 'ObjectExpression', `${c.type} defaults`);
          const creds = r.properties.get('credentials') as acorn.ObjectExpression | undefined;
          assert.equal(creds?.type, 'ObjectExpression', `${c.type} credentials`);
          // Every credential is a password field (docs/contract.md 1.1), never text.
          const credTypes = new Map<string, unknown>();
          for (const p of creds.properties) {
            if (p.type !== 'Property' || p.value.type !== 'ObjectExpression') continue;
            const typeProp = p.value.properties.find((q) => q.type === 'Property' && lit(q.key) === 'type');
            credTypes.set(String(lit(p.key)), typeProp?.type === 'Property' ? lit(typeProp.value) : undefined);
          }
          for (const name of c.credentials) assert.equal(credTypes.get(name), 'password', `${c.type}.${name} is not a password credential`);
        }
        for (const n of specs.nodes) {
          const r = found.get(n.type);
          assert.ok(r, n.type);
          assert.equal(lit(r.properties.get('category')), 'contact center', `${n.type} category`);
          assert.equal(r.properties.get('color')?.type, 'Literal', `${n.type} color`);
          assert.match(String(lit(r.properties.get('color'))), /^#[0-9a-f]{6}$/i);
          assert.equal(lit(r.properties.get('icon')), n.icon, `${n.type} icon`);
          assert.ok(fs.existsSync(path.join(path.dirname(htmlFile), 'icons', n.icon)), `${n.type}: icons/${n.icon} not built`);
          assert.equal(lit(r.properties.get('inputs')), n.inputs, `${n.type} inputs`);
          assert.equal(lit(r.properties.get('outputs')), n.outputs, `${n.type} outputs`);
          assert.equal(r.properties.get('defaults')?.type, 'ObjectExpression', `${n.type} defaults`);
        }
      });

      it('loads no external script before (or after) its registrations', () => {
        const html = fs.readFileSync(htmlFile, 'utf8');
        const first = html.indexOf('RED.nodes.registerType(');
        assert.ok(first > 0);
        assert.doesNotMatch(html.slice(0, first), /<script[^>]*\bsrc\s*=/i, 'a <script src> before the first registerType');
        assert.doesNotMatch(html, /<script[^>]*\bsrc\s*=/i, 'a <script src> in the editor file');
      });
    });
  }
});

/** Leaf keys of a messages object, `a.b.c` → text. */
function leaves(o: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  else out.set(prefix, String(o));
  return out;
}

/** The markup of a message (tags, `<code>` contents, `__placeholders__`), which a translation keeps as it is. */
function markup(text: string): string[] {
  const tags = text.match(/<\/?[a-z0-9]+/gi) ?? [];
  const code = [...text.matchAll(/<code>([\s\S]*?)<\/code>/g)].map((m) => m[1]);
  const placeholders = text.match(/__\w+__/g) ?? [];
  return [...tags, ...code, ...placeholders].sort();
}

describe('translations (de, tr) of the editor labels and help', () => {
  const files = ['common', ...Object.keys(pkg['node-red'].nodes)];
  for (const lang of ['de', 'tr']) {
    for (const file of files) {
      it(`${lang}/${file}.json has every message of en-US/${file}.json, with the same markup`, () => {
        const en = leaves(JSON.parse(fs.readFileSync(path.join(ROOT, 'locales', 'en-US', `${file}.json`), 'utf8')));
        const own = path.join(ROOT, 'locales', lang, `${file}.json`);
        assert.ok(fs.existsSync(own), `locales/${lang}/${file}.json is missing`);
        const tr = leaves(JSON.parse(fs.readFileSync(own, 'utf8')));
        assert.deepEqual(
          [...tr.keys()].filter((k) => !en.has(k)),
          [],
          `keys in ${lang}/${file}.json that en-US does not have`,
        );
        assert.deepEqual(
          [...en.keys()].filter((k) => !tr.has(k)),
          [],
          `messages missing from ${lang}/${file}.json`,
        );
        for (const [k, text] of en) {
          assert.ok(tr.get(k)!.trim().length > 0, `${lang} ${k} is empty`);
          assert.deepEqual(markup(tr.get(k)!), markup(text), `${lang} ${k}: markup differs from en-US`);
        }
      });
      it(`${lang}: the build wrote ${file === 'common' ? 'every set' : file}'s labels and help`, () => {
        for (const set of file === 'common' ? Object.keys(pkg['node-red'].nodes) : [file]) {
          const dir = path.join(ROOT, path.dirname(pkg['node-red'].nodes[set]), 'locales', lang);
          assert.ok(fs.existsSync(path.join(dir, `${set}.json`)), `${set}: no ${lang} labels in dist`);
          assert.ok(fs.existsSync(path.join(dir, `${set}.html`)), `${set}: no ${lang} help in dist`);
        }
      });
    }
  }
});
