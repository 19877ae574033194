/**
 * The Interactions API of the GWS simulator (docs/vendors/gws.md 3.2, 3.3):
 * `POST /api/v2/me/interactions/<id>` operations and `PUT /api/v2/interactions/<id>`, each
 * answered in the style the GWS Interactions API document shows for it, the outcome on CometD.
 */
import type * as http from 'node:http';
import type { SimRequest } from '../common';
import { fail, ok, parseBody, seedFail, type Ctx } from './auth';
import { EMAIL_OPERATIONS, emailOperation, emailRefusal, isEmailOperation } from './email';
import { capsFor, isPlainObject, type GwsInteraction, type GwsState, type GwsUser } from './state';

/** Operations the GWS Interactions API document answers with `{"status":"ok"}` / `{"status":"error","errorDescription"}`. */
const SEED_STYLE = new Set(['Accept', 'Reject', 'PlaceInQueue', 'UpdateUserData', 'AttachUserData', 'DeleteUserData', 'PlaceInWorkbin', 'GetWorkbinContent']);
const INTERACTION_OPS = new Set([...SEED_STYLE, 'Cancel', 'Complete', 'Transfer', ...EMAIL_OPERATIONS]);
const READ_ONLY = new Set(['id', 'mediaType', 'state', 'capabilities', 'uri', 'path', 'receivedDate']);

export function active(i: GwsInteraction): boolean {
  return i.state !== 'Completed';
}

export function mine(i: GwsInteraction, me: string): boolean {
  return i.owner === me && (i.state === 'Invited' || i.state === 'Processing');
}

export function interactionOp(state: GwsState, req: SimRequest, res: http.ServerResponse, ctx: Ctx, id: string): void {
  const body = parseBody(req);
  const op = typeof body?.operationName === 'string' ? body.operationName : '';
  const seed = SEED_STYLE.has(op);
  const refuse = (status: number, code: number, message: string): void => (seed ? seedFail(res, ctx, status, message) : fail(res, ctx, status, code, message));
  if (!body || !INTERACTION_OPS.has(op)) return fail(res, ctx, 400, 1, `Unsupported operationName ${op || '(none)'}`);
  const me = ctx.session.user.userName;
  const i = state.interactions.get(id);
  if (!i || i.owner !== me || i.state === 'Completed' || i.state === 'Revoked') return refuse(404, 6, `Interaction ${id} not found`);
  const scripted = state.takeRefusal(id, op);
  if (scripted) {
    const status = scripted.httpStatus ?? 400;
    const message = scripted.statusMessage ?? `Operation ${op} refused`;
    if (scripted.seedStyle ?? seed) return seedFail(res, ctx, status, message);
    return fail(res, ctx, status, scripted.statusCode ?? 2, message);
  }
  const emailProblem = isEmailOperation(op) ? emailRefusal(state, i, op) : undefined;
  if (emailProblem) return refuse(400, 2, emailProblem);
  if (op !== 'GetWorkbinContent' && !capsFor(i).includes(op)) {
    if (op === 'Accept' || op === 'Reject') return refuse(400, 2, `Interaction ${id} is not in state Invited`);
    if (op === 'Transfer') return refuse(400, 2, 'Interaction is not in a transferable state');
    if (op === 'Cancel') return refuse(400, 2, 'Cancel is possible only after Reply or ReplyAll');
    return refuse(400, 2, `Operation ${op} is not valid in state ${i.state}`);
  }
  // Parameters
  const str = (k: string): string | undefined => (typeof body[k] === 'string' && body[k] !== '' ? (body[k] as string) : undefined);
  let target: GwsUser | undefined;
  if (op === 'PlaceInQueue' && !str('queueName')) return refuse(400, 1, 'Parameter queueName is missing');
  if ((op === 'PlaceInWorkbin' || op === 'GetWorkbinContent') && !str('workbin')) return refuse(400, 1, 'Parameter workbin is missing');
  if ((op === 'UpdateUserData' || op === 'AttachUserData') && (!isPlainObject(body.userData) || Object.keys(body.userData).length === 0)) {
    return refuse(400, 1, 'Parameter userData is missing or empty');
  }
  let deleteKeys: string[] = [];
  if (op === 'DeleteUserData') {
    if (isPlainObject(body.userData)) deleteKeys.push(...Object.keys(body.userData));
    if (Array.isArray(body.keys)) deleteKeys.push(...body.keys.filter((k): k is string => typeof k === 'string'));
    deleteKeys = [...new Set(deleteKeys)];
    if (deleteKeys.length === 0) return refuse(400, 1, 'Parameter userData is missing or empty');
  }
  if (op === 'Transfer') {
    const uid = str('userId') ?? (str('userUri') ? str('userUri')!.replace(/\/+$/, '').split('/').pop() : undefined);
    if (!uid) return refuse(400, 1, 'Parameter userId is missing');
    target = state.users.find((u) => u.id === uid || u.userName === uid);
    if (!target) return refuse(404, 6, `User ${uid} not found`);
    if (target.userName === me) return refuse(400, 10, 'Cannot transfer an interaction to its owner');
  }
  const ref = ++state.referenceId;
  const asyncError = state.takeAsyncError(id, op);
  if (asyncError) {
    // Accepted over HTTP, failed later: the failure arrives on CometD.
    const m = state.stateMessage(i, 'Error', ref);
    m.statusMessage = asyncError.statusMessage ?? `${op} failed`;
    setImmediate(() => state.notify(me, m));
    return ok(res, ctx, seed ? { status: 'ok', referenceId: ref } : op === 'Cancel' ? { status: 0, referenceId: ref } : { statusCode: 0, referenceId: ref });
  }
  const events: Array<() => void> = [];
  const changed = (type = 'StatusChange'): void => void events.push(() => state.notify(me, state.stateMessage(i, type, ref)));
  switch (op) {
    case 'Accept':
      i.state = 'Processing';
      changed();
      break;
    case 'Reject':
    case 'PlaceInQueue':
      if (op === 'PlaceInQueue') i.queueName = str('queueName');
      i.owner = '';
      i.state = 'Revoked';
      changed();
      break;
    case 'Cancel':
    case 'Complete':
      i.state = 'Completed';
      changed();
      break;
    case 'UpdateUserData':
    case 'AttachUserData':
      Object.assign(i.userData, body.userData as Record<string, unknown>);
      changed('PropertiesUpdated');
      break;
    case 'DeleteUserData':
      for (const k of deleteKeys) delete i.userData[k];
      changed('PropertiesUpdated');
      break;
    case 'PlaceInWorkbin':
      i.state = 'InWorkbin';
      i.workbin = str('workbin');
      changed();
      break;
    case 'GetWorkbinContent': {
      const wb = str('workbin')!;
      const content = [...state.interactions.values()].filter((x) => x.state === 'InWorkbin' && x.workbin === wb && x.owner === me);
      events.push(() =>
        state.notify(me, {
          messageType: 'WorkbinContentMessage',
          notificationType: 'WorkbinContent',
          referenceId: ref,
          workbin: wb,
          interactions: content.map((x) => state.stateMessage(x, 'WorkbinContent')),
        }),
      );
      break;
    }
    case 'Reply':
    case 'ReplyAll':
    case 'Forward':
    case 'CancelReply':
    case 'Send':
    case 'StopProcessing':
      events.push(...emailOperation(state, i, op, ref, me));
      break;
    case 'Transfer': {
      const t = target!;
      i.owner = t.userName;
      i.state = 'Invited';
      events.push(() => {
        state.notify(me, state.stateMessage(i, 'StatusChange', ref, 'Revoked'));
        state.notify(t.userName, state.stateMessage(i, 'StatusChange', ++state.referenceId));
      });
      break;
    }
  }
  setImmediate(() => events.forEach((f) => f()));
  if (seed) return ok(res, ctx, { status: 'ok', referenceId: ref });
  if (op === 'Cancel') return ok(res, ctx, { status: 0, referenceId: ref });
  return ok(res, ctx, { statusCode: 0, referenceId: ref });
}

export function putInteraction(state: GwsState, req: SimRequest, res: http.ServerResponse, ctx: Ctx, id: string): void {
  const i = state.interactions.get(id);
  if (!i || !active(i)) return fail(res, ctx, 404, 6, 'Interaction not found');
  const body = parseBody(req);
  if (!body || Object.keys(body).length === 0) return fail(res, ctx, 400, 1, 'Request body must be a non-empty JSON object');
  const ro = Object.keys(body).find((k) => READ_ONLY.has(k));
  if (ro) return fail(res, ctx, 400, 11, `Property ${ro} is read-only`);
  if (body.userData !== undefined && !isPlainObject(body.userData)) return fail(res, ctx, 400, 10, 'Property userData must be an object');
  if (body.queueName !== undefined && typeof body.queueName !== 'string') return fail(res, ctx, 400, 10, 'Property queueName must be a string');
  if (isPlainObject(body.userData)) Object.assign(i.userData, body.userData);
  if (typeof body.queueName === 'string') i.queueName = body.queueName;
  if (i.owner) setImmediate(() => state.notify(i.owner, state.stateMessage(i, 'PropertiesUpdated', ++state.referenceId)));
  return ok(res, ctx, { statusCode: 0 });
}
