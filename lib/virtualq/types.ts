/**
 * virtualQ client types (docs/contract.md, docs/vendors/virtualq.md): the operations each node
 * offers, the settings, the parameters of each operation and the shapes of its results.
 */
import type { VendorAnswer } from '../errors';
import type { CancelSignal } from '../http';
import type { Caller, Normalised } from './normalise';

export const CALLER_OPERATIONS = ['verify', 'get', 'notifyConnected', 'notifyTransferred', 'update', 'listWaiting'] as const;
export const LINE_OPERATIONS = ['isActive', 'callOffered', 'list'] as const;
export const LINE_GROUP_OPERATIONS = ['update', 'list'] as const;
export type CallerOperation = (typeof CALLER_OPERATIONS)[number];
export type LineOperation = (typeof LINE_OPERATIONS)[number];
export type LineGroupOperation = (typeof LINE_GROUP_OPERATIONS)[number];

export interface VirtualQSettings {
  /** Base URL; `/api/v2` is appended unless it already ends with it. */
  url: string;
  apiKey: string;
  timeout?: number;
}

export interface CallOptions {
  timeout?: number;
  signal?: CancelSignal;
}

export interface Answered<T> {
  result: T;
  vendor: VendorAnswer;
}

export type Id = number | string;

export interface LineUpParams {
  lineId: Id;
  phone: string;
  channel: 'CallBack' | 'CallIn';
  source: string;
  lang?: string;
  skills?: string[];
  properties?: Record<string, unknown>;
}

export interface CallerParams {
  lineId: Id;
  phone: string;
}

export interface NotifyTransferredParams extends CallerParams {
  waitTimeWhenUp?: Id;
  agentId?: string | number;
}

export interface UpdateCallerParams extends CallerParams {
  skills?: string[];
  properties?: Record<string, unknown>;
  ewt?: Id;
  serviceState?: 'Connected' | 'Deferred' | 'Canceled' | 'Finished';
  waitTimeWhenUp?: Id;
  talkTime?: Id;
  agentId?: string | number;
}

export interface ListWaitingParams {
  callCenterId: Id;
  lineId?: Id;
}

export interface LineParams {
  lineId: Id;
}

export interface ListLinesParams {
  callCenterId: Id;
  lineGroupId?: Id;
  query?: string | number;
}

export interface LineGroupFigures {
  ewt?: Id;
  agentsCount?: Id;
  idleAgentsCount?: Id;
  averageTalkTime?: Id;
  waitersCount?: Id;
  open?: boolean;
  agentList?: string[];
  callsPerHour?: Id;
}

export interface UpdateLineGroupParams extends LineGroupFigures {
  lineGroupId: Id;
}

export interface ListLineGroupsParams {
  callCenterId: Id;
}

export type Ok = { ok: true };
export interface Verified {
  up: boolean;
  caller: Caller | null;
}
export interface LineActive {
  active: boolean;
  line: Normalised;
}
