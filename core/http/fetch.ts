// A WHATWG-fetch-compatible function on top of the policy client, for SDKs that bring their
// own transport: @slack/web-api 8 (`new WebClient(token, { fetch })`), axios >= 1.12 and so
// jira.js 5 (`baseRequestConfig: { adapter: 'fetch', env: { fetch } }`). Turn the SDK's own
// retries and queue off, so the policy is the one mechanism that decides.
//
// Like fetch, every status resolves (after the policy's retries): the SDK maps 4xx/5xx itself.
// Network failures and timeouts reject with the policy's typed errors (HttpClientError); a
// caller's abort rejects with its signal's reason, as fetch does.
import { HttpClientError } from './errors';
import type { HttpClient, HttpMethod, HttpRequest, HttpResponse } from './client';

export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface FetchPolicyOptions {
  /** Rate-limit bucket for every call of this SDK (e.g. 'slack'); default the host. */
  destination?: string;
  /** Treat every request as safe to repeat (e.g. an SDK that only reads). Default: by method. */
  idempotent?: boolean;
  /** Per-attempt timeout for this SDK's calls. */
  timeoutMs?: number;
  /** Redirects followed for redirect: 'follow' (fetch's default). Default 5. */
  maxRedirects?: number;
}

// Statuses whose Response must have no body (the Response constructor refuses one).
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
// Bodies kept as text (so dry-run records show JSON and form fields, not a byte count).
const TEXTUAL = /json|x-www-form-urlencoded|^text\//i;
// Answers whose text is UTF-8 (JSON, or a declared utf-8 charset): handed on as text, which
// reads back as the same bytes. Any other charset keeps its bytes.
const UTF8_TEXT = /json|charset=["']?utf-?8/i;

export interface FetchCall {
  request: HttpRequest;
  redirect: RequestRedirect;
}

/** fetch(input, init) as a policy request (accept 'any': statuses resolve, as in fetch). */
export async function fetchArgsToRequest(input: string | URL | Request, init: RequestInit = {}, options: FetchPolicyOptions = {}): Promise<FetchCall> {
  const req = input instanceof Request ? input : undefined;
  const url = req ? req.url : String(input);
  const method = (init.method ?? req?.method ?? 'GET').toUpperCase() as HttpMethod;
  const headers = requestHeaders(req, init.headers);

  // Serialise whatever body fetch would accept (string, URLSearchParams, FormData, Blob, bytes)
  // exactly as fetch would, content-type (multipart boundary) included.
  let bytes: Uint8Array | string | undefined;
  if (typeof init.body === 'string') {
    // The common case (form or JSON text): no Response round trip; fetch's default type.
    bytes = init.body;
    if (!headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8');
  } else if (init.body !== undefined && init.body !== null) {
    const carrier = new Response(init.body);
    bytes = new Uint8Array(await carrier.arrayBuffer());
    const type = carrier.headers.get('content-type');
    if (type && !headers.has('content-type')) headers.set('content-type', type);
  } else if (req?.body) {
    bytes = new Uint8Array(await req.arrayBuffer());
  }

  const redirect = init.redirect ?? req?.redirect ?? 'follow';
  const signal = init.signal ?? req?.signal ?? undefined;
  const request: HttpRequest = {
    method,
    url,
    headers: headers.record,
    accept: 'any',
    maxRedirects: redirect === 'follow' ? options.maxRedirects ?? 5 : 0,
  };
  if (typeof bytes === 'string') {
    if (bytes.length > 0) request.body = TEXTUAL.test(headers.get('content-type') ?? '') ? bytes : Buffer.from(bytes, 'utf8');
  } else if (bytes !== undefined && bytes.byteLength > 0) {
    request.body = TEXTUAL.test(headers.get('content-type') ?? '') ? Buffer.from(bytes).toString('utf8') : bytes;
  }
  if (signal) request.signal = signal;
  if (options.destination !== undefined) request.destination = options.destination;
  if (options.idempotent !== undefined) request.idempotent = options.idempotent;
  if (options.timeoutMs !== undefined) request.timeoutMs = options.timeoutMs;
  return { request, redirect };
}

/** A policy answer as a fetch Response. */
export function toFetchResponse(res: HttpResponse, call: FetchCall): Response {
  const { method } = call.request;
  if (call.redirect === 'error' && res.status >= 300 && res.status < 400 && res.headers.location) {
    throw new TypeError(`redirect refused (redirect: 'error'): ${res.status} from ${method} ${new URL(String(call.request.url)).origin}`);
  }
  // Text for JSON or declared UTF-8 (the SDKs' case): a Response reads a string body about
  // twice as fast as bytes. Otherwise a copy on its own ArrayBuffer, as BodyInit wants.
  const payload = NULL_BODY.has(res.status) || method === 'HEAD' ? null
    : UTF8_TEXT.test(res.headers['content-type'] ?? '') ? res.text : new Uint8Array(res.body);
  const response = new Response(payload, { status: res.status, headers: res.headers });
  // Response.url is read-only and empty for constructed responses; SDKs log it.
  Object.defineProperty(response, 'url', { value: res.url });
  return response;
}

/** Rethrow as fetch would: the caller's own abort as its signal's reason. */
export function fetchError(err: unknown, request: HttpRequest): unknown {
  if (err instanceof HttpClientError && err.code === 'aborted' && request.signal?.aborted) return request.signal.reason;
  return err;
}

export function createFetch(client: HttpClient, options: FetchPolicyOptions = {}): FetchFunction {
  return async (input, init) => {
    const call = await fetchArgsToRequest(input, init, options);
    let res: HttpResponse;
    try {
      res = await client.request(call.request);
    } catch (err) {
      throw fetchError(err, call.request);
    }
    return toFetchResponse(res, call);
  };
}

/** The request's headers, lower-cased, init's over the Request's (as fetch merges them). */
interface RequestHeaders {
  record: Record<string, string>;
  has(name: string): boolean;
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

function requestHeaders(req: Request | undefined, init: HeadersInit | undefined): RequestHeaders {
  const record: Record<string, string> = {};
  const add = (h: HeadersInit | undefined): void => {
    if (h === undefined) return;
    // A plain object (what the SDKs pass) without a Headers object: names lower-cased and
    // values trimmed as Headers would.
    if (!(h instanceof Headers) && !Array.isArray(h) && !(Symbol.iterator in h)) {
      for (const [k, v] of Object.entries(h)) {
        if (v === undefined) continue;
        const name = k.toLowerCase();
        record[name] = String(v).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
      }
      return;
    }
    new Headers(h).forEach((v, k) => { record[k] = v; });
  };
  if (req) add(req.headers);
  add(init);
  return {
    record,
    has: (name) => Object.hasOwn(record, name),
    get: (name) => record[name],
    set: (name, value) => { record[name] = value; },
  };
}
