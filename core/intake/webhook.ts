import { createHmac, timingSafeEqual } from 'node:crypto';

export type WebhookAuth = 'none' | 'bearer' | 'hmac-sha256';

export interface WebhookRequest {
  /** Header names in any case (Node's IncomingMessage lower-cases them). */
  headers: Record<string, string | string[] | undefined>;
  /** The body exactly as received; an HMAC can only be checked on these bytes. */
  rawBody: Buffer | string | undefined;
}

export type WebhookCheck = { ok: true } | { ok: false; reason: string };

/** A request header by name, in any case; the first value when it was sent several times. */
export function header(headers: WebhookRequest['headers'], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** Constant-time comparison that does not leak the expected length through an early return. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHmac('sha256', 'compare').update(given).digest();
  const b = createHmac('sha256', 'compare').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/**
 * Checks a webhook's credentials: `Authorization: Bearer <secret>`, or
 * `X-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`.
 */
export function verifyWebhook(auth: WebhookAuth, secret: string | undefined, request: WebhookRequest): WebhookCheck {
  if (auth === 'none') return { ok: true };
  if (!secret) return { ok: false, reason: 'webhook verification is on but no secret is configured' };
  if (auth === 'bearer') {
    const value = header(request.headers, 'authorization');
    if (!value) return { ok: false, reason: 'missing Authorization header' };
    const match = /^Bearer\s+(.+)$/i.exec(value.trim());
    if (!match) return { ok: false, reason: 'Authorization header is not a Bearer token' };
    return sameSecret(match[1], secret) ? { ok: true } : { ok: false, reason: 'wrong bearer token' };
  }
  const signature = header(request.headers, 'x-signature-256');
  if (!signature) return { ok: false, reason: 'missing X-Signature-256 header' };
  const match = /^sha256=([0-9a-f]{64})$/i.exec(signature.trim());
  if (!match) return { ok: false, reason: 'X-Signature-256 is not "sha256=<64 hex digits>"' };
  if (request.rawBody === undefined) {
    return { ok: false, reason: 'the signature needs the raw body: enable "raw body" on the http-in node' };
  }
  const expected = createHmac('sha256', secret).update(request.rawBody).digest('hex');
  return sameSecret(match[1].toLowerCase(), expected) ? { ok: true } : { ok: false, reason: 'signature does not match the body' };
}
