/**
 * Reading a queueing service's answer (docs/vendors/diyalog.md 5.2). Every revision of Diyalog's
 * page shows `"interactionId" = "…"` (an `=` for `:`), so a server built from it may send
 * exactly that: parse strictly, then repair `"<key>" =`, then extract the three fields.
 */
import { MAX_ANSWER_DEPTH, jsonDeeperThan } from '../http/answer';

export interface QueueEnvelope {
  success: boolean;
  errorMessage: string | null;
  interactionId: string | null;
  /** The parsed body when it was (or became) JSON; otherwise undefined. */
  json?: unknown;
  /** How the body was read. */
  via: 'json' | 'repaired' | 'extracted';
}

function fromJson(v: unknown, via: 'json' | 'repaired'): QueueEnvelope | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.success !== 'boolean') return null;
  const result = o.result;
  let interactionId: string | null = null;
  if (typeof result === 'object' && result !== null) {
    const id = (result as Record<string, unknown>).interactionId;
    if (typeof id === 'string' || typeof id === 'number') interactionId = String(id);
  }
  const em = o.errorMessage;
  return { success: o.success, errorMessage: typeof em === 'string' ? em : em == null ? null : JSON.stringify(em), interactionId, json: v, via };
}

const REPAIR = /("(?:[^"\\]|\\.)*")\s*=\s*/g;

function unescape(s: string): string {
  try {
    return JSON.parse(`"${s}"`) as string;
  } catch {
    return s;
  }
}

/** Reads an answer body; null when no `success` can be found (an unreadable answer). */
export function readQueueAnswer(text: string): QueueEnvelope | null {
  const t = text.trim();
  if (!t) return null;
  // Nested deeper than any envelope: read by extraction only (a msg must stay clonable).
  const deep = jsonDeeperThan(t, MAX_ANSWER_DEPTH);
  try {
    if (!deep) return fromJson(JSON.parse(t), 'json');
  } catch {
    /* fall through to the repairs */
  }
  try {
    if (!deep) return fromJson(JSON.parse(t.replace(REPAIR, '$1: ')), 'repaired');
  } catch {
    /* fall through to extraction */
  }
  const s = /"success"\s*[:=]\s*(true|false)/.exec(t);
  if (!s) return null;
  const em = /"errorMessage"\s*[:=]\s*"((?:[^"\\]|\\.)*)"/.exec(t);
  const id = /"interactionId"\s*[:=]\s*(?:"((?:[^"\\]|\\.)*)"|(-?\d+))/.exec(t);
  return {
    success: s[1] === 'true',
    errorMessage: em ? unescape(em[1]) : null,
    interactionId: id ? (id[1] !== undefined ? unescape(id[1]) : id[2]) : null,
    via: 'extracted',
  };
}
