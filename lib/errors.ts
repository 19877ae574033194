/**
 * The one error type of the package. Every failure a user can see carries a `code` from
 * CONTRACT.md 1.3 so that a flow can branch on it in a Catch node.
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
  /** Not enumerable: a Catch node's `msg.error` stays small; the adapter copies it to `msg.vendor`. */
  declare readonly answer?: VendorAnswer;

  constructor(init: CcErrorInit) {
    super(`${init.vendor} ${init.operation}: ${init.message}`);
    this.name = 'CcError';
    this.code = init.code;
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

/** The default meaning of an HTTP status, for vendors that do not say more. */
export function codeForStatus(status: number): ErrorCode {
  if (status === 401 || status === 403) return 'AUTH_FAILED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 429) return 'RATE_LIMITED';
  return 'VENDOR_ERROR';
}
