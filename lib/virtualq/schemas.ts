/**
 * Input rules of every virtualQ operation (docs/vendors/virtualq.md 3). ajv checks presence and
 * types; the E.164 phone rule and whole-number ids are checked here too, so that a bad
 * input never leaves the process.
 */
import { invalidInput } from '../errors';
import { check } from '../validate';

export const VENDOR = 'virtualQ';

export const CHANNELS = ['CallBack', 'CallIn'] as const;
export const SERVICE_STATES = ['Connected', 'Deferred', 'Canceled', 'Finished'] as const;

/** An id or count from a TypedInput: a whole number, or a string of digits. */
const whole = { type: ['integer', 'string'] };
const text = { type: 'string', minLength: 1 };
const textOrNumber = { type: ['string', 'number'] };

const figures = {
  ewt: whole,
  agentsCount: whole,
  idleAgentsCount: whole,
  averageTalkTime: whole,
  waitersCount: whole,
  open: { type: 'boolean' },
  agentList: { type: 'array', items: { type: 'string' } },
  callsPerHour: whole,
};

export const schemas = {
  lineUp: {
    type: 'object',
    required: ['lineId', 'phone', 'channel', 'source'],
    properties: {
      lineId: whole,
      phone: { type: 'string' },
      channel: { type: 'string', enum: CHANNELS },
      source: text,
      lang: { type: 'string', pattern: '^[A-Za-z]{2}$' },
      skills: { type: 'array', items: { type: 'string' } },
      properties: { type: 'object' },
    },
  },
  caller: {
    type: 'object',
    required: ['lineId', 'phone'],
    properties: { lineId: whole, phone: { type: 'string' } },
  },
  notifyTransferred: {
    type: 'object',
    required: ['lineId', 'phone'],
    properties: { lineId: whole, phone: { type: 'string' }, waitTimeWhenUp: whole, agentId: textOrNumber },
  },
  update: {
    type: 'object',
    required: ['lineId', 'phone'],
    properties: {
      lineId: whole,
      phone: { type: 'string' },
      skills: { type: 'array', items: { type: 'string' } },
      properties: { type: 'object' },
      ewt: whole,
      serviceState: { type: 'string', enum: SERVICE_STATES },
      waitTimeWhenUp: whole,
      talkTime: whole,
      agentId: textOrNumber,
    },
  },
  listWaiting: {
    type: 'object',
    required: ['callCenterId'],
    properties: { callCenterId: whole, lineId: whole },
  },
  line: { type: 'object', required: ['lineId'], properties: { lineId: whole } },
  listLines: {
    type: 'object',
    required: ['callCenterId'],
    properties: { callCenterId: whole, lineGroupId: whole, query: textOrNumber },
  },
  updateLineGroup: {
    type: 'object',
    required: ['lineGroupId'],
    properties: { lineGroupId: whole, ...figures },
  },
  listLineGroups: { type: 'object', required: ['callCenterId'], properties: { callCenterId: whole } },
} as const;

/** Checks `params` against the operation's schema (INVALID_INPUT naming the field). */
export function checkParams<T>(operation: string, schema: object, params: unknown): T {
  return check<T>(VENDOR, operation, schema, params ?? {});
}

/** A whole number ≥ 0 from a number or a string of digits; the field is named when it is not. */
export function wholeNumber(operation: string, field: string, v: unknown): number {
  const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw invalidInput(VENDOR, operation, field, 'must be a whole number');
  return n;
}

export function optionalWhole(operation: string, field: string, v: unknown): number | undefined {
  return v === undefined ? undefined : wholeNumber(operation, field, v);
}

/** An id: a whole number > 0. */
export function idNumber(operation: string, field: string, v: unknown): number {
  const n = wholeNumber(operation, field, v);
  if (n === 0) throw invalidInput(VENDOR, operation, field, 'must be a positive whole number');
  return n;
}

/** Spaces, dashes, dots, slashes and brackets removed, then `+` and 7–15 digits (E.164). */
export function e164(operation: string, v: unknown): string {
  const phone = String(v).replace(/[\s\-.()/[\]]/g, '');
  if (!/^\+[1-9][0-9]{6,14}$/.test(phone)) {
    throw invalidInput(VENDOR, operation, 'phone', 'must be an international number in E.164 form: + and country code, e.g. +4915112345678');
  }
  return phone;
}
