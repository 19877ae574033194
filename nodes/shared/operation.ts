/**
 * The adapter every operation node uses: resolve each parameter from its TypedInput,
 * call the vendor client, put the result on the same msg, show status, end the msg once.
 * A node is a short declaration: its spec (parameter table) and its client call.
 */
import { CcError, ERROR_CODES, invalidInput, notConfigured, type VendorAnswer } from '../../lib/errors';
import { Cancel, type CancelSignal } from '../../lib/http/cancel';
import type { ConfigHandle } from './config';
import type { DoneFn, Node, NodeDef, NodeMessage, RED, SendFn } from './red';
import { appliesTo, defaultWiring, type NodeSpec, type ParamSpec } from './spec';

export interface OperationContext<C> {
  node: Node;
  msg: NodeMessage;
  operation: string;
  /** Resolved parameters; missing or empty ones are left out. */
  params: Record<string, unknown>;
  client: C;
  /** `msg.requestTimeout` when set. */
  timeout?: number;
  /** Cancelled when the node closes (redeploy, stop) with the msg still in flight. */
  signal: CancelSignal;
  def: NodeDef;
}

export interface OperationResult {
  payload: unknown;
  vendor?: VendorAnswer;
  /** Further msg properties the contract names (e.g. `interactionId`, `callType`). */
  fields?: Record<string, unknown>;
}

export type Resolver = (node: Node, msg: NodeMessage) => unknown | Promise<unknown>;

/** Builds the resolver of one TypedInput once, at deploy: constants are parsed here. */
export function makeResolver(RED: RED, vendor: string, field: string, value: unknown, type: string): Resolver {
  const v = value === undefined || value === null ? '' : String(value);
  switch (type) {
    case 'msg':
      if (!v) return () => undefined;
      return (_n, msg) => {
        try {
          return RED.util.getMessageProperty(msg, v);
        } catch {
          return undefined;
        }
      };
    case 'str':
      return () => (v === '' ? undefined : v);
    case 'num': {
      const n = v.trim() === '' ? undefined : Number(v);
      return () => (n === undefined || Number.isNaN(n) ? (v.trim() === '' ? undefined : v) : n);
    }
    case 'bool':
      return () => (v === '' ? undefined : v === 'true');
    case 'json': {
      if (v.trim() === '') return () => undefined;
      let parsed: unknown;
      let bad = false;
      try {
        parsed = JSON.parse(v);
      } catch {
        bad = true;
      }
      return () => {
        if (bad) throw invalidInput(vendor, 'input', field, 'is not valid JSON');
        return clone(parsed);
      };
    }
    default:
      return (node, msg) =>
        new Promise((resolve, reject) => {
          RED.util.evaluateNodeProperty(v, type, node, msg, (err, out) => {
            if (err) reject(invalidInput(vendor, 'input', field, `could not be read (${type}): ${err.message}`));
            else resolve(out);
          });
        });
  }
}

function clone<T>(v: T): T {
  return v === null || typeof v !== 'object' ? v : (JSON.parse(JSON.stringify(v)) as T);
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

/** Brings any failure into the contract's shape (a CcError with a known code). */
export function asCcError(err: unknown, vendor: string, operation: string): CcError {
  if (err instanceof CcError) return err;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' && (ERROR_CODES as readonly string[]).includes(e.code) ? (e.code as CcError['code']) : 'VENDOR_ERROR';
  return new CcError({ code, vendor, operation, message: String(e?.message ?? err) });
}

interface StatusState {
  inFlight: number;
  failure?: string;
  session?: { fill: 'green' | 'yellow' | 'red' | 'grey'; text: string };
}

export function showStatus(node: Node, s: StatusState): void {
  if (s.inFlight > 0) node.status({ fill: 'blue', shape: 'dot', text: String(s.inFlight) });
  else if (s.failure) node.status({ fill: 'red', shape: 'ring', text: s.failure });
  else if (s.session) node.status({ fill: s.session.fill, shape: s.session.fill === 'green' ? 'dot' : 'ring', text: s.session.text });
  else node.status({});
}

/**
 * Registers an operation node type. `run` receives the resolved parameters and the config
 * node's client; whatever it throws reaches Catch nodes as a CcError through `done(err)`.
 */
export function registerOperationNode<C>(RED: RED, spec: NodeSpec, run: (ctx: OperationContext<C>) => Promise<OperationResult>): void {
  function OperationNode(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const state: StatusState = { inFlight: 0 };
    const fixedOperation = typeof def.operation === 'string' ? def.operation : spec.operations?.[0];
    const ops = spec.operations;
    const resolvers = new Map<string, Resolver>();
    for (const p of spec.params) {
      const wiring = defaultWiring(p);
      const value = def[p.name] === undefined ? wiring.value : def[p.name];
      const type = (def[`${p.name}Type`] as string | undefined) ?? wiring.type;
      resolvers.set(p.name, makeResolver(RED, spec.vendor, p.name, value, type));
    }
    const handle = spec.config ? (RED.nodes.getNode(String(def.config ?? '')) as unknown as ConfigHandle<C> | null) : null;
    const controllers = new Set<Cancel>();
    const unsubscribe = handle?.register(node, (session) => {
      state.session = session;
      showStatus(node, state);
    });

    node.on('input', (msg: NodeMessage, send: SendFn, done: DoneFn) => {
      let operation = fixedOperation ?? '';
      const ctrl = new Cancel();
      const fail = (err: unknown): void => {
        const e = asCcError(err, spec.vendor, operation || spec.type);
        if (e.answer) msg.vendor = e.answer;
        state.failure = e.code;
        showStatus(node, state);
        done(e);
      };
      if (ops && (fixedOperation === 'msg' || !fixedOperation)) {
        const requested = msg.operation;
        if (typeof requested !== 'string' || !ops.includes(requested)) {
          operation = typeof requested === 'string' ? requested : '';
          fail(invalidInput(spec.vendor, operation || 'input', 'operation', `must be one of ${ops.join(', ')}`));
          return;
        }
        operation = requested;
      }
      if (spec.config && !handle) {
        fail(notConfigured(spec.vendor, operation, `config (${spec.config})`));
        return;
      }
      state.inFlight++;
      showStatus(node, state);
      controllers.add(ctrl);
      const start = (params: Record<string, unknown>): Promise<OperationResult> => {
        const t = msg.requestTimeout;
        const timeout = typeof t === 'number' && t > 0 ? t : typeof t === 'string' && Number(t) > 0 ? Number(t) : undefined;
        return run({ node, msg, operation, params, client: handle ? handle.client() : (undefined as C), timeout, signal: ctrl.signal, def });
      };
      let pending: Promise<OperationResult>;
      try {
        // Most parameters resolve at once (msg, str, num…): no extra promise hop for them.
        const params = resolveParams(spec.vendor, spec.params, resolvers, node, msg, operation);
        pending = params instanceof Promise ? params.then(start) : start(params);
      } catch (err) {
        pending = Promise.reject(err);
      }
      pending.then(
        (result) => {
          controllers.delete(ctrl);
          state.inFlight--;
          state.failure = undefined;
          msg.payload = result.payload;
          if (result.vendor) msg.vendor = result.vendor;
          if (result.fields) Object.assign(msg, result.fields);
          showStatus(node, state);
          send(msg);
          done();
        },
        (err: unknown) => {
          controllers.delete(ctrl);
          state.inFlight--;
          fail(err);
        },
      );
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      for (const c of controllers) c.abort();
      controllers.clear();
      unsubscribe?.();
      node.status({});
      done();
    });
  }
  RED.nodes.registerType(spec.type, OperationNode);
}

/**
 * The parameters of one msg: at once when every resolver answers at once, else a promise. A
 * resolver that answers with a promise (env, flow, global, JSONata…) is awaited, then the rest
 * resolve from the next parameter on.
 */
function resolveParams(
  vendor: string,
  params: ParamSpec[],
  resolvers: Map<string, Resolver>,
  node: Node,
  msg: NodeMessage,
  operation: string,
  from = 0,
  out: Record<string, unknown> = {},
): Record<string, unknown> | Promise<Record<string, unknown>> {
  for (let i = from; i < params.length; i++) {
    const p = params[i];
    if (!appliesTo(p.operations, operation)) continue;
    const r = resolvers.get(p.name);
    if (!r) continue;
    const v = r(node, msg);
    if (v instanceof Promise) {
      return v.then((value) => {
        keep(vendor, operation, p, value, out);
        return resolveParams(vendor, params, resolvers, node, msg, operation, i + 1, out);
      });
    }
    keep(vendor, operation, p, v, out);
  }
  return out;
}

/** Adds one resolved value; empty ones are left out, a lone surrogate is refused before any request. */
function keep(vendor: string, operation: string, p: ParamSpec, v: unknown, out: Record<string, unknown>): void {
  if (isEmpty(v)) return;
  // A lone surrogate cannot be encoded as UTF-8 (URLs, headers): refuse it before any request.
  if (hasLoneSurrogate(v, 0)) throw invalidInput(vendor, operation || 'input', p.name, 'is not valid Unicode text (it holds a lone surrogate)');
  out[p.name] = v;
}

function hasLoneSurrogate(v: unknown, depth: number): boolean {
  if (typeof v === 'string') return /\p{Cs}/u.test(v);
  if (v === null || typeof v !== 'object' || depth > 32) return false;
  if (Array.isArray(v)) return v.some((x) => hasLoneSurrogate(x, depth + 1));
  return Object.keys(v).some((k) => hasLoneSurrogate(k, depth + 1) || hasLoneSurrogate((v as Record<string, unknown>)[k], depth + 1));
}
