#!/usr/bin/env node
/**
 * npm run test:soak: the reliability suites (faults, fuzzing, real Node-RED) with big counts,
 * then the table of the run (msgs sent, delivered, errored, lost) that docs/RELIABILITY.md quotes.
 *
 *   node scripts/soak.js                 build, then run dist/test/reliability with CC_SOAK=1
 *   node scripts/soak.js --report        print the table of the last run only
 *   CC_REL_N=500 CC_FUZZ_RUNS=5000 ...   override the counts (defaults in soak: 100 msgs, 1000 runs)
 *   CC_REL_SETS=ameyo,gws ...            only these node sets
 * `npm test` runs the same suites with small counts (4 msgs per class, 40 fuzz runs).
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const reportFile = path.join(root, '.cache', 'reliability', 'last-run.json');

function table() {
  if (!fs.existsSync(reportFile)) {
    process.stdout.write('no reliability run recorded yet (.cache/reliability/last-run.json)\n');
    return 1;
  }
  const r = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  const rows = r.rows;
  const total = rows.reduce(
    (a, x) => ({
      sent: a.sent + x.sent,
      delivered: a.delivered + x.delivered,
      errored: a.errored + x.errored,
      lost: a.lost + x.lost,
      duplicated: a.duplicated + x.duplicated,
    }),
    { sent: 0, delivered: 0, errored: 0, lost: 0, duplicated: 0 },
  );
  const out = [];
  out.push(`Run of ${r.date} (${r.soak ? 'soak' : 'npm test'} counts: ${r.n} msgs per class, ${r.fuzzRuns} fuzz runs per node)`);
  out.push('');
  out.push('| suite | set | class | sent | delivered | errored (codes) | lost | twice |');
  out.push('|---|---|---|---:|---:|---|---:|---:|');
  for (const x of rows)
    out.push(
      `| ${x.suite} | ${x.set} | ${x.klass} | ${x.sent} | ${x.delivered} | ${x.errored}${x.codes ? ` (${x.codes})` : ''} | ${x.lost} | ${x.duplicated} |`,
    );
  out.push(
    `| **total** | | ${rows.length} classes | **${total.sent}** | **${total.delivered}** | **${total.errored}** | **${total.lost}** | **${total.duplicated}** |`,
  );
  process.stdout.write(out.join('\n') + '\n');
  return total.lost === 0 && total.duplicated === 0 ? 0 : 1;
}

if (process.argv.includes('--report')) process.exit(table());

const env = { ...process.env, CC_SOAK: process.env.CC_SOAK ?? '1' };
const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.js')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status || 1);
const mocha = path.join(root, 'node_modules', '.bin', 'mocha');
const run = spawnSync(mocha, ['--timeout', '600000', 'dist/test/reliability/**/*.test.js'], { cwd: root, stdio: 'inherit', env });
const t = table();
process.exit(run.status || t);
