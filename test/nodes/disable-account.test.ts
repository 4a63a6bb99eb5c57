import assert from 'node:assert/strict';
import type { Incident } from '../../core/model/types';
import { incidentErrors } from '../../core/model/validate';
import { startGoogle, type GoogleEmulator } from '../emulators/google-workspace';
import { startGraph, type GraphEmulator } from '../emulators/graph';
import { startOkta, type OktaEmulator } from '../emulators/okta';
import { faults } from '../emulators/server';
import { incident, observable } from '../helpers/fixtures';
import { ALL_NODES, coreNode, helper, nextError, nextMessage, type FlowNode } from '../helpers/node-red';

interface Result { identifier: string; outcome: string; message: string; code?: string; irreversible?: string[]; notUndone?: string[] }
interface OutMsg { incident: Incident; accounts: Result[] }

// Most tests read each outcome, failures included, from the output: they run the node with
// onFailure 'continue'. The default, 'stop', has a test of its own.
function flow(dir: Record<string, unknown>, node: Record<string, unknown> = {}): FlowNode[] {
  return [
    { id: 'tab', type: 'tab' },
    { id: 'dir', type: 'ir-directory', name: 'IdP', mode: 'live', timeout: 5, retries: 2, rate: 1000, ...dir },
    { id: 'disable', type: 'ir-disable-account', z: 'tab', directory: 'dir', requireApproval: false, maxAccounts: 5, onFailure: 'continue', ...node, wires: [['out']] },
    { id: 'out', type: 'helper', z: 'tab' },
  ];
}

const withUsers = (users: string[], extra: Partial<Incident> = {}): Incident => incident({ observables: users.map((u) => observable('user', u, ['target'])), ...extra });

async function send(inc: Incident, msg: Record<string, unknown> = {}): Promise<OutMsg> {
  const out = nextMessage<OutMsg>(helper.getNode('out'), 8000);
  helper.getNode('disable').receive({ incident: inc, ...msg } as never);
  return out;
}

/** The node's status texts, as it sets them from now on. */
function statusTexts(): string[] {
  const texts: string[] = [];
  helper.getNode('disable').on('call:status', (call: { args: [{ text?: string }] }) => { if (call.args[0]?.text !== undefined) texts.push(call.args[0].text); });
  return texts;
}

const results = (msg: OutMsg): string[][] => msg.accounts.map((a) => [a.identifier, a.outcome, ...(a.code ? [a.code] : [])]);

describe('disable-account node', () => {
  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(() => helper.unload());

  describe('Okta', () => {
    let okta: OktaEmulator;
    const dir = (extra: Record<string, unknown> = {}) => ({ kind: 'okta', oktaUrl: okta.url, protectedAccounts: 'breakglass@example.org\ngroup:Super Admins', ...extra });
    const creds = (token = okta.tokens.valid) => ({ dir: { apiToken: token } });
    beforeEach(async () => {
      okta = await startOkta([
        { id: '00u1alice', status: 'ACTIVE', profile: { login: 'alice@example.org', email: 'alice@example.org' } },
        { id: '00u2bob', status: 'ACTIVE', profile: { login: 'bob@example.org', email: 'bob@example.org' } },
        { id: '00u3carol', status: 'SUSPENDED', profile: { login: 'carol@example.org', email: 'carol@example.org' } },
        { id: '00u4root', status: 'ACTIVE', profile: { login: 'it-root@example.org', email: 'it-root@example.org' }, groups: ['Super Admins'] },
        { id: '00u5dan', status: 'ACTIVE', profile: { login: 'dan@example.org', email: 'shared@example.org' } },
        { id: '00u6dee', status: 'ACTIVE', profile: { login: 'dee@example.org', email: 'shared@example.org' } },
      ]);
    });
    afterEach(() => okta.close());

    it('suspends and clears sessions with the SSWS token, records the previous state, and restore unsuspends exactly that user', async () => {
      await helper.load(ALL_NODES, flow(dir(), { steps: 'clear-sessions' }), creds());
      const got = await send(withUsers(['alice@example.org']));
      assert.deepEqual(results(got), [['alice@example.org', 'disabled']]);
      assert.equal(okta.users.get('00u1alice')!.status, 'SUSPENDED');
      assert.equal(okta.users.get('00u1alice')!.sessionsCleared, 1);
      assert.equal(okta.requests[0]!.headers.authorization, `SSWS ${okta.tokens.valid}`);
      assert.equal(okta.requestsTo('DELETE', '/api/v1/users/00u1alice/sessions')[0]!.query.oauthTokens, 'true');
      const rec = got.incident.accounts![0]!;
      assert.deepEqual([rec.accountId, rec.method, rec.previous, rec.irreversible, rec.reversible], ['00u1alice', 'okta.suspend', { status: 'ACTIVE' }, ['clear-sessions'], true]);
      assert.equal(got.incident.status, 'contained');
      assert.deepEqual(incidentErrors(got.incident), []);
      assert.ok(!JSON.stringify(got.incident).includes(okta.tokens.valid), 'the token is in no record');
      assert.match(got.incident.timeline.at(-1)!.summary, /cannot be undone: sessions and tokens cleared/);

      // bob is suspended by someone else meanwhile: restore must not touch him.
      okta.users.get('00u2bob')!.status = 'SUSPENDED';
      await helper.unload();
      await helper.load(ALL_NODES, flow(dir(), { action: 'restore' }), creds());
      const restored = await send(got.incident);
      assert.deepEqual(results(restored), [['alice@example.org', 'restored']]);
      assert.equal(okta.users.get('00u1alice')!.status, 'ACTIVE');
      assert.equal(okta.users.get('00u2bob')!.status, 'SUSPENDED');
      assert.deepEqual(restored.accounts[0]!.notUndone, ['clear-sessions']);
      assert.match(restored.incident.timeline.at(-1)!.summary, /Restored alice@example.org .*cannot be undone: sessions and tokens cleared/);
      assert.equal(restored.incident.accounts![0]!.state, 'restored');

      const again = await send(restored.incident);
      assert.match(again.incident.timeline.at(-1)!.summary, /Nothing to restore: every account this incident disabled in .* is restored already \(alice@example.org\)/);
    });

    it('an identifier is one path segment: a crafted login cannot reach another endpoint', async () => {
      await helper.load(ALL_NODES, flow(dir()), creds());
      const err = nextError(helper.getNode('disable'));
      const got = await send(withUsers(['00u2bob/lifecycle/suspend?x=', '..']));
      await err;
      assert.deepEqual(got.accounts.map((a) => a.outcome), ['failed', 'failed']);
      assert.equal(okta.requests[0]!.path, '/api/v1/users/00u2bob%2Flifecycle%2Fsuspend%3Fx%3D');
      assert.match(got.accounts[1]!.message, /cannot name an account/);
      assert.equal(okta.users.get('00u2bob')!.status, 'ACTIVE');
      assert.equal(okta.requests.filter((r) => r.method === 'POST').length, 0);
    });

    it('partial failure: each account reported, one catchable error naming the failures, the rest done', async () => {
      await helper.load(ALL_NODES, flow(dir()), creds());
      const err = nextError(helper.getNode('disable'));
      const got = await send(withUsers(['alice@example.org', 'nobody@example.org', 'carol@example.org', 'breakglass@example.org', 'it-root@example.org']));
      assert.deepEqual(results(got), [
        ['alice@example.org', 'disabled'], ['nobody@example.org', 'failed', 'not-found'], ['carol@example.org', 'already-disabled'],
        ['breakglass@example.org', 'refused', 'protected'], ['it-root@example.org', 'refused', 'protected'],
      ]);
      const message = String(await err);
      assert.match(message, /1 of 5 account\(s\) failed \(4 handled\): nobody@example\.org: Okta: no user "nobody@example\.org"/);
      assert.deepEqual(got.incident.timeline.filter((e) => e.action === 'disable-account').map((e) => e.outcome), ['ok', 'error', 'ok', 'skipped', 'skipped']);
      assert.equal(okta.users.get('00u4root')!.status, 'ACTIVE');
      assert.equal(got.incident.accounts!.length, 1, 'only what this incident changed is recorded');
      assert.equal(okta.requestsTo('GET', '/api/v1/users/breakglass%40example.org').length, 0, 'a protected name is refused before any look-up');
    });

    it('caps the accounts per incident, counting earlier runs', async () => {
      await helper.load(ALL_NODES, flow(dir(), { maxAccounts: 1 }), creds());
      const first = await send(withUsers(['alice@example.org']));
      const second = await send({ ...first.incident, observables: [observable('user', 'bob@example.org')] });
      assert.deepEqual(results(second), [['bob@example.org', 'refused', 'cap']]);
      assert.equal(okta.users.get('00u2bob')!.status, 'ACTIVE');
    });

    it('a dry-run rehearsal neither blocks nor uses up the live run', async () => {
      await helper.load(ALL_NODES, flow(dir({ mode: 'dry-run' }), { maxAccounts: 1 }), creds());
      const rehearsal = await send(withUsers(['alice@example.org']));
      assert.deepEqual(results(rehearsal), [['alice@example.org', 'would-disable']]);
      await helper.unload();
      await helper.load(ALL_NODES, flow(dir(), { maxAccounts: 1 }), creds());
      const live = await send(rehearsal.incident);
      assert.deepEqual(results(live), [['alice@example.org', 'disabled']]);
      assert.deepEqual(live.incident.accounts!.map((r) => [r.accountId, r.dryRun === true]), [['00u1alice', true], ['00u1alice', false]]);
    });

    it('re-running is idempotent: the account this incident disabled is reported, nothing sent twice', async () => {
      await helper.load(ALL_NODES, flow(dir()), creds());
      const first = await send(withUsers(['alice@example.org']));
      const again = await send(first.incident);
      assert.deepEqual(results(again), [['alice@example.org', 'already-disabled']]);
      assert.equal(okta.requests.filter((r) => r.path.endsWith('/lifecycle/suspend')).length, 1);
      assert.equal(again.incident.accounts!.length, 1);
    });

    it('deactivate (irreversible): restore says it cannot be undone and changes nothing', async () => {
      await helper.load(ALL_NODES, flow(dir(), { steps: 'deactivate,expire-password' }), creds());
      const got = await send(withUsers(['bob@example.org']));
      assert.equal(okta.users.get('00u2bob')!.status, 'DEPROVISIONED');
      assert.equal(okta.users.get('00u2bob')!.passwordExpired, true);
      assert.deepEqual(got.incident.accounts![0]!.irreversible, ['deactivate', 'expire-password']);
      await helper.unload();
      await helper.load(ALL_NODES, flow(dir(), { action: 'restore' }), creds());
      const restored = await send(got.incident);
      assert.deepEqual(results(restored), [['bob@example.org', 'not-reversible']]);
      assert.match(restored.accounts[0]!.message, /deactivated \(deprovisioned\), password expired cannot be undone/);
      assert.equal(okta.users.get('00u2bob')!.status, 'DEPROVISIONED');
    });

    it('an email that matches two users disables neither', async () => {
      await helper.load(ALL_NODES, flow(dir({ oktaMatch: 'email' })), creds());
      const err = nextError(helper.getNode('disable'));
      const got = await send(withUsers(['shared@example.org']));
      assert.match(String(await err), /more than one user has email "shared@example\.org": none disabled/);
      assert.equal(okta.requestsTo('GET', '/api/v1/users')[0]!.query.search, 'profile.email eq "shared@example.org"');
      assert.deepEqual([okta.users.get('00u5dan')!.status, okta.users.get('00u6dee')!.status], ['ACTIVE', 'ACTIVE']);
      assert.equal(got.accounts[0]!.code, 'ambiguous');
    });

    it('invalid token (E0000011) and missing privileges (E0000006) in words', async () => {
      await helper.load(ALL_NODES, flow(dir()), creds('expired-token-value'));
      let err = nextError(helper.getNode('disable'));
      let got = await send(withUsers(['alice@example.org']));
      assert.match(String(await err), /Okta answered 401 E0000011: Invalid token provided; the credentials are invalid or expired/);
      assert.equal(got.accounts[0]!.code, 'unauthorized');
      await helper.unload();
      await helper.load(ALL_NODES, flow(dir()), creds(okta.tokens.readOnly));
      err = nextError(helper.getNode('disable'));
      got = await send(withUsers(['alice@example.org']));
      assert.match(String(await err), /E0000006.*insufficient privileges/);
      assert.equal(okta.users.get('00u1alice')!.status, 'ACTIVE');
    });

    it('waits out a 429 (Retry-After) and a 503, then suspends', async () => {
      await helper.load(ALL_NODES, flow(dir()), creds());
      okta.script('GET', '/api/v1/users/alice%40example.org', faults.tooManyRequests(1, { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' }), faults.serverError(503));
      const got = await send(withUsers(['alice@example.org']));
      assert.deepEqual(results(got), [['alice@example.org', 'disabled']]);
    });

    it('directory down: unavailable, and the incident flows on when set to continue', async () => {
      await helper.load(ALL_NODES, flow(dir({ oktaUrl: 'http://127.0.0.1:1', retries: 0 })), creds());
      const err = nextError(helper.getNode('disable'));
      const got = await send(withUsers(['alice@example.org']));
      assert.match(String(await err), /Okta unreachable/);
      assert.equal(got.accounts[0]!.code, 'unavailable');
    });

    it('by default a failure stops the message at the Catch: the playbook does not go on to resolve an incident whose account is still open', async () => {
      const stopFlow = (extra: Record<string, unknown>): FlowNode[] => [
        ...flow(dir(extra), { onFailure: 'stop' }),
        { id: 'catcher', type: 'catch', z: 'tab', scope: ['disable'], uncaught: false, wires: [['caught']] },
        { id: 'caught', type: 'helper', z: 'tab' },
      ];
      for (const [extra, credentials, expected] of [
        [{ oktaUrl: 'http://127.0.0.1:1', retries: 0 }, creds(), /Okta unreachable/],
        [{}, {}, /Okta: live mode needs apiToken/],
      ] as const) {
        await helper.load([...ALL_NODES, coreNode('common/25-catch.js')], stopFlow(extra), credentials);
        const out = nextMessage<OutMsg>(helper.getNode('out'), 1500);
        const caught = nextMessage<OutMsg & { error: { message: string } }>(helper.getNode('caught'), 8000);
        helper.getNode('disable').receive({ incident: withUsers(['alice@example.org'], { status: 'acknowledged' }) } as never);
        const got = await caught;
        assert.match(got.error.message, expected);
        await assert.rejects(out, /no message reached out/, 'the failed containment was sent on');
        // Recorded once, with the directory named once; the incident keeps its status.
        const entry = got.incident.timeline.at(-1)!;
        assert.equal(entry.outcome, 'error');
        assert.match(entry.summary, expected);
        assert.doesNotMatch(entry.summary, /Okta: Okta:/);
        assert.equal(got.incident.status, 'acknowledged');
        assert.deepEqual(incidentErrors(got.incident), []);
        await helper.unload();
      }
    });

    it('typed input instead of observables', async () => {
      await helper.load(ALL_NODES, flow(dir(), { source: 'typed', user: 'payload.users', userType: 'msg' }), creds());
      const got = await send(withUsers(['bob@example.org']), { payload: { users: ['alice@example.org'] } });
      assert.deepEqual(results(got), [['alice@example.org', 'disabled']]);
      assert.equal(okta.users.get('00u2bob')!.status, 'ACTIVE');
    });

    it('requires an approved hold for the current phase when asked to', async () => {
      await helper.load(ALL_NODES, flow(dir(), { requireApproval: true }), creds());
      const phase = 'containment-eradication-recovery';
      const refused = await send(withUsers(['alice@example.org'], { phase }));
      assert.deepEqual(results(refused), [['alice@example.org', 'refused', 'approval']]);
      assert.equal(okta.requests.length, 0);
      const hold = { id: 'h1', gate: { type: 'ir-phase-gate', id: 'g' }, phase, state: 'approved' as const, createdAt: '2026-03-01T10:00:00.000Z', expiresAt: '2026-03-01T14:00:00.000Z', tokens: [], decidedBy: 'alice', decidedAt: '2026-03-01T10:05:00.000Z' };
      const approved = await send(withUsers(['alice@example.org'], { phase, holds: [hold] }));
      assert.deepEqual(results(approved), [['alice@example.org', 'disabled']]);
    });

    it('dry-run without a token: nothing sent, the calls it would make recorded; live without one is an error', async () => {
      await helper.load(ALL_NODES, flow(dir({ mode: 'dry-run' }), { steps: 'clear-sessions' }), {});
      const statuses = statusTexts();
      const got = await send(withUsers(['alice@example.org']));
      assert.deepEqual(results(got), [['alice@example.org', 'would-disable']]);
      assert.equal(statuses.at(-1), 'dry-run: would disable 1', 'nothing was disabled');
      assert.equal(okta.requests.length, 0);
      const entry = got.incident.timeline.at(-1)!;
      assert.equal(entry.outcome, 'dry-run');
      const ops = entry.details!.operations as Array<{ operation: string; method: string; url: string }>;
      // the look-up, its groups (protected groups are checked), then the changes
      assert.deepEqual(ops.map((o) => `${o.method} ${o.operation}`), ['GET okta.users.get', 'GET okta.users.groups', 'POST okta.lifecycle.suspend', 'DELETE okta.users.sessions.clear']);
      assert.equal(ops[2]!.url, `${okta.url}/api/v1/users/dry-run%3Aalice%40example.org/lifecycle/suspend`);
      assert.deepEqual(entry.details!.missingCredentials, ['apiToken']);
      assert.equal(got.incident.accounts![0]!.dryRun, true);
      assert.equal(got.incident.status, 'open', 'a dry-run contains nothing');
      await helper.unload();

      await helper.load(ALL_NODES, flow(dir()), {});
      const err = nextError(helper.getNode('disable'));
      const live = await send(withUsers(['alice@example.org']));
      assert.match(String(await err), /Okta: live mode needs apiToken/);
      assert.equal(live.incident.timeline.at(-1)!.outcome, 'error');
    });

    it('dry-run restore: says it would restore, and re-enables nothing', async () => {
      await helper.load(ALL_NODES, flow(dir()), creds());
      const got = await send(withUsers(['alice@example.org']));
      assert.equal(okta.users.get('00u1alice')!.status, 'SUSPENDED');
      await helper.unload();
      await helper.load(ALL_NODES, flow(dir({ mode: 'dry-run' }), { action: 'restore' }), creds());
      const statuses = statusTexts();
      const restored = await send(got.incident);
      assert.deepEqual(results(restored), [['alice@example.org', 'would-restore']]);
      assert.equal(statuses.at(-1), 'dry-run: would restore 1');
      assert.equal(okta.users.get('00u1alice')!.status, 'SUSPENDED');
    });

    it('dry-run with a token reads Okta (exact state) and changes nothing', async () => {
      await helper.load(ALL_NODES, flow(dir({ mode: 'dry-run' })), creds());
      const got = await send(withUsers(['alice@example.org', 'carol@example.org']));
      assert.deepEqual(results(got), [['alice@example.org', 'would-disable'], ['carol@example.org', 'already-disabled']]);
      assert.deepEqual(okta.requests.map((r) => r.method), ['GET', 'GET', 'GET', 'GET'], 'look-ups and groups only');
      assert.equal(got.incident.accounts![0]!.accountId, '00u1alice');
    });
  });

  describe('Microsoft Entra ID (Graph)', () => {
    let graph: GraphEmulator;
    const dir = (extra: Record<string, unknown> = {}) => ({
      kind: 'entra', tenant: graph.tenant, clientId: graph.client.id, authorityUrl: graph.url, graphUrl: graph.url, protectedAccounts: 'group:Global Admins', ...extra,
    });
    const creds = (secret = graph.client.secret) => ({ dir: { clientSecret: secret } });
    beforeEach(async () => {
      graph = await startGraph([
        { id: 'aaaa-1', userPrincipalName: 'alice@contoso.com', mail: 'alice@contoso.com', accountEnabled: true },
        { id: 'bbbb-2', userPrincipalName: 'bob@contoso.com', mail: "o'brien@contoso.com", accountEnabled: true },
        { id: 'cccc-3', userPrincipalName: 'gadmin@contoso.com', mail: 'gadmin@contoso.com', accountEnabled: true, groups: ['Global Admins'] },
        { id: 'dddd-4', userPrincipalName: 'd1@contoso.com', mail: 'team@contoso.com', accountEnabled: true },
        { id: 'eeee-5', userPrincipalName: 'd2@contoso.com', mail: 'team@contoso.com', accountEnabled: true },
      ]);
    });
    afterEach(() => graph.close());

    it('one cached token for several messages; disables and revokes sessions; restore re-enables', async () => {
      await helper.load(ALL_NODES, flow(dir(), { steps: 'revoke-sessions' }), creds());
      const a = await send(withUsers(['alice@contoso.com']));
      const b = await send(withUsers(['bob@contoso.com']));
      assert.deepEqual([...results(a), ...results(b)], [['alice@contoso.com', 'disabled'], ['bob@contoso.com', 'disabled']]);
      assert.equal(graph.requestsTo('POST', `/${graph.tenant}/oauth2/v2.0/token`).length, 1, 'the token is cached until it expires');
      assert.equal(graph.users.get('aaaa-1')!.accountEnabled, false);
      assert.equal(graph.users.get('aaaa-1')!.sessionsRevoked, 1);
      assert.deepEqual(graph.requestsTo('PATCH', '/v1.0/users/aaaa-1')[0]!.json, { accountEnabled: false });
      const timeline = JSON.stringify(a.incident.timeline);
      assert.ok(!timeline.includes(graph.client.secret) && !timeline.includes(graph.issued[0]!), 'neither secret nor token in the timeline');
      await helper.unload();
      await helper.load(ALL_NODES, flow(dir(), { action: 'restore' }), creds());
      const restored = await send(a.incident);
      assert.deepEqual(results(restored), [['alice@contoso.com', 'restored']]);
      assert.equal(graph.users.get('aaaa-1')!.accountEnabled, true);
      assert.equal(graph.users.get('bbbb-2')!.accountEnabled, false, 'another incident\'s account stays disabled');
      assert.deepEqual(restored.accounts[0]!.notUndone, ['revoke-sessions']);
    });

    it('an expired token (401 InvalidAuthenticationToken) gets one fresh token and the call goes through', async () => {
      await helper.load(ALL_NODES, flow(dir()), creds());
      await send(withUsers(['alice@contoso.com']));
      graph.expireTokens();
      const got = await send(withUsers(['bob@contoso.com']));
      assert.deepEqual(results(got), [['bob@contoso.com', 'disabled']]);
      assert.equal(graph.requestsTo('POST', `/${graph.tenant}/oauth2/v2.0/token`).length, 2);
    });

    it('insufficient privileges (Authorization_RequestDenied), bad secret (invalid_client), not found', async () => {
      await helper.load(ALL_NODES, flow(dir({ clientId: graph.client.readOnlyId })), creds());
      let err = nextError(helper.getNode('disable'));
      let got = await send(withUsers(['alice@contoso.com', 'ghost@contoso.com']));
      assert.match(String(await err), /Authorization_RequestDenied: Insufficient privileges.*insufficient privileges.*ghost@contoso\.com: Entra ID: no user/);
      assert.deepEqual(results(got), [['alice@contoso.com', 'failed', 'forbidden'], ['ghost@contoso.com', 'failed', 'not-found']]);
      await helper.unload();
      await helper.load(ALL_NODES, flow(dir()), creds('wrong-secret'));
      err = nextError(helper.getNode('disable'));
      got = await send(withUsers(['alice@contoso.com']));
      assert.match(String(await err), /invalid_client: AADSTS7000215: Invalid client secret provided.*credentials are invalid or expired/);
      assert.ok(!String(await err).includes('wrong-secret'));
      assert.equal(graph.users.get('aaaa-1')!.accountEnabled, true);
    });

    it('mail matching: OData quotes escaped, two matches disable none, a protected group member is refused', async () => {
      await helper.load(ALL_NODES, flow(dir({ entraMatch: 'mail' })), creds());
      const err = nextError(helper.getNode('disable'));
      const got = await send(withUsers(["o'brien@contoso.com", 'team@contoso.com', 'gadmin@contoso.com']));
      await err;
      assert.deepEqual(results(got), [["o'brien@contoso.com", 'disabled'], ['team@contoso.com', 'failed', 'ambiguous'], ['gadmin@contoso.com', 'refused', 'protected']]);
      assert.equal(graph.requestsTo('GET', '/v1.0/users')[0]!.query.$filter, "mail eq 'o''brien@contoso.com'");
      assert.deepEqual(['dddd-4', 'eeee-5', 'cccc-3'].map((id) => graph.users.get(id)!.accountEnabled), [true, true, true]);
    });
  });

  describe('Google Workspace', () => {
    let google: GoogleEmulator;
    const dir = (extra: Record<string, unknown> = {}) => ({ kind: 'google', adminEmail: google.adminEmail, googleApiUrl: google.url, protectedAccounts: 'group:admins@example.com', ...extra });
    const creds = () => ({ dir: { serviceAccountKey: google.serviceAccountKey } });
    beforeEach(async () => {
      google = await startGoogle([
        { id: '101', primaryEmail: 'alice@example.com', suspended: false, aliases: ['a@example.com'] },
        { id: '102', primaryEmail: 'sam@example.com', suspended: false, groups: ['admins@example.com'] },
        { id: '103', primaryEmail: 'old@example.com', suspended: true },
      ]);
    });
    afterEach(() => google.close());

    it('signs a delegated JWT, suspends and signs out; restore unsuspends; no key or assertion in the timeline', async () => {
      await helper.load(ALL_NODES, flow(dir(), { steps: 'sign-out' }), creds());
      const got = await send(withUsers(['a@example.com', 'sam@example.com', 'old@example.com']));
      assert.deepEqual(results(got), [['a@example.com', 'disabled'], ['sam@example.com', 'refused', 'protected'], ['old@example.com', 'already-disabled']]);
      assert.equal(google.users.get('101')!.suspended, true);
      assert.equal(google.users.get('101')!.signedOut, 1);
      assert.equal(google.users.get('102')!.suspended, false);
      assert.equal(google.assertions[0]!.sub, google.adminEmail);
      assert.match(String(google.assertions[0]!.scope), /admin\.directory\.user/);
      assert.equal(google.requestsTo('POST', '/token').length, 1);
      assert.equal(google.requestsTo('PATCH', '/admin/directory/v1/users/101').length, 1);
      const text = JSON.stringify(got.incident);
      const assertion = google.requestsTo('POST', '/token')[0]!.form!.assertion!;
      assert.ok(!text.includes('PRIVATE KEY') && !text.includes(assertion) && !text.includes(assertion.split('.')[2]!), 'neither key nor assertion recorded');
      await helper.unload();
      await helper.load(ALL_NODES, flow(dir(), { action: 'restore' }), creds());
      const restored = await send(got.incident);
      assert.deepEqual(results(restored), [['a@example.com', 'restored']]);
      assert.equal(google.users.get('101')!.suspended, false);
      assert.equal(google.users.get('103')!.suspended, true);
    });

    it('not found (404 notFound), an admin the service account may not act as (unauthorized_client), a read-only admin (403 forbidden)', async () => {
      await helper.load(ALL_NODES, flow(dir()), creds());
      let err = nextError(helper.getNode('disable'));
      let got = await send(withUsers(['ghost@example.com']));
      assert.match(String(await err), /Google Workspace: no user "ghost@example.com"/);
      await helper.unload();
      await helper.load(ALL_NODES, flow(dir({ adminEmail: 'intern@example.com' })), creds());
      err = nextError(helper.getNode('disable'));
      got = await send(withUsers(['alice@example.com']));
      assert.match(String(await err), /unauthorized_client.*credentials are invalid or expired/);
      assert.equal(got.accounts[0]!.code, 'unauthorized');
      await helper.unload();
      google.readOnlyAdmins.add('helpdesk@example.com');
      await helper.load(ALL_NODES, flow(dir({ adminEmail: 'helpdesk@example.com' })), creds());
      err = nextError(helper.getNode('disable'));
      got = await send(withUsers(['alice@example.com']));
      assert.match(String(await err), /403 forbidden: Not Authorized to access this resource\/api; insufficient privileges/);
      assert.equal(google.users.get('101')!.suspended, false);
    });
  });
});
