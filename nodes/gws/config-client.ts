/** What a `gws-config` node hands its users: the GWS client and its session state as a node status. */
import type { GwsClient, GwsState } from '../../lib/gws';
import type { ClosableClient, SessionState } from '../shared/config';

export const STATUS_TEXT_MAX = 48;

/** The session state as a node status: yellow while connecting, green when up, red when down. */
export function statusOf(s: GwsState): SessionState | undefined {
  const short = (t: string): string => (t.length > STATUS_TEXT_MAX ? t.slice(0, STATUS_TEXT_MAX - 1) + '…' : t);
  switch (s.state) {
    case 'idle':
      return undefined;
    case 'connecting':
      return { fill: 'yellow', text: 'connecting' };
    case 'connected':
      return { fill: 'green', text: 'connected' };
    case 'reconnecting':
      return { fill: 'yellow', text: 'reconnecting' };
    case 'down':
      return { fill: 'red', text: short(`down: ${s.reason ?? 'unknown'}`) };
  }
}

/** What a config node hands its users: the GWS client plus the status view of its session. */
export class GwsConfigClient implements ClosableClient {
  constructor(readonly gws: GwsClient) {}

  state(): SessionState | undefined {
    return statusOf(this.gws.state());
  }

  onState(fn: (s: SessionState) => void): () => void {
    return this.gws.onState((s) => {
      const st = statusOf(s);
      if (st) fn(st);
    });
  }

  close(): Promise<void> {
    return this.gws.close();
  }
}
