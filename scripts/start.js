#!/usr/bin/env node
/**
 * npm start: every simulator on its default port, and Node-RED 4.1 on http://127.0.0.1:1880
 * with this package installed from its tarball (as a user installs it) and the example flows
 * deployed (each vendor's, and the cross-vendor ones of examples/glue), each on its own tab, their
 * config nodes pointing at the simulators. `PORT` picks another port for Node-RED. Ctrl-C stops everything.
 */
'use strict';
const path = require('path');
const root = path.resolve(__dirname, '..');
const nr = require(path.join(root, 'dist', 'test', 'support', 'nodered.js'));
const { VENDORS, DEFAULT_PORTS, startSimulator } = require(path.join(root, 'dist', 'simulators', 'registry.js'));

async function main() {
  const port = Number(process.env.PORT) || 1880;
  const sims = [];
  const credentials = {};
  for (const v of VENDORS) {
    let mod;
    try {
      mod = require(path.join(root, 'dist', 'simulators', v));
    } catch {
      continue; // a vendor without a simulator yet
    }
    sims.push(await startSimulator(v, { port: DEFAULT_PORTS[v] }));
    Object.assign(credentials, mod.DEMO_CREDENTIALS || {});
    console.log(`${v} simulator: ${sims[sims.length - 1].url}`);
  }
  console.log('Packing and installing the package into .node-red-user ...');
  const userDir = nr.makeUserDir(path.join(root, '.node-red-user'), nr.pack(), { uiHost: '127.0.0.1' });
  const red = await nr.startNodeRed(nr.nodeRed4(), userDir, port);
  red.proc.stdout.pipe(process.stdout);
  red.proc.stderr.pipe(process.stderr);
  let flows = nr.exampleFlows({ ...credentials, ...nr.GLUE_CREDENTIALS });
  // Flows that have a simulator call Node-RED's own HTTP endpoints (Diyalog) name port 1880.
  if (port !== 1880) flows = JSON.parse(JSON.stringify(flows).split('http://127.0.0.1:1880/').join(`${red.url}/`));
  await nr.deploy(red.url, flows);
  console.log(`\nNode-RED is running on ${red.url}/ with the example flows deployed. Press Ctrl-C to stop.`);
  const stop = async () => {
    await red.stop();
    await Promise.all(sims.map((s) => s.close()));
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  red.proc.on('exit', (code) => {
    console.error(`Node-RED exited (${code})`);
    void Promise.all(sims.map((s) => s.close())).then(() => process.exit(code || 1));
  });
}

main().catch((err) => {
  console.error(err.stack || err.message);
  process.exit(1);
});
