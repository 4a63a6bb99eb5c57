import assert from 'node:assert/strict';
import { dedupKeyFor } from '../../core/integrations/pagerduty';
import type { Incident } from '../../core/model/types';
import { startPagerDutyEvents, type PagerDutyEmulator } from '../emulators/pagerduty-events';
import { faults } from '../emulators/server';
import { incident } from '../helpers/fixtures';
import { ALL_NODES, helper, nextError, nextMessage, type FlowNode } from '../helpers/node-red';

interface OutMsg { incident: Incident }
const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';

function flow(eventsUrl: string, config: Record<string, unknown> = {}): FlowNode[] {
  return [
    { id: 'tab', type: 'tab' },
    { id: 'pc', type: 'ir-pagerduty-config', mode: 'live', eventsUrl, rate: 1000, retries: 3, timeout: 5, ...config },
    { id: 'page', type: 'ir-pagerduty-page', z: 'tab', pagerduty: 'pc', severities: 'high,critical', wires: [['out']] },
    { id: 'out', type: 'helper', z: 'tab' },
  ];
}

describe('pagerduty-page node', () => {
  let pd: PagerDutyEmulator;
  const creds = { pc: { routingKey: ROUTING_KEY } };
  before(async () => {
    await helper.startServer();
    pd = await startPagerDutyEvents();
  });
  after(async () => {
    await pd.close();
    await helper.stopServer();
  });
  afterEach(async () => {
    await helper.unload();
    pd.reset();
  });

  const run = async (msg: Record<string, unknown>): Promise<Incident> => {
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('page').receive(msg);
    return (await out).incident;
  };

  it('triggers, acknowledges and resolves with one dedup key, and never pages twice', async () => {
    await helper.load(ALL_NODES, flow(`${pd.url}/v2/enqueue`), creds);
    const inc = incident({ severity: 'critical' });
    let got = await run({ incident: inc });
    assert.deepEqual(got.refs.pagerduty, { dedupKey: dedupKeyFor(inc.id), state: 'triggered' });
    got = await run({ incident: got }); // re-delivery
    assert.equal(got.timeline.at(-1)!.outcome, 'skipped');
    got = await run({ incident: { ...got, status: 'acknowledged', owner: 'alice' } });
    got = await run({ incident: got, update: 'resolved' });
    assert.equal(got.refs.pagerduty!.state, 'resolved');
    assert.deepEqual(pd.events.map((e) => e.event_action), ['trigger', 'acknowledge', 'resolve']);
    assert.deepEqual([...new Set(pd.events.map((e) => e.dedup_key))], [dedupKeyFor(inc.id)]);
    assert.equal(pd.events[0]!.payload!.severity, 'critical');
    assert.deepEqual(got.timeline.filter((e) => e.action === 'pagerduty-page').map((e) => e.outcome), ['ok', 'skipped', 'ok', 'ok']);
    assert.ok(!JSON.stringify(got.timeline).includes(ROUTING_KEY));
  });

  it('with the REST token, finds the PagerDuty incident and keeps its link; a bad token is a note, not a failure', async () => {
    await helper.load(ALL_NODES, flow(`${pd.url}/v2/enqueue`, { apiUrl: pd.url }), { pc: { routingKey: ROUTING_KEY, apiToken: pd.restToken } });
    const inc = incident({ severity: 'high' });
    const got = await run({ incident: inc });
    const opened = pd.incidents.get(dedupKeyFor(inc.id))!;
    assert.equal(got.refs.pagerduty!.incidentId, opened.id);
    assert.equal(got.refs.pagerduty!.incidentNumber, opened.incident_number);
    assert.equal(got.refs.pagerduty!.htmlUrl, opened.html_url);
    assert.match(got.timeline.at(-1)!.summary, new RegExp(`PagerDuty incident #${opened.incident_number}`));
    const lookup = pd.requests.find((r) => r.method === 'GET')!;
    assert.equal(lookup.query.incident_key, dedupKeyFor(inc.id));
    assert.ok(!JSON.stringify(got.timeline).includes(pd.restToken), 'the REST token never reaches the timeline');
    // Later events keep the link without looking it up again.
    const acked = await run({ incident: { ...got, owner: 'alice' } });
    assert.equal(acked.refs.pagerduty!.htmlUrl, opened.html_url);
    assert.equal(pd.requests.filter((r) => r.method === 'GET').length, 1);

    await helper.unload();
    pd.reset();
    await helper.load(ALL_NODES, flow(`${pd.url}/v2/enqueue`, { apiUrl: pd.url }), { pc: { routingKey: ROUTING_KEY, apiToken: 'wrong-token' } });
    const other = await run({ incident: incident({ severity: 'high' }) });
    const entry = other.timeline.at(-1)!;
    assert.equal(entry.outcome, 'ok', 'the page itself went out');
    assert.match(entry.summary, /finding the PagerDuty incident failed: .*refused the token \(401\)/);
    assert.equal(other.refs.pagerduty!.state, 'triggered');
    assert.equal(other.refs.pagerduty!.incidentId, undefined);
  });

  it('an answer naming another dedup key is noted, not adopted: acknowledge uses ir-<incident id>', async () => {
    await helper.load(ALL_NODES, flow(`${pd.url}/v2/enqueue`), creds);
    pd.script('POST', '/v2/enqueue', { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: 'x' } });
    const inc = incident({ severity: 'critical' });
    const got = await run({ incident: inc });
    assert.equal(got.refs.pagerduty!.dedupKey, dedupKeyFor(inc.id));
    const calls = got.timeline.at(-1)!.details!.calls as Array<{ note?: string }>;
    assert.match(calls[0]!.note!, /answered dedup_key "x"/);
    await run({ incident: { ...got, owner: 'alice' } });
    assert.deepEqual(pd.events.map((e) => [e.event_action, e.dedup_key]), [['acknowledge', dedupKeyFor(inc.id)]]);
  });

  it('with a REST URL behind a path, the lookup keeps the path', async () => {
    await helper.load(ALL_NODES, flow(`${pd.url}/v2/enqueue`, { apiUrl: `${pd.url}/pd` }), { pc: { routingKey: ROUTING_KEY, apiToken: pd.restToken } });
    pd.script('GET', '/pd/incidents', { status: 200, body: { incidents: [{ id: 'QPD', incident_number: 3, html_url: 'https://example.pagerduty.com/incidents/QPD', status: 'triggered' }], limit: 1, offset: 0, more: false } });
    const got = await run({ incident: incident({ severity: 'high' }) });
    assert.deepEqual(pd.requests.filter((r) => r.method === 'GET').map((r) => r.path), ['/pd/incidents']);
    assert.equal(got.refs.pagerduty!.incidentId, 'QPD');
  });

  it('does not page a severity that is not configured', async () => {
    await helper.load(ALL_NODES, flow(`${pd.url}/v2/enqueue`), creds);
    const got = await run({ incident: incident({ severity: 'medium' }) });
    assert.equal(got.timeline.at(-1)!.outcome, 'skipped');
    assert.equal(pd.requests.length, 0);
  });

  it('honours a 429 and recovers from a 503', async () => {
    await helper.load(ALL_NODES, flow(`${pd.url}/v2/enqueue`), creds);
    pd.script('POST', '/v2/enqueue', faults.tooManyRequests(1), faults.serverError(503));
    const got = await run({ incident: incident({ severity: 'high' }) });
    assert.equal(got.timeline.at(-1)!.outcome, 'ok');
    assert.equal(pd.events.length, 1);
  });

  it('a refused event: catchable error in words, timeline error, incident flows on', async () => {
    await helper.load(ALL_NODES, flow(`${pd.url}/v2/enqueue`), { pc: { routingKey: 'too-short' } });
    const err = nextError(helper.getNode('page'));
    const got = run({ incident: incident({ severity: 'high' }) });
    assert.match(String(await err), /routing_key.*Integration Key/);
    assert.equal((await got).timeline.at(-1)!.outcome, 'error');
    assert.equal((await got).refs.pagerduty, undefined);
  });

  it('dry-run needs no key, sends nothing and records the event; live without a key is an error', async () => {
    await helper.load(ALL_NODES, flow(`${pd.url}/v2/enqueue`, { mode: 'dry-run' }), {});
    const got = await run({ incident: incident({ severity: 'critical' }) });
    const entry = got.timeline.at(-1)!;
    assert.equal(entry.outcome, 'dry-run');
    assert.equal((entry.details!.calls as Array<{ operation: string }>)[0]!.operation, 'pagerduty.trigger');
    assert.equal(got.refs.pagerduty!.dryRun, true);
    assert.equal(pd.requests.length, 0);
    await helper.unload();

    await helper.load(ALL_NODES, flow(`${pd.url}/v2/enqueue`), {});
    const err = nextError(helper.getNode('page'));
    const live = run({ incident: incident({ severity: 'critical' }) });
    assert.match(String(await err), /PagerDuty: live mode needs routingKey/);
    assert.equal((await live).timeline.at(-1)!.outcome, 'error');
    assert.equal(pd.requests.length, 0);
  });
});
