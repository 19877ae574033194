/**
 * The GWS simulator's e-mail model (docs/vendors/gws.md 3.2, 8): an inbound e-mail, once
 * accepted, can be answered (`Reply`, `ReplyAll`) or forwarded (`Forward`); each makes a new
 * outbound e-mail draft, an interaction of its own whose `parentId` names the inbound one, in
 * state Processing, announced on CometD. The draft is sent (`Send`) or dropped (`CancelReply`, or
 * `Cancel` after a Reply/ReplyAll); `StopProcessing` ends the inbound e-mail once no draft of it
 * is open.
 */
import type { GwsInteraction, GwsState, InviteOptions } from './state';

export const EMAIL_OPERATIONS = ['Reply', 'ReplyAll', 'Forward', 'CancelReply', 'Send', 'StopProcessing'] as const;
export type EmailOperation = (typeof EMAIL_OPERATIONS)[number];
const EMAIL_OPS = new Set<string>(EMAIL_OPERATIONS);
const DRAFT_OPS = new Set<string>(['CancelReply', 'Send']);

export function isEmailOperation(op: string): op is EmailOperation {
  return EMAIL_OPS.has(op);
}

/** The drafts of an inbound e-mail that are neither sent nor dropped. */
function openDrafts(state: GwsState, parent: GwsInteraction): GwsInteraction[] {
  return [...state.interactions.values()].filter((x) => x.parentId === parent.id && x.state === 'Processing');
}

/** Why an e-mail operation cannot apply to this interaction (before the capability check), if it cannot. */
export function emailRefusal(state: GwsState, i: GwsInteraction, op: EmailOperation): string | undefined {
  if (i.mediaType !== 'email' || !i.direction) return `Operation ${op} applies to e-mail interactions only`;
  if (DRAFT_OPS.has(op) && i.direction !== 'outbound') return `Operation ${op} applies to an outbound e-mail (made by Reply, ReplyAll or Forward)`;
  if (!DRAFT_OPS.has(op) && i.direction !== 'inbound') return `Operation ${op} applies to an inbound e-mail`;
  if (i.state !== 'Processing') return `Operation ${op} is not valid in state ${i.state}`;
  if (op === 'StopProcessing') {
    const open = openDrafts(state, i);
    if (open.length) return `Interaction ${i.id} has an outbound e-mail in progress (${open[0].id}): send or cancel it first`;
  }
  return undefined;
}

const PREFIX: Record<string, string> = { Reply: 'Re: ', ReplyAll: 'Re: ', Forward: 'Fwd: ' };

/**
 * Applies an e-mail operation (already checked) and returns the notifications it causes; they
 * carry `ref`, the `referenceId` of the HTTP answer.
 */
export function emailOperation(state: GwsState, i: GwsInteraction, op: EmailOperation, ref: number, me: string): Array<() => void> {
  switch (op) {
    case 'Reply':
    case 'ReplyAll':
    case 'Forward': {
      const subject = typeof i.userData.Subject === 'string' ? i.userData.Subject : '';
      const draft: GwsInteraction = {
        id: state.nextId(),
        mediaType: 'email',
        state: 'Processing',
        capabilities: [],
        userData: subject ? { Subject: `${PREFIX[op]}${subject}` } : {},
        receivedDate: new Date().toISOString(),
        owner: me,
        // The GWS Interactions API document: Cancel is possible after a Reply or ReplyAll.
        replied: op !== 'Forward',
        direction: 'outbound',
        parentId: i.id,
        origin: op,
      };
      state.interactions.set(draft.id, draft);
      return [() => state.notify(me, state.stateMessage(draft, 'StatusChange', ref))];
    }
    case 'CancelReply':
      // Dropped: gone from every list and read, like a completed interaction.
      i.state = 'Completed';
      return [() => state.notify(me, state.stateMessage(i, 'StatusChange', ref))];
    case 'Send':
      i.state = 'Completed';
      state.sentEmails.push({
        id: i.id,
        parentId: i.parentId,
        origin: i.origin,
        userData: { ...i.userData },
        from: me,
        sentDate: new Date().toISOString(),
      });
      return [() => state.notify(me, state.stateMessage(i, 'StatusChange', ref))];
    case 'StopProcessing':
      i.state = 'Completed';
      return [() => state.notify(me, state.stateMessage(i, 'StatusChange', ref))];
  }
}

export interface EmailOptions {
  id?: string;
  /** The agent it is offered to (default: the first user). */
  to?: string;
  /** The customer's address and the subject, kept as `userData.FromAddress` / `userData.Subject`. */
  from?: string;
  subject?: string;
  userData?: Record<string, unknown>;
  queueName?: string;
}

/** Raises an inbound e-mail offered to an agent (Invited), as the `email` control endpoint does. */
export function raiseEmail(state: GwsState, o: EmailOptions = {}): GwsInteraction {
  const userData: Record<string, unknown> = { ...(o.userData ?? {}) };
  if (typeof o.from === 'string') userData.FromAddress = o.from;
  if (typeof o.subject === 'string') userData.Subject = o.subject;
  const invite: InviteOptions = { mediaType: 'email', direction: 'inbound', userData };
  if (typeof o.id === 'string') invite.id = o.id;
  if (typeof o.to === 'string') invite.to = o.to;
  if (typeof o.queueName === 'string') invite.queueName = o.queueName;
  return state.invite(invite);
}
