#!/usr/bin/env node
/**
 * npm test: build (includes the type-check), lint (ESLint + Prettier + the generated editor
 * scripts), then every mocha suite in one run: unit (lib and simulators over the wire), nodes
 * (node-red-node-test-helper), end to end (packed tarball in Node-RED 4.1 and 5), browser
 * (Playwright + Debian's Chromium on both Node-RED versions), reliability (faults, fuzzing, secrets) and security
 * (hostile vendors and callers, test/security).
 * `node scripts/test.js unit nodes` runs only those suites (plus build and the Node-RED 5 set-up); `lint` and
 * `validate` (the Flow Library scorecard, scripts/validate.js) are steps that can be named the same way;
 * `screenshots` runs the browser suite taking the README's screenshots (docs/screenshots/).
 * Closes with the line "N passed, N failed".
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function step(title, cmd, args) {
  process.stdout.write(`\n== ${title}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    // Mocha prints its own closing line; a failed earlier step closes with one of ours.
    if (!title.startsWith('mocha')) process.stdout.write(`\n${title} failed\n0 passed, 1 failed\n`);
    process.exit(r.status || 1);
  }
}

/** Editor scripts live inside the generated .html: extract them so ESLint can read them. */
function extractEditorScripts() {
  const out = path.join(root, '.editor-lint');
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const nodesDir = path.join(root, 'dist', 'nodes');
  for (const set of fs.readdirSync(nodesDir)) {
    const html = path.join(nodesDir, set, `${set}.html`);
    if (!fs.existsSync(html)) continue;
    const text = fs.readFileSync(html, 'utf8');
    const re = /<script type="text\/javascript">([\s\S]*?)<\/script>/g;
    let m;
    let i = 0;
    while ((m = re.exec(text))) fs.writeFileSync(path.join(out, `${set}-${i++}.js`), m[1]);
  }
  return out;
}

// `screenshots` (npm run screenshots) is the browser suite with SCREENSHOTS=1: it rewrites
// docs/screenshots/*.png, which no other run touches.
const only = process.argv.slice(2).map((s) => (s === 'screenshots' ? 'browser' : s));
if (process.argv.includes('screenshots')) process.env.SCREENSHOTS = '1';
step('build and type-check', process.execPath, [path.join(root, 'scripts', 'build.js')]);
// The generated editor files are committed: the build must not have changed them.
if (fs.existsSync(path.join(root, '.git'))) {
  step('editor files in nodes/ match their specs', 'git', ['diff', '--exit-code', '--stat', '--', 'nodes/*/*.html']);
}
if (!only.length || only.includes('lint')) {
  const editor = extractEditorScripts();
  step('lint: ESLint (sources, scripts, editor scripts)', bin('eslint'), ['.', path.relative(root, editor)]);
  step('lint: Prettier', bin('prettier'), ['--check', '.']);
}
if (!only.length || only.includes('validate')) {
  step('Flow Library scorecard: node-red-dev validate (npm run validate)', process.execPath, [path.join(root, 'scripts', 'validate.js')]);
}
step('Node-RED 5 runtime for the end-to-end suite', process.execPath, [path.join(root, 'scripts', 'setup-nr5.js')]);
const suites = only.filter((s) => s !== 'lint' && s !== 'validate');
const all = ['unit', 'nodes', 'interop', 'e2e', 'browser', 'reliability', 'security'].filter((s) => fs.existsSync(path.join(root, 'dist', 'test', s)));
const globs = (suites.length ? suites : all).map((s) => `dist/test/${s}/**/*.test.js`);
// `node scripts/test.js validate` (or lint) alone runs no mocha suite.
if (only.length && !suites.length) process.exit(0);
step('mocha: ' + globs.join(' '), bin('mocha'), ['--reporter', path.join(root, 'scripts', 'summary-reporter.js'), '--timeout', '30000', ...globs]);
