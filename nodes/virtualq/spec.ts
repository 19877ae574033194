/** The virtualQ node set, described once (docs/contract.md 2.2, docs/vendors/virtualq.md). */
import { commonConfigSettings, type ConfigSpec, type NodeSpec, type ParamSpec } from '../shared/spec';

export const COLOR = '#8FD3C5';
export const SET = 'virtualq';
export const VENDOR = 'virtualQ';

export const virtualqConfig: ConfigSpec = {
  type: 'virtualq-config',
  set: SET,
  vendor: VENDOR,
  settings: commonConfigSettings({ url: 'https://api.virtualq.io' }),
  credentials: ['apiKey'],
  testConnection: true,
};

const base = { set: SET, vendor: VENDOR, color: COLOR, config: 'virtualq-config', inputs: 1 as const, outputs: 1 };

export const lineUp: NodeSpec = {
  ...base,
  type: 'virtualq-line-up',
  icon: 'virtualq.svg',
  params: [
    { name: 'lineId', kind: 'number', required: true },
    { name: 'phone', kind: 'string', required: true },
    { name: 'channel', kind: 'string', required: true },
    { name: 'source', kind: 'string', required: true },
    { name: 'lang', kind: 'string' },
    { name: 'skills', kind: 'array' },
    { name: 'properties', kind: 'object' },
  ],
};

const CALLER_OPS = ['verify', 'get', 'notifyConnected', 'notifyTransferred', 'update', 'listWaiting'];
const BY_PHONE = ['verify', 'get', 'notifyConnected', 'notifyTransferred', 'update'];

export const caller: NodeSpec = {
  ...base,
  type: 'virtualq-caller',
  icon: 'virtualq-caller.svg',
  operations: CALLER_OPS,
  operationFromMsg: true,
  params: [
    { name: 'lineId', kind: 'number', required: BY_PHONE },
    { name: 'phone', kind: 'string', required: BY_PHONE, operations: BY_PHONE },
    { name: 'callCenterId', kind: 'number', required: ['listWaiting'], operations: ['listWaiting'] },
    { name: 'waitTimeWhenUp', kind: 'number', operations: ['notifyTransferred', 'update'] },
    { name: 'agentId', kind: 'string', operations: ['notifyTransferred', 'update'] },
    { name: 'serviceState', kind: 'string', operations: ['update'] },
    { name: 'ewt', kind: 'number', operations: ['update'] },
    { name: 'talkTime', kind: 'number', operations: ['update'] },
    { name: 'skills', kind: 'array', operations: ['update'] },
    { name: 'properties', kind: 'object', operations: ['update'] },
  ],
};

export const line: NodeSpec = {
  ...base,
  type: 'virtualq-line',
  icon: 'virtualq-line.svg',
  operations: ['isActive', 'callOffered', 'list'],
  operationFromMsg: true,
  params: [
    { name: 'lineId', kind: 'number', required: ['isActive', 'callOffered'], operations: ['isActive', 'callOffered'] },
    { name: 'callCenterId', kind: 'number', required: ['list'], operations: ['list'] },
    { name: 'lineGroupId', kind: 'number', operations: ['list'] },
    { name: 'query', kind: 'string', operations: ['list'] },
  ],
};

const figure = (name: string, kind: ParamSpec['kind'] = 'number'): ParamSpec => ({ name, kind, operations: ['update'] });

export const lineGroup: NodeSpec = {
  ...base,
  type: 'virtualq-line-group',
  icon: 'virtualq-line-group.svg',
  operations: ['update', 'list'],
  operationFromMsg: true,
  params: [
    { name: 'lineGroupId', kind: 'number', required: ['update'], operations: ['update'] },
    { name: 'callCenterId', kind: 'number', required: ['list'], operations: ['list'] },
    figure('ewt'),
    figure('agentsCount'),
    figure('idleAgentsCount'),
    figure('averageTalkTime'),
    figure('waitersCount'),
    figure('open', 'boolean'),
    figure('agentList', 'array'),
    figure('callsPerHour'),
  ],
};

export const specs = { config: [virtualqConfig], nodes: [lineUp, caller, line, lineGroup] };
