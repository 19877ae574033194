/** Turning an HTTP answer into what `msg.vendor` shows: status, safe headers, parsed body. */
import { safeHeaders } from './redact';
import type { HttpResponse } from './transport';

/** The vendor answer for `msg.vendor`: status, safe headers, JSON body or text. */
export function vendorAnswer(res: HttpResponse, body?: unknown): { status: number; headers: Record<string, string>; body: unknown } {
  return { status: res.status, headers: safeHeaders(res.headers), body: body !== undefined ? body : parseJsonOrText(res.text, res.headers['content-type']) };
}

/** Parsed JSON where the text is JSON (by its look or its content type), else the text. */
export function parseJsonOrText(text: string, contentType?: string): unknown {
  const t = text.trim();
  if (t.startsWith('{') || t.startsWith('[') || (t !== '' && /json/i.test(contentType ?? ''))) {
    try {
      return JSON.parse(t);
    } catch {
      return text;
    }
  }
  return text;
}
