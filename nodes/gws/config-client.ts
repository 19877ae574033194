/** What a `gws-config` node hands its users: the GWS client and its session state as a node status. */
import type { GwsClient, GwsState } from '../../lib/gws';
import type { ClosableClient, SessionState } from '../shared/config';
import type { StatusText } from '../shared/events';

export const STATUS_TEXT_MAX = 48;

/** The session state as a node status: yellow while connecting, green when up, red when down. */
export function statusOf(s: GwsState, text: StatusText = (_k, f) => f): SessionState | undefined {
  const short = (t: string): string => (t.length > STATUS_TEXT_MAX ? t.slice(0, STATUS_TEXT_MAX - 1) + '…' : t);
  switch (s.state) {
    case 'idle':
      return undefined;
    case 'connecting':
      return { fill: 'yellow', text: text('common.status.connecting', 'connecting') };
    case 'connected':
      return { fill: 'green', text: text('common.status.connected', 'connected') };
    case 'reconnecting':
      return { fill: 'yellow', text: text('common.status.reconnecting', 'reconnecting') };
    case 'down':
      return { fill: 'red', text: short(`${text('common.status.down', 'down')}: ${s.reason ?? 'unknown'}`) };
  }
}

/** What a config node hands its users: the GWS client plus the status view of its session. */
export class GwsConfigClient implements ClosableClient {
  constructor(
    readonly gws: GwsClient,
    private text: StatusText = (_k, f) => f,
  ) {}

  state(): SessionState | undefined {
    return statusOf(this.gws.state(), this.text);
  }

  onState(fn: (s: SessionState) => void): () => void {
    return this.gws.onState((s) => {
      const st = statusOf(s, this.text);
      if (st) fn(st);
    });
  }

  close(): Promise<void> {
    return this.gws.close();
  }
}
