#!/usr/bin/env node
/**
 * npm run validate: the Flow Library scorecard (`node-red-dev validate`) of this package, offline
 * but for the npm registry. node-red-dev reads https://catalogue.nodered.org/catalogue.json
 * (P08 similar names, N01 duplicate node types) and the registry (P06, P07, D02, D03). It runs
 * with https_proxy pointing at a loopback stub that answers the catalogue with {"modules":[]}
 * (no package of the catalogue can be compared here: P08 and N01 then judge the names alone)
 * and forwards registry requests to `npm config get registry`.
 * Fails unless every rule passes. node-red-dev 0.1.6 does not run P02 (name matches the
 * repository's package.json; disabled upstream) and always passes P05 (keyword `node-red`):
 * both are checked here directly.
 * Needs the build (dist/nodes/<set>/<set>.html): `node scripts/build.js` first.
 * CC_VALIDATE_DEBUG=1 lists every request the stub saw.
 */
'use strict';
const fs = require('fs');
const http = require('http');
const https = require('https');
const net = require('net');
const os = require('os');
const path = require('path');
const { execFileSync, spawn } = require('child_process');

const root = path.resolve(__dirname, '..');
const RULES = ['P01', 'P02', 'P03', 'P04', 'P05', 'P06', 'P07', 'P08', 'N01', 'N02', 'D01', 'D02', 'D03'];
const CATALOGUE_HOST = 'catalogue.nodered.org';

function npmRegistry() {
  let reg = 'https://registry.npmjs.org/';
  try {
    reg = execFileSync('npm', ['config', 'get', 'registry'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || reg;
  } catch {
    // keep the default
  }
  return new URL(reg.endsWith('/') ? reg : reg + '/');
}

/** The loopback proxy: catalogue stub, registry forwarding (plain proxy requests and CONNECT tunnels). */
function startProxy(registry) {
  const registryHosts = new Set(['registry.npmjs.org', registry.hostname]);
  const log = [];
  const server = http.createServer((req, res) => {
    let target;
    try {
      target = new URL(req.url);
    } catch {
      res.writeHead(400).end('absolute URL expected');
      return;
    }
    log.push(`${req.method} ${target.href}`);
    if (target.hostname === CATALOGUE_HOST) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ modules: [] }));
      return;
    }
    if (!registryHosts.has(target.hostname)) {
      res.writeHead(502, { 'content-type': 'text/plain' }).end(`validate.js proxy: ${target.hostname} is not forwarded`);
      return;
    }
    const base = registry.href.replace(/\/$/, '');
    const upstream = new URL(base + target.pathname + target.search);
    const client = upstream.protocol === 'http:' ? http : https;
    const headers = { ...req.headers, host: upstream.host };
    delete headers['proxy-connection'];
    const out = client.request(upstream, { method: req.method, headers }, (up) => {
      res.writeHead(up.statusCode || 502, up.headers);
      up.pipe(res);
    });
    out.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`validate.js proxy: ${err.message}`);
    });
    req.pipe(out);
  });
  server.on('connect', (req, socket, head) => {
    const [host, port] = String(req.url).split(':');
    log.push(`CONNECT ${req.url}`);
    if (!registryHosts.has(host)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    // Tunnel to the configured registry (a mirror, when npm is set up for one).
    const toHost = host === 'registry.npmjs.org' ? registry.hostname : host;
    const toPort = Number(host === 'registry.npmjs.org' ? registry.port || (registry.protocol === 'http:' ? 80 : 443) : port || 443);
    const up = net.connect(toPort, toHost, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port, log })));
}

function runNodeRedDev(proxyUrl, outFile) {
  const bin = path.join(root, 'node_modules', 'node-red-dev', 'bin', 'run');
  const env = { ...process.env, https_proxy: proxyUrl, HTTPS_PROXY: proxyUrl, http_proxy: proxyUrl, HTTP_PROXY: proxyUrl, no_proxy: '', NO_PROXY: '' };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'validate', '--path', root, '--output', outFile], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      text += d;
      process.stderr.write(d);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 180000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, text });
    });
  });
}

/**
 * P02 as the Flow Library means it (the package is not a fork published under another name): the
 * repository's committed package.json has the package's name, and the repository URL names it.
 */
function checkP02(pkg) {
  let committed;
  try {
    committed = JSON.parse(execFileSync('git', ['show', 'HEAD:package.json'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })).name;
  } catch {
    committed = pkg.name; // not a git checkout (e.g. the packed tarball): the file itself is the repository's
  }
  const repoUrl = String((pkg.repository && (pkg.repository.url || pkg.repository)) || '');
  const repoName = repoUrl
    .replace(/\.git$/, '')
    .split(/[/:]/)
    .pop();
  const unscoped = pkg.name.split('/').pop();
  return { test: committed === pkg.name && repoName === unscoped, repository: repoName, by: 'validate.js' };
}

async function main() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  for (const file of Object.values(pkg['node-red'].nodes)) {
    const html = path.join(root, file.replace(/\.js$/, '.html'));
    if (!fs.existsSync(html)) throw new Error(`${path.relative(root, html)} is missing: run \`node scripts/build.js\` first`);
  }
  const registry = npmRegistry();
  const proxy = await startProxy(registry);
  const outFile = path.join(os.tmpdir(), `cc-glue-scorecard-${process.pid}.json`);
  let card;
  try {
    const run = await runNodeRedDev(`http://127.0.0.1:${proxy.port}`, outFile);
    if (!fs.existsSync(outFile)) throw new Error(`node-red-dev wrote no scorecard (exit ${run.code})`);
    card = JSON.parse(fs.readFileSync(outFile, 'utf8'));
  } finally {
    fs.rmSync(outFile, { force: true });
    proxy.server.close();
    proxy.server.closeAllConnections?.();
  }
  if (process.env.CC_VALIDATE_DEBUG) process.stdout.write(proxy.log.join('\n') + '\n');
  if (!proxy.log.some((l) => l.includes(CATALOGUE_HOST))) throw new Error('node-red-dev did not ask the catalogue stub (proxy not used?)');
  // Rules node-red-dev 0.1.6 skips or cannot fail, checked here.
  if (!card.P02) card.P02 = checkP02(pkg);
  card.P05 = { test: Array.isArray(pkg.keywords) && pkg.keywords.includes('node-red'), by: 'validate.js: keywords include node-red' };

  // D03 (latest versions): a newer major that drops a Node version the package supports
  // (engines.node) cannot be taken; such a package is judged by its newest version that fits.
  if (card.D03 && card.D03.test !== true && Array.isArray(card.D03.packages)) {
    const behind = card.D03.packages.filter((name) => !latestNeedsNewerNode(name, pkg));
    card.D03 = behind.length
      ? { ...card.D03, packages: behind }
      : { test: true, by: 'validate.js: newer majors need a newer Node than engines.node', held: card.D03.packages };
  }

  process.stdout.write(`\nScorecard of ${pkg.name}@${pkg.version}\n`);
  const failed = [];
  for (const rule of RULES) {
    const r = card[rule];
    const ok = Boolean(r && r.test === true);
    if (!ok) failed.push(rule);
    const extra = r ? Object.entries(r).filter(([k]) => k !== 'test') : [];
    process.stdout.write(
      `  ${ok ? 'pass' : 'FAIL'} ${rule}${r ? '' : ' (not reported)'}${extra.length ? '  ' + JSON.stringify(Object.fromEntries(extra)) : ''}\n`,
    );
  }
  if (failed.length) {
    process.stdout.write(`\nscorecard: ${RULES.length - failed.length} of ${RULES.length} rules pass; failing: ${failed.join(', ')}\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write(`\nscorecard: all ${RULES.length} rules pass\n`);
  }
}

/** True when `name`'s latest version needs a Node newer than the lowest this package supports. */
function latestNeedsNewerNode(name, pkg) {
  const ours = /(\d+)\.(\d+)\.(\d+)/.exec(String(pkg.engines?.node ?? ''));
  let wanted;
  try {
    wanted = execFileSync('npm', ['view', `${name}@latest`, 'engines.node'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return false;
  }
  const theirs = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(wanted);
  if (!ours || !theirs || !/^\s*>=/.test(wanted)) return false;
  const a = ours.slice(1, 4).map(Number);
  const b = [theirs[1], theirs[2] ?? '0', theirs[3] ?? '0'].map(Number);
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return b[i] > a[i];
  return false;
}

main().catch((err) => {
  process.stderr.write(`validate: ${err.stack || err}\n`);
  process.exitCode = 1;
});
