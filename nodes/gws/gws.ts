/**
 * GWS node set: `gws-config` (one HTTP session + one CometD client per config node),
 * `gws-agent`, `interaction-op` and `interaction-events`.
 */
import { CcError } from '../../lib/errors';
import { MAX_ANSWER_DEPTH, valueDeeperThan } from '../../lib/http/answer';
import { GwsClient, OTHER_OPERATION } from '../../lib/gws';
import { registerConfigNode, registerTestConnection, type ConfigValues } from '../shared/config';
import { registerEventNode, statusText, type StatusText } from '../shared/events';
import { GwsConfigClient } from './config-client';
import { registerOperationNode } from '../shared/operation';
import type { NodeDef, RED } from '../shared/red';
import { DEFAULT_CHANNELS, gwsAgent, gwsConfig, interactionEvents, interactionOp } from './spec';

function makeClient(values: ConfigValues, text: StatusText): GwsConfigClient {
  // Null when the editor's "Test connection" builds a client for unsaved values.
  const node = values.node as typeof values.node | null;
  return new GwsConfigClient(
    new GwsClient(
      { url: values.url, username: values.credentials.username ?? '', password: values.credentials.password ?? '' },
      values.transport,
      // Texts reaching the log are already redacted by the session.
      { log: (level, line) => (level === 'warn' ? node?.warn(line) : node?.debug(line)) },
    ),
    text,
  );
}

export = function (RED: RED): void {
  const text = statusText(RED);
  const create = (values: ConfigValues): GwsConfigClient => makeClient(values, text);
  registerConfigNode(RED, gwsConfig, create, 30000);

  registerOperationNode<GwsConfigClient>(RED, gwsAgent, async ({ client, params, operation, timeout, signal }) => {
    const r = await client.gws.agent(operation, params, { timeout, signal });
    return { payload: r.payload, vendor: r.vendor };
  });

  registerOperationNode<GwsConfigClient>(RED, interactionOp, async ({ client, params, operation, timeout, signal, def }) => {
    // "Other operation": the name comes from the node's own field only, never from the msg (docs/contract.md 1.2).
    const all = operation === OTHER_OPERATION ? { ...params, operationName: def.operationName } : params;
    const r = await client.gws.interaction(operation, all, { timeout, signal });
    return { payload: r.payload, vendor: r.vendor };
  });

  const channelsOf = (def: NodeDef): string[] => {
    const list = String(def.channels ?? DEFAULT_CHANNELS)
      .split(/[\s,]+/)
      .filter(Boolean);
    return list.length ? list : [DEFAULT_CHANNELS];
  };
  registerEventNode<GwsConfigClient>(RED, {
    type: interactionEvents.type,
    vendor: 'GWS',
    operation: 'subscribe',
    configType: 'gws-config',
    validate: (def) => {
      const bad = channelsOf(def).find((c) => !c.startsWith('/') || c.startsWith('/meta/'));
      return bad
        ? new CcError({
            code: 'INVALID_INPUT',
            vendor: 'GWS',
            operation: 'subscribe',
            field: 'channels',
            message: `channels: "${bad}" is not a channel name (e.g. /v2/me/interactions)`,
          })
        : undefined;
    },
    start: ({ node, def, client }) => {
      client.gws.configured('subscribe');
      // A notification Node-RED could not clone (nested too deep) is reported, never sent.
      return channelsOf(def).map((ch) =>
        client.gws.subscribe(ch, (n) =>
          valueDeeperThan(n.data, MAX_ANSWER_DEPTH)
            ? node.warn(`GWS notification on ${n.channel} nested deeper than ${MAX_ANSWER_DEPTH} levels: not passed on`)
            : node.send({ topic: n.channel, payload: n.data }),
        ),
      );
    },
  });

  registerTestConnection(RED, gwsConfig, create, (client) => client.gws.checkCredentials(), 30000);
};
