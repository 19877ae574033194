/**
 * The simulators the `cc-simulate` command knows, with their fixed default ports.
 * Each vendor's simulator lives in `simulators/<vendor>/index.ts` and exports
 * `start(opts?: { port?: number; host?: string; ... }): Promise<Simulator>`.
 */
import type { Simulator, SimulatorOptions } from './common';

export const DEFAULT_PORTS: Record<string, number> = {
  diyalog: 18080,
  virtualq: 18081,
  icws: 18082,
  gws: 18083,
  ameyo: 18084,
};

export const VENDORS = Object.keys(DEFAULT_PORTS);

export async function startSimulator(vendor: string, opts: SimulatorOptions & Record<string, unknown> = {}): Promise<Simulator> {
  if (!VENDORS.includes(vendor)) throw new Error(`unknown simulator "${vendor}" (known: ${VENDORS.join(', ')})`);
  const mod = require(`./${vendor}`) as { start(o: SimulatorOptions & Record<string, unknown>): Promise<Simulator> };
  return mod.start(opts);
}
