import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHttpClient, NetworkError, type HttpClient, type HttpClientOptions } from '../../../core/http';
import { resolveProxy } from '../../../core/http/proxy';
import { resolveTls } from '../../../core/http/tls';
import { createTestPki, type TestPki } from '../../emulators/certs';
import { startForwardProxy, type ForwardProxy } from '../../emulators/proxy';
import { startEmulator, type Emulator } from '../../emulators/server';

const routes = [{ path: '/ok', respond: { body: { ok: true } } }];

describe('http client: proxies and TLS', () => {
  let plain: Emulator;
  let secure: Emulator;
  let proxy: ForwardProxy;
  let pki: TestPki;
  let otherPki: TestPki;
  let dir: string;
  const clients: HttpClient[] = [];
  const client = (o: HttpClientOptions): HttpClient => {
    const c = createHttpClient({ retry: false, rateLimit: false, ...o });
    clients.push(c);
    return c;
  };

  before(async () => {
    pki = createTestPki();
    otherPki = createTestPki('some other CA');
    dir = mkdtempSync(path.join(tmpdir(), 'ir-http-'));
    plain = await startEmulator({ routes });
    secure = await startEmulator({ routes, tls: { key: pki.server.keyPem, cert: pki.server.certPem } });
    proxy = await startForwardProxy();
  });
  afterEach(async () => {
    plain.reset();
    secure.reset();
    proxy.hits.length = 0;
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await Promise.all([plain.close(), secure.close(), proxy.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  describe('proxy', () => {
    it('goes through HTTP_PROXY for http:// targets', async () => {
      const res = await client({ env: { HTTP_PROXY: proxy.url } }).request({ method: 'GET', url: `${plain.url}/ok` });
      assert.equal(res.status, 200);
      assert.deepEqual(proxy.hits.map((h) => h.target), [`127.0.0.1:${plain.port}`]);
      assert.equal(plain.requests.length, 1);
    });

    it('bypasses the proxy for NO_PROXY hosts (name, or name:port)', async () => {
      await client({ env: { HTTP_PROXY: proxy.url, NO_PROXY: 'example.org, 127.0.0.1' } }).request({ method: 'GET', url: `${plain.url}/ok` });
      await client({ env: { http_proxy: proxy.url, no_proxy: `127.0.0.1:${plain.port}` } }).request({ method: 'GET', url: `${plain.url}/ok` });
      assert.equal(proxy.hits.length, 0);
      assert.equal(plain.requests.length, 2);
      // Another port of the same host is not excepted.
      await client({ env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1:1' } }).request({ method: 'GET', url: `${plain.url}/ok` });
      assert.equal(proxy.hits.length, 1);
    });

    it('tunnels https:// through HTTPS_PROXY with CONNECT, checking the target against the CA bundle', async () => {
      const res = await client({ env: { HTTPS_PROXY: proxy.url }, tls: { ca: pki.ca.certPem } }).request({ method: 'GET', url: `${secure.url}/ok` });
      assert.deepEqual(res.json(), { ok: true });
      assert.deepEqual(proxy.hits, [{ kind: 'connect', target: `127.0.0.1:${secure.port}` }]);
    });

    it('reads the process environment by default, and "none" ignores it', async () => {
      const saved = { HTTP_PROXY: process.env.HTTP_PROXY, http_proxy: process.env.http_proxy, NO_PROXY: process.env.NO_PROXY, no_proxy: process.env.no_proxy };
      try {
        delete process.env.http_proxy;
        delete process.env.no_proxy;
        delete process.env.NO_PROXY;
        process.env.HTTP_PROXY = proxy.url;
        await client({}).request({ method: 'GET', url: `${plain.url}/ok` });
        assert.equal(proxy.hits.length, 1);
        await client({ proxy: 'none' }).request({ method: 'GET', url: `${plain.url}/ok` });
        assert.equal(proxy.hits.length, 1);
      } finally {
        for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
      }
    });

    it('sends proxy credentials from the proxy URL and never shows them', async () => {
      const authProxy = await startForwardProxy({ auth: { username: 'ir', password: 'pr0xy-pa55word' } });
      try {
        const good = `http://ir:pr0xy-pa55word@127.0.0.1:${authProxy.port}`;
        await client({ proxy: { http: good } }).request({ method: 'GET', url: `${plain.url}/ok` });
        assert.equal(authProxy.hits[0].proxyAuthorization, `Basic ${Buffer.from('ir:pr0xy-pa55word').toString('base64')}`);

        const bad = `http://ir:wr0ng-pa55word@127.0.0.1:${authProxy.port}`;
        const c = client({ proxy: { http: bad } });
        assert.equal(c.proxy, `http via http://ir:[redacted]@127.0.0.1:${authProxy.port}/`);
        const err = await c.request({ method: 'GET', url: `${plain.url}/ok` }).catch((e: unknown) => e);
        assert.ok(err instanceof NetworkError, String(err));
        assert.match(err.message, /407/);
        assert.ok(!err.message.includes('wr0ng-pa55word'));
      } finally {
        await authProxy.close();
      }
    });

    it('resolves settings: lower-case first, explicit beats env, bad URLs named without their password', () => {
      assert.deepEqual(resolveProxy('env', { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:1' }), { http: '', https: 'http://lower:1', noProxy: '' });
      assert.equal(resolveProxy('env', {}), undefined);
      assert.equal(resolveProxy('none', { HTTP_PROXY: 'http://p:1' }), undefined);
      assert.deepEqual(resolveProxy({ https: 'http://p:3128', noProxy: '.corp' }, { HTTP_PROXY: 'http://ignored:1' }), { http: '', https: 'http://p:3128', noProxy: '.corp' });
      assert.throws(() => resolveProxy({ http: 'ftp://u:hunter22@p:21' }), (e: unknown) => e instanceof Error && /only http, https and socks5/.test(e.message) && !e.message.includes('hunter22'));
    });
  });

  describe('TLS', () => {
    it('trusts a server whose CA is in the bundle (PEM text or file), added to the default CAs', async () => {
      assert.equal((await client({ tls: { ca: pki.ca.certPem } }).request({ method: 'GET', url: `${secure.url}/ok` })).status, 200);
      const file = path.join(dir, 'ca.pem');
      writeFileSync(file, otherPki.ca.certPem + pki.ca.certPem);
      assert.equal((await client({ tls: { caFile: file } }).request({ method: 'GET', url: `${secure.url}/ok` })).status, 200);
      const resolved = resolveTls({ ca: pki.ca.certPem });
      assert.ok(resolved?.ca && resolved.ca.length > 100, 'the default CAs stay trusted');
      assert.equal(resolveTls({ ca: pki.ca.certPem, replaceDefaultCa: true })?.ca?.length, 1);
    });

    it('refuses a server signed by a CA it does not know, without retrying', async () => {
      for (const tls of [undefined, { ca: otherPki.ca.certPem }]) {
        const err = await client({ ...(tls ? { tls } : {}), retry: { maxRetries: 3, baseDelayMs: 1 } }).request({ method: 'GET', url: `${secure.url}/ok` }).catch((e: unknown) => e);
        assert.ok(err instanceof NetworkError, String(err));
        assert.equal(err.code, 'tls');
        assert.equal(err.attempts, 1);
        assert.match(err.errorCode, /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/);
        assert.match(err.message, /CA bundle/);
      }
      assert.equal(secure.requests.length, 0);
    });

    it('skips verification only on an explicit rejectUnauthorized: false', async () => {
      const res = await client({ tls: { rejectUnauthorized: false } }).request({ method: 'GET', url: `${secure.url}/ok` });
      assert.equal(res.status, 200);
    });

    it('says which CA bundle is wrong', () => {
      assert.throws(() => resolveTls({ ca: 'not a certificate' }), /ca \(PEM text\) holds no PEM certificate/);
      assert.throws(() => resolveTls({ ca: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' }), /certificate 1 is not valid X\.509/);
      assert.throws(() => resolveTls({ caFile: path.join(dir, 'absent.pem') }), /absent\.pem cannot be read: ENOENT/);
      assert.throws(() => resolveTls({ replaceDefaultCa: true }), /would trust no server/);
      assert.equal(resolveTls({}), undefined);
    });
  });
});
