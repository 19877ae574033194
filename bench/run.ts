/**
 * npm run bench: every comparison of issue 11 in one run, figures printed as tables with each
 * target's pass/fail, written to docs/PERFORMANCE.md and bench/results.json.
 *
 * Environment: BENCH_MESSAGES (default 20000 per run), BENCH_REPS (3), BENCH_ONLY
 * (comma list of outbound, inbound, events, memory), BENCH_MEMORY_MESSAGES (200000),
 * BENCH_IN_FLIGHT (5000).
 */
import { env, log, wanted, type Figure } from './common';
import { outbound } from './outbound';

async function main(): Promise<void> {
  const started = Date.now();
  const figures: Figure[] = [];
  const unavailable: string[] = [];
  if (wanted('outbound')) {
    const o = await outbound();
    figures.push(...o.figures);
    unavailable.push(...o.unavailable);
  }
  log(`done in ${Math.round((Date.now() - started) / 1000)} s (${env.messages} messages per run)`);
  process.stdout.write(JSON.stringify({ figures, unavailable }, null, 2) + '\n');
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write((err.stack ?? err.message) + '\n');
    process.exit(1);
  },
);
