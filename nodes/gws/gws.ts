/**
 * GWS node set: `gws-config` (one HTTP session + one CometD client per config node),
 * `gws-agent`, `interaction-op` and `interaction-events`.
 */
import { MAX_ANSWER_DEPTH, valueDeeperThan } from '../../lib/http/answer';
import { CcError, notConfigured } from '../../lib/errors';
import { GwsClient } from '../../lib/gws';
import { registerConfigNode, registerTestConnection, type ConfigHandle, type ConfigValues } from '../shared/config';
import { GwsConfigClient } from './config-client';
import { registerOperationNode, showStatus } from '../shared/operation';
import type { Node, NodeDef, RED } from '../shared/red';
import { DEFAULT_CHANNELS, gwsAgent, gwsConfig, interactionEvents, interactionOp } from './spec';

function makeClient(values: ConfigValues): GwsConfigClient {
  // Null when the editor's "Test connection" builds a client for unsaved values.
  const node = values.node as typeof values.node | null;
  return new GwsConfigClient(
    new GwsClient(
      { url: values.url, username: values.credentials.username ?? '', password: values.credentials.password ?? '' },
      values.transport,
      // Texts reaching the log are already redacted by the session.
      { log: (level, text) => (level === 'warn' ? node?.warn(text) : node?.debug(text)) },
    ),
  );
}

export = function (RED: RED): void {
  registerConfigNode(RED, gwsConfig, makeClient, 30000);

  registerOperationNode<GwsConfigClient>(RED, gwsAgent, async ({ client, params, operation, timeout, signal }) => {
    const r = await client.gws.agent(operation, params, { timeout, signal });
    return { payload: r.payload, vendor: r.vendor };
  });

  registerOperationNode<GwsConfigClient>(RED, interactionOp, async ({ client, params, operation, timeout, signal }) => {
    const r = await client.gws.interaction(operation, params, { timeout, signal });
    return { payload: r.payload, vendor: r.vendor };
  });

  function InteractionEventsNode(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const channels = String(def.channels ?? DEFAULT_CHANNELS)
      .split(/[\s,]+/)
      .filter(Boolean);
    if (channels.length === 0) channels.push(DEFAULT_CHANNELS);
    const handle = RED.nodes.getNode(String(def.config ?? '')) as unknown as ConfigHandle<GwsConfigClient> | null;
    const stops: Array<() => void> = [];
    const fail = (err: CcError): void => {
      node.status({ fill: 'red', shape: 'ring', text: err.code });
      node.error(err);
    };
    const bad = channels.find((c) => !c.startsWith('/') || c.startsWith('/meta/'));
    if (!handle) fail(notConfigured('GWS', 'subscribe', 'config (gws-config)'));
    else if (bad)
      fail(
        new CcError({
          code: 'INVALID_INPUT',
          vendor: 'GWS',
          operation: 'subscribe',
          field: 'channels',
          message: `channels: "${bad}" is not a channel name (e.g. /v2/me/interactions)`,
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
      try {
        const client = handle.client();
        client.gws.configured('subscribe');
        for (const ch of channels) {
          stops.push(
            client.gws.subscribe(ch, (n) => {
              // A notification Node-RED could not clone (nested too deep) is reported, never sent.
              if (valueDeeperThan(n.data, MAX_ANSWER_DEPTH))
                return node.warn(`GWS notification on ${n.channel} nested deeper than ${MAX_ANSWER_DEPTH} levels: not passed on`);
              node.send({ topic: n.channel, payload: n.data });
            }),
          );
        }
      } catch (err) {
        fail(
          err instanceof CcError ? err : new CcError({ code: 'VENDOR_ERROR', vendor: 'GWS', operation: 'subscribe', message: String((err as Error).message) }),
        );
      }
    }
    node.on('close', (_removed: boolean, done: () => void) => {
      // Listeners first, then the config registration (which closes the session with the last user).
      for (const stop of stops.splice(0).reverse()) stop();
      node.status({});
      done();
    });
  }
  RED.nodes.registerType(interactionEvents.type, InteractionEventsNode);

  registerTestConnection(RED, gwsConfig, makeClient, (client) => client.gws.checkCredentials(), 30000);
};
