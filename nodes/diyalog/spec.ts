/** The Diyalog node set, described once (docs/contract.md 2.1, docs/vendors/diyalog.md). */
import { commonConfigSettings, type ConfigSpec, type NodeSpec } from '../shared/spec';

export const COLOR = '#7FC4E8';
export const SET = 'diyalog';
export const VENDOR = 'Diyalog';

/** Queueing side: the Auth-Token Diyalog sends (checked by `diyalog-interaction-in`, sent by the client nodes). */
export const diyalogConfig: ConfigSpec = {
  type: 'diyalog-config',
  set: SET,
  vendor: VENDOR,
  // The URL is only needed by the client nodes; an endpoint-only config has none.
  settings: commonConfigSettings().map((s) => (s.name === 'url' ? { ...s, required: false } : s)),
  credentials: ['authToken'],
};

/** Application API side: HMAC key and acting employee. */
export const diyalogApiConfig: ConfigSpec = {
  type: 'diyalog-api-config',
  set: SET,
  vendor: VENDOR,
  settings: [...commonConfigSettings({ url: 'https://api.diyalog.im' }), { name: 'requesterUserId', value: '', required: true }],
  credentials: ['accessKeyId', 'accessKeySecret'],
};

export const interactionIn: NodeSpec = {
  type: 'diyalog-interaction-in',
  set: SET,
  vendor: VENDOR,
  color: COLOR,
  icon: 'diyalog.svg',
  inputs: 0,
  outputs: 2,
  params: [],
  settings: [
    { name: 'path', value: '/diyalog', required: true },
    // Optional: without it no Auth-Token is required.
    { name: 'config', value: '', configType: 'diyalog-config' },
    { name: 'responseTimeout', value: 30000, input: 'number' },
  ],
};

export const interactionResponse: NodeSpec = {
  type: 'diyalog-interaction-response',
  set: SET,
  vendor: VENDOR,
  color: COLOR,
  icon: 'diyalog.svg',
  align: 'right',
  inputs: 1,
  outputs: 0,
  params: [{ name: 'interactionId', kind: 'string', default: { type: 'msg', value: 'interactionId' } }],
};

export const ATTACHED_DATA_SHAPES = ['array', 'object'];

/** What the two client nodes of the queueing side share. */
const QUEUE_CLIENT = { set: SET, vendor: VENDOR, color: COLOR, icon: 'diyalog.svg', config: 'diyalog-config', inputs: 1, outputs: 1 } as const;

export const createInteraction: NodeSpec = {
  type: 'diyalog-create-interaction',
  ...QUEUE_CLIENT,
  params: [
    { name: 'identityNumber', kind: 'string' },
    { name: 'customerId', kind: 'string', required: true },
    { name: 'attachedData', kind: 'object' },
  ],
  settings: [{ name: 'attachedDataShape', value: 'array', options: ATTACHED_DATA_SHAPES, input: 'select' }],
};

export const deleteInteraction: NodeSpec = {
  type: 'diyalog-delete-interaction',
  ...QUEUE_CLIENT,
  params: [{ name: 'interactionId', kind: 'string', required: true, default: { type: 'msg', value: 'interactionId' } }],
};

export const interactionNotDelivered: NodeSpec = {
  type: 'diyalog-interaction-not-delivered',
  set: SET,
  vendor: VENDOR,
  color: COLOR,
  icon: 'diyalog.svg',
  config: 'diyalog-api-config',
  inputs: 1,
  outputs: 1,
  params: [
    { name: 'interactionId', kind: 'string' },
    { name: 'sessionId', kind: 'string' },
    { name: 'message', kind: 'string' },
  ],
};

export const specs = {
  config: [diyalogConfig, diyalogApiConfig],
  nodes: [interactionIn, interactionResponse, createInteraction, deleteInteraction, interactionNotDelivered],
};
