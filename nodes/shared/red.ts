/**
 * The small part of Node-RED's runtime API these nodes use, typed here so that the package
 * needs no type package for Node-RED and states exactly what it relies on.
 */
import type { EventEmitter } from 'node:events';

export type NodeMessage = Record<string, unknown> & { _msgid?: string; payload?: unknown };

export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

export interface Node extends EventEmitter {
  id: string;
  type: string;
  name?: string;
  z?: string;
  credentials: Record<string, string | undefined>;
  status(s: NodeStatus | Record<string, never>): void;
  send(msg: NodeMessage | Array<NodeMessage | null> | null): void;
  error(err: unknown, msg?: NodeMessage): void;
  warn(text: unknown): void;
  log(text: unknown): void;
  debug(text: unknown): void;
}

export type SendFn = (msg: NodeMessage | Array<NodeMessage | null> | null) => void;
export type DoneFn = (err?: Error) => void;

export interface NodeDef {
  id: string;
  type: string;
  name?: string;
  z?: string;
  [key: string]: unknown;
}

export interface RedUtil {
  evaluateNodeProperty(value: unknown, type: string, node: Node, msg: NodeMessage | null, cb: (err: Error | null, v?: unknown) => void): void;
  getMessageProperty(msg: NodeMessage, expr: string): unknown;
  setMessageProperty(msg: NodeMessage, expr: string, value: unknown, createMissing?: boolean): boolean;
  cloneMessage<T>(msg: T): T;
}

export interface RedHttp {
  use(...args: unknown[]): void;
  get(path: string, ...handlers: unknown[]): void;
  post(path: string, ...handlers: unknown[]): void;
  delete(path: string, ...handlers: unknown[]): void;
}

export interface RED {
  nodes: {
    createNode(node: Node, def: NodeDef): void;
    registerType(type: string, ctor: unknown, opts?: { credentials?: Record<string, { type: string }>; settings?: Record<string, unknown> }): void;
    getNode(id: string): Node | null;
    getCredentials?(id: string): Record<string, string> | undefined;
  };
  util: RedUtil;
  httpAdmin: RedHttp;
  httpNode: RedHttp;
  auth: { needsPermission(permission: string): unknown };
  settings: Record<string, unknown>;
  events: EventEmitter;
  log: {
    info(m: unknown): void;
    warn(m: unknown): void;
    error(m: unknown): void;
    debug(m: unknown): void;
    audit?(m: Record<string, unknown>, req?: unknown): void;
  };
  _(key: string, subs?: Record<string, unknown>): string;
}
