/**
 * virtualQ simulator resources (docs/vendors/virtualq.md): a waiter, a line and a line group as the
 * API shows them (JSON:API resources, attribute keys in the asked key format).
 */
import type { CallCenter, Line, LineGroup, VirtualQState, Waiter } from './state';
import { resource, type Attrs, type KeyFormat } from './wire';

const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z'));

export class Resources {
  constructor(private readonly state: VirtualQState) {}

  waiter(w: Waiter, fmt: KeyFormat): unknown {
    const state = this.state;
    const line = state.lines.get(w.lineId);
    const attrs: Attrs = {
      phone: w.phone,
      channel: w.channel,
      source: w.source,
      lang: w.lang,
      ewt: w.ewt,
      wait_time: state.waitTime(w),
      virtualq_waiter_state: w.state,
      service_waiter_state: w.serviceState,
      skills: w.skills,
      properties: w.properties,
      token: w.token,
      wait_time_when_up: w.waitTimeWhenUp,
      talk_time: w.talkTime,
      agent_id: w.agentId,
      line: { id: w.lineId, name: line?.name ?? null },
      created_at: iso(w.createdAt),
      updated_at: iso(w.updatedAt),
      connected_at: iso(w.connectedAt),
      notified_at: iso(w.notifiedAt),
      estimated_up_time_at: iso(state.estimatedUpTime(w)),
    };
    return resource(w.id, 'waiters', attrs, fmt);
  }

  line(l: Line, fmt: KeyFormat): unknown {
    const g = this.state.lineGroupOf(l);
    const attrs: Attrs = {
      name: l.name,
      category: l.category,
      direct: l.direct,
      info: l.info,
      fast_dial_description: l.fastDialDescription,
      opening_times_description: l.openingTimesDescription,
      private_line_key: l.privateLineKey,
      ratings_average: l.ratingsAverage,
      service_phone_number: l.servicePhoneNumber,
      telephone_charge_description: l.telephoneChargeDescription,
      virtualq_line_state: l.state,
      virtualq_line_state_mode: l.stateMode,
      virtualq_phone_number: l.virtualqPhoneNumber,
      forwarding_phone_number: l.forwardingPhoneNumber,
      // Nested objects keep snake_case keys whatever the key format.
      line_group: {
        id: g.id,
        name: g.name,
        allow_callback: g.allowCallback,
        allow_sms: g.allowSms,
        service_waiters_count: g.service.waitersCount,
        virtualq_ewt: this.state.groupEwt(g),
        virtualq_waiters_count: this.virtualqWaiters(g),
      },
    };
    return resource(l.id, 'lines', attrs, fmt);
  }

  lineGroup(g: LineGroup, fmt: KeyFormat): unknown {
    const cc: CallCenter = this.state.callCenterOf(g);
    const attrs: Attrs = {
      name: g.name,
      allow_callback: g.allowCallback,
      allow_sms: g.allowSms,
      cc_type: g.ccType,
      foresight_closing_in_minutes: g.foresightClosingInMinutes,
      virtualq_min_agent_count: g.minAgentCount,
      virtualq_min_waiting_time: g.minWaitingTime,
      virtualq_notice_time: g.noticeTime,
      virtualq_timeout_time: g.timeoutTime,
      virtualq_waiters_count: this.virtualqWaiters(g),
      virtualq_ewt: this.state.groupEwt(g),
      service_waiters_count: g.service.waitersCount,
      call_center: { id: cc.id, name: cc.name, call_center_open: cc.open, virtualq_active: cc.virtualqActive },
    };
    return resource(g.id, 'line_groups', attrs, fmt);
  }

  private virtualqWaiters(g: LineGroup): number {
    const state = this.state;
    return [...state.waiters.values()].filter((w) => (w.state === 'Waiting' || w.state === 'Notified') && state.lines.get(w.lineId)?.lineGroupId === g.id)
      .length;
  }
}
