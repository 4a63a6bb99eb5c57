// What the remote log backends share: HTTP failures in words, and the check that an answer
// really holds the values (a store's full-text match is looser than ours).
import { HttpClientError, InvalidResponseError, RateLimitedError } from '../http/errors';
import { countMatches, containsValue } from './query';
import { LogFetchError, type LogEvent, type LogQuery } from './types';

/** A failure of the HTTP policy (after its retries) as a LogFetchError a person can act on. */
export function httpFailure(vendor: string, err: unknown): unknown {
  if (err instanceof RateLimitedError) {
    return new LogFetchError(`${vendor} kept answering 429 (too many requests) after the retries${err.retryAfterMs !== undefined ? `; it asks to wait ${Math.ceil(err.retryAfterMs / 1000)} s` : ''}`, 'rate-limited', true, { cause: err });
  }
  if (err instanceof InvalidResponseError && /larger than/.test(err.message)) {
    return new LogFetchError(`${vendor}: the answer was too large and was cut off before it could fill memory (${err.message}); lower the limit or narrow the search`, 'too-large', false, { cause: err });
  }
  if (err instanceof HttpClientError) {
    const status = (err as { status?: number }).status;
    const what = status !== undefined && status >= 500 ? `${vendor} answered ${status} after the retries (is the service down?)`
      : err.code === 'timeout' ? `${vendor} did not answer in time: ${err.message}`
        : status !== undefined ? `${vendor} answered ${status}: ${err.message}`
          : `${vendor} unreachable: ${err.message}`;
    return new LogFetchError(what, err.code, err.transient, { cause: err });
  }
  return err;
}

/** Keep only events that hold an observable (and every term), count per observable, keep time order. */
export function verifyEvents(events: LogEvent[], query: LogQuery): { events: LogEvent[]; counts: Record<string, number> } {
  const text = (e: LogEvent): string => (e.fields ? `${e.message} ${JSON.stringify(e.fields)}` : e.message);
  const kept = events.filter((e) => {
    const t = text(e);
    return (!query.observables.length || query.observables.some((o) => containsValue(t, o))) && query.terms.every((term) => t.includes(term));
  });
  kept.sort((a, b) => (a.time ?? '').localeCompare(b.time ?? ''));
  return { events: kept, counts: countMatches(kept.map(text), query.observables) };
}

/** Basic auth header value. */
export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** A base URL without a trailing slash; refuses what is not http(s). */
export function baseUrl(vendor: string, url: string | undefined): string {
  const given = (url ?? '').trim();
  if (!given) throw new LogFetchError(`${vendor}: no URL configured in the log source`, 'no-url');
  let u: URL;
  try {
    u = new URL(given);
  } catch {
    throw new LogFetchError(`${vendor}: the URL ${JSON.stringify(given)} is not a valid URL`, 'bad-url');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new LogFetchError(`${vendor}: the URL must be http or https, got ${u.protocol}`, 'bad-url');
  return u.href.replace(/\/+$/, '');
}
