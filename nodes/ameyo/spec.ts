/** The Ameyo node set, described once (docs/contract.md 2.5, docs/vendors/ameyo.md). */
import { commonConfigSettings, type ConfigSpec, type NodeSpec } from '../shared/spec';

export const COLOR = '#F3B567';

export const ameyoConfig: ConfigSpec = {
  type: 'ameyo-config',
  set: 'ameyo',
  vendor: 'Ameyo',
  settings: [
    ...commonConfigSettings({ timeout: 120000 }),
    { name: 'requestingHost', value: '', required: true },
    { name: 'policyName', value: 'token-based-authorization-policy' },
  ],
  credentials: ['hashKey'],
  testConnection: true,
};

export const clickToDial: NodeSpec = {
  type: 'ameyo-click-to-dial',
  set: 'ameyo',
  vendor: 'Ameyo',
  color: COLOR,
  icon: 'ameyo.svg',
  config: 'ameyo-config',
  inputs: 1,
  outputs: 1,
  params: [
    { name: 'campaignId', kind: 'string', required: true },
    { name: 'userId', kind: 'string', required: true },
    { name: 'phone', kind: 'string', required: true },
    { name: 'additionalParams', kind: 'object' },
    { name: 'shouldAddCustomer', kind: 'boolean' },
  ],
};

export const specs = { config: [ameyoConfig], nodes: [clickToDial] };
