/**
 * The skeleton of an event node (`icws-dialer-events`, `interaction-events`): no input, one
 * output; it registers with its config node (whose session state it shows as its status),
 * checks its settings, starts listening, and on close stops listening before it leaves the
 * config node (which closes the session with its last user and waits for that itself).
 * A bad setting or a missing config node is a red status and a logged CcError, never a throw.
 */
import { CcError, notConfigured } from '../../lib/errors';
import type { ConfigHandle } from './config';
import { showStatus } from './operation';
import type { Node, NodeDef, RED } from './red';

export interface EventNodeContext<C> {
  node: Node;
  def: NodeDef;
  handle: ConfigHandle<C> & Node;
  client: C;
}

export interface EventNodeSpec<C> {
  type: string;
  vendor: string;
  /** The operation named in errors (`events`, `subscribe`). */
  operation: string;
  /** The config node type, for the "not configured" error. */
  configType: string;
  /** A settings error of the node (named field), or undefined. */
  validate?(def: NodeDef): CcError | undefined;
  /** Starts listening; answers the functions that stop it. May throw (a CcError is shown). */
  start(ctx: EventNodeContext<C>): Array<() => void>;
}

/** A translated status text, falling back to English when the key is missing. */
export type StatusText = (key: string, fallback: string) => string;

export function statusText(RED: RED): StatusText {
  return (key, fallback) => {
    const v = RED._(key);
    return v && v !== key ? v : fallback;
  };
}

export function registerEventNode<C>(RED: RED, spec: EventNodeSpec<C>): void {
  function EventNode(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const handle = RED.nodes.getNode(String(def.config ?? '')) as unknown as (ConfigHandle<C> & Node) | null;
    const stops: Array<() => void> = [];
    const fail = (err: CcError): void => {
      node.status({ fill: 'red', shape: 'ring', text: err.code });
      node.error(err);
    };
    const bad = spec.validate?.(def);
    if (!handle) fail(notConfigured(spec.vendor, spec.operation, `config (${spec.configType})`));
    else if (bad) fail(bad);
    else {
      const state: Parameters<typeof showStatus>[1] = { inFlight: 0 };
      stops.push(
        handle.register(node, (s) => {
          state.session = s;
          showStatus(node, state);
        }),
      );
      try {
        stops.push(...spec.start({ node, def, handle, client: handle.client() }));
      } catch (err) {
        fail(
          err instanceof CcError
            ? err
            : new CcError({ code: 'VENDOR_ERROR', vendor: spec.vendor, operation: spec.operation, message: String((err as Error)?.message ?? err) }),
        );
      }
    }
    node.on('close', (_removed: boolean, done: () => void) => {
      // Listeners first, then the registration (the config node closes the session with its
      // last user, and its own close waits for that: nothing to wait for here).
      for (const stop of stops.splice(0).reverse()) stop();
      node.status({});
      done();
    });
  }
  RED.nodes.registerType(spec.type, EventNode);
}
