/**
 * virtualQ simulator gate (docs/vendors/virtualq.md): the `X-Api-Key` check (401 unknown or
 * missing key, 403 a known key without rights) and the scripted rate limit (429 + Retry-After).
 */
import type * as http from 'node:http';
import { header, sendJson, type SimRequest } from '../common';
import { ApiError, errorBody, MEDIA_TYPE } from './wire';

export interface RateLimit {
  retryAfter: number;
  /** How many requests get 429 (default: until switched off with `times: 0`). */
  times?: number;
  /** Only requests whose path starts with this. */
  path?: string;
}

export class ApiGate {
  rateLimit: RateLimit | null = null;

  constructor(
    readonly apiKeys: Set<string>,
    readonly forbiddenKeys: Set<string>,
  ) {}

  /** Throws the auth error; answers 429 itself (and returns false) while rate limited. */
  admit(req: SimRequest, res: http.ServerResponse): boolean {
    this.checkKey(req);
    const r = this.rateLimit;
    if (!r || (r.path && !req.path.startsWith(r.path))) return true;
    if (r.times !== undefined && --r.times <= 0) this.rateLimit = null;
    sendJson(res, 429, errorBody(new ApiError(429, 'too-many-requests', 'Too many requests', 'Rate limit exceeded, retry later')), {
      'content-type': MEDIA_TYPE,
      'retry-after': String(r.retryAfter),
    });
    return false;
  }

  setRateLimit(r: RateLimit | null): void {
    this.rateLimit = r ? { ...r } : null;
  }

  setKeys(apiKeys?: string[], forbiddenKeys?: string[]): void {
    if (apiKeys) replace(this.apiKeys, apiKeys);
    if (forbiddenKeys) replace(this.forbiddenKeys, forbiddenKeys);
  }

  private checkKey(req: SimRequest): void {
    const key = header(req, 'x-api-key');
    if (this.forbiddenKeys.has(key)) throw new ApiError(403, 'forbidden', 'Forbidden', 'This API key may not access this resource');
    if (!key || !this.apiKeys.has(key)) throw new ApiError(401, 'unauthorized', 'Unauthorized', key ? 'Invalid API key' : 'Missing API key');
  }
}

function replace(set: Set<string>, keys: string[]): void {
  set.clear();
  for (const k of keys) set.add(k);
}
