#!/usr/bin/env node
/**
 * npm run test:soak: the reliability suites (faults, fuzzing, real Node-RED) with big counts,
 * then the table of the run (msgs sent, delivered, errored, lost) that docs/counts/ holds.
 *
 *   node scripts/soak.js                 build, then run dist/test/reliability with CC_SOAK=1
 *   node scripts/soak.js --report        print the table of the last run only
 *   node scripts/soak.js --write-doc     put the last run's counts into docs/counts/test.md or soak.md
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

/** Totals of report rows. */
function sum(rows) {
  return rows.reduce(
    (a, x) => ({
      sent: a.sent + x.sent,
      delivered: a.delivered + x.delivered,
      errored: a.errored + x.errored,
      lost: a.lost + x.lost,
      duplicated: a.duplicated + x.duplicated,
    }),
    { sent: 0, delivered: 0, errored: 0, lost: 0, duplicated: 0 },
  );
}

function table() {
  if (!fs.existsSync(reportFile)) {
    process.stdout.write('no reliability run recorded yet (.cache/reliability/last-run.json)\n');
    return 1;
  }
  const r = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  const rows = r.rows;
  const total = sum(rows);
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

/** Markdown for docs/counts/: totals per class (summed over node sets), per set, then every row. */
function markdown() {
  const r = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  const group = (key) => {
    const m = new Map();
    for (const x of r.rows) {
      const k = key(x);
      m.set(k, [...(m.get(k) ?? []), x]);
    }
    return [...m.entries()];
  };
  const line = (cells) => `| ${cells.join(' | ')} |`;
  const out = [
    `Last run: ${r.date}, ${r.soak ? '`npm run test:soak`' : '`npm test`'} counts (${r.n} msgs per class and operation, ${r.fuzzRuns} fuzz runs per node type).`,
    '',
  ];
  out.push('| suite | class | node sets | sent | delivered | errored | lost | ended twice |', '|---|---|---|---:|---:|---:|---:|---:|');
  for (const [k, rows] of group((x) => `${x.suite}\u0000${x.klass.replace(/ \([^)]*\)$/, '')}`)) {
    const [suite, klass] = k.split('\u0000');
    const t = sum(rows);
    out.push(line([suite, klass, [...new Set(rows.map((x) => x.set))].join(', '), t.sent, t.delivered, t.errored, t.lost, t.duplicated]));
  }
  const all = sum(r.rows);
  out.push(
    line(['**all**', `${r.rows.length} rows`, '', `**${all.sent}**`, `**${all.delivered}**`, `**${all.errored}**`, `**${all.lost}**`, `**${all.duplicated}**`]),
  );
  out.push('', '| node set | sent | delivered | errored | lost | ended twice |', '|---|---:|---:|---:|---:|---:|');
  for (const [set, rows] of group((x) => x.set)) {
    const t = sum(rows);
    out.push(line([set, t.sent, t.delivered, t.errored, t.lost, t.duplicated]));
  }
  out.push('', '<details><summary>Every row of the run (error codes per class)</summary>', '');
  out.push('| suite | set | class | sent | delivered | errored (codes) | lost | twice |', '|---|---|---|---:|---:|---|---:|---:|');
  for (const x of r.rows) out.push(line([x.suite, x.set, x.klass, x.sent, x.delivered, `${x.errored}${x.codes ? ` (${x.codes})` : ''}`, x.lost, x.duplicated]));
  out.push('', '</details>');
  return out.join('\n');
}

/** Replaces the section between the count markers of docs/counts/test.md or docs/counts/soak.md. */
function writeDoc() {
  const soak = JSON.parse(fs.readFileSync(reportFile, 'utf8')).soak;
  // npm test and the soak run each have their file.
  const rel = path.join('docs', 'counts', soak ? 'soak.md' : 'test.md');
  const doc = path.join(root, rel);
  const text = fs.readFileSync(doc, 'utf8');
  const begin = soak ? '<!-- soak:begin -->' : '<!-- counts:begin -->';
  const end = soak ? '<!-- soak:end -->' : '<!-- counts:end -->';
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`${rel} has no count markers`);
  fs.writeFileSync(doc, text.slice(0, i + begin.length) + '\n' + markdown() + '\n' + text.slice(j));
  process.stdout.write(`${rel}: counts updated\n`);
}

if (process.argv.includes('--write-doc')) {
  writeDoc();
  process.exit(0);
}
if (process.argv.includes('--report')) process.exit(table());

const env = { ...process.env, CC_SOAK: process.env.CC_SOAK ?? '1' };
const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.js')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status || 1);
const mocha = path.join(root, 'node_modules', '.bin', 'mocha');
const run = spawnSync(mocha, ['--timeout', '600000', 'dist/test/reliability/**/*.test.js'], { cwd: root, stdio: 'inherit', env });
const t = table();
process.exit(run.status || t);
