import assert from 'node:assert/strict';
import { createHttpClient, HttpError, type HttpClient } from '../../../core/http';
import {
  callTimelineInput, createInvoker, createInvokerFetch, MissingCredentialsError, parseMode, requireCredentials,
  type IntegrationCall, type Mode,
} from '../../../core/integrations';
import { appendTimeline } from '../../../core/model/timeline';
import { startPagerDutyEvents, type PagerDutyEmulator } from '../../emulators/pagerduty-events';
import { faults, startEmulator } from '../../emulators/server';
import { incident } from '../../helpers/fixtures';

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF'; // 32 characters
const NODE = { type: 'ir-pagerduty-page', id: 'n1', name: 'page on-call' };

interface PagerDutyCreds { routingKey?: string; apiToken?: string }

// What a vendor module looks like on top of the shared pieces (the real one comes later).
async function trigger(mode: Mode, baseUrl: string, invoker: ReturnType<typeof createInvoker>, creds: PagerDutyCreds, summary: string): Promise<string> {
  const missing = requireCredentials(mode, 'PagerDuty', creds, ['routingKey']);
  const dedupKey = 'ir-01J0000000000000000000000';
  const call: IntegrationCall = {
    operation: 'pagerduty.enqueue',
    method: 'POST',
    url: `${baseUrl}/v2/enqueue`,
    json: { routing_key: creds.routingKey ?? '', event_action: 'trigger', dedup_key: dedupKey, payload: { summary, source: 'node-red', severity: 'critical' } },
    idempotent: true, // PagerDuty de-duplicates on dedup_key
    destination: 'pagerduty-events',
    simulated: { status: 202, json: { status: 'success', message: 'Event processed', dedup_key: dedupKey } },
    missingCredentials: missing,
  };
  const res = await invoker.invoke(call);
  return res.json<{ dedup_key: string }>().dedup_key;
}

describe('integrations: mode, credentials and the dry-run boundary', () => {
  let pd: PagerDutyEmulator;
  let client: HttpClient;

  before(async () => {
    pd = await startPagerDutyEvents();
    client = createHttpClient({ retry: { maxRetries: 2, baseDelayMs: 5 }, rateLimit: false, proxy: 'none' });
  });
  afterEach(() => pd.reset());
  after(async () => {
    await client.close();
    await pd.close();
  });

  describe('mode and credentials', () => {
    it('reads a stored mode, defaulting to dry-run', () => {
      assert.equal(parseMode('live'), 'live');
      assert.equal(parseMode('dry-run'), 'dry-run');
      assert.equal(parseMode(undefined), 'dry-run');
      assert.equal(parseMode('LIVE'), 'dry-run');
    });

    it('throws MissingCredentialsError in live mode, naming the fields and never a value', () => {
      const creds = { email: 'soc@example.com', apiToken: '   ', host: 'https://x.atlassian.net' };
      assert.throws(() => requireCredentials('live', 'Jira', creds, ['email', 'apiToken', 'host']), (e: unknown) => {
        assert.ok(e instanceof MissingCredentialsError);
        assert.equal(e.code, 'missing-credentials');
        assert.equal(e.integration, 'Jira');
        assert.deepEqual(e.missing, ['apiToken']);
        assert.match(e.message, /^Jira: live mode needs apiToken/);
        assert.ok(!e.message.includes('soc@example.com'));
        return true;
      });
      assert.throws(() => requireCredentials<PagerDutyCreds, 'routingKey'>('live', 'PagerDuty', undefined, ['routingKey']), MissingCredentialsError);
      assert.deepEqual(requireCredentials('live', 'Jira', { ...creds, apiToken: 't' }, ['email', 'apiToken']), []);
    });

    it('returns what is missing in dry-run instead of throwing', () => {
      assert.deepEqual(requireCredentials<PagerDutyCreds, 'routingKey' | 'apiToken'>('dry-run', 'PagerDuty', {}, ['routingKey', 'apiToken']), ['routingKey', 'apiToken']);
    });
  });

  describe('dry-run', () => {
    it('records the call, sends nothing and answers with the simulated vendor answer', async () => {
      const inv = createInvoker({ mode: 'dry-run' });
      const dedup = await trigger('dry-run', pd.url, inv, { routingKey: ROUTING_KEY }, 'Ransomware on host-7');
      assert.equal(dedup, 'ir-01J0000000000000000000000');
      assert.equal(pd.requests.length, 0, 'the emulator saw nothing');
      assert.equal(inv.calls.length, 1);
      const [rec] = inv.calls;
      assert.equal(rec.outcome, 'dry-run');
      assert.equal(rec.operation, 'pagerduty.enqueue');
      assert.equal(rec.method, 'POST');
      assert.equal(rec.url, `${pd.url}/v2/enqueue`);
      assert.equal(rec.status, 202);
      assert.deepEqual(rec.body, { routing_key: '[redacted]', event_action: 'trigger', dedup_key: 'ir-01J0000000000000000000000', payload: { summary: 'Ransomware on host-7', source: 'node-red', severity: 'critical' } });
      assert.ok(!JSON.stringify(inv.calls).includes(ROUTING_KEY));
    });

    it('works with no credentials at all and says what live mode would lack', async () => {
      const inv = createInvoker({ mode: 'dry-run' });
      await trigger('dry-run', pd.url, inv, {}, 'no account yet');
      assert.deepEqual(inv.calls[0].missingCredentials, ['routingKey']);
      const entry = callTimelineInput(inv.calls[0], NODE);
      assert.match(entry.summary, /^dry-run: would call POST http:\/\/127\.0\.0\.1:\d+\/v2\/enqueue \(live mode lacks routingKey\)$/);
      assert.equal(pd.requests.length, 0);
    });

    it('redacts headers, query secrets and form fields in records and timeline entries', async () => {
      const inv = createInvoker({ mode: 'dry-run' });
      const res = await inv.invoke({
        operation: 'slack.chat.postMessage',
        method: 'POST',
        url: 'http://127.0.0.1:9/api/chat.postMessage',
        query: { token: 'xoxb-QUERY-SECRET', team: 'T1' },
        headers: { Authorization: 'Bearer xoxb-HEADER-SECRET', 'content-type': 'application/x-www-form-urlencoded' },
        form: { channel: 'C1', text: 'Incident opened', token: 'xoxb-FORM-SECRET' },
        simulated: (call) => ({ json: { ok: true, channel: (call.body as { channel: string }).channel, ts: '1.000001' } }),
      });
      assert.equal(res.dryRun, true);
      assert.equal(res.attempts, 0);
      assert.deepEqual(res.json(), { ok: true, channel: 'C1', ts: '1.000001' });
      const [rec] = inv.calls;
      assert.equal(rec.url, 'http://127.0.0.1:9/api/chat.postMessage?token=[redacted]&team=T1');
      assert.deepEqual(rec.headers, { authorization: '[redacted]', 'content-type': 'application/x-www-form-urlencoded' });
      assert.deepEqual(rec.body, { channel: 'C1', text: 'Incident opened', token: '[redacted]' });

      const inc = incident();
      const entry = appendTimeline(inc, callTimelineInput(rec, NODE, 'notify'));
      assert.equal(entry.outcome, 'dry-run');
      assert.equal(entry.action, 'notify');
      assert.ok(!JSON.stringify(inc.timeline).includes('SECRET'));
    });

    it('takes the error path for a simulated failure, as live would', async () => {
      const inv = createInvoker({ mode: 'dry-run' });
      const call: IntegrationCall = { operation: 'x.get', method: 'GET', url: 'http://127.0.0.1:9/x', simulated: { status: 404, json: { detail: 'No information available' } } };
      await assert.rejects(inv.invoke(call), (e: unknown) => e instanceof HttpError && e.status === 404 && e.attempts === 0);
      assert.equal((await inv.invoke({ ...call, accept: [404] })).status, 404);
    });
  });

  describe('live', () => {
    it('sends through the HTTP policy and records the answer', async () => {
      const inv = createInvoker({ mode: 'live', client });
      const dedup = await trigger('live', pd.url, inv, { routingKey: ROUTING_KEY }, 'Ransomware on host-7');
      assert.equal(dedup, 'ir-01J0000000000000000000000');
      assert.equal(pd.events.length, 1);
      assert.equal(pd.events[0].routing_key, ROUTING_KEY);
      const [rec] = inv.calls;
      assert.equal(rec.outcome, 'ok');
      assert.equal(rec.status, 202);
      assert.equal(rec.attempts, 1);
      assert.ok(!JSON.stringify(rec).includes(ROUTING_KEY));
      assert.match(callTimelineInput(rec, NODE).summary, /^POST http:\/\/127\.0\.0\.1:\d+\/v2\/enqueue answered 202$/);
    });

    it('retries a de-duplicated POST through 429 and 5xx', async () => {
      pd.script('POST', '/v2/enqueue', faults.tooManyRequests(0), faults.serverError(502));
      const inv = createInvoker({ mode: 'live', client });
      await trigger('live', pd.url, inv, { routingKey: ROUTING_KEY }, 'retry me');
      assert.equal(pd.requests.length, 3);
      assert.equal(inv.calls[0].attempts, 3);
    });

    it('records a refused event as an error, with the vendor message and no secret', async () => {
      const inv = createInvoker({ mode: 'live', client });
      await assert.rejects(trigger('live', pd.url, inv, { routingKey: 'short' }, 'bad key'), (e: unknown) => e instanceof HttpError && e.status === 400);
      const [rec] = inv.calls;
      assert.equal(rec.outcome, 'error');
      assert.equal(rec.status, 400);
      assert.match(rec.error ?? '', /Event object is invalid.*routing_key/);
      assert.equal(callTimelineInput(rec, NODE).outcome, 'error');
    });

    it('refuses to start live without credentials, before any request', async () => {
      const inv = createInvoker({ mode: 'live', client });
      await assert.rejects(trigger('live', pd.url, inv, {}, 'x'), MissingCredentialsError);
      assert.equal(pd.requests.length, 0);
      assert.throws(() => createInvoker({ mode: 'live' } as unknown as Parameters<typeof createInvoker>[0]), /needs an HTTP client/);
    });
  });

  describe('an SDK through the invoker (its fetch option)', () => {
    // What @slack/web-api 8 sends: a form POST with the token in Authorization.
    const sdkCall = (fetch: (u: string, i: RequestInit) => Promise<Response>, base: string) => fetch(`${base}/api/chat.postMessage`, {
      method: 'POST',
      headers: { Authorization: 'Bearer xoxb-1234-5678-SDKSECRET', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ channel: 'C1H9RESGL', text: 'Incident opened', blocks: '[]' }).toString(),
      redirect: 'error',
    });
    const options = {
      operation: (url: URL) => `slack.${url.pathname.split('/').pop() ?? ''}`,
      simulated: { json: { ok: true, channel: 'C1H9RESGL', ts: '0000000000.000000' } },
      destination: 'slack',
    };

    it('dry-run: records the SDK call and answers it, sending nothing', async () => {
      const inv = createInvoker({ mode: 'dry-run' });
      const res = await sdkCall(createInvokerFetch(inv, options), pd.url);
      assert.deepEqual(await res.json(), { ok: true, channel: 'C1H9RESGL', ts: '0000000000.000000' });
      assert.equal(pd.requests.length, 0);
      const [rec] = inv.calls;
      assert.equal(rec.operation, 'slack.chat.postMessage');
      assert.deepEqual(rec.body, { channel: 'C1H9RESGL', text: 'Incident opened', blocks: '[]' });
      assert.equal(rec.headers.authorization, '[redacted]');
      assert.ok(!JSON.stringify(rec).includes('SDKSECRET'));
    });

    it('live: the same SDK call goes through the policy', async () => {
      const slack = await startEmulator({ routes: [{ path: '/api/chat.postMessage', respond: (r) => ({ body: { ok: true, channel: r.form?.channel, ts: '1.2' } }) }] });
      try {
        const inv = createInvoker({ mode: 'live', client });
        const res = await sdkCall(createInvokerFetch(inv, options), slack.url);
        assert.deepEqual(await res.json(), { ok: true, channel: 'C1H9RESGL', ts: '1.2' });
        assert.equal(slack.requests[0].headers.authorization, 'Bearer xoxb-1234-5678-SDKSECRET');
        assert.equal(inv.calls[0].outcome, 'ok');
        assert.equal(inv.calls[0].status, 200);
      } finally {
        await slack.close();
      }
    });
  });

  describe('the PagerDuty Events v2 emulator', () => {
    it('answers 202, 400 invalid event and 400 unrecognized object like the service', async () => {
      const post = (body: string) => fetch(`${pd.url}/v2/enqueue`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const ok = await post(JSON.stringify({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'abc' }));
      assert.equal(ok.status, 202);
      assert.deepEqual(await ok.json(), { status: 'success', message: 'Event processed', dedup_key: 'abc' });
      const bad = await post(JSON.stringify({ routing_key: 'x', event_action: 'trigger', payload: { summary: 's', source: 'h', severity: 'bad' } }));
      assert.equal(bad.status, 400);
      const badBody = (await bad.json()) as { status: string; message: string; errors: string[] };
      assert.equal(badBody.status, 'invalid event');
      assert.equal(badBody.message, 'Event object is invalid');
      assert.ok(badBody.errors.includes("Length of 'routing_key' is incorrect (should be 32 characters)"));
      const garbled = await post('{not json');
      assert.deepEqual(await garbled.json(), { status: 'Unrecognized object', message: 'Event object format is unrecognized', errors: ['JSON parse error'] });
    });
  });
});
