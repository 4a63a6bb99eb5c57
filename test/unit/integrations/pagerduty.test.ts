import assert from 'node:assert/strict';
import { createHttpClient, type HttpClient } from '../../../core/http';
import { callTimelineInput, createInvoker } from '../../../core/integrations';
import {
  acknowledgedBy, buildEvent, decideEvent, dedupKeyFor, findIncident, pagerDutySeverity, PagerDutyError, sendEvent, SUMMARY_MAX, type PagerDutyRef,
} from '../../../core/integrations/pagerduty';
import type { Incident } from '../../../core/model/types';
import { startPagerDutyEvents, type PagerDutyEmulator } from '../../emulators/pagerduty-events';
import { faults } from '../../emulators/server';
import { incident } from '../../helpers/fixtures';

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';

describe('integrations: PagerDuty', () => {
  it('maps severities and derives one bounded dedup key from the incident id', () => {
    assert.deepEqual((['critical', 'high', 'medium', 'low'] as const).map(pagerDutySeverity), ['critical', 'error', 'warning', 'info']);
    assert.equal(dedupKeyFor('01J0ABC'), 'ir-01J0ABC');
    assert.equal(dedupKeyFor('01J0ABC'), dedupKeyFor('01J0ABC'));
    assert.ok(dedupKeyFor('x'.repeat(400)).length <= 255);
  });

  it('bounds the summary and fills source, custom details and links', () => {
    const inc = incident({ title: 'y'.repeat(3000), severity: 'critical' });
    inc.refs.jira = { key: 'SEC-1', url: 'https://jira.example/browse/SEC-1' };
    const ev = buildEvent(inc, 'trigger') as { payload: { summary: string; source: string; severity: string; custom_details: Record<string, unknown> }; links: unknown[]; dedup_key: string };
    assert.ok(ev.payload.summary.length <= SUMMARY_MAX);
    assert.match(ev.payload.summary, /truncated\)$/);
    assert.equal(ev.payload.source, 'web-01');
    assert.equal(ev.payload.severity, 'critical');
    assert.equal(ev.payload.custom_details.incident_id, inc.id);
    assert.deepEqual(ev.links, [{ href: 'https://jira.example/browse/SEC-1', text: 'Jira SEC-1' }]);
    assert.equal(ev.dedup_key, dedupKeyFor(inc.id));
  });

  it('decides trigger / acknowledge / resolve from the incident and what was sent', () => {
    const opts = { triggerSeverities: ['high', 'critical'] as const };
    const inc = incident({ severity: 'high' });
    assert.equal(decideEvent(inc, opts).action, 'trigger');
    assert.equal(decideEvent(incident({ severity: 'low' }), opts).action, undefined);
    const ref: PagerDutyRef = { dedupKey: dedupKeyFor(inc.id), state: 'triggered' };
    inc.refs.pagerduty = ref;
    assert.equal(decideEvent(inc, opts).action, undefined); // re-delivery: not paged twice
    assert.equal(decideEvent({ ...inc, status: 'acknowledged' }, opts).action, undefined); // a framework's status, not a person
    assert.equal(decideEvent({ ...inc, status: 'acknowledged', timeline: [...inc.timeline, { at: inc.createdAt, node: { type: 'editor', id: 'alice' }, action: 'acknowledged', outcome: 'ok', summary: 'Acknowledged by alice' }] }, opts).action, 'acknowledge');
    assert.equal(decideEvent({ ...inc, phase: 'containment-eradication-recovery' }, { ...opts, ackPhases: ['containment-eradication-recovery'] }).action, 'acknowledge');
    assert.equal(decideEvent({ ...inc, owner: 'alice' }, opts).action, 'acknowledge');
    assert.equal(decideEvent(inc, { ...opts, update: 'resolved' }).action, 'resolve');
    // ...but not while a step is held for a person: the page stays.
    const heldInc = { ...inc, holds: [{ id: 'h', gate: { type: 'ir-phase-gate', id: 'g' }, phase: 'containment-eradication-recovery', state: 'pending' as const, createdAt: inc.createdAt, expiresAt: '2999-01-01T00:00:00Z', tokens: [] }] };
    assert.match(decideEvent(heldInc, { ...opts, update: 'resolved' }).reason!, /held for approval: the page stays until a person decides/);
    assert.equal(decideEvent({ ...heldInc, status: 'closed' }, opts).action, 'resolve');
    assert.equal(decideEvent({ ...inc, status: 'closed' }, opts).action, 'resolve');
    inc.refs.pagerduty = { ...ref, state: 'resolved' };
    assert.equal(decideEvent({ ...inc, status: 'resolved' }, opts).action, undefined);
  });

  it('pages late an incident never paged (a failed trigger) that only the playbook moved on; not one a person took on', () => {
    const opts = { triggerSeverities: ['high', 'critical'] as const, ackPhases: ['containment-eradication-recovery'] };
    const unpaged = incident({ severity: 'high', phase: 'containment-eradication-recovery' });
    assert.equal(decideEvent(unpaged, opts).action, 'trigger');
    assert.equal(decideEvent({ ...unpaged, status: 'contained' }, opts).action, 'trigger');
    assert.equal(decideEvent({ ...unpaged, owner: 'alice' }, opts).action, undefined);
    const approved = { ...unpaged, timeline: [...unpaged.timeline, { at: unpaged.createdAt, node: { type: 'ir-phase-gate', id: 'g' }, action: 'approval-granted', outcome: 'ok' as const, summary: 'alice approved' }] };
    assert.match(decideEvent(approved, opts).reason!, /someone is on it/);
    assert.equal(decideEvent({ ...unpaged, severity: 'medium' }, opts).action, undefined);
  });

  it('a denied approval is a person acting (acknowledges); an expired one is not', () => {
    const opts = { triggerSeverities: ['high', 'critical'] as const, ackPhases: ['containment-eradication-recovery'] };
    const decided = (inc: Incident, action: string): Incident => ({ ...inc, timeline: [...inc.timeline, { at: inc.createdAt, node: { type: 'ir-phase-gate', id: 'g' }, action, outcome: 'ok' as const, summary: action }] });
    const paged = incident({ severity: 'high' });
    paged.refs.pagerduty = { dedupKey: dedupKeyFor(paged.id), state: 'triggered' } satisfies PagerDutyRef;
    assert.equal(acknowledgedBy(decided(paged, 'approval-denied')), 'an approval was denied');
    assert.equal(decideEvent(decided(paged, 'approval-denied'), opts).action, 'acknowledge');
    assert.equal(acknowledgedBy(decided(paged, 'approval-expired')), undefined, 'nobody acted');
    assert.match(decideEvent(decided(paged, 'approval-expired'), opts).reason!, /already paged/);
    // Never paged, in a phase that counts as acknowledged: a denial means someone is on it, an expiry does not.
    const unpaged = incident({ severity: 'high', phase: 'containment-eradication-recovery' });
    assert.match(decideEvent(decided(unpaged, 'approval-denied'), opts).reason!, /an approval was denied: someone is on it/);
    assert.equal(decideEvent(decided(unpaged, 'approval-expired'), opts).action, 'trigger');
  });

  describe('against the emulator', () => {
    let pd: PagerDutyEmulator;
    let client: HttpClient;
    before(async () => {
      pd = await startPagerDutyEvents();
      client = createHttpClient({ retry: { maxRetries: 3, baseDelayMs: 5 }, rateLimit: false, proxy: 'none' });
    });
    afterEach(() => pd.reset());
    after(async () => {
      await client.close();
      await pd.close();
    });
    const live = () => createInvoker({ mode: 'live', client });
    const opts = () => ({ routingKey: ROUTING_KEY, eventsUrl: `${pd.url}/v2/enqueue` });

    it('uses one dedup key across trigger, acknowledge and resolve', async () => {
      const inc = incident({ severity: 'critical' });
      for (const action of ['trigger', 'acknowledge', 'resolve'] as const) await sendEvent(live(), buildEvent(inc, action), opts());
      assert.deepEqual(pd.events.map((e) => e.event_action), ['trigger', 'acknowledge', 'resolve']);
      assert.deepEqual(new Set(pd.events.map((e) => e.dedup_key)), new Set([dedupKeyFor(inc.id)]));
    });

    it('honours 429 Retry-After and rides out 5xx', async () => {
      pd.script('POST', '/v2/enqueue', faults.tooManyRequests(1), faults.serverError(502));
      const started = Date.now();
      await sendEvent(live(), buildEvent(incident(), 'trigger'), opts());
      assert.ok(Date.now() - started >= 900);
      assert.equal(pd.events.length, 1);
    });

    it('explains a refused event (bad routing key)', async () => {
      await assert.rejects(sendEvent(live(), buildEvent(incident(), 'trigger'), { ...opts(), routingKey: 'short' }), (e: unknown) =>
        e instanceof PagerDutyError && e.code === 'invalid-event' && /routing_key/.test(e.message) && /Integration Key/.test(e.message));
    });

    it('keeps the dedup key it derives when the answer names another, and notes the difference', async () => {
      pd.script('POST', '/v2/enqueue', { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: 'x' } });
      const inv = live();
      const inc = incident({ severity: 'critical' });
      const res = await sendEvent(inv, buildEvent(inc, 'trigger'), opts());
      assert.equal(res.dedupKey, dedupKeyFor(inc.id));
      assert.match(inv.calls[0]!.note!, /answered dedup_key "x"; the key sent \(ir-\S+\) is kept/);
      assert.equal(callTimelineInput(inv.calls[0]!, { type: 't', id: 't' }).details!.note, inv.calls[0]!.note);
      // The same answer as sent: nothing to note.
      const same = live();
      const again = await sendEvent(same, buildEvent(inc, 'acknowledge'), opts());
      assert.equal(again.dedupKey, dedupKeyFor(inc.id));
      assert.equal(same.calls[0]!.note, undefined);
      assert.deepEqual(pd.events.map((e) => e.dedup_key), [dedupKeyFor(inc.id)], 'the scripted answer took the first event; the acknowledge used our key');
    });

    it('looks the incident up under the REST URL\'s path (a proxy at /pd)', async () => {
      pd.script('GET', '/pd/incidents', { status: 200, body: { incidents: [{ id: 'QABC', incident_number: 7, html_url: 'https://example.pagerduty.com/incidents/QABC', status: 'triggered' }], limit: 1, offset: 0, more: false } });
      const found = await findIncident(live(), 'ir-01J', { apiToken: pd.restToken, apiUrl: `${pd.url}/pd` });
      assert.deepEqual(found, { id: 'QABC', number: 7, htmlUrl: 'https://example.pagerduty.com/incidents/QABC', status: 'triggered' });
      const lookup = pd.requests.find((r) => r.method === 'GET')!;
      assert.equal(lookup.path, '/pd/incidents');
      assert.equal(lookup.query.incident_key, 'ir-01J');
    });

    it('dry-run sends nothing and records the call with the routing key redacted', async () => {
      const inv = createInvoker({ mode: 'dry-run' });
      const res = await sendEvent(inv, buildEvent(incident(), 'trigger'), { ...opts(), missingCredentials: [] });
      assert.equal(res.dryRun, true);
      assert.equal(pd.requests.length, 0);
      assert.equal(inv.calls[0]!.operation, 'pagerduty.trigger');
      assert.ok(!JSON.stringify(inv.calls).includes(ROUTING_KEY));
    });
  });
});
