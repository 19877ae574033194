/**
 * No file of the repository is longer than 400 lines: code, tests, scripts, help and documents.
 * Flow exports and data (`*.json`: examples, the lockfile, bench results) are what a tool wrote
 * and are read by tools, so they are left out.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const MAX_LINES = 400;
const CHECKED = /\.(ts|js|mjs|cjs|md|html|css|sh|yml|yaml|txt)$|^\.ci\/run$/;

describe('repository: no file over 400 lines', () => {
  it(`every tracked text file other than JSON has at most ${MAX_LINES} lines`, () => {
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter((f) => f && CHECKED.test(f) && fs.existsSync(path.join(ROOT, f)));
    assert.ok(files.length > 100, `only ${files.length} files found: is this a git checkout?`);
    const long = files
      .map((f) => ({ f, n: fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n').length - 1 }))
      .filter((x) => x.n > MAX_LINES)
      .map((x) => `${x.f}: ${x.n} lines`);
    assert.deepEqual(long, []);
  });
});
