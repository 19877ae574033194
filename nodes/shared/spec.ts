/**
 * One table per node describes it once: the runtime adapter reads its parameters and
 * operations from it, and the build generates the editor form, the `registerType` call
 * (as a literal object the Flow Library can parse) and the help text from it and the
 * set's locale file. Pure data: no Node-RED import.
 */

export type TypedType = 'str' | 'num' | 'bool' | 'json' | 'msg' | 'flow' | 'global' | 'env' | 'jsonata' | 'date';

/** TypedInput types per kind of value (docs/contract.md 1). */
export const TYPES = {
  string: ['msg', 'flow', 'global', 'str', 'num', 'env', 'jsonata'],
  number: ['msg', 'flow', 'global', 'num', 'str', 'env', 'jsonata'],
  boolean: ['msg', 'flow', 'global', 'bool', 'env', 'jsonata'],
  object: ['msg', 'flow', 'global', 'json', 'env', 'jsonata'],
  array: ['msg', 'flow', 'global', 'json', 'env', 'jsonata'],
  time: ['msg', 'flow', 'global', 'str', 'num', 'date', 'env', 'jsonata'],
} as const satisfies Record<string, readonly TypedType[]>;

export type ParamKind = keyof typeof TYPES;

export interface ParamSpec {
  /** The `msg.payload` key of the default wiring and the node property name. */
  name: string;
  kind: ParamKind;
  /** Default wiring; `msg` → `payload.<name>` when left out. */
  default?: { type: TypedType; value: string };
  /** Marks the field required in the editor for these operations (true = always). */
  required?: boolean | string[];
  /** Shown (and resolved) only for these operations; all when left out. */
  operations?: string[];
}

export interface SettingSpec {
  /** Node property name. */
  name: string;
  value: string | number | boolean;
  /** A select offering these values (labels from the locale file). */
  options?: string[];
  input?: 'text' | 'number' | 'checkbox' | 'select';
  required?: boolean;
  /** For a reference to another config node (e.g. a core `tls-config`). */
  configType?: string;
  /** Shown only for these operations. */
  operations?: string[];
}

export interface NodeSpec {
  type: string;
  /** Node set (vendor folder) name, e.g. `ameyo`. */
  set: string;
  /** Vendor name used in labels and errors, e.g. `Ameyo`. */
  vendor: string;
  color: string;
  icon: string;
  /** The config node type this node points at through property `config`. */
  config?: string;
  inputs: 0 | 1;
  outputs: number;
  /** Values of property `operation`; first is the default. */
  operations?: string[];
  /** Offer "from msg.operation" (checked against `operations`). */
  operationFromMsg?: boolean;
  params: ParamSpec[];
  settings?: SettingSpec[];
  /** Side of the node the icon sits on (Node-RED's `align`; left when left out). */
  align?: 'left' | 'right';
}

export interface ConfigSpec {
  type: string;
  set: string;
  vendor: string;
  /** Non-secret properties with their defaults (`url`, `timeout`, ... ). */
  settings: SettingSpec[];
  credentials: string[];
  /** Offers the "test connection" button (an admin endpoint of the set). */
  testConnection?: boolean;
}

/** The config settings every vendor shares (docs/contract.md 1.1). */
export function commonConfigSettings(defaults: { url?: string; timeout?: number } = {}): SettingSpec[] {
  return [
    { name: 'name', value: '' },
    { name: 'url', value: defaults.url ?? '', required: true },
    { name: 'timeout', value: defaults.timeout ?? 30000, input: 'number' },
    { name: 'maxSockets', value: 64, input: 'number' },
    // Largest answer body in KB, counted after decoding (TransportOptions.maxResponseBytes).
    { name: 'maxResponseKB', value: 4096, input: 'number' },
    { name: 'tls', value: '', configType: 'tls-config' },
    { name: 'proxy', value: '', configType: 'http proxy' },
  ];
}

/** Where a parameter is read from when its editor field is left as it is: `msg.payload.<name>` unless the spec says otherwise. */
export function defaultWiring(p: ParamSpec): { type: TypedType; value: string } {
  return p.default ?? { type: 'msg', value: `payload.${p.name}` };
}

/** Whether a parameter or setting shown for `list` operations applies to `operation` (no list = all). */
export function appliesTo(list: string[] | undefined, operation: string | undefined): boolean {
  return !list || operation === undefined || list.includes(operation);
}
