/**
 * The one error type of the package. Every failure a user can see carries a `code` from
 * docs/contract.md 1.3 so that a flow can branch on it in a Catch node.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_CONFIGURED',
  'AUTH_FAILED',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'TIMEOUT',
  'NETWORK',
  'VENDOR_ERROR',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The vendor's answer as the contract exposes it at `msg.vendor` (credentials removed). */
export interface VendorAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface CcErrorInit {
  code: ErrorCode;
  vendor: string;
  operation: string;
  message: string;
  status?: number;
  /** The vendor's own words (refusal text, statusMessage, errorMessage), already in `message`. */
  detail?: string;
  /** The input field at fault, for INVALID_INPUT. */
  field?: string;
  answer?: VendorAnswer;
  cause?: unknown;
}

export class CcError extends Error {
  readonly code: ErrorCode;
  readonly vendor: string;
  readonly operation: string;
  readonly status?: number;
  readonly detail?: string;
  readonly field?: string;
  /** The message without its `"<vendor> <operation>: "` prefix, to reword or show it elsewhere. */
  readonly reason: string;
  /** Not enumerable: a Catch node's `msg.error` stays small; the adapter copies it to `msg.vendor`. */
  declare readonly answer?: VendorAnswer;

  constructor(init: CcErrorInit) {
    super(`${init.vendor} ${init.operation}: ${init.message}`);
    this.name = 'CcError';
    this.code = init.code;
    this.reason = init.message;
    this.vendor = init.vendor;
    this.operation = init.operation;
    if (init.status !== undefined) this.status = init.status;
    if (init.detail !== undefined) this.detail = init.detail;
    if (init.field !== undefined) this.field = init.field;
    Object.defineProperty(this, 'answer', { value: init.answer, enumerable: false, writable: false });
  }

  /** Node-RED shows `err.toString()` to Catch nodes and the debug sidebar: just the message. */
  override toString(): string {
    return this.message;
  }

  static is(err: unknown): err is CcError {
    return err instanceof CcError;
  }
}

export function invalidInput(vendor: string, operation: string, field: string, problem: string): CcError {
  return new CcError({ code: 'INVALID_INPUT', vendor, operation, field, message: `${field} ${problem}` });
}

export function notConfigured(vendor: string, operation: string, what: string): CcError {
  return new CcError({ code: 'NOT_CONFIGURED', vendor, operation, field: what, message: `${what} is not configured` });
}

/**
 * A vendor's rules for turning a failed answer into a contract code, as data: its own error
 * codes (checked first), then HTTP statuses that mean something else for it.
 */
export interface ErrorRules {
  byVendorCode?: Readonly<Record<string, ErrorCode>>;
  byStatus?: Readonly<Partial<Record<number, ErrorCode>>>;
  /** Statuses whose meaning the vendor's own code does not change (e.g. a refused key stays AUTH_FAILED). */
  statusWins?: readonly number[];
}

/** The meaning of an HTTP status for every vendor, unless its rules say otherwise. */
const BY_STATUS: Readonly<Partial<Record<number, ErrorCode>>> = {
  401: 'AUTH_FAILED',
  403: 'AUTH_FAILED',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  429: 'RATE_LIMITED',
};

/**
 * The one status-to-code mapper: the vendor's own code by its rules (unless the status is one
 * of its `statusWins`), else the status by its rules, else the status's common meaning, else VENDOR_ERROR. `status` undefined: the vendor's
 * code alone decides (an answer that failed inside a 2xx).
 */
export function errorCode(status: number | undefined, rules: ErrorRules = {}, vendorCode?: string | number): ErrorCode {
  if (vendorCode !== undefined && vendorCode !== null && !(status !== undefined && rules.statusWins?.includes(status))) {
    const own = rules.byVendorCode?.[String(vendorCode)];
    if (own) return own;
  }
  if (status === undefined) return 'VENDOR_ERROR';
  return rules.byStatus?.[status] ?? BY_STATUS[status] ?? 'VENDOR_ERROR';
}

/** The common meaning of an HTTP status, for vendors that do not say more. */
export function codeForStatus(status: number): ErrorCode {
  return errorCode(status);
}

/**
 * A failure of a shared step (a session's log-in or bootstrap) named after the request that met
 * it, its reason led by `lead` (e.g. "could not open the session: "); anything not a CcError is
 * a NETWORK failure of that request.
 */
export function forOperation(err: unknown, vendor: string, operation: string, lead = ''): CcError {
  if (!(err instanceof CcError)) {
    return new CcError({ code: 'NETWORK', vendor, operation, message: `${lead}${String((err as Error | undefined)?.message ?? err)}` });
  }
  if (err.operation === operation) return err;
  return new CcError({
    code: err.code,
    vendor: err.vendor,
    operation,
    message: lead + err.reason,
    status: err.status,
    detail: err.detail,
    field: err.field,
    answer: err.answer,
  });
}
