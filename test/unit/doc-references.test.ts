/**
 * Every document the repository cites is in the repository. The behaviour the code follows is
 * written down in docs/contract.md (the node contract) and docs/vendors/<vendor>.md (each vendor's
 * wire dialect); a comment, a help text or a document that cites a file the reader cannot open
 * (a contract, design or style file kept elsewhere, a vendor document by a number, "the brief")
 * fails here, and so does a relative markdown link in docs/ or the README that leads nowhere.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SELF = 'test/unit/doc-references.test.ts';
const TEXT = /\.(ts|js|json|md|html|txt|sh|yml|yaml|svg)$|^\.ci\/run$|^\.[a-z]+ignore$/;

/** References to documents that are not in the repository, by what they name. */
const OUTSIDE: Array<[string, RegExp, boolean?]> = [
  ['a contract, design or style file outside docs/', /\b(?:CONTRACT|DESIGN|STYLE)\.md\b|\bCONTRACT\s+§?\d/],
  ['a numbered vendor document', /\bseeds?\s*\(?\s*0\d\d\b|\b00[0-4]_[0-9a-f]{6,}|\bseeds\//i],
  // In code, `seed` is also a variable (the virtualQ simulator's seeded world): only prose counts.
  ['the vendor document by a name kept elsewhere', /\bthe seeds?\b|\bseed(?:'s|-style|-literal)\b|\(seed[),]|\bseed (?:form|flow|answer|sample|text)\b/i, true],
  ['"the brief" or "the vendor note"', /\bthe brief\b|\bvendor notes?\b/i],
  ['a folder kept outside the repository', /(?<![\w./-])shared\/(?:vendors|seeds|hooks|CONTRACT|DESIGN|STYLE)\b|\/work\/shared\b/],
];

/** `vendors/<x>.md` is fine only where it resolves to a file of the repository. */
const VENDOR_DOC = /([\w./-]*)vendors\/([\w-]+)\.md/g;
/** A relative markdown link or image: `[text](target)` with an optional title. */
const LINK = /\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;

/** The prose of a line: all of it in texts, the comment part in code (a rough cut, enough here). */
function prose(line: string, file: string): string {
  if (!/\.(ts|js)$/.test(file)) return line;
  const t = line.trimStart();
  if (t.startsWith('*') || t.startsWith('/*') || t.startsWith('//')) return line;
  const c = line.search(/\s(\/\/|\/\*\*?)\s/);
  return c < 0 ? '' : line.slice(c);
}

function trackedTextFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' });
  return out
    .split('\0')
    .filter((f) => f && f !== SELF && TEXT.test(f) && !/(^|\/)(node_modules|dist)\//.test(f) && f !== 'package-lock.json')
    .filter((f) => fs.existsSync(path.join(ROOT, f)));
}

const exists = (p: string): boolean => fs.existsSync(p);

describe('references to documents', function () {
  const files = trackedTextFiles();

  it('finds the tracked text files to scan', () => {
    assert.ok(files.includes('README.md') && files.includes('docs/contract.md'), 'README.md and docs/contract.md are tracked');
    assert.ok(files.filter((f) => f.startsWith('lib/')).length > 10, 'lib/ is scanned');
  });

  it('cite only documents that are in the repository', () => {
    const found: string[] = [];
    for (const file of files) {
      const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        for (const [what, re, proseOnly] of OUTSIDE) {
          const m = re.exec(proseOnly ? prose(line, file) : line);
          if (m) found.push(`${file}:${i + 1}: ${what}: "${m[0]}"`);
        }
        // A markdown link's text is a label; its target is what must resolve.
        for (const m of line.replace(/\[[^\]\n]*\]\(/g, '(').matchAll(VENDOR_DOC)) {
          const target = m[0];
          if (exists(path.join(ROOT, target)) || exists(path.join(ROOT, path.dirname(file), target))) continue;
          found.push(`${file}:${i + 1}: a vendor document that is not in the repository: "${target}"`);
        }
      });
    }
    assert.ok(found.length === 0, `${found.length} references to documents outside the repository:\n${found.join('\n')}`);
  });

  it('the rules catch what they are meant to catch', () => {
    const hit = (text: string, file: string): boolean => OUTSIDE.some(([, re, proseOnly]) => re.test(proseOnly ? prose(text, file) : text));
    const bad: Array<[string, string]> = [
      ['see CONTRACT.md 1.3', 'x.md'],
      ['CONTRACT 1.3', 'x.md'],
      ['seed 002', 'x.md'],
      ['the seed', 'x.md'],
      ["the seed's sample", 'x.json'],
      ['seed-style', 'x.md'],
      ['(seed)', 'x.md'],
      ['as the brief says', 'x.md'],
      ['(vendor note 3.4)', 'x.md'],
      ['(shared/vendors/gws.md)', 'x.md'],
      ['/work/shared/seeds', 'x.md'],
      ['002_0bbe1de85dd6c3aa.txt', 'x.md'],
      [' * as in the seed', 'x.ts'],
      ['x(); // (seed)', 'x.ts'],
    ];
    for (const [text, file] of bad) assert.ok(hit(text, file), `not caught: ${text} (${file})`);
    const fine: Array<[string, string]> = [
      ['docs/contract.md 1.3', 'x.md'],
      ['the seeded world', 'x.md'],
      ['nodes/shared/config.ts', 'x.md'],
      ['  shared/   the adapter (nodes/shared/)', 'x.md'],
      ["rendering: 'seed'", 'x.ts'],
      ['reset(seed = true)', 'x.ts'],
      ['if (seed) this.seed();', 'x.ts'],
      ['state.reset(seed);', 'x.ts'],
      ["import { x } from '../shared/spec';", 'x.ts'],
    ];
    for (const [text, file] of fine) assert.ok(!hit(text, file), `caught though fine: ${text} (${file})`);
  });

  it('relative markdown links in docs/ and the README lead to files of the repository', () => {
    const broken: string[] = [];
    const docs = files.filter((f) => f.endsWith('.md') && (f.startsWith('docs/') || f === 'README.md' || f === 'CHANGELOG.md'));
    assert.ok(docs.length >= 10, `markdown files found: ${docs.join(', ')}`);
    for (const file of docs) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const m of text.matchAll(LINK)) {
        const target = m[1];
        if (/^[a-z][a-z+.-]*:/i.test(target) || target.startsWith('#')) continue;
        const local = decodeURIComponent(target.split('#')[0]);
        if (!exists(path.join(ROOT, path.dirname(file), local))) broken.push(`${file}: (${target})`);
      }
    }
    assert.ok(broken.length === 0, `links to files that do not exist:\n${broken.join('\n')}`);
  });
});
