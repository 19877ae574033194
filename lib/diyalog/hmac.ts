/**
 * HMAC-SHA256 signing of Diyalog application API calls (docs/vendors/diyalog.md 2.2 and 6):
 *   "POST" LF "application/json" LF <x-dlg-date> LF <body as sent> [LF] <resource path>
 * The documents disagree on the LF before the path; `lf` is the default form, `nolf` the
 * one-time fallback after a 401.
 */
import { createHmac } from 'node:crypto';

export type SignatureForm = 'lf' | 'nolf';

export const SIGNED_CONTENT_TYPE = 'application/json';

/** RFC 1123 as Diyalog shows it: `Tue, 09 Mar 2021 13:28:32 GMT`. */
export function dlgDate(t: number | Date = Date.now()): string {
  return new Date(t).toUTCString();
}

export function stringToSign(date: string, body: string, resourcePath: string, form: SignatureForm = 'lf'): string {
  return `POST\n${SIGNED_CONTENT_TYPE}\n${date}\n${body}${form === 'lf' ? '\n' : ''}${resourcePath}`;
}

export function signature(secret: string, date: string, body: string, resourcePath: string, form: SignatureForm = 'lf'): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(stringToSign(date, body, resourcePath, form), 'utf8')
    .digest('base64');
}

export interface SigningKey {
  accessKeyId: string;
  accessKeySecret: string;
  requesterUserId: string;
}

/** The four headers of a signed request (the authorization value is a secret: never log it). */
export function signedHeaders(key: SigningKey, body: string, resourcePath: string, form: SignatureForm, now: number = Date.now()): Record<string, string> {
  const date = dlgDate(now);
  return {
    'Content-Type': SIGNED_CONTENT_TYPE,
    'x-dlg-date': date,
    'x-dlg-requester-userid': key.requesterUserId,
    'x-dlg-authorization': `DLGA ${key.accessKeyId}:${signature(key.accessKeySecret, date, body, resourcePath, form)}`,
  };
}
