/** virtualQ node set: `virtualq-config`, `virtualq-line-up`, `virtualq-caller`, `virtualq-line`, `virtualq-line-group`. */
import { DEFAULT_TIMEOUT, VirtualQClient, type LineUpParams } from '../../lib/virtualq';
import { registerConfigNode, registerTestConnection, type ConfigValues } from '../shared/config';
import { registerOperationNode } from '../shared/operation';
import type { RED } from '../shared/red';
import { caller, line, lineGroup, lineUp, virtualqConfig } from './spec';

function makeClient(values: ConfigValues): VirtualQClient {
  return new VirtualQClient({ url: values.url, apiKey: values.credentials.apiKey, timeout: values.timeout }, values.transport);
}

export = function (RED: RED): void {
  registerConfigNode(RED, virtualqConfig, makeClient, DEFAULT_TIMEOUT);

  registerOperationNode<VirtualQClient>(RED, lineUp, async ({ client, params, timeout, signal }) => {
    const { result, vendor } = await client.lineUp(params as unknown as LineUpParams, { timeout, signal });
    return { payload: result, vendor };
  });

  registerOperationNode<VirtualQClient>(RED, caller, async ({ client, operation, params, timeout, signal }) => {
    const { result, vendor } = await client.caller(operation, params, { timeout, signal });
    return { payload: result, vendor };
  });

  registerOperationNode<VirtualQClient>(RED, line, async ({ client, operation, params, timeout, signal }) => {
    const { result, vendor } = await client.line(operation, params, { timeout, signal });
    return { payload: result, vendor };
  });

  registerOperationNode<VirtualQClient>(RED, lineGroup, async ({ client, operation, params, timeout, signal }) => {
    const { result, vendor } = await client.lineGroup(operation, params, { timeout, signal });
    return { payload: result, vendor };
  });

  registerTestConnection(RED, virtualqConfig, makeClient, (client) => client.checkCredentials(), DEFAULT_TIMEOUT);
};
