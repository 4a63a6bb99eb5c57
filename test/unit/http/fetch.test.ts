import assert from 'node:assert/strict';
import { createFetch, createHttpClient, NetworkError, type HttpClient } from '../../../core/http';
import { faults, startEmulator, type Emulator } from '../../emulators/server';

// The fetch-compatible face of the policy, as @slack/web-api 8 (`fetch` option) and axios's
// fetch adapter (`env.fetch`, so jira.js 5) call it.
describe('http fetch adapter', () => {
  let emu: Emulator;
  let client: HttpClient;

  before(async () => {
    emu = await startEmulator({
      routes: [
        { path: '/api/chat.postMessage', respond: (r) => ({ body: { ok: true, channel: r.form?.channel, ts: '1503435956.000247' } }) },
        { path: '/echo', respond: (r) => ({ body: { method: r.method, type: r.headers['content-type'] ?? null, body: r.body } }) },
        { path: '/empty', respond: { status: 204 } },
        { path: '/fail', respond: faults.serverError(500, { errorMessages: ['boom'] }) },
        { path: '/moved', respond: { status: 302, headers: { location: '/echo' } } },
        { path: '/slow', respond: { delayMs: 500, body: {} } },
      ],
    });
    client = createHttpClient({ retry: { maxRetries: 2, baseDelayMs: 5 }, rateLimit: false, proxy: 'none' });
  });
  afterEach(() => emu.reset());
  after(async () => {
    await client.close();
    await emu.close();
  });

  it('posts a Slack-style form and resolves like fetch', async () => {
    const fetch = createFetch(client, { destination: 'slack' });
    const res = await fetch(`${emu.url}/api/chat.postMessage`, {
      method: 'POST',
      headers: { Authorization: 'Bearer xoxb-test', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ channel: 'C1H9RESGL', text: 'hello' }).toString(),
      redirect: 'error',
    });
    assert.equal(res.status, 200);
    assert.equal(res.ok, true);
    assert.equal(res.url, `${emu.url}/api/chat.postMessage`);
    assert.deepEqual(await res.json(), { ok: true, channel: 'C1H9RESGL', ts: '1503435956.000247' });
    assert.equal(emu.requests[0].headers.authorization, 'Bearer xoxb-test');
  });

  it('retries 429 for the SDK (the SDK then sees only the final answer)', async () => {
    emu.script('POST', '/api/chat.postMessage', faults.tooManyRequests(0));
    const res = await createFetch(client)(`${emu.url}/api/chat.postMessage`, { method: 'POST', body: new URLSearchParams({ channel: 'C1' }) });
    assert.equal(res.status, 200);
    assert.equal(emu.requests.length, 2);
    assert.equal(emu.requests[1].headers['content-type'], 'application/x-www-form-urlencoded;charset=UTF-8');
  });

  it('resolves error statuses instead of throwing (the SDK maps them)', async () => {
    const res = await createFetch(client)(`${emu.url}/fail`);
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { errorMessages: ['boom'] });
    assert.equal(emu.requests.length, 3, 'a GET is retried by the policy first');
  });

  it('takes a Request object, as axios passes it, with FormData and byte bodies', async () => {
    const fetch = createFetch(client);
    const form = new FormData();
    form.append('file', new Blob(['line one\n']), 'evidence.txt');
    const res = await fetch(new Request(`${emu.url}/echo`, { method: 'PUT', body: form }), { headers: { 'x-extra': '1' } });
    const echoed = (await res.json()) as { method: string; type: string; body: string };
    assert.equal(echoed.method, 'PUT');
    assert.match(echoed.type, /^multipart\/form-data; boundary=/);
    assert.match(echoed.body, /filename="evidence.txt"[\s\S]*line one/);
    assert.equal(emu.requests[0].headers['x-extra'], '1');

    const bytes = await fetch(`${emu.url}/echo`, { method: 'POST', body: new TextEncoder().encode('{"a":1}'), headers: { 'content-type': 'application/json' } });
    assert.deepEqual(await bytes.json(), { method: 'POST', type: 'application/json', body: '{"a":1}' });
  });

  it('handles bodiless answers and redirect modes', async () => {
    const fetch = createFetch(client);
    const empty = await fetch(`${emu.url}/empty`);
    assert.equal(empty.status, 204);
    assert.equal(await empty.text(), '');
    assert.equal((await fetch(`${emu.url}/moved`)).status, 200);
    assert.equal((await fetch(`${emu.url}/moved`, { redirect: 'manual' })).status, 302);
    await assert.rejects(fetch(`${emu.url}/moved`, { redirect: 'error' }), /redirect refused/);
  });

  it("rejects with the caller's abort reason, and with typed errors on network failure", async () => {
    const fetch = createFetch(client);
    await assert.rejects(fetch(`${emu.url}/slow`, { signal: AbortSignal.timeout(50) }), (e: unknown) => e instanceof DOMException && e.name === 'TimeoutError');
    const gone = await startEmulator();
    const url = `${gone.url}/x`;
    await gone.close();
    await assert.rejects(fetch(url), (e: unknown) => e instanceof NetworkError && e.errorCode === 'ECONNREFUSED');
  });
});
