/**
 * ICWS messages as the session receives them (docs/vendors/icws.md §4). Messages are passed to
 * flows unchanged; these types describe only the fields the session itself reads.
 */

export type IcwsMessage = { __type: string; isDelta?: boolean } & Record<string, unknown>;

export const DIALER_PREFIX = 'urn:inin.com:dialer:';
export const T = {
  dataPop: 'urn:inin.com:dialer:dataPopMessage',
  breakStatus: 'urn:inin.com:dialer:breakStatusMessage',
  availableCampaigns: 'urn:inin.com:dialer:availableCampaignsMessage',
  logoutGranted: 'urn:inin.com:dialer:logoutGrantedMessage',
  autoLogin: 'urn:inin.com:dialer:autoLoginMessage',
  autoLogout: 'urn:inin.com:dialer:autoLogoutMessage',
  connectionStateChange: 'urn:inin.com:connection:connectionStateChangeMessage',
  asyncOperationCompleted: 'urn:inin.com:messaging:asyncOperationCompletedMessage',
} as const;

export const PREVIEW_POP = 'urn:inin.com:dialer:previewPop';
export const SKIP_LABEL = 'Skipped - Agent Skip';

/** What the session remembers of the agent's current Dialer call (from its data pop). */
export interface KnownCall {
  interactionId: string;
  campaignId: string;
  preview: boolean;
  callPlaced: boolean;
  allowSkip: boolean;
  allowAgentCallbacks: boolean;
  /** Labels of `call.dispositions`; undefined when the pop carried none. */
  labels?: string[];
}

export function isMessage(v: unknown): v is IcwsMessage {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { __type?: unknown }).__type === 'string';
}

export function isDialerMessage(m: IcwsMessage): boolean {
  return m.__type.startsWith(DIALER_PREFIX);
}

/** `preview` | `dataPop` for a data pop message (docs/contract.md 2.3), else undefined. */
export function callTypeOf(m: IcwsMessage): 'preview' | 'dataPop' | undefined {
  if (m.__type !== T.dataPop) return undefined;
  const call = m.call as { __type?: unknown } | undefined;
  if (!call || typeof call.__type !== 'string') return undefined;
  return call.__type === PREVIEW_POP ? 'preview' : 'dataPop';
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** Applies a data pop (full or delta) to what is known of the current call. */
export function applyDataPop(known: KnownCall | undefined, m: IcwsMessage): KnownCall | undefined {
  const call = m.call as Record<string, unknown> | undefined;
  if (!call || typeof call !== 'object') return known;
  const id = str(call.interactionId);
  if (m.isDelta === true) {
    if (!known || (id !== undefined && id !== known.interactionId)) return known;
    const next = { ...known };
    if (typeof call.callPlaced === 'boolean') next.callPlaced = call.callPlaced;
    if (typeof call.allowSkip === 'boolean') next.allowSkip = call.allowSkip;
    if (typeof call.allowAgentCallbacks === 'boolean') next.allowAgentCallbacks = call.allowAgentCallbacks;
    if (Array.isArray(call.dispositions)) next.labels = labelsOf(call.dispositions);
    return next;
  }
  if (id === undefined) return known;
  return {
    interactionId: id,
    campaignId: str(call.campaignId) ?? '',
    preview: call.__type === PREVIEW_POP,
    callPlaced: call.callPlaced === true,
    allowSkip: call.allowSkip === true,
    allowAgentCallbacks: call.allowAgentCallbacks === true,
    labels: Array.isArray(call.dispositions) ? labelsOf(call.dispositions) : undefined,
  };
}

function labelsOf(list: unknown[]): string[] {
  return list.map((d) => (d && typeof d === 'object' ? str((d as { label?: unknown }).label) : undefined)).filter((l): l is string => l !== undefined);
}

/**
 * Campaign ids a logoutGrantedMessage names, and whether it is the full Dialer log-off
 * (an entry with an empty id). The ICWS Dialer document describes strings, the SDK `{id, name}`: both count.
 */
export function logoutGrant(m: IcwsMessage): { ids: string[]; all: boolean } {
  const list = Array.isArray(m.campaigns) ? m.campaigns : [];
  const ids = list.map((c) => (typeof c === 'string' ? c : c && typeof c === 'object' ? (str((c as { id?: unknown }).id) ?? '') : ''));
  return { ids: ids.filter((i) => i !== ''), all: ids.includes('') };
}

/**
 * The `types` filter as typed in the editor: comma/space separated; short names (`dataPopMessage`)
 * get the Dialer prefix; `reconnected` (the session notice, not a message) stays as it is.
 */
export function parseTypes(value: unknown): string[] {
  const list = Array.isArray(value) ? value.map(String) : String(value ?? '').split(/[\s,]+/);
  return list
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => (t.includes(':') || t === 'reconnected' ? t : DIALER_PREFIX + t));
}
