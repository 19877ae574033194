/** The ICWS node set, described once (docs/contract.md 2.3, docs/vendors/icws.md). */
import { OPERATIONS } from '../../lib/icws/client';
import { commonConfigSettings, type ConfigSpec, type NodeSpec } from '../shared/spec';

export const COLOR = '#F28B50';
export const DEFAULT_PORT = 18082;

export const icwsConfig: ConfigSpec = {
  type: 'icws-config',
  set: 'icws',
  vendor: 'ICWS',
  settings: [
    ...commonConfigSettings(),
    { name: 'applicationName', value: 'Node-RED' },
    { name: 'language', value: 'en-us' },
    { name: 'station', value: '' },
    { name: 'restoreDialer', value: true, input: 'checkbox' },
  ],
  credentials: ['username', 'password'],
  testConnection: true,
};

export const icwsDialer: NodeSpec = {
  type: 'icws-dialer',
  set: 'icws',
  vendor: 'ICWS',
  color: COLOR,
  icon: 'icws.svg',
  config: 'icws-config',
  inputs: 1,
  outputs: 1,
  operations: [...OPERATIONS],
  operationFromMsg: true,
  params: [
    { name: 'campaignId', kind: 'string', operations: ['logIn', 'updateCallData'] },
    { name: 'campaignIds', kind: 'array', operations: ['readyForCalls', 'logOff'] },
    { name: 'label', kind: 'string', required: ['disposition'], operations: ['disposition'] },
    { name: 'scheduledTime', kind: 'time', operations: ['disposition'] },
    { name: 'scheduledAgent', kind: 'string', operations: ['disposition'] },
    { name: 'callAttributes', kind: 'object', required: ['updateCallData'], operations: ['disposition', 'placePreviewCall', 'updateCallData'] },
    { name: 'callId', kind: 'string', operations: ['updateCallData'] },
    { name: 'statusId', kind: 'string', required: ['setStatus'], operations: ['setStatus'] },
    { name: 'userId', kind: 'string', operations: ['setStatus'] },
  ],
};

export const icwsDialerEvents: NodeSpec = {
  type: 'icws-dialer-events',
  set: 'icws',
  vendor: 'ICWS',
  color: COLOR,
  icon: 'icws-events.svg',
  config: 'icws-config',
  inputs: 0,
  outputs: 1,
  params: [],
  settings: [
    { name: 'types', value: '' },
    { name: 'passTypes', value: '' },
  ],
};

export const specs = { config: [icwsConfig], nodes: [icwsDialer, icwsDialerEvents] };
