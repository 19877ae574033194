/**
 * Reading Ameyo's clickToDialWithToken answers, including Ameyo's click-to-dial document's malformed renderings
 * (docs/vendors/ameyo.md 4.2), and classifying them into the contract's outcomes (4.3).
 */

export type AmeyoOutcome =
  'connected' | 'agent_not_in_campaign' | 'agent_not_available' | 'channel_unavailable' | 'agent_no_answer' | 'customer_no_answer' | 'failed';

export interface ClickToDialResult {
  connected: boolean;
  outcome: AmeyoOutcome;
  reason: string | null;
  party: string | null;
  nodeFlowId: string | null;
  /** The `metaData` id of the reason map (docs/vendors/ameyo.md 4.2), else null. */
  metaData: string | null;
  /** Ameyo's `status` as received (`error` for the agent-side refusals), else null. */
  status: string | null;
  /** Ameyo's `details`, decoded like `reason`, else null. */
  details: string | null;
  raw: string;
}

export interface AmeyoAnswer {
  result?: string;
  status?: string;
  reason?: string;
  details?: string;
}

/**
 * Strict JSON first; else the patterns of docs/vendors/ameyo.md 4.2 on the raw text. `parsed` is the
 * text already parsed as JSON by the caller, when it was (the text is not parsed twice).
 */
export function readAnswer(text: string, parsed?: unknown): AmeyoAnswer | null {
  const trimmed = text.trim();
  try {
    if (parsed === undefined || typeof parsed === 'string') parsed = JSON.parse(trimmed);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const out: AmeyoAnswer = {};
      for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
        const key = k.toLowerCase();
        if (key === 'result' || key === 'status' || key === 'reason' || key === 'details') {
          out[key] = typeof v === 'string' ? v : v === null || v === undefined ? undefined : JSON.stringify(v);
        }
      }
      return out;
    }
    return null;
  } catch {
    // Not JSON: the document-literal form.
  }
  const out: AmeyoAnswer = {};
  const result = /"result"\s*:\s*"(\w+)"/i.exec(trimmed);
  if (result) out.result = result[1];
  const status = /"status"\s*:\s*"(\w+)"/i.exec(trimmed);
  if (status) out.status = status[1];
  const details = /"details"\s*:\s*"((?:[^"\\]|\\.)*)"/i.exec(trimmed);
  if (details) out.details = details[1];
  const reasonAt = /"reason"\s*:\s*/i.exec(trimmed);
  if (reasonAt) {
    let rest = trimmed.slice(reasonAt.index + reasonAt[0].length);
    const detailsAt = /"\s*,\s*"details"\s*:/i.exec(rest);
    if (detailsAt) rest = rest.slice(0, detailsAt.index + 1);
    else rest = rest.replace(/\s*}\s*$/, '');
    rest = rest.trim();
    if (rest.startsWith('"')) rest = rest.slice(1);
    if (rest.endsWith('"')) rest = rest.slice(0, -1);
    out.reason = rest;
  }
  return out.result || out.status ? out : null;
}

const NEEDS_DECODING = /\\|\n|[{[]\s|\s[}\]]/;

/** `\u003d` → `=`, `\"` → `"`, a backslash after the map keys → `=`, line breaks folded. */
export function decodeReason(reason: string): string {
  // Most answers read as strict JSON already hold a clean reason: nothing to replace then.
  if (!NEEDS_DECODING.test(reason)) return reason.trim();
  return reason
    .replace(/\\u003d/gi, '=')
    .replace(/\\"/g, '"')
    .replace(/(node\.flow\.id|metaData|node\.flow\.error\.reason)\s*\\/g, '$1=')
    .replace(/\s*\r?\n\s*/g, ' ')
    .replace(/\{\s+/g, '{')
    .replace(/\s+}/g, '}')
    .replace(/\[\s+/g, '[')
    .replace(/\s+]/g, ']')
    .trim();
}

export function nodeFlowIdOf(reason: string): string | null {
  const m = /node\.flow\.id\s*=\s*([^,\s}\]]+)/.exec(reason);
  return m ? m[1] : null;
}

export function metaDataOf(reason: string): string | null {
  const m = /metaData\s*=\s*([^,\s}\]]+)/.exec(reason);
  return m ? m[1] : null;
}

export function errorListOf(reason: string): string[] {
  const m = /node\.flow\.error\.reason\s*=\s*\[([^\]]*)\]/.exec(reason);
  if (!m) return [];
  return m[1]
    .split(',')
    .map((s) =>
      s
        .trim()
        .replace(/[\\"']/g, '')
        .trim(),
    )
    .filter((s) => s.length > 0);
}

const digits = (s: string): string => s.replace(/\D/g, '');

/** docs/vendors/ameyo.md 4.3, "who did not answer": order matters for numeric user ids. */
export function whoDidNotAnswer(party: string, phone: string, userId: string): 'customer_no_answer' | 'agent_no_answer' {
  const p = digits(party);
  const q = digits(phone);
  if (p.length >= 6 && q.length >= 6 && (p === q || p.endsWith(q) || q.endsWith(p))) return 'customer_no_answer';
  if (party.toLowerCase() === 'agent' || party.toLowerCase() === userId.toLowerCase()) return 'agent_no_answer';
  if (/^\+?[\d\s-]+$/.test(party) && p.length >= 5) return 'customer_no_answer';
  return 'agent_no_answer';
}

/** Classifies a read answer; returns null when it is neither family (an unrecognised answer). */
export function classify(answer: AmeyoAnswer, raw: string, request: { phone: string; userId: string }): ClickToDialResult | null {
  const result = answer.result?.toUpperCase();
  const status = answer.status?.toLowerCase();
  if (!result && !status) return null;
  const reasonText = answer.reason ?? answer.details;
  const reason = reasonText !== undefined ? decodeReason(reasonText) : null;
  const nodeFlowId = reason ? nodeFlowIdOf(reason) : null;
  const list = reason ? errorListOf(reason) : [];
  const metaData = reason ? metaDataOf(reason) : null;
  const details = answer.details !== undefined ? decodeReason(answer.details) : null;
  const base = { reason, nodeFlowId, metaData, status: answer.status ?? null, details, raw };
  if (result === 'SUCCESS') return { ...base, connected: true, outcome: 'connected', party: null };
  if (status === 'error') {
    const words = `${answer.reason ?? ''} ${answer.details ?? ''}`.toLowerCase();
    if (words.includes('not working in campaign')) return { ...base, connected: false, outcome: 'agent_not_in_campaign', party: 'agent' };
    if (words.includes('not available to take the call')) return { ...base, connected: false, outcome: 'agent_not_available', party: 'agent' };
  }
  const party = list[1] ?? null;
  if (list[0] === 'Party.could.not.be.connected.Reason' && list.slice(2).some((s) => s.toLowerCase().includes('channel not available'))) {
    return { ...base, connected: false, outcome: 'channel_unavailable', party };
  }
  if (list[0] === 'Party.did.not.answer') {
    return { ...base, connected: false, outcome: whoDidNotAnswer(party ?? '', request.phone, request.userId), party };
  }
  return { ...base, connected: false, outcome: 'failed', party };
}

const AUTH_WORDS = /hash.?key|token|policy|requesting.?host|not authori[sz]ed|unauthori[sz]ed|access denied|invalid session/i;

/** A `status:error` refusal that is about the credentials (docs/vendors/ameyo.md 4.4). */
export function isAuthRefusal(answer: AmeyoAnswer): boolean {
  return answer.status?.toLowerCase() === 'error' && AUTH_WORDS.test(`${answer.reason ?? ''} ${answer.details ?? ''}`);
}
