/** The GWS node set, described once (docs/contract.md 2.4, docs/vendors/gws.md). */
import { AGENT_OPERATIONS, INTERACTION_OPERATIONS, OTHER_OPERATION } from '../../lib/gws/client';
import { commonConfigSettings, type ConfigSpec, type NodeSpec } from '../shared/spec';

export const COLOR = '#FF8A65';
export const DEFAULT_CHANNELS = '/v2/me/interactions';

/** Interaction operations that address one interaction. */
const ONE_INTERACTION = INTERACTION_OPERATIONS.filter((o) => o !== 'listAll' && o !== 'listMine' && o !== 'listMineUris');

export const gwsConfig: ConfigSpec = {
  type: 'gws-config',
  set: 'gws',
  vendor: 'GWS',
  settings: [...commonConfigSettings({ timeout: 30000 })],
  credentials: ['username', 'password'],
  testConnection: true,
};

export const gwsAgent: NodeSpec = {
  type: 'gws-agent',
  set: 'gws',
  vendor: 'GWS',
  color: COLOR,
  icon: 'gws-agent.svg',
  config: 'gws-config',
  inputs: 1,
  outputs: 1,
  operations: [...AGENT_OPERATIONS],
  operationFromMsg: true,
  params: [
    { name: 'channels', kind: 'array', required: ['startSession'], operations: ['startSession'] },
    { name: 'place', kind: 'string', operations: ['startSession'] },
    { name: 'channel', kind: 'string', operations: ['ready', 'notReady'] },
  ],
};

export const interactionOp: NodeSpec = {
  type: 'interaction-op',
  set: 'gws',
  vendor: 'GWS',
  color: COLOR,
  icon: 'gws.svg',
  config: 'gws-config',
  inputs: 1,
  outputs: 1,
  operations: [...INTERACTION_OPERATIONS],
  operationFromMsg: true,
  params: [
    { name: 'interactionId', kind: 'string', required: ONE_INTERACTION, operations: ONE_INTERACTION },
    { name: 'queueName', kind: 'string', required: ['PlaceInQueue'], operations: ['PlaceInQueue'] },
    { name: 'userData', kind: 'object', required: ['UpdateUserData', 'AttachUserData'], operations: ['UpdateUserData', 'AttachUserData', 'DeleteUserData'] },
    { name: 'keys', kind: 'array', operations: ['DeleteUserData'] },
    { name: 'workbin', kind: 'string', required: ['PlaceInWorkbin', 'GetWorkbinContent'], operations: ['PlaceInWorkbin', 'GetWorkbinContent'] },
    { name: 'userId', kind: 'string', required: ['Transfer'], operations: ['Transfer'] },
    { name: 'interaction', kind: 'object', required: ['update'], operations: ['update'] },
    { name: 'body', kind: 'object', operations: [OTHER_OPERATION] },
  ],
  // "Other operation": the vendor operation name is the node's own field, never read from the msg (docs/contract.md 1.2).
  settings: [{ name: 'operationName', value: '', operations: [OTHER_OPERATION] }],
};

export const interactionEvents: NodeSpec = {
  type: 'interaction-events',
  set: 'gws',
  vendor: 'GWS',
  color: COLOR,
  icon: 'gws-events.svg',
  config: 'gws-config',
  inputs: 0,
  outputs: 1,
  params: [],
  settings: [{ name: 'channels', value: DEFAULT_CHANNELS, required: true }],
};

export const specs = { config: [gwsConfig], nodes: [gwsAgent, interactionOp, interactionEvents] };
