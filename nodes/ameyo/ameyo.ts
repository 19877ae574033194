/** Ameyo node set: `ameyo-config` and `ameyo-click-to-dial`. */
import { AmeyoClient, DEFAULT_TIMEOUT, type ClickToDialParams } from '../../lib/ameyo';
import { registerConfigNode, registerTestConnection, type ConfigValues } from '../shared/config';
import { registerOperationNode } from '../shared/operation';
import type { RED } from '../shared/red';
import { ameyoConfig, clickToDial } from './spec';

function makeClient(values: ConfigValues): AmeyoClient {
  return new AmeyoClient(
    {
      url: values.url,
      hashKey: values.credentials.hashKey,
      requestingHost: String(values.def.requestingHost ?? '').trim(),
      policyName: String(values.def.policyName ?? '').trim() || undefined,
      timeout: values.timeout,
    },
    values.transport,
  );
}

export = function (RED: RED): void {
  registerConfigNode(RED, ameyoConfig, makeClient, DEFAULT_TIMEOUT);

  registerOperationNode<AmeyoClient>(RED, clickToDial, async ({ client, params, timeout, signal }) => {
    const { result, vendor } = await client.clickToDial(params as unknown as ClickToDialParams, { timeout, signal });
    return { payload: result, vendor };
  });

  registerTestConnection(RED, ameyoConfig, makeClient, (client) => client.checkCredentials(), DEFAULT_TIMEOUT);
};
