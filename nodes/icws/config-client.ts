/**
 * What an `icws-config` node owns: one IcwsClient (its session and message stream), with
 * the session's state turned into the status every user of the config node shows.
 */
import type { IcwsClient, SessionStatus } from '../../lib/icws';
import type { ClosableClient, SessionState } from '../shared/config';
import type { StatusText } from '../shared/events';

export class IcwsConfigClient implements ClosableClient {
  constructor(
    readonly icws: IcwsClient,
    private text: StatusText,
  ) {}

  close(): Promise<void> {
    return this.icws.close();
  }

  onState(fn: (s: SessionState) => void): () => void {
    const h = (s: SessionStatus): void => {
      const st = this.toState(s);
      if (st) fn(st);
    };
    this.icws.session.on('state', h);
    return () => this.icws.session.off('state', h);
  }

  state(): SessionState | undefined {
    return this.toState(this.icws.session.getStatus());
  }

  /** Short texts: the status line is narrow. No secret can be in them (codes and seconds only). */
  toState(s: SessionStatus): SessionState | undefined {
    switch (s.phase) {
      case 'connecting':
        return { fill: 'yellow', text: this.text('common.status.connecting', 'connecting') };
      case 'reconnecting':
        return { fill: 'yellow', text: this.text('common.status.reconnecting', 'reconnecting') };
      case 'connected':
        return s.stationError
          ? { fill: 'yellow', text: this.text('icws-config.status.stationFailed', 'connected, station log-on failed') }
          : { fill: 'green', text: this.text('common.status.connected', 'connected') };
      case 'down': {
        const down = this.text('common.status.down', 'down');
        const retry = s.retryInMs !== undefined ? `, retry in ${Math.round(s.retryInMs / 1000)} s` : '';
        return { fill: 'red', text: `${down}: ${s.code ?? 'ERROR'}${retry}` };
      }
      default:
        return undefined;
    }
  }
}
