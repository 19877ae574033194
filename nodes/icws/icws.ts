/**
 * ICWS node set: `icws-config` (one ICWS session + message stream per config node),
 * `icws-dialer` (the Dialer requests) and `icws-dialer-events` (the Dialer messages).
 */
import { MAX_ANSWER_DEPTH, valueDeeperThan } from '../../lib/http/answer';
import { CcError, notConfigured } from '../../lib/errors';
import { DIALER_PREFIX, IcwsClient, callTypeOf, isDialerMessage, parseTypes, type IcwsMessage, type IcwsOperation } from '../../lib/icws';
import { registerConfigNode, registerTestConnection, type ConfigHandle, type ConfigValues } from '../shared/config';
import { registerOperationNode, showStatus } from '../shared/operation';
import type { Node, NodeDef, RED } from '../shared/red';
import { IcwsConfigClient, type StatusText } from './config-client';
import { icwsConfig, icwsDialer, icwsDialerEvents } from './spec';

const VENDOR = 'ICWS';

function flag(v: unknown, dflt: boolean): boolean {
  if (v === undefined || v === null || v === '') return dflt;
  return v !== false && v !== 'false';
}

export = function (RED: RED): void {
  const text: StatusText = (key, fallback) => {
    const v = RED._(key);
    return v && v !== key ? v : fallback;
  };

  /**
   * Session closes in progress per config node. When the last user leaves first (it does when
   * Node-RED stops a tab before the global config nodes), the shared helper starts the close
   * without waiting for it; the config node's own close then waits here, so that the session
   * DELETE is on the wire before Node-RED goes on (redeploy) or exits (shutdown).
   */
  const closing = new WeakMap<Node, Set<Promise<void>>>();
  function closingOf(node: Node): Set<Promise<void>> {
    let set = closing.get(node);
    if (!set) {
      const pending = new Set<Promise<void>>();
      set = pending;
      closing.set(node, pending);
      node.on('close', (_removed: boolean, done: () => void) => {
        void Promise.allSettled([...pending]).then(() => done());
      });
    }
    return set;
  }

  function makeIcws(values: ConfigValues): IcwsClient {
    const { def } = values;
    const str = (k: string): string => (typeof def[k] === 'string' ? (def[k] as string).trim() : '');
    return new IcwsClient({
      url: values.url,
      username: values.credentials.username ?? '',
      password: values.credentials.password ?? '',
      applicationName: str('applicationName') || 'Node-RED',
      language: str('language') || 'en-us',
      station: str('station') || undefined,
      restoreDialer: flag(def.restoreDialer, true),
      timeout: values.timeout,
      transport: values.transport,
    });
  }

  function makeClient(values: ConfigValues): IcwsConfigClient {
    const { node } = values;
    const pending = closingOf(node);
    const icws = makeIcws(values);
    // Session texts are built from redacted error messages: no password, token or cookie.
    icws.session.on('warning', (w: string) => node.warn(w));
    return new IcwsConfigClient(icws, text, (p) => {
      pending.add(p);
      void p.finally(() => pending.delete(p));
    });
  }

  registerConfigNode(RED, icwsConfig, makeClient, 30000);
  // Log in (and onto the station) with the dialog's values, then log out again.
  registerTestConnection(
    RED,
    icwsConfig,
    (values) => {
      const icws = makeIcws(values);
      return { icws, close: () => icws.close() };
    },
    (client) => client.icws.checkCredentials(),
    30000,
  );

  registerOperationNode<IcwsConfigClient>(RED, icwsDialer, async ({ client, params, operation, timeout, signal }) => {
    const r = await client.icws.run(operation as IcwsOperation, params, { timeout, signal });
    return { payload: r.payload, vendor: r.vendor };
  });

  function DialerEventsNode(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const types = parseTypes(def.types);
    const handle = RED.nodes.getNode(String(def.config ?? '')) as unknown as (ConfigHandle<IcwsConfigClient> & Node) | null;
    const stops: Array<() => void> = [];
    const fail = (err: CcError): void => {
      node.status({ fill: 'red', shape: 'ring', text: err.code });
      node.error(err);
    };
    const bad = types.find((t) => !t.startsWith(DIALER_PREFIX));
    if (!handle) fail(notConfigured(VENDOR, 'events', 'config (icws-config)'));
    else if (bad)
      fail(
        new CcError({
          code: 'INVALID_INPUT',
          vendor: VENDOR,
          operation: 'events',
          field: 'types',
          message: `types: "${bad}" is not a Dialer message type (urn:inin.com:dialer:…)`,
        }),
      );
    else {
      const state: Parameters<typeof showStatus>[1] = { inFlight: 0 };
      stops.push(
        handle.register(node, (s) => {
          state.session = s;
          showStatus(node, state);
        }),
      );
      const client = handle.client();
      const creds = handle.credentials ?? {};
      const missing = !client.icws.session.transport.baseUrl ? 'url' : !creds.username ? 'username' : !creds.password ? 'password' : undefined;
      if (missing) fail(notConfigured(VENDOR, 'events', missing));
      else {
        const session = client.icws.session;
        const onMessage = (m: IcwsMessage): void => {
          if (!isDialerMessage(m) || (types.length && !types.includes(m.__type))) return;
          // Each node gets its own copy: flows may change what they receive.
          // An event Node-RED could not clone (nested too deep) is reported, never sent: a clone
          // that overflows the stack would take the process down.
          if (valueDeeperThan(m, MAX_ANSWER_DEPTH))
            return node.warn(`ICWS event ${String(m.__type)} nested deeper than ${MAX_ANSWER_DEPTH} levels: not passed on`);
          const msg: Record<string, unknown> = { topic: m.__type, payload: RED.util.cloneMessage(m) };
          const callType = callTypeOf(m);
          if (callType) msg.callType = callType;
          node.send(msg);
        };
        const onReconnected = (info: { restored: boolean }): void => node.send({ topic: 'reconnected', payload: { restored: info.restored } });
        session.on('message', onMessage);
        session.on('reconnected', onReconnected);
        stops.push(() => {
          session.off('message', onMessage);
          session.off('reconnected', onReconnected);
        });
        // The stream is why this node exists: open the session now, not at the first request.
        session.open();
      }
    }
    node.on('close', (_removed: boolean, done: () => void) => {
      // Listeners first, then the registration (which closes the session with the last user).
      for (const stop of stops.splice(0).reverse()) stop();
      node.status({});
      done();
    });
  }
  RED.nodes.registerType(icwsDialerEvents.type, DialerEventsNode);
};
