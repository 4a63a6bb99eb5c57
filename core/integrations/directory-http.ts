// What the three HTTP directories (Okta, Entra ID, Google Workspace) share: one way to send a
// call through the invoker (and so the HTTP policy), log it for the timeline, and turn a
// vendor's error answer into a DirectoryError that says what to do.
import { HttpClientError } from '../http/errors';
import { DirectoryError, type DirectoryErrorCode } from '../containment/types';
import type { CallRecord, IntegrationCall, InvokeResponse, Invoker } from './dry-run';

/** Every operation a backend made (HTTP call records or LDAP operation records), for the timeline. */
export type OperationLog = unknown[];

/** Whom to ask: reads may go live in dry-run (exact what-would-change), writes follow the mode. */
export interface DirectoryInvokers {
  reads: Invoker;
  writes: Invoker;
}

/**
 * Sends one call. Every status comes back (`accept: 'any'`) after the policy's retries, so the
 * vendor module reads its own error shape; a connection failure becomes `unavailable`.
 */
export async function sendCall(invoker: Invoker, log: OperationLog, vendor: string, call: Omit<IntegrationCall, 'accept'>): Promise<InvokeResponse> {
  try {
    return await invoker.invoke({ ...call, accept: 'any' });
  } catch (err) {
    if (err instanceof HttpClientError) throw new DirectoryError('unavailable', `${vendor} unreachable: ${err.message}`, { cause: err });
    throw err;
  } finally {
    const record: CallRecord | undefined = invoker.calls.at(-1);
    if (record && !log.includes(record)) log.push(record);
  }
}

/** A parsed vendor error: its own code and message. */
export interface VendorErrorInfo {
  code?: string;
  message?: string;
}

export function jsonOf(res: InvokeResponse): unknown {
  try {
    return res.text ? res.json() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A non-2xx answer in words. `what` is the operation in plain words ("suspend alice@example.org");
 * `codes` lets a vendor map its own error codes (E0000011, InvalidAuthenticationToken) first.
 */
export function vendorError(vendor: string, res: InvokeResponse, info: VendorErrorInfo, what: string, codes: Record<string, DirectoryErrorCode> = {}): DirectoryError {
  const status = res.status;
  const said = `${vendor} answered ${status}${info.code ? ` ${info.code}` : ''}${info.message ? `: ${info.message}` : ''}`;
  const mapped: DirectoryErrorCode = (info.code && codes[info.code]) || (status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 404 ? 'not-found'
    : status === 429 ? 'rate-limited' : status >= 500 ? 'unavailable' : status === 409 ? 'conflict' : 'invalid');
  const hint: Record<DirectoryErrorCode, string> = {
    'unauthorized': 'the credentials are invalid or expired: renew them in the directory config node',
    'forbidden': 'insufficient privileges: give the API account the right to manage users',
    'not-found': 'no such account',
    'rate-limited': `${vendor} rate limit still hit after the retries; try again later`,
    'unavailable': `${vendor} is down or unreachable; try again later`,
    'conflict': 'the account is in a state that does not allow this',
    'invalid': 'the request was refused',
    'ambiguous': 'more than one account matches',
    'config': 'check the directory config node',
  };
  const retryAfter = res.headers['retry-after'] ? ` (retry after ${res.headers['retry-after']} s)` : '';
  return new DirectoryError(mapped, `${what} failed: ${said}; ${hint[mapped]}${mapped === 'rate-limited' ? retryAfter : ''}`);
}

/** Cached access tokens (Entra ID, Google), kept until shortly before they expire. */
export class TokenCache {
  private readonly entries = new Map<string, { token: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A cached token for `key`, or a new one from `fetch` (expiresInS from the answer). */
  async get(key: string, fetch: () => Promise<{ token: string; expiresInS: number; cache: boolean }>): Promise<string> {
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > this.now()) return hit.token;
    const fresh = await fetch();
    // A minute's margin: a token must not expire between the check and the call.
    if (fresh.cache) this.entries.set(key, { token: fresh.token, expiresAt: this.now() + Math.max(0, fresh.expiresInS - 60) * 1000 });
    return fresh.token;
  }

  invalidate(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
