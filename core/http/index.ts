// The outbound HTTP policy: import from here, not from the files behind it.
export { createHttpClient } from './client';
export type { HttpClient, HttpClientOptions, HttpEvent, HttpMethod, HttpRequest, HttpResponse } from './client';
export { createFetch } from './fetch';
export type { FetchFunction, FetchPolicyOptions } from './fetch';
export {
  HttpClientError, HttpError, InvalidResponseError, NetworkError, QueueFullError, RateLimitedError, TimeoutError,
} from './errors';
export type { HttpErrorCode, TimeoutPhase } from './errors';
export { RateLimiter } from './rate-limit';
export type { RateLimitOptions } from './rate-limit';
export type { RetryOptions } from './retry';
export { parseRetryAfter } from './retry';
export type { ProxyOptions } from './proxy';
export type { TlsOptions } from './tls';
