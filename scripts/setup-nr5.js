#!/usr/bin/env node
/**
 * Installs Node-RED 5 and Node 22 (the npm package `node@22`, which ships the binary) into
 * .cache/nr5 for the end-to-end and browser tests. Idempotent: does nothing when present.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const dir = path.resolve(__dirname, '..', '.cache', 'nr5');
const nodeBin = path.join(dir, 'node_modules', 'node', 'bin', 'node');
const redJs = path.join(dir, 'node_modules', 'node-red', 'red.js');

function ok() {
  if (!fs.existsSync(nodeBin) || !fs.existsSync(redJs)) return false;
  try {
    return /^v22\./.test(execFileSync(nodeBin, ['--version'], { encoding: 'utf8' }).trim());
  } catch {
    return false;
  }
}

if (!ok()) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'nr5-runtime', private: true }));
  console.log('Installing Node-RED 5 and Node 22 into .cache/nr5 ...');
  execFileSync('npm', ['install', '--no-fund', '--no-audit', '--loglevel=error', 'node-red@5', 'node@22'], { cwd: dir, stdio: 'inherit' });
  if (!ok()) {
    console.error('Node 22 or Node-RED 5 did not install correctly into .cache/nr5');
    process.exit(1);
  }
}
console.log(`Node-RED 5 ready: ${execFileSync(nodeBin, ['--version'], { encoding: 'utf8' }).trim()} at ${dir}`);
