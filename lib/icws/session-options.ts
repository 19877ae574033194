/** The options and the observable state of an ICWS session (session.ts). */
import type { ErrorCode } from '../errors';
import type { CancelSignal, TransportOptions } from '../http';

export type SessionPhase = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'down' | 'closed';

export interface SessionStatus {
  phase: SessionPhase;
  /** Why the session is down or reconnecting (no secret in it). */
  reason?: string;
  code?: ErrorCode;
  /** Next automatic attempt, when down. */
  retryInMs?: number;
  messaging?: 'sse' | 'poll';
  /** The station log-on failed (the session stays up). */
  stationError?: string;
}

export interface IcwsSessionOptions {
  url: string;
  username: string;
  password: string;
  applicationName?: string;
  language?: string;
  station?: string;
  /** Restore Dialer log-in, campaigns, ready-for-calls and status after a reconnect (default true). */
  restoreDialer?: boolean;
  timeout?: number;
  transport?: Partial<TransportOptions>;
  /** Wait between an answer and the next poll (default 1000). */
  pollIntervalMs?: number;
  /** Waits between automatic reconnect attempts; the last repeats (default 1 s, 2 s, 5 s, 10 s). */
  backoffMs?: number[];
  /** Longest wait for the session DELETE on close (default 5000). */
  closeTimeoutMs?: number;
  /**
   * An event stream silent this long (not even a `:ping`) is taken for a dead connection and
   * reopened (default 60000).
   */
  streamIdleMs?: number;
  /** Largest SSE line and SSE event in bytes (default 1 MiB); over it the stream is reopened. */
  maxEventBytes?: number;
}

export interface RequestOptions {
  timeout?: number;
  signal?: CancelSignal;
}
