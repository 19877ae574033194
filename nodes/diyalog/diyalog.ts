/**
 * Diyalog node set (docs/contract.md 2.1): the config nodes, the queueing-service endpoint
 * (`diyalog-interaction-in` + `diyalog-interaction-response`), and the client nodes that
 * call a queueing service or Diyalog's application API.
 */
import { CcError, invalidInput, notConfigured } from '../../lib/errors';
import {
  DiyalogApiClient,
  DiyalogQueueClient,
  createdEnvelope,
  DELETED_ENVELOPE,
  failureEnvelope,
  type AttachedDataShape,
  type CreateInteractionParams,
  type NotDeliveredParams,
  type TokenCheck,
} from '../../lib/diyalog';
import { registerConfigNode, resolveEnv, type ConfigHandle, type ConfigValues } from '../shared/config';
import { makeResolver, registerOperationNode } from '../shared/operation';
import type { DoneFn, Node, NodeDef, NodeMessage, RED, SendFn } from '../shared/red';
import { CARRIER, Endpoint, dispatcherFor, guardAdminParser, isCarrier, normaliseBase, type InteractionKind } from './endpoint';
import {
  ATTACHED_DATA_SHAPES,
  VENDOR,
  createInteraction,
  deleteInteraction,
  diyalogApiConfig,
  diyalogConfig,
  interactionIn,
  interactionNotDelivered,
  interactionResponse,
} from './spec';

type InNode = Node & { endpoint?: Endpoint };

/** The endpoint's status (pending count, last 4xx/504) is refreshed at most this often. */
const STATUS_INTERVAL_MS = 250;

/** A translated text, or the English one where the catalogue is not loaded (test helper). */
function text(RED: RED, key: string, english: string, subs?: Record<string, unknown>): string {
  const t = RED._(key, subs);
  return typeof t === 'string' && t !== key && !t.endsWith(key) ? t : english;
}

function queueClient(values: ConfigValues): DiyalogQueueClient {
  return new DiyalogQueueClient({ url: values.url, authToken: values.credentials.authToken, timeout: values.timeout }, values.transport);
}

/** The message of a failure answer the flow asks for (docs/contract.md 2.1), or undefined. */
function failureOf(msg: NodeMessage): string | undefined {
  const e = msg.error;
  if (e !== undefined && e !== null && e !== false) {
    if (typeof e === 'string') return e || 'refused';
    const m = (e as { message?: unknown }).message;
    return typeof m === 'string' && m ? m : 'refused';
  }
  const p = msg.payload;
  if (typeof p === 'object' && p !== null && (p as { success?: unknown }).success === false) {
    const m = (p as { errorMessage?: unknown }).errorMessage;
    return typeof m === 'string' && m ? m : 'refused';
  }
  return undefined;
}

function registerInteractionIn(RED: RED): void {
  function InteractionIn(this: InNode, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const base = normaliseBase(def.path);
    if (!base) {
      node.error(text(RED, 'diyalog-interaction-in.errors.path', 'diyalog-interaction-in: the path must be a non-root path such as /diyalog'));
      node.status({ fill: 'red', shape: 'ring', text: text(RED, 'diyalog-interaction-in.status.badPath', 'no path') });
      return;
    }
    let unregister: (() => void) | undefined;
    let token: TokenCheck | null = null;
    if (def.config) {
      const handle = RED.nodes.getNode(String(def.config)) as unknown as ConfigHandle<DiyalogQueueClient> | null;
      if (!handle) {
        // Serving without the configured token check would open the endpoint: refuse instead.
        node.error(notConfigured(VENDOR, 'interaction-in', 'config (diyalog-config)').message);
        node.status({ fill: 'red', shape: 'ring', text: 'NOT_CONFIGURED' });
        return;
      }
      unregister = handle.register(node);
      const check = handle.client().tokenCheck;
      token = check.required ? check : null;
    }
    const responseTimeout = Number(def.responseTimeout) > 0 ? Number(def.responseTimeout) : 30000;
    const dispatcher = dispatcherFor(RED.httpNode, RED.settings);
    guardAdminParser(RED.httpAdmin, RED.settings, dispatcher);
    let failure: string | undefined;
    let statusTimer: NodeJS.Timeout | undefined;
    let shown = '';
    const showStatus = (): void => {
      statusTimer = undefined;
      const n = node.endpoint?.pendingCount ?? 0;
      const next = n > 0 ? `blue:${n}` : failure ? `red:${failure}` : '';
      if (next === shown) return;
      shown = next;
      if (n > 0) node.status({ fill: 'blue', shape: 'dot', text: String(n) });
      else if (failure) node.status({ fill: 'red', shape: 'ring', text: failure });
      else node.status({});
    };
    const endpoint = new Endpoint({
      nodeId: node.id,
      base,
      responseTimeout,
      token,
      emit(kind: InteractionKind, payload: Record<string, unknown>, request: number) {
        const msg: NodeMessage = { topic: kind === 'create' ? 'CreateInteraction' : 'DeleteInteraction', payload, [CARRIER]: { node: node.id, request, kind } };
        if (kind === 'delete') {
          msg.interactionId = payload.interactionId;
          node.send([null, msg]);
        } else node.send([msg, null]);
      },
      onChange(event, status) {
        // The last failure stays shown (red ring with the HTTP status) until the next answer.
        if (event === 'timeout') failure = '504';
        else if (event === 'reject') failure = String(status);
        else if (event === 'answer') failure = undefined;
        // At most one status update per interval, whatever the request rate.
        statusTimer ??= setTimeout(showStatus, STATUS_INTERVAL_MS);
      },
    });
    if (!dispatcher.add(endpoint)) {
      node.error(
        text(RED, 'diyalog-interaction-in.errors.pathInUse', `diyalog-interaction-in: path ${base} is already served by another diyalog-interaction-in node`, {
          path: base,
        }),
      );
      node.status({ fill: 'red', shape: 'ring', text: text(RED, 'diyalog-interaction-in.status.pathInUse', 'path in use') });
      unregister?.();
      return;
    }
    node.endpoint = endpoint;
    node.status({});
    node.on('close', (_removed: boolean, done: () => void) => {
      if (statusTimer) clearTimeout(statusTimer);
      statusTimer = undefined;
      dispatcher.remove(endpoint);
      endpoint.close();
      node.endpoint = undefined;
      unregister?.();
      node.status({});
      done();
    });
  }
  RED.nodes.registerType(interactionIn.type, InteractionIn);
}

function registerInteractionResponse(RED: RED): void {
  function InteractionResponse(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const resolveId = makeResolver(
      RED,
      VENDOR,
      'interactionId',
      def.interactionId ?? 'interactionId',
      typeof def.interactionIdType === 'string' ? def.interactionIdType : 'msg',
    );
    const op = 'respond';
    node.on('input', (msg: NodeMessage, _send: SendFn, done: DoneFn) => {
      const fail = (err: CcError): void => {
        node.status({ fill: 'red', shape: 'ring', text: err.code });
        done(err);
      };
      const carrier = msg[CARRIER];
      if (!isCarrier(carrier)) return fail(invalidInput(VENDOR, op, 'msg._diyalog', 'is missing: this msg did not come from diyalog-interaction-in'));
      const answer = (text: string): void => {
        const target = RED.nodes.getNode(carrier.node) as InNode | null;
        if (!target?.endpoint || !target.endpoint.respond(carrier.request, 200, text)) {
          return fail(
            new CcError({
              code: 'CONFLICT',
              vendor: VENDOR,
              operation: op,
              message: 'the request was already answered, timed out, or its endpoint was redeployed',
            }),
          );
        }
        node.status({});
        done();
      };
      const failure = failureOf(msg);
      if (failure !== undefined) return answer(failureEnvelope(failure));
      if (carrier.kind === 'delete') return answer(DELETED_ENVELOPE);
      Promise.resolve()
        .then(() => resolveId(node, msg))
        .then(
          (id) => {
            if (id === undefined || id === null || id === '' || (typeof id !== 'string' && typeof id !== 'number')) {
              return fail(invalidInput(VENDOR, op, 'interactionId', 'is required to answer a CreateInteraction (string)'));
            }
            answer(createdEnvelope(String(id)));
          },
          (err: unknown) => fail(err instanceof CcError ? err : invalidInput(VENDOR, op, 'interactionId', 'could not be read')),
        );
    });
  }
  RED.nodes.registerType(interactionResponse.type, InteractionResponse);
}

export = function (RED: RED): void {
  registerConfigNode(RED, diyalogConfig, queueClient);
  registerConfigNode(RED, diyalogApiConfig, (values) => {
    return new DiyalogApiClient(
      {
        url: values.url,
        accessKeyId: values.credentials.accessKeyId,
        accessKeySecret: values.credentials.accessKeySecret,
        requesterUserId: resolveEnv(
          RED,
          values.node,
          typeof values.def.requesterUserId === 'string' ? values.def.requesterUserId : String(values.def.requesterUserId ?? ''),
        ).trim(),
        timeout: values.timeout,
      },
      values.transport,
    );
  });
  registerInteractionIn(RED);
  registerInteractionResponse(RED);

  registerOperationNode<DiyalogQueueClient>(RED, createInteraction, async ({ client, params, def, timeout, signal }) => {
    const shape = (ATTACHED_DATA_SHAPES.includes(String(def.attachedDataShape)) ? def.attachedDataShape : 'array') as AttachedDataShape;
    const { result, vendor } = await client.createInteraction(params as unknown as CreateInteractionParams, { attachedDataShape: shape, timeout, signal });
    return { payload: result, vendor, fields: { interactionId: result.interactionId } };
  });

  registerOperationNode<DiyalogQueueClient>(RED, deleteInteraction, async ({ client, params, def, msg, timeout, signal }) => {
    let id = params.interactionId;
    // Default wiring: msg.interactionId, then msg.payload.interactionId (docs/contract.md 2.1).
    const defaultWiring =
      (def.interactionIdType === undefined || def.interactionIdType === 'msg') && (def.interactionId === undefined || def.interactionId === 'interactionId');
    if ((id === undefined || id === '') && defaultWiring && typeof msg.payload === 'object' && msg.payload !== null) {
      id = (msg.payload as { interactionId?: unknown }).interactionId;
    }
    const { result, vendor } = await client.deleteInteraction({ interactionId: id as string }, { timeout, signal });
    return { payload: result, vendor };
  });

  registerOperationNode<DiyalogApiClient>(RED, interactionNotDelivered, async ({ client, params, timeout, signal }) => {
    const { result, vendor } = await client.interactionNotDelivered(params as NotDeliveredParams, { timeout, signal });
    return { payload: result, vendor };
  });
};
