// Emulator scaffolding: a loopback HTTP(S) server that records every request and answers from
// routes, with scripted one-off answers and faults (429 + Retry-After, 5xx, latency, connection
// reset) queued in front of them. Vendor emulators (pagerduty-events.ts, …) are routes on it.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: Record<string, string>;
  /** Lower-case names, as Node gives them. */
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown;
  /** The body parsed as a form, when it is application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  at: number;
}

/** One answer. `reset` destroys the connection instead; `delayMs` waits before answering. */
export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON. */
  body?: string | object;
  delayMs?: number;
  reset?: boolean;
}

export type Responder = ScriptedResponse | ((req: RecordedRequest) => ScriptedResponse | Promise<ScriptedResponse>);

export interface Route {
  /** Any method when left out. */
  method?: string;
  /** Exact path or a pattern over the path (no query). */
  path: string | RegExp;
  respond: Responder;
}

export interface EmulatorOptions {
  routes?: Route[];
  /** HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  /** Answer for requests no route matches. Default 404 JSON. */
  fallback?: Responder;
}

export interface Emulator {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  port: number;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Requests matching a method and path. */
  requestsTo(method: string, path: string): RecordedRequest[];
  /** Queue one-off answers for `METHOD /path` (used in order, before the route answers). */
  script(method: string, path: string, ...responses: ScriptedResponse[]): void;
  /** Forget requests and scripted answers. */
  reset(): void;
  close(): Promise<void>;
}

/** Ready-made faults for script(). */
export const faults = {
  tooManyRequests: (retryAfter?: string | number, body: string | object = { error: 'rate limited' }): ScriptedResponse =>
    ({ status: 429, headers: retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }, body }),
  serverError: (status = 503, body: string | object = { error: 'unavailable' }): ScriptedResponse => ({ status, body }),
  latency: (delayMs: number, then: ScriptedResponse = {}): ScriptedResponse => ({ ...then, delayMs }),
  reset: (): ScriptedResponse => ({ reset: true }),
};

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const routes = options.routes ?? [];
  const requests: RecordedRequest[] = [];
  const scripts = new Map<string, ScriptedResponse[]>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const u = new URL(req.url ?? '/', 'http://127.0.0.1');
        const body = Buffer.concat(chunks).toString('utf8');
        const rec: RecordedRequest = { method: req.method ?? 'GET', path: u.pathname, query: Object.fromEntries(u.searchParams), headers: req.headers, body, at: Date.now() };
        const type = String(req.headers['content-type'] ?? '');
        if (/json/.test(type) || /^\s*[{[]/.test(body)) {
          try { rec.json = JSON.parse(body) as unknown; } catch { /* the route decides what a bad body means */ }
        }
        if (/x-www-form-urlencoded/.test(type)) rec.form = Object.fromEntries(new URLSearchParams(body));
        requests.push(rec);

        const queued = scripts.get(`${rec.method} ${rec.path}`);
        let answer: ScriptedResponse;
        try {
          if (queued?.length) answer = queued.shift() as ScriptedResponse;
          else {
            const route = routes.find((r) => (!r.method || r.method.toUpperCase() === rec.method) && (typeof r.path === 'string' ? r.path === rec.path : r.path.test(rec.path)));
            const responder = route?.respond ?? options.fallback ?? { status: 404, body: { error: 'no such route', path: rec.path } };
            answer = typeof responder === 'function' ? await responder(rec) : responder;
          }
        } catch (err) {
          answer = { status: 500, body: { error: `emulator route failed: ${(err as Error).message}` } };
        }
        if (answer.delayMs) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(() => { timers.delete(t); resolve(); }, answer.delayMs);
            timers.add(t);
          });
        }
        if (answer.reset) {
          req.socket.destroy();
          return;
        }
        if (res.destroyed) return;
        const isObject = answer.body !== undefined && typeof answer.body !== 'string';
        const payload = answer.body === undefined ? '' : isObject ? JSON.stringify(answer.body) : String(answer.body);
        const headers: Record<string, string> = { ...(isObject ? { 'content-type': 'application/json' } : {}), ...answer.headers };
        res.writeHead(answer.status ?? 200, headers);
        res.end(payload);
      })();
    });
  };

  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler) : http.createServer(handler);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // TLS handshakes a client refuses end in errors here; they are the test's subject, not a crash.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    requestsTo: (method, path) => requests.filter((r) => r.method === method.toUpperCase() && r.path === path),
    script(method, path, ...responses) {
      const key = `${method.toUpperCase()} ${path}`;
      scripts.set(key, [...(scripts.get(key) ?? []), ...responses]);
    },
    reset() {
      requests.length = 0;
      scripts.clear();
    },
    close: () => new Promise<void>((resolve) => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
