// The integration boundary. Every vendor module describes its call ({operation, method, url,
// body, headers}) and hands it to an Invoker: live, it goes through the HTTP policy; dry-run,
// it is recorded (secrets redacted) and answered with the module's own simulated vendor answer,
// so the module parses both the same way. Either way the calls come back as records that a
// node turns into timeline entries.
import type { TimelineInput } from '../model/timeline';
import type { NodeRef } from '../model/types';
import { bodyExcerpt, redactBody, redactHeaders, redactText, redactUrl, REDACTED } from '../model/redact';
import type { HttpClient, HttpMethod, HttpRequest, HttpResponse } from '../http/client';
import { HttpError, InvalidResponseError, RateLimitedError } from '../http/errors';
import { fetchArgsToRequest, fetchError, toFetchResponse, type FetchFunction, type FetchPolicyOptions } from '../http/fetch';
import { parseRetryAfter } from '../http/retry';
import type { Mode } from './mode';

/** What the vendor would answer, for dry-run. Shape it like the real answer. */
export interface SimulatedResponse {
  /** Default 200. */
  status?: number;
  headers?: Record<string, string>;
  /** The answer body as JSON (or `text`). */
  json?: unknown;
  text?: string;
}

export interface IntegrationCall extends HttpRequest {
  /** Vendor and action, e.g. 'pagerduty.enqueue', 'slack.chat.postMessage'. */
  operation: string;
  /** The answer in dry-run: a value, or a function of the recorded (redacted) call. */
  simulated: SimulatedResponse | ((call: CallRecord) => SimulatedResponse);
  /** Credentials requireCredentials() found missing (dry-run): noted in the record. */
  missingCredentials?: readonly string[];
}

export type CallOutcome = 'ok' | 'dry-run' | 'error';

/** One call as it goes into a timeline: everything redacted. */
export interface CallRecord {
  operation: string;
  outcome: CallOutcome;
  method: HttpMethod;
  url: string;
  /** The call's own headers (not the client's defaults), credentials redacted. */
  headers: Record<string, string>;
  /** JSON and form bodies as values, secret fields redacted. */
  body?: unknown;
  /** The live answer's status, or the simulated one. */
  status?: number;
  attempts?: number;
  durationMs?: number;
  /** The error message (already redacted) when outcome is 'error'. */
  error?: string;
  missingCredentials?: string[];
  /** Something the module noticed about the answer (e.g. a value it did not trust). */
  note?: string;
  at: string;
}

export interface InvokeResponse extends HttpResponse {
  /** true: simulated, nothing was sent. */
  dryRun: boolean;
}

export interface Invoker {
  readonly mode: Mode;
  /** Live: the HTTP policy's answer or typed error. Dry-run: the simulated answer; nothing is sent. */
  invoke(call: IntegrationCall): Promise<InvokeResponse>;
  /** Every call so far, in order (live ones too), for the timeline. */
  readonly calls: readonly CallRecord[];
}

export type InvokerOptions =
  | { mode: 'live'; client: HttpClient; now?: () => Date }
  | { mode: 'dry-run'; client?: HttpClient; now?: () => Date };

/** Cheap: make one per message, so its `calls` are that message's calls. Share the HttpClient. */
export function createInvoker(options: InvokerOptions): Invoker {
  const now = options.now ?? (() => new Date());
  const calls: CallRecord[] = [];
  const { mode } = options;
  if (mode === 'live' && !options.client) throw new TypeError('a live invoker needs an HTTP client');

  return {
    mode,
    calls,
    async invoke(call: IntegrationCall): Promise<InvokeResponse> {
      const record = describeCall(call, mode === 'live' ? 'ok' : 'dry-run', now());
      calls.push(record);
      if (mode === 'dry-run') return simulate(call, record);

      const { operation: _op, simulated: _sim, missingCredentials: _missing, ...request } = call;
      try {
        const res = await (options.client as HttpClient).request(request);
        Object.assign(record, { status: res.status, attempts: res.attempts, durationMs: res.durationMs });
        return Object.assign(res, { dryRun: false });
      } catch (err) {
        record.outcome = 'error';
        record.error = redactText(err instanceof Error ? err.message : String(err));
        const e = err as { status?: unknown; attempts?: unknown };
        if (typeof e.status === 'number') record.status = e.status;
        if (typeof e.attempts === 'number') record.attempts = e.attempts;
        throw err;
      }
    },
  };
}

export interface InvokerFetchOptions extends FetchPolicyOptions {
  /** The operation name for a request the SDK makes, e.g. url => `slack.${url.pathname.split('/').pop()}`. */
  operation: string | ((url: URL, method: string) => string);
  /** The vendor's answer in dry-run, as for invoke(). */
  simulated: SimulatedResponse | ((call: CallRecord) => SimulatedResponse);
}

/**
 * A fetch for an SDK (Slack WebClient's `fetch`, axios `env.fetch`) that goes through an
 * invoker: live, through the HTTP policy; dry-run, recorded and answered with `simulated`, so
 * an SDK-based module dry-runs and records its calls like any other. Statuses resolve as in
 * fetch; a simulated error status reaches the SDK as a Response, which it maps itself.
 */
export function createInvokerFetch(invoker: Invoker, options: InvokerFetchOptions): FetchFunction {
  return async (input, init) => {
    const call = await fetchArgsToRequest(input, init, options);
    const url = new URL(String(call.request.url));
    const operation = typeof options.operation === 'function' ? options.operation(url, call.request.method) : options.operation;
    let res: InvokeResponse;
    try {
      res = await invoker.invoke({ ...call.request, operation, simulated: options.simulated });
    } catch (err) {
      throw fetchError(err, call.request);
    }
    return toFetchResponse(res, call);
  };
}

/** The redacted record of a call, without making it. */
export function describeCall(call: IntegrationCall, outcome: CallOutcome, at: Date = new Date()): CallRecord {
  const url = fullUrl(call);
  const record: CallRecord = {
    operation: call.operation,
    outcome,
    method: String(call.method).toUpperCase() as HttpMethod,
    url: call.secretUrl && url instanceof URL ? `${url.origin}/${REDACTED}` : redactUrl(url),
    headers: redactHeaders(call.headers),
    at: at.toISOString(),
  };
  const contentType = Object.entries(call.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  if (call.json !== undefined) record.body = redactBody(call.json);
  else if (call.form !== undefined) record.body = redactBody(call.form);
  else if (call.body !== undefined) record.body = redactBody(call.body, contentType);
  if (record.body !== undefined) record.body = shrinkRecordedBody(record.body);
  if (call.missingCredentials?.length) record.missingCredentials = [...call.missingCredentials];
  return record;
}

// Every incident keeps its call records for good, and a store holds thousands of incidents: a
// large body (a Jira description in ADF, a Block Kit message) is kept in shape, with long
// strings, long lists and deep nesting cut and marked, so the record still says what was sent.
const RECORDED_BODY_MAX = 4096;
// ADF nests deep: a linked word in a table cell is 15 levels down in createIssue's body. Strings
// and lists are cut, but 10 items a level can still multiply, so a body that stays too large is
// cut shallower until it fits RECORDED_BODY_CAP.
const RECORDED_BODY_DEPTHS = [16, 10, 6, 3] as const;
const RECORDED_BODY_CAP = 32_768;

function shrinkRecordedBody(body: unknown): unknown {
  if (JSON.stringify(body).length <= RECORDED_BODY_MAX) return body;
  const shrink = (value: unknown, depth: number, maxDepth: number): unknown => {
    if (typeof value === 'string') return value.length > 300 ? `${value.slice(0, 300)}… (${value.length} characters)` : value;
    if (!value || typeof value !== 'object') return value;
    if (depth >= maxDepth) return '[… nested deeper]';
    if (Array.isArray(value)) {
      const kept = value.slice(0, 10).map((v) => shrink(v, depth + 1, maxDepth));
      return value.length > 10 ? [...kept, `… (${value.length - 10} more)`] : kept;
    }
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, shrink(v, depth + 1, maxDepth)]));
  };
  let shrunk: unknown;
  for (const maxDepth of RECORDED_BODY_DEPTHS) {
    shrunk = shrink(body, 0, maxDepth);
    if (JSON.stringify(shrunk).length <= RECORDED_BODY_CAP) break;
  }
  return shrunk;
}

/** A timeline entry for a call record (timelineEntry/appendTimeline stamp and redact it again). */
export function callTimelineInput(record: CallRecord, node: NodeRef, action: string = record.operation): TimelineInput {
  const target = `${record.method} ${record.url}`;
  const summary = record.outcome === 'dry-run'
    ? `dry-run: would call ${target}${record.missingCredentials?.length ? ` (live mode lacks ${record.missingCredentials.join(', ')})` : ''}`
    : record.outcome === 'ok' ? `${target} answered ${record.status ?? '?'}` : `${target} failed: ${record.error ?? 'unknown error'}`;
  const { operation, method, url, headers, body, status, attempts, durationMs, error, missingCredentials, note } = record;
  const details: Record<string, unknown> = { operation, method, url };
  for (const [k, v] of Object.entries({ headers: Object.keys(headers).length ? headers : undefined, body, status, attempts, durationMs, error, missingCredentials, note })) {
    if (v !== undefined) details[k] = v;
  }
  return { node, action, outcome: record.outcome, summary, details };
}

function simulate(call: IntegrationCall, record: CallRecord): InvokeResponse {
  const sim = typeof call.simulated === 'function' ? call.simulated(record) : call.simulated;
  const status = sim.status ?? 200;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(sim.headers ?? {})) headers[k.toLowerCase()] = v;
  let text = sim.text ?? '';
  if (sim.json !== undefined) {
    text = JSON.stringify(sim.json);
    headers['content-type'] ??= 'application/json';
  }
  record.status = status;
  const ctx = { method: record.method, url: record.url, destination: 'dry-run', attempts: 0 };
  // The same accept rule as live, so a simulated failure takes the module's error path.
  const accept = call.accept ?? [];
  if (!(status >= 200 && status < 300) && accept !== 'any' && !accept.includes(status)) {
    const details = { ...ctx, status, bodyExcerpt: bodyExcerpt(text, headers['content-type']), headers: redactHeaders(headers) };
    const retryAfterMs = parseRetryAfter(headers['retry-after']);
    throw status === 429 ? new RateLimitedError(retryAfterMs === undefined ? details : { ...details, retryAfterMs }) : new HttpError(details);
  }
  const body = Buffer.from(text, 'utf8');
  return {
    status,
    headers,
    body,
    text,
    json<T = unknown>(): T {
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new InvalidResponseError(ctx, `simulated answer ${status} is not JSON`);
      }
    },
    url: record.url,
    attempts: 0,
    durationMs: 0,
    dryRun: true,
  };
}

function fullUrl(call: IntegrationCall): URL | string {
  try {
    const url = new URL(String(call.url));
    for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) url.searchParams.append(k, String(v));
    return url;
  } catch {
    return String(call.url);
  }
}
