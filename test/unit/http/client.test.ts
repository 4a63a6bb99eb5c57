import assert from 'node:assert/strict';
import net from 'node:net';
import { inspect } from 'node:util';
import {
  createHttpClient, HttpClientError, HttpError, InvalidResponseError, NetworkError, QueueFullError, RateLimitedError, TimeoutError,
  type HttpClient, type HttpClientOptions, type HttpEvent,
} from '../../../core/http';
import { backoffMs, parseRetryAfter, RETRY_DEFAULTS } from '../../../core/http/retry';
import { faults, startEmulator, type Emulator } from '../../emulators/server';

// Small delays everywhere: the policy is the same at 5 ms as at 5 s.
const FAST: HttpClientOptions = { retry: { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 20 }, rateLimit: false, proxy: 'none' };

describe('http client (outbound policy)', () => {
  let emu: Emulator;
  const clients: HttpClient[] = [];
  const client = (o: HttpClientOptions = {}): HttpClient => {
    const c = createHttpClient({ ...FAST, ...o });
    clients.push(c);
    return c;
  };

  before(async () => {
    emu = await startEmulator({
      routes: [
        { method: 'GET', path: '/ok', respond: { body: { ok: true } } },
        { method: 'POST', path: '/ok', respond: (r) => ({ status: 201, body: { got: r.json ?? r.body } }) },
        { path: '/text', respond: { body: 'plain words' } },
        { path: '/missing', respond: { status: 404, body: { detail: 'No information available' } } },
        { path: '/big', respond: { body: 'x'.repeat(5000) } },
        { path: '/slow', respond: { delayMs: 600, body: { ok: true } } },
        { path: '/always-503', respond: faults.serverError(503) },
        { path: '/always-429', respond: faults.tooManyRequests(0) },
        { path: '/redirect', respond: { status: 302, headers: { location: '/ok' } } },
        { path: '/see-other', respond: { status: 303, headers: { location: '/ok' } } },
      ],
    });
  });
  afterEach(async () => {
    emu.reset();
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  after(() => emu.close());

  describe('answers', () => {
    it('sends JSON and reads JSON, text and headers', async () => {
      const res = await client().request({ method: 'POST', url: `${emu.url}/ok`, json: { a: 1 } });
      assert.equal(res.status, 201);
      assert.deepEqual(res.json(), { got: { a: 1 } });
      assert.equal(res.headers['content-type'], 'application/json');
      assert.equal(res.attempts, 1);
      assert.equal(emu.requests[0].headers['content-type'], 'application/json');
      assert.equal(emu.requests[0].headers['user-agent'], 'node-red-contrib-incident-response');
    });

    it('sends forms and query parameters', async () => {
      await client().request({ method: 'POST', url: `${emu.url}/text?x=1`, query: { q: 'a b', skip: undefined, n: 2 }, form: { channel: 'C1', text: 'hi' } });
      const r = emu.requests[0];
      assert.deepEqual(r.query, { x: '1', q: 'a b', n: '2' });
      assert.deepEqual(r.form, { channel: 'C1', text: 'hi' });
    });

    it('throws HttpError for a status the caller did not accept, and returns accepted ones', async () => {
      const c = client();
      await assert.rejects(c.request({ method: 'GET', url: `${emu.url}/missing` }), (e: unknown) => {
        assert.ok(e instanceof HttpError);
        assert.equal(e.status, 404);
        assert.equal(e.attempts, 1, '404 is not retried');
        assert.match(e.message, /answered 404/);
        assert.match(e.bodyExcerpt, /No information available/);
        assert.equal(e.transient, false);
        return true;
      });
      const res = await c.request({ method: 'GET', url: `${emu.url}/missing`, accept: [404] });
      assert.deepEqual(res.json(), { detail: 'No information available' });
    });

    it('says clearly when an answer is not JSON or too large', async () => {
      const res = await client().request({ method: 'GET', url: `${emu.url}/text` });
      assert.equal(res.text, 'plain words');
      assert.throws(() => res.json(), (e: unknown) => e instanceof InvalidResponseError && /not JSON: plain words/.test(e.message));
      await assert.rejects(client({ maxResponseBytes: 1000 }).request({ method: 'GET', url: `${emu.url}/big` }), (e: unknown) => e instanceof InvalidResponseError && /larger than 1000 bytes/.test(e.message));
    });

    it('follows redirects only when asked; 303 becomes a GET', async () => {
      const c = client();
      await assert.rejects(c.request({ method: 'GET', url: `${emu.url}/redirect` }), (e: unknown) => e instanceof HttpError && e.status === 302);
      const res = await c.request({ method: 'GET', url: `${emu.url}/redirect`, maxRedirects: 1 });
      assert.deepEqual(res.json(), { ok: true });
      assert.equal(res.url, `${emu.url}/ok`);
      emu.reset();
      await c.request({ method: 'POST', url: `${emu.url}/see-other`, json: { a: 1 }, maxRedirects: 1 });
      assert.deepEqual(emu.requests.map((r) => `${r.method} ${r.path} ${r.body}`), ['POST /see-other {"a":1}', 'GET /ok ']);
    });

    it('drops credentials on a redirect to another origin', async () => {
      const other = await startEmulator({ routes: [{ path: '/landing', respond: { body: { ok: true } } }] });
      try {
        emu.script('GET', '/hop', { status: 307, headers: { location: `${other.url}/landing` } });
        await client().request({ method: 'GET', url: `${emu.url}/hop`, headers: { Authorization: 'Bearer s3cr3t-token', 'X-Trace': 't1' }, maxRedirects: 2 });
        assert.equal(emu.requests[0].headers.authorization, 'Bearer s3cr3t-token');
        assert.equal(other.requests[0].headers.authorization, undefined);
        assert.equal(other.requests[0].headers['x-trace'], 't1');
      } finally {
        await other.close();
      }
    });

    it('refuses bad input before sending anything', async () => {
      const c = client();
      await assert.rejects(c.request({ method: 'GET', url: 'ftp://127.0.0.1/x' }), /only http and https/);
      await assert.rejects(c.request({ method: 'GET', url: '/relative' }), /not an absolute URL/);
      await assert.rejects(c.request({ method: 'POST', url: `${emu.url}/ok`, json: {}, body: 'x' }), /at most one of body, json and form/);
      await assert.rejects(c.request({ method: 'GET', url: `http://user:pw123456@127.0.0.1:${emu.port}/ok` }), (e: unknown) => e instanceof TypeError && !e.message.includes('pw123456'));
      assert.equal(emu.requests.length, 0);
    });
  });

  describe('retries', () => {
    it('retries an idempotent request on 5xx with full-jitter exponential backoff', async () => {
      emu.script('GET', '/ok', faults.serverError(503), faults.serverError(502));
      const events: HttpEvent[] = [];
      const res = await client({ random: () => 1, retry: { maxRetries: 3, baseDelayMs: 20, maxDelayMs: 1000 }, onEvent: (e) => events.push(e) })
        .request({ method: 'GET', url: `${emu.url}/ok` });
      assert.equal(res.status, 200);
      assert.equal(res.attempts, 3);
      assert.equal(emu.requests.length, 3);
      // random() = 1 puts each wait at its ceiling: base * 2^(retry-1).
      assert.deepEqual(events.filter((e) => e.kind === 'retry').map((e) => [e.status, e.delayMs]), [[503, 20], [502, 40]]);
    });

    it('computes backoff ceilings and parses Retry-After', () => {
      const r = { ...RETRY_DEFAULTS, baseDelayMs: 100, maxDelayMs: 350 };
      assert.deepEqual([1, 2, 3, 4].map((n) => backoffMs(n, r, () => 0.999999)), [99, 199, 349, 349]);
      assert.equal(backoffMs(3, r, () => 0), 0);
      const now = Date.parse('2025-01-01T00:00:00Z');
      assert.equal(parseRetryAfter('3', now), 3000);
      assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now), 5000);
      assert.equal(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now), 0);
      assert.equal(parseRetryAfter('-1', now), undefined);
      assert.equal(parseRetryAfter('soon', now), undefined);
      assert.equal(parseRetryAfter(undefined, now), undefined);
    });

    it('gives up after maxRetries and reports the attempts', async () => {
      await assert.rejects(client().request({ method: 'GET', url: `${emu.url}/always-503` }), (e: unknown) => {
        assert.ok(e instanceof HttpError && !(e instanceof RateLimitedError));
        assert.equal(e.status, 503);
        assert.equal(e.attempts, 4);
        assert.match(e.message, /4 attempts/);
        assert.equal(e.transient, true);
        return true;
      });
      assert.equal(emu.requests.length, 4);
    });

    it('does not repeat a POST after a 5xx unless the caller says it is safe', async () => {
      const c = client();
      emu.script('POST', '/ok', faults.serverError(500));
      await assert.rejects(c.request({ method: 'POST', url: `${emu.url}/ok`, json: {} }), (e: unknown) => e instanceof HttpError && e.status === 500 && e.attempts === 1);
      assert.equal(emu.requests.length, 1);

      emu.reset();
      emu.script('POST', '/ok', faults.serverError(500));
      const res = await c.request({ method: 'POST', url: `${emu.url}/ok`, json: {}, idempotent: true });
      assert.equal(res.status, 201);
      assert.equal(emu.requests.length, 2);
    });

    it('repeats a POST after a 429: the server did not act on it', async () => {
      emu.script('POST', '/ok', faults.tooManyRequests(0));
      const res = await client().request({ method: 'POST', url: `${emu.url}/ok`, json: { n: 1 } });
      assert.equal(res.status, 201);
      assert.equal(emu.requests.length, 2);
    });

    it('retries a GET after a connection reset, but not a POST', async () => {
      const c = client();
      emu.script('GET', '/ok', faults.reset());
      assert.equal((await c.request({ method: 'GET', url: `${emu.url}/ok` })).status, 200);
      assert.equal(emu.requests.length, 2);

      emu.reset();
      emu.script('POST', '/ok', faults.reset());
      await assert.rejects(c.request({ method: 'POST', url: `${emu.url}/ok`, json: {} }), (e: unknown) => e instanceof NetworkError && e.code === 'network' && e.attempts === 1);
      assert.equal(emu.requests.length, 1);
    });

    it('retries a refused connection (nothing was sent), then fails with NetworkError', async () => {
      const gone = await startEmulator();
      const url = `${gone.url}/x`;
      await gone.close();
      await assert.rejects(client().request({ method: 'POST', url, json: {} }), (e: unknown) => {
        assert.ok(e instanceof NetworkError);
        assert.equal(e.errorCode, 'ECONNREFUSED');
        assert.equal(e.attempts, 4);
        return true;
      });
    });
  });

  describe('Retry-After and 429', () => {
    it('waits as long as Retry-After says (seconds), and holds the whole destination meanwhile', async () => {
      emu.script('GET', '/ok', faults.tooManyRequests(1));
      let other: Promise<unknown> | undefined;
      const c = client({ rateLimit: { requestsPerSecond: 100 }, onEvent: (e) => { if (e.kind === 'retry') other ??= c.request({ method: 'GET', url: `${emu.url}/text` }); } });
      const res = await c.request({ method: 'GET', url: `${emu.url}/ok` });
      await other;
      assert.equal(res.attempts, 2);
      const [first, ...rest] = emu.requests;
      const retried = rest.find((r) => r.path === '/ok') as { at: number };
      const held = rest.find((r) => r.path === '/text') as { at: number };
      assert.ok(retried.at - first.at >= 950, `retried after ${retried.at - first.at} ms`);
      assert.ok(held.at - first.at >= 950, `another request to the destination went after ${held.at - first.at} ms`);
    });

    it('waits until the HTTP date Retry-After names', async () => {
      const at = new Date(Math.ceil((Date.now() + 500) / 1000) * 1000); // whole seconds, as HTTP dates are
      emu.script('GET', '/ok', faults.tooManyRequests(at.toUTCString()));
      await client().request({ method: 'GET', url: `${emu.url}/ok` });
      assert.equal(emu.requests.length, 2);
      assert.ok(emu.requests[1].at >= at.getTime() - 50, `retried ${at.getTime() - emu.requests[1].at} ms early`);
    });

    it('fails with RateLimitedError when 429s outlast the retries', async () => {
      await assert.rejects(client().request({ method: 'GET', url: `${emu.url}/always-429` }), (e: unknown) => {
        assert.ok(e instanceof RateLimitedError);
        assert.equal(e.code, 'rate-limited');
        assert.equal(e.status, 429);
        assert.equal(e.attempts, 4);
        assert.equal(e.retryAfterMs, 0);
        return true;
      });
    });

    it('does not wait for a Retry-After beyond the cap: fails at once and says how long', async () => {
      emu.script('GET', '/ok', faults.tooManyRequests(3600));
      const started = Date.now();
      await assert.rejects(client({ retry: { maxRetryAfterMs: 2000 } }).request({ method: 'GET', url: `${emu.url}/ok` }), (e: unknown) => {
        assert.ok(e instanceof RateLimitedError);
        assert.equal(e.retryAfterMs, 3_600_000);
        assert.equal(e.attempts, 1);
        assert.match(e.message, /retry after 3600 s/);
        return true;
      });
      assert.ok(Date.now() - started < 500);
    });
  });

  describe('timeouts and deadline', () => {
    it('ends an attempt that takes too long with TimeoutError', async () => {
      const started = Date.now();
      await assert.rejects(client({ retry: false }).request({ method: 'GET', url: `${emu.url}/slow`, timeoutMs: 100 }), (e: unknown) => {
        assert.ok(e instanceof TimeoutError);
        assert.equal(e.phase, 'attempt');
        assert.equal(e.timeoutMs, 100);
        assert.match(e.message, /within 100 ms/);
        return true;
      });
      assert.ok(Date.now() - started < 450);
    });

    it('ends a connection that never completes (a silent TLS peer) with a connect timeout, retried even for a POST', async () => {
      const sockets: net.Socket[] = [];
      const silent = net.createServer((s) => { sockets.push(s); });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const { port } = silent.address() as net.AddressInfo;
      try {
        await assert.rejects(client({ connectTimeoutMs: 100, retry: { maxRetries: 1, baseDelayMs: 1 } }).request({ method: 'POST', url: `https://127.0.0.1:${port}/x`, json: {} }), (e: unknown) => {
          assert.ok(e instanceof TimeoutError, String(e));
          assert.equal(e.phase, 'connect');
          assert.equal(e.attempts, 2);
          return true;
        });
        assert.equal(sockets.length, 2);
      } finally {
        for (const s of sockets) s.destroy();
        await new Promise((resolve) => silent.close(resolve));
      }
    });

    it('stops retrying at the total deadline', async () => {
      const started = Date.now();
      await assert.rejects(client({ retry: { maxRetries: 10, baseDelayMs: 1, maxDelayMs: 1 } }).request({ method: 'GET', url: `${emu.url}/slow`, timeoutMs: 5000, deadlineMs: 250 }), (e: unknown) => {
        assert.ok(e instanceof TimeoutError);
        assert.equal(e.phase, 'deadline');
        assert.equal(e.timeoutMs, 250);
        return true;
      });
      assert.ok(Date.now() - started < 550);
    });

    it('stops when the caller aborts', async () => {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 50);
      await assert.rejects(client().request({ method: 'GET', url: `${emu.url}/slow`, signal: ac.signal }), (e: unknown) => e instanceof HttpClientError && e.code === 'aborted');
    });
  });

  describe('rate limit', () => {
    it('spaces requests per destination: burst, then the sustained rate', async () => {
      const c = client({ rateLimit: { requestsPerSecond: 20, burst: 2, maxQueue: 50 } });
      const started = Date.now();
      await Promise.all(Array.from({ length: 10 }, () => c.request({ method: 'GET', url: `${emu.url}/ok` })));
      const elapsed = Date.now() - started;
      // 2 at once, then one per 50 ms: the 10th leaves ~400 ms in.
      assert.ok(elapsed >= 330, `10 requests took only ${elapsed} ms`);
      const t0 = emu.requests[0].at;
      const inFirst100 = emu.requests.filter((r) => r.at - t0 < 100).length;
      assert.ok(inFirst100 <= 5, `${inFirst100} requests in the first 100 ms`);
      assert.equal(emu.requests.length, 10);
    });

    it('keeps destinations apart', async () => {
      const c = client({ rateLimit: { requestsPerSecond: 2, burst: 1 } });
      const started = Date.now();
      await Promise.all([
        c.request({ method: 'GET', url: `${emu.url}/ok`, destination: 'a' }),
        c.request({ method: 'GET', url: `${emu.url}/ok`, destination: 'b' }),
      ]);
      assert.ok(Date.now() - started < 450, 'b did not wait for a');
    });

    it('refuses at once when the queue is full, instead of growing it', async () => {
      const c = client({ rateLimit: { requestsPerSecond: 20, burst: 1, maxQueue: 2 } });
      const all = Array.from({ length: 4 }, () => c.request({ method: 'GET', url: `${emu.url}/ok` }).then(() => 'ok', (e: unknown) => e));
      const results = await Promise.all(all);
      assert.deepEqual(results.slice(0, 3), ['ok', 'ok', 'ok']);
      const full = results[3];
      assert.ok(full instanceof QueueFullError);
      assert.equal(full.code, 'queue-full');
      assert.equal(full.attempts, 0);
      assert.match(full.message, /2 requests already wait/);
      assert.equal(emu.requests.length, 3);
    });

    it('rejects what still waits when the client closes', async () => {
      const c = createHttpClient({ ...FAST, rateLimit: { requestsPerSecond: 1, burst: 1 } });
      await c.request({ method: 'GET', url: `${emu.url}/ok` });
      const waiting = c.request({ method: 'GET', url: `${emu.url}/ok` }).catch((e: unknown) => e);
      await c.close();
      const err = await waiting;
      assert.ok(err instanceof HttpClientError && err.code === 'aborted', String(err));
      await assert.rejects(c.request({ method: 'GET', url: `${emu.url}/ok` }), /client is closed/);
      assert.equal(emu.requests.length, 1);
    });

    it('gives up waiting in the queue at the deadline', async () => {
      const c = client({ rateLimit: { requestsPerSecond: 1, burst: 1 } });
      await c.request({ method: 'GET', url: `${emu.url}/ok` });
      await assert.rejects(c.request({ method: 'GET', url: `${emu.url}/ok`, deadlineMs: 100 }), (e: unknown) => e instanceof TimeoutError && e.phase === 'queue');
    });
  });

  describe('secrets never reach errors or events', () => {
    it('redacts query secrets, credential headers and secret body fields', async () => {
      emu.script('GET', '/ok', {
        status: 401,
        headers: { 'set-cookie': 'session=SESSIONSECRET', 'www-authenticate': 'Bearer realm="x"' },
        body: { error: 'invalid_auth', token: 'xoxb-1111-2222-BODYSECRET', message: 'Authorization: Bearer INLINESECRET123', echo: 'your key ABUSEIPDBSECRET is invalid' },
      });
      const events: HttpEvent[] = [];
      const err = await client({ onEvent: (e) => events.push(e) }).request({
        method: 'GET',
        url: `${emu.url}/ok?ipAddress=1.2.3.4&api_key=QUERYSECRET&key=KEYSECRET`,
        headers: { Authorization: 'Bearer HEADERSECRET', Key: 'ABUSEIPDBSECRET' },
      }).catch((e: unknown) => e);
      assert.ok(err instanceof HttpError);
      assert.equal(emu.requests[0].headers.key, 'ABUSEIPDBSECRET', 'the request itself carries them');
      const everything = `${err.message}\n${inspect(err, { depth: 5 })}\n${JSON.stringify(events)}`;
      for (const secret of ['QUERYSECRET', 'KEYSECRET', 'HEADERSECRET', 'ABUSEIPDBSECRET', 'SESSIONSECRET', 'BODYSECRET', 'INLINESECRET123']) {
        assert.ok(!everything.includes(secret), `${secret} leaked`);
      }
      assert.match(err.message, /ipAddress=1\.2\.3\.4&api_key=\[redacted\]&key=\[redacted\]/);
      assert.match(err.bodyExcerpt, /invalid_auth/);
      assert.equal(err.headers['set-cookie'], '[redacted]');
    });

    it('hides a URL that is itself a secret', async () => {
      const err = await client().request({ method: 'POST', url: `${emu.url}/services/T000/B000/WEBHOOKSECRET`, json: {}, secretUrl: true }).catch((e: unknown) => e);
      assert.ok(err instanceof HttpError);
      assert.ok(!err.message.includes('WEBHOOKSECRET'), err.message);
      assert.match(err.bodyExcerpt, /no such route/, 'the answer is still quoted, minus the secret it echoed');
      assert.match(err.message, new RegExp(`${emu.url}/\\[redacted\\]`));
    });
  });
});
