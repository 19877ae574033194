#!/usr/bin/env node
/**
 * Build: compile TypeScript to CommonJS in dist/, then give each node set its editor file
 * (generated from nodes/<set>/spec.ts and written to nodes/<set>/<set>.html as well), help and
 * labels per language, and icons, beside its compiled .js (where Node-RED looks).
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

function tsc() {
  const bin = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [bin, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
}

function readJson(file) {
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
}

function buildSet(set, editor) {
  const setDir = path.join(dist, 'nodes', set);
  const specFile = path.join(setDir, 'spec.js');
  if (!fs.existsSync(specFile)) throw new Error(`node set "${set}" has no nodes/${set}/spec.ts exporting "specs"`);
  const { specs } = require(specFile);
  // The editor file is generated from the spec, and kept in nodes/<set>/ too (committed, so the
  // source shows each literal registerType; `npm test` fails when it is stale), then copied.
  const html = editor.buildSetHtml(specs);
  fs.writeFileSync(path.join(root, 'nodes', set, `${set}.html`), html);
  fs.writeFileSync(path.join(setDir, `${set}.html`), html);
  const localesDir = path.join(root, 'locales');
  for (const lang of fs.readdirSync(localesDir)) {
    const own = path.join(localesDir, lang, `${set}.json`);
    if (!fs.existsSync(own)) continue;
    const merged = { ...readJson(path.join(localesDir, lang, 'common.json')), ...readJson(own) };
    const out = path.join(setDir, 'locales', lang);
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, `${set}.json`), JSON.stringify(merged, null, 2) + '\n');
    fs.writeFileSync(path.join(out, `${set}.html`), editor.buildSetHelp(specs, merged));
  }
  const iconsOut = path.join(setDir, 'icons');
  fs.mkdirSync(iconsOut, { recursive: true });
  for (const icon of fs.readdirSync(path.join(root, 'icons'))) {
    if (icon.startsWith(set)) fs.copyFileSync(path.join(root, 'icons', icon), path.join(iconsOut, icon));
  }
}

function main() {
  if (!process.argv.includes('--no-tsc')) tsc();
  const pkg = readJson(path.join(root, 'package.json'));
  const editor = require(path.join(dist, 'nodes', 'shared', 'editor.js'));
  for (const set of Object.keys(pkg['node-red'].nodes)) buildSet(set, editor);
  const cli = path.join(dist, 'simulators', 'cli.js');
  if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);
}

main();
