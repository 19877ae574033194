/**
 * The vendor calls of the outbound comparison, built the way an integrator builds them by
 * hand. `buildRequest` is self-contained on purpose: the bench puts its source into the
 * function node in front of the core `http request` node, and the plain axios script calls
 * it too, so every contender sends the same request.
 */

export type OutboundKind = 'ameyo' | 'virtualq' | 'gws';

export interface Session {
  hashKey?: string;
  apiKey?: string;
  cookie?: string;
  csrf?: string;
}

export interface BuiltRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export function buildRequest(kind: string, base: string, session: Session, p: Record<string, unknown>): BuiltRequest {
  if (kind === 'ameyo') {
    return {
      method: 'POST',
      url: base + '/ameyowebaccess/command/?command=clickToDialWithToken',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
        accept: 'application/json, text/plain, */*',
        'hash-key': String(session.hashKey),
        'requesting-host': 'sim-crm',
        'policy-name': 'token-based-authorization-policy',
      },
      body: 'data=' + encodeURIComponent(JSON.stringify({ userId: p.userId, campaignId: String(p.campaignId), phone: String(p.phone) })),
    };
  }
  if (kind === 'virtualq') {
    return {
      method: 'POST',
      url: base + '/api/v2/waiters',
      headers: { 'x-api-key': String(session.apiKey), 'content-type': 'application/vnd.api+json; charset=utf-8' },
      body: JSON.stringify({
        data: { type: 'waiters', attributes: { line_id: Number(p.lineId), phone: p.phone, channel: p.channel, source: p.source } },
      }),
    };
  }
  return {
    method: 'POST',
    url: base + '/api/v2/me/interactions/' + encodeURIComponent(String(p.interactionId)),
    headers: { 'content-type': 'application/json', cookie: String(session.cookie), 'x-csrf-token': String(session.csrf) },
    body: JSON.stringify({ operationName: 'Accept' }),
  };
}

/** msg.payload of message `i` of a run (`tag` makes phones and interaction ids unique per run). */
export function payloadFor(kind: string, tag: string, i: number): Record<string, unknown> {
  if (kind === 'ameyo') return { campaignId: '14', userId: 'ravi.k', phone: '9876543210' };
  if (kind === 'virtualq') return { lineId: 418, phone: `+49${tag}${String(i).padStart(7, '0')}`, channel: 'CallBack', source: 'bench' };
  return { interactionId: `${tag}-${i}` };
}
