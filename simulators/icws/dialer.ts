/**
 * The simulated Interaction Dialer of one ICWS session, written from docs/vendors/icws.md
 * alone (nothing from lib/ or nodes/).
 *
 * Each method applies one Dialer request to the session's state and returns what the server
 * answers; the Dialer messages it causes go out through `emit` (the session's message queue).
 */

export type IcwsMessage = { __type: string; isDelta?: boolean } & Record<string, unknown>;

export interface SimCampaign {
  id: string;
  name: string;
  workgroup: string;
  /** Flags: 1 On, 2 Off, 4 ScheduleOnly, 8 Auto, 16 Paused, 32 Completed. */
  status: number;
  /** 1 Predictive, 2 Power, 3 Preview, 8 Agentless. */
  campaignType: number;
}

export interface SimDisposition {
  label: string;
  wrapUpCategory: string;
  wrapUpCode: string;
  abandon: boolean;
}

/** What the next data pop looks like (tests script it with `queueCall` / `configure`). */
export interface CallScript {
  type?: 'preview' | 'regular';
  campaignId?: string;
  allowSkip?: boolean;
  allowAgentCallbacks?: boolean;
  autoDisconnectOnDisposition?: boolean;
  dialingMode?: number;
  attributes?: Record<string, string>;
  dispositions?: SimDisposition[];
  previewTimeout?: string;
}

export interface SimCall {
  interactionId: string;
  campaignId: string;
  preview: boolean;
  allowSkip: boolean;
  allowAgentCallbacks: boolean;
  callPlaced: boolean;
  dispositions: SimDisposition[];
  attributes: Record<string, string>;
}

export interface DispositionRecord {
  interactionId: string;
  label: string;
  scheduledTime?: number;
  scheduledAgent?: string;
  callAttributes?: Record<string, string>;
}

/** A simulator answer: HTTP status and optional JSON body. */
export interface Answer {
  status: number;
  body?: unknown;
}

export const SKIP_LABEL = 'Skipped - Agent Skip';
export const FOLLOW_UP_STATUS = 'Follow Up';

export const DEFAULT_CAMPAIGNS: SimCampaign[] = [
  { id: 'C-Spring-Renewals', name: 'Spring Renewals', workgroup: 'Outbound', status: 1, campaignType: 3 },
  { id: 'C-Win-Back', name: 'Win Back', workgroup: 'Outbound', status: 1, campaignType: 1 },
];

export const DEFAULT_DISPOSITIONS: SimDisposition[] = [
  { label: 'Success', wrapUpCategory: 'Success', wrapUpCode: 'Sale', abandon: false },
  { label: 'Call Back Later', wrapUpCategory: 'Scheduled', wrapUpCode: 'Callback', abandon: false },
  { label: 'No Answer', wrapUpCategory: 'No Answer', wrapUpCode: 'NoAnswer', abandon: false },
  { label: 'Wrong Party', wrapUpCategory: 'Failure', wrapUpCode: 'WrongParty', abandon: false },
];

const CONTACTS: Array<Record<string, string>> = [
  { is_attr_FirstName: 'Ada', is_attr_LastName: 'Lovelace', is_attr_Phone: '3175550100' },
  { is_attr_FirstName: 'Alan', is_attr_LastName: 'Turing', is_attr_Phone: '3175550101' },
  { is_attr_FirstName: 'Grace', is_attr_LastName: 'Hopper', is_attr_Phone: '3175550102' },
];

export interface DialerSettings {
  dialerVersion: number;
  logonCampaignRight: boolean;
  dialerLicence: boolean;
  callType: 'preview' | 'regular';
  campaigns: SimCampaign[];
}

export function err(status: number, message: string, errorId?: string, errorCode?: number): Answer {
  const body: Record<string, unknown> = { message };
  if (errorId) body.errorId = errorId;
  if (errorCode !== undefined) body.errorCode = errorCode;
  return { status, body };
}

const NOT_LOGGED_IN = (): Answer => err(400, 'The agent is not logged in to Dialer.', 'error.request.dialer.notLoggedIn');

let nextInteraction = 2001184312;

function isStringMap(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

export class SimDialer {
  loggedIn = false;
  /** Campaigns the agent is logged in to. */
  campaigns = new Set<string>();
  ready = false;
  readyCampaigns: string[] = [];
  breakStatus: 0 | 1 | 2 = 0;
  call: SimCall | null = null;
  lastCall: SimCall | null = null;
  /** A deferred log-off: `[]` = all of Dialer. */
  pendingLogoff: string[] | null = null;
  dispositions: DispositionRecord[] = [];
  callData: Array<{ callId: string; campaignId: string; callAttributes: Record<string, string> }> = [];
  popsSent = 0;

  constructor(
    private settings: () => DialerSettings,
    private emit: (m: IcwsMessage) => void,
    /** The user status of the session's user (Dialer pops only when it is Available). */
    private userStatus: () => string,
    private setUserStatus: (s: string) => void,
    /** The next scripted call, if a test queued one. */
    private takeScript: () => CallScript | undefined,
  ) {}

  private campaign(id: string): SimCampaign | undefined {
    return this.settings().campaigns.find((c) => c.id === id);
  }

  private campaignsMessage(delta: boolean, ids?: string[]): IcwsMessage {
    const list = this.settings()
      .campaigns.filter((c) => !ids || ids.includes(c.id))
      .map((c) => ({ ...c, isLoggedIn: this.campaigns.has(c.id) }));
    return delta
      ? { __type: 'urn:inin.com:dialer:availableCampaignsMessage', isDelta: true, campaignsChanged: list }
      : {
          __type: 'urn:inin.com:dialer:availableCampaignsMessage',
          isDelta: false,
          agentHasLogonCampaignRight: this.settings().logonCampaignRight,
          campaignsAdded: list,
          campaignsChanged: [],
          campaignsRemoved: [],
        };
  }

  logIn(body: Record<string, unknown>): Answer {
    const s = this.settings();
    if (s.dialerVersion < 2) return err(404, 'The resource was not found.', 'error.request.notFound');
    if (!s.dialerLicence) return err(403, 'The user does not have a Dialer license.', 'error.request.dialer.noLicense');
    const campaignId = body.campaignId;
    if (campaignId !== undefined && typeof campaignId !== 'string') return err(400, 'campaignId must be a string.', 'error.request.invalidRepresentation');
    if (campaignId) {
      if (!s.logonCampaignRight) return err(403, 'The user does not have the Logon Campaign right.', 'error.request.dialer.noLogonCampaignRight');
      if (!this.campaign(campaignId)) return err(400, `Unknown campaign ${campaignId}.`, 'error.request.dialer.unknownCampaign');
    }
    const first = !this.loggedIn;
    this.loggedIn = true;
    if (first && !s.logonCampaignRight) {
      // Without the Logon Campaign right the agent is logged in to every running campaign.
      for (const c of s.campaigns) if (c.status & 1) this.campaigns.add(c.id);
    }
    if (campaignId) {
      this.campaigns.add(campaignId);
      // "Must be repeated after every additional campaign log-in."
      this.ready = false;
    }
    if (first) {
      this.breakStatus = 0;
      this.emit({ __type: 'urn:inin.com:dialer:breakStatusMessage', isDelta: false, breakStatus: 0 });
      this.emit(this.campaignsMessage(false));
    } else if (campaignId) {
      this.emit(this.campaignsMessage(true, [campaignId]));
    }
    return { status: 200 };
  }

  readyForCalls(body: Record<string, unknown>): Answer {
    if (!this.loggedIn) return NOT_LOGGED_IN();
    const ids = body.campaignIds;
    if (ids !== undefined) {
      if (!isStringArray(ids)) return err(400, 'campaignIds must be an array of strings.', 'error.request.invalidRepresentation');
      if (this.settings().dialerVersion < 4) return err(400, 'campaignIds is not supported by this Dialer version.', 'error.request.invalidRepresentation');
    }
    this.ready = true;
    this.readyCampaigns = ids ?? [];
    this.maybePop();
    return { status: 200 };
  }

  requestBreak(): Answer {
    if (!this.loggedIn) return NOT_LOGGED_IN();
    if (this.breakStatus === 0) {
      this.breakStatus = 1;
      this.emit({ __type: 'urn:inin.com:dialer:breakStatusMessage', isDelta: false, breakStatus: 1 });
      this.grantBreakIfEligible();
    }
    return { status: 202 };
  }

  private grantBreakIfEligible(): void {
    if (this.breakStatus === 1 && !this.call) {
      this.breakStatus = 2;
      this.emit({ __type: 'urn:inin.com:dialer:breakStatusMessage', isDelta: false, breakStatus: 2 });
    }
  }

  endBreak(): Answer {
    if (!this.loggedIn) return NOT_LOGGED_IN();
    if (this.breakStatus !== 0) {
      this.breakStatus = 0;
      this.emit({ __type: 'urn:inin.com:dialer:breakStatusMessage', isDelta: false, breakStatus: 0 });
    }
    this.maybePop();
    return { status: 202 };
  }

  logOff(body: Record<string, unknown>): Answer {
    if (!this.loggedIn) return NOT_LOGGED_IN();
    // The ICWS Dialer document sends an empty array, the SDK `{}`: both mean "all of Dialer".
    const ids = body.campaignIds === undefined ? [] : body.campaignIds;
    if (!isStringArray(ids)) return err(400, 'campaignIds must be an array of strings.', 'error.request.invalidRepresentation');
    const blocking = this.call && (ids.length === 0 || ids.includes(this.call.campaignId));
    if (blocking) this.pendingLogoff = ids;
    else this.grantLogoff(ids);
    return { status: 200 };
  }

  private grantLogoff(ids: string[]): void {
    const all = ids.length === 0;
    const gone = all ? [...this.campaigns] : ids.filter((id) => this.campaigns.has(id));
    const campaigns = gone.map((id) => ({ id, name: this.campaign(id)?.name ?? id }));
    if (all) {
      campaigns.push({ id: '', name: '' });
      this.loggedIn = false;
      this.ready = false;
      this.breakStatus = 0;
      this.campaigns.clear();
    } else {
      for (const id of ids) this.campaigns.delete(id);
    }
    this.pendingLogoff = null;
    this.emit({ __type: 'urn:inin.com:dialer:logoutGrantedMessage', isDelta: false, campaigns });
  }

  disposition(body: Record<string, unknown>): Answer {
    const call = this.call;
    if (!call) return err(404, 'There is no Dialer call to disposition.', 'error.request.dialer.noCall');
    const { label, scheduledTime, scheduledAgent, callAttributes } = body;
    if (typeof label !== 'string' || !label) return err(400, 'label is required.', 'error.request.invalidRepresentation');
    const known = call.dispositions.some((d) => d.label === label) || (label === SKIP_LABEL && call.preview && call.allowSkip);
    if (!known) return err(400, `"${label}" is not a disposition of this call.`, 'error.request.dialer.invalidDisposition');
    if (scheduledTime !== undefined && (typeof scheduledTime !== 'number' || !Number.isInteger(scheduledTime) || scheduledTime < 0)) {
      return err(400, 'scheduledTime must be whole seconds since the epoch.', 'error.request.invalidRepresentation');
    }
    if (scheduledAgent !== undefined) {
      if (typeof scheduledAgent !== 'string') return err(400, 'scheduledAgent must be a string.', 'error.request.invalidRepresentation');
      if (scheduledTime === undefined) return err(400, 'scheduledAgent requires scheduledTime.', 'error.request.invalidRepresentation');
      if (!call.allowAgentCallbacks) return err(400, 'Agent callbacks are not allowed for this call.', 'error.request.dialer.agentCallbacksNotAllowed');
    }
    if (callAttributes !== undefined && !isStringMap(callAttributes))
      return err(400, 'callAttributes must map strings to strings.', 'error.request.invalidRepresentation');
    this.dispositions.push({
      interactionId: call.interactionId,
      label,
      ...(scheduledTime !== undefined ? { scheduledTime: scheduledTime as number } : {}),
      ...(scheduledAgent !== undefined ? { scheduledAgent } : {}),
      ...(callAttributes !== undefined ? { callAttributes } : {}),
    });
    this.lastCall = call;
    this.call = null;
    // The agent now sits in the campaign's follow-up status until the flow sets Available.
    this.setUserStatus(FOLLOW_UP_STATUS);
    if (this.pendingLogoff) this.grantLogoff(this.pendingLogoff);
    this.grantBreakIfEligible();
    return { status: 200 };
  }

  placePreviewCall(body: Record<string, unknown>): Answer {
    if (this.settings().dialerVersion < 3) return err(404, 'The resource was not found.', 'error.request.notFound');
    const call = this.call;
    if (!call || !call.preview || call.callPlaced) return err(404, 'There is no preview call to place.', 'error.request.dialer.noPreviewCall');
    if (body.callAttributes !== undefined && !isStringMap(body.callAttributes)) {
      return err(400, 'callAttributes must map strings to strings.', 'error.request.invalidRepresentation');
    }
    call.callPlaced = true;
    if (body.callAttributes) Object.assign(call.attributes, body.callAttributes);
    this.emit({
      __type: 'urn:inin.com:dialer:dataPopMessage',
      isDelta: true,
      call: { __type: 'urn:inin.com:dialer:previewPop', interactionId: call.interactionId, campaignId: call.campaignId, callPlaced: true },
    });
    return { status: 200 };
  }

  updateCallData(body: Record<string, unknown>): Answer {
    if (this.settings().dialerVersion < 3) return err(404, 'The resource was not found.', 'error.request.notFound');
    const { callId, campaignId, callAttributes } = body;
    if (typeof callId !== 'string' || !callId || typeof campaignId !== 'string' || !campaignId || !isStringMap(callAttributes)) {
      return err(400, 'callId, campaignId and callAttributes are required.', 'error.request.invalidRepresentation');
    }
    this.callData.push({ callId, campaignId, callAttributes });
    return { status: 202 };
  }

  /** Pops the next call when the agent can take one (logged in, ready, Available, no call, no break). */
  maybePop(): void {
    if (!this.loggedIn || !this.ready || this.call || this.breakStatus !== 0) return;
    if (this.pendingLogoff && this.pendingLogoff.length === 0) return;
    if (this.userStatus() !== 'Available') return;
    const eligible = this.readyCampaigns.length ? this.readyCampaigns.filter((id) => this.campaigns.has(id)) : [...this.campaigns];
    if (!eligible.length) return;
    const script = this.takeScript() ?? {};
    const preview = (script.type ?? this.settings().callType) === 'preview';
    const campaignId = script.campaignId && eligible.includes(script.campaignId) ? script.campaignId : eligible[0];
    const call: SimCall = {
      interactionId: String(nextInteraction++),
      campaignId,
      preview,
      allowSkip: script.allowSkip ?? preview,
      allowAgentCallbacks: script.allowAgentCallbacks ?? true,
      callPlaced: false,
      dispositions: script.dispositions ?? DEFAULT_DISPOSITIONS,
      attributes: { ...(script.attributes ?? CONTACTS[this.popsSent % CONTACTS.length]) },
    };
    this.call = call;
    this.popsSent++;
    const wire: Record<string, unknown> = {
      __type: preview ? 'urn:inin.com:dialer:previewPop' : 'urn:inin.com:dialer:dataPop',
      interactionId: call.interactionId,
      campaignId,
      dialingMode: script.dialingMode ?? (preview ? 0 : 2),
      allowAgentCallbacks: call.allowAgentCallbacks,
      autoDisconnectOnDisposition: script.autoDisconnectOnDisposition ?? false,
      attributes: { ...call.attributes },
      dispositions: call.dispositions,
    };
    if (preview) {
      wire.callPlaced = false;
      wire.allowSkip = call.allowSkip;
      if (script.previewTimeout) wire.previewTimeout = script.previewTimeout;
    }
    this.emit({ __type: 'urn:inin.com:dialer:dataPopMessage', isDelta: false, call: wire });
  }

  summary(): Record<string, unknown> {
    return {
      loggedIn: this.loggedIn,
      campaigns: [...this.campaigns],
      ready: this.ready,
      readyCampaigns: this.readyCampaigns,
      breakStatus: this.breakStatus,
      call: this.call,
      pendingLogoff: this.pendingLogoff,
      dispositions: this.dispositions,
      callData: this.callData,
      popsSent: this.popsSent,
    };
  }
}
