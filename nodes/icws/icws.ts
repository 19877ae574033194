/**
 * ICWS node set: `icws-config` (one ICWS session + message stream per config node),
 * `icws-dialer` (the Dialer requests) and `icws-dialer-events` (the Dialer messages).
 */
import { MAX_ANSWER_DEPTH, valueDeeperThan } from '../../lib/http/answer';
import { CcError, notConfigured } from '../../lib/errors';
import {
  DIALER_PREFIX,
  IcwsClient,
  callTypeOf,
  isDialerMessage,
  parsePassTypes,
  parseTypes,
  passes,
  type IcwsMessage,
  type IcwsOperation,
} from '../../lib/icws';
import { registerConfigNode, registerTestConnection, type ConfigValues } from '../shared/config';
import { registerEventNode, statusText } from '../shared/events';
import { registerOperationNode } from '../shared/operation';
import type { RED } from '../shared/red';
import { IcwsConfigClient } from './config-client';
import { icwsConfig, icwsDialer, icwsDialerEvents } from './spec';

const VENDOR = 'ICWS';
/** The topic of the notice that the session was re-established (also a value of `types`). */
const RECONNECTED = 'reconnected';

function flag(v: unknown, dflt: boolean): boolean {
  if (v === undefined || v === null || v === '') return dflt;
  return v !== false && v !== 'false';
}

export = function (RED: RED): void {
  const text = statusText(RED);

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
    const icws = makeIcws(values);
    // Session texts are built from redacted error messages: no password, token or cookie.
    icws.session.on('warning', (w: string) => node.warn(w));
    // The config node's close waits for the session close (DELETE on the wire) itself.
    return new IcwsConfigClient(icws, text);
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

  registerEventNode<IcwsConfigClient>(RED, {
    type: icwsDialerEvents.type,
    vendor: VENDOR,
    operation: 'events',
    configType: 'icws-config',
    validate: (def) => {
      const bad = parseTypes(def.types).find((t) => !t.startsWith(DIALER_PREFIX) && t !== RECONNECTED);
      if (bad)
        return new CcError({
          code: 'INVALID_INPUT',
          vendor: VENDOR,
          operation: 'events',
          field: 'types',
          message: `types: "${bad}" is not a Dialer message type (urn:inin.com:dialer:…) or "reconnected"`,
        });
      try {
        parsePassTypes(def.passTypes);
      } catch (err) {
        return err as CcError;
      }
      return undefined;
    },
    start: ({ node, def, handle, client }) => {
      const types = parseTypes(def.types);
      // `types` filters Dialer messages and the `reconnected` notice; `passTypes` lets other
      // messages through (the session subscribes to those the server sends only on request).
      const dialerTypes = types.filter((t) => t !== RECONNECTED);
      const reconnected = !types.length || types.includes(RECONNECTED);
      const passTypes = parsePassTypes(def.passTypes);
      const creds = handle.credentials ?? {};
      const missing = !client.icws.session.transport.baseUrl ? 'url' : !creds.username ? 'username' : !creds.password ? 'password' : undefined;
      if (missing) throw notConfigured(VENDOR, 'events', missing);
      const session = client.icws.session;
      const onMessage = (m: IcwsMessage): void => {
        const dialer = isDialerMessage(m) && (!dialerTypes.length || dialerTypes.includes(m.__type));
        if (!dialer && !passes(m.__type, passTypes)) return;
        // Each node gets its own copy: flows may change what they receive. An event Node-RED could
        // not clone (nested too deep) is reported, never sent: a clone that overflows the stack
        // would take the process down.
        if (valueDeeperThan(m, MAX_ANSWER_DEPTH))
          return node.warn(`ICWS event ${String(m.__type)} nested deeper than ${MAX_ANSWER_DEPTH} levels: not passed on`);
        const msg: Record<string, unknown> = { topic: m.__type, payload: RED.util.cloneMessage(m) };
        const callType = callTypeOf(m);
        if (callType) msg.callType = callType;
        node.send(msg);
      };
      const onReconnected = (info: { restored: boolean }): void => {
        if (reconnected) node.send({ topic: RECONNECTED, payload: { restored: info.restored } });
      };
      session.on('message', onMessage);
      session.on('reconnected', onReconnected);
      if (passTypes.length) void client.icws.subscriptions.want(node, passTypes);
      // The stream is why this node exists: open the session now, not at the first request.
      session.open();
      return [
        () => {
          session.off('message', onMessage);
          session.off('reconnected', onReconnected);
          void client.icws.subscriptions.drop(node);
        },
      ];
    },
  });
};
