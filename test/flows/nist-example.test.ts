import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import supertest from 'supertest';
import type { Incident } from '../../core/model/types';
import { incidentErrors } from '../../core/model/validate';
import { ALL_NODES, captureHttpNode, coreNode, helper, nextMessage, type FlowNode } from '../helpers/node-red';
import { alertmanagerWebhook, wazuhAlert } from '../helpers/payloads';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'NIST SP 800-61 playbook.json');

/** The shipped example as Node-RED would deploy it, with debug nodes as test sinks. */
function exampleFlow(): FlowNode[] {
  const flow = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')) as FlowNode[];
  return flow.map((node) => (node.type === 'debug' ? { ...node, type: 'helper' } : node));
}

describe('NIST SP 800-61 example flow', () => {
  const http = captureHttpNode();
  const modules = [
    ...ALL_NODES, http.module,
    // The helper loads catch itself when a flow has one.
    coreNode('network/21-httpin.js'), coreNode('function/15-change.js'), coreNode('function/10-switch.js'), coreNode('common/90-comment.js'),
  ];

  before(() => helper.startServer());
  after(() => helper.stopServer());
  beforeEach(() => helper.load(modules, exampleFlow()));
  afterEach(() => helper.unload());

  const post = (body: string | Buffer, type = 'application/json') =>
    supertest(http.app()).post('/ir/nist').set('content-type', type).send(body);

  it('is packaged in examples/ and uses every node of the package', () => {
    const types = new Set(exampleFlow().map((n) => n.type));
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } };
    for (const type of Object.keys(pkg['node-red'].nodes)) {
      if (type === 'ir-incident-store') continue; // config node: optional
      assert.ok(types.has(type), `${type} is not in the example`);
    }
  });

  it('runs a real alert through the NIST phases and answers 200 with the incident', async () => {
    const res = await post(JSON.stringify(wazuhAlert())).expect(200).expect('content-type', /json/);
    const incident = res.body as Incident;
    assert.deepEqual(incidentErrors(incident), []);
    assert.equal(incident.framework, 'nist-800-61r2');
    assert.deepEqual(incident.phases.map((p) => p.phase), ['detection-analysis', 'containment-eradication-recovery', 'post-incident']);
    const actions = incident.timeline.map((e) => e.action);
    assert.deepEqual(actions.filter((a) => a === 'phase-entered').length, 3);
    for (const step of ['ip-lookup', 'log-fetch', 'slack-notify', 'pagerduty-page', 'jira-ticket', 'disable-account']) {
      assert.ok(actions.includes(step), `${step} missing from ${actions.join(', ')}`);
    }
    assert.equal(incident.status, 'resolved');
    assert.match(incident.report!.markdown, /^# Post-incident report/);
  });

  it('attaches the sample log lines about the alert\'s address and user (files backend, sample-logs)', async () => {
    const res = await post(JSON.stringify(wazuhAlert())).expect(200);
    const incident = res.body as Incident;
    const logs = incident.logs!;
    assert.equal(logs.backend, 'files');
    assert.equal(logs.from, '2026-02-10T07:15:30.123Z');
    assert.equal(logs.to, '2026-02-10T08:45:30.123Z');
    assert.ok(logs.events.length >= 20, `only ${logs.events.length} events`);
    for (const e of logs.events) {
      assert.ok(/198\.51\.100\.23(?!\d)|\badmin\b/i.test(`${e.message} ${JSON.stringify(e.fields ?? {})}`), e.message);
      assert.ok(e.time && e.time >= logs.from && e.time <= logs.to, String(e.time));
    }
    const files = new Set(logs.events.map((e) => path.basename(e.source)));
    for (const f of ['auth.log', 'auth.log.1', 'app.jsonl', 'access.log']) assert.ok(files.has(f), `nothing from ${f}: ${[...files].join(', ')}`);
    assert.ok(logs.events.some((e) => e.message.includes('Failed password for invalid user admin from 198.51.100.23 port 51234')));
    assert.ok(!logs.events.some((e) => e.message.includes('administrator')), 'a near miss was attached');
    assert.ok(logs.counts['198.51.100.23'] > 0 && logs.counts.admin > 0, JSON.stringify(logs.counts));
    const entry = incident.timeline.find((e) => e.action === 'log-fetch')!;
    assert.equal(entry.outcome, 'ok');
    assert.match(entry.summary, /log event\(s\) from files .*198\.51\.100\.23: \d+, admin: \d+/);
  });

  it('enriches the IPs of the alert offline with the MaxMind test databases it ships (81.2.69.142 is London)', async () => {
    const res = await post(JSON.stringify(wazuhAlert('81.2.69.142'))).expect(200);
    const incident = res.body as Incident;
    const ips = incident.observables.filter((o) => o.type === 'ip');
    const london = ips.find((o) => o.value === '81.2.69.142');
    assert.ok(london?.enrichment, 'the source IP was not enriched');
    assert.equal((london.enrichment.geoip as { city?: string }).city, 'London');
    assert.equal((london.enrichment.geoip as { country?: string }).country, 'GB');
    assert.equal((london.enrichment.classification as { category: string }).category, 'public');
    // The test Anonymous-IP database lists 81.2.69.0/24 as a Tor exit: suspicious, and why.
    assert.equal(london.verdict, 'suspicious');
    assert.ok(london.reasons?.some((r) => /Tor exit node/.test(r)));
    for (const ip of ips) assert.ok((ip.enrichment?.classification as { category?: string } | undefined)?.category, `${ip.value} has no classification`);
    const agent = ips.find((o) => o.value === '10.0.0.15');
    if (agent) assert.equal((agent.enrichment?.classification as { category: string }).category, 'private');
    const entry = incident.timeline.find((e) => e.action === 'ip-lookup');
    assert.ok(entry);
    assert.equal(entry.outcome, 'dry-run'); // the example's online providers only record their calls
    assert.match(entry.summary, /81\.2\.69\.142: suspicious \(public; London, GB\)/);
    const calls = (entry.details?.calls ?? []) as Array<{ operation: string; outcome: string }>;
    assert.ok(calls.length > 0 && calls.every((c) => c.outcome === 'dry-run'));
  });

  it('folds a storm of "resolved" notices: the incident stays held and its timeline small', async () => {
    const held = (await post(JSON.stringify(alertmanagerWebhook('firing'))).expect(202)).body as { incident: Incident };
    const before = held.incident.timeline.length;
    let last: Incident | undefined;
    for (let i = 0; i < 30; i++) last = ((await post(JSON.stringify(alertmanagerWebhook('resolved'))).expect(200)).body as { incident: Incident }).incident;
    assert.equal(last!.status, held.incident.status, 'a notice does not change the status');
    assert.equal(last!.holds.filter((h) => h.state === 'pending').length, 1, 'the hold still waits');
    assert.notEqual(last!.refs.pagerduty?.state, 'resolved', 'the page stays while a step is held');
    // A constant few (the notice, the page and ticket steps, each folded), not one set per notice.
    assert.ok(last!.timeline.length <= before + 8, `${last!.timeline.length - before} entries for 30 notices: ${last!.timeline.slice(before).map((e) => e.action).join(', ')}`);
    const notices = last!.timeline.filter((e) => e.action === 'source-resolved');
    assert.equal(notices.reduce((n, e) => n + (typeof e.details?.count === 'number' ? e.details.count : 1), 0), 30);
  });

  it('answers an alert dated 9999-12-31 like any other: the log search looks around now', async () => {
    const res = await post(JSON.stringify({ title: 't', severity: 'low', timestamp: '9999-12-31T23:59:59Z', src_ip: '192.0.2.9' })).expect(200);
    const done = res.body as Incident;
    assert.equal(done.status, 'resolved');
    assert.ok(Date.parse(done.logs!.to) <= Date.now() + 61 * 60_000, done.logs!.to);
    assert.ok(!done.timeline.some((e) => e.outcome === 'error'), JSON.stringify(done.timeline.filter((e) => e.outcome === 'error')));
  });

  it('enriches an IP with an ASN from the test ASN database', async () => {
    const res = await post(JSON.stringify(wazuhAlert('1.128.0.1', '1718000000.9999'))).expect(200);
    const ip = (res.body as Incident).observables.find((o) => o.value === '1.128.0.1');
    assert.deepEqual(ip?.enrichment?.asn && { number: (ip.enrichment.asn as { number: number }).number, organization: (ip.enrichment.asn as { organization: string }).organization }, { number: 1221, organization: 'Telstra Pty Ltd' });
  });

  it('holds a critical incident for approval with a 202, and finishes the playbook once approved', async () => {
    // The links reach the approvers (the Slack message, the editor's debug sidebar), not the sender.
    const links = nextMessage<{ approval: { approve: string; deny: string } }>(helper.getNode('ir_nist_log_held'));
    const held = await post(JSON.stringify(alertmanagerWebhook('firing'))).expect(202);
    const { incident, approval: answered } = held.body as { incident: Incident; approval: Record<string, unknown> };
    assert.equal(answered.approve, undefined, 'no approval link in the webhook answer');
    assert.match(String(answered.decideIn), /incident sidebar/);
    const { approval } = await links;
    assert.equal(incident.severity, 'critical');
    assert.equal(incident.phase, 'detection-analysis');
    const path = new URL(approval.approve).pathname;
    const page = await supertest(http.app()).get(path).expect(200);
    assert.match(page.text, /Approve “Containment, Eradication and Recovery”/);
    const finished = nextMessage<{ incident: Incident }>(helper.getNode('ir_nist_finished'));
    await supertest(http.app()).post(path).type('form').send({ by: 'alice', reason: 'confirmed' }).expect(200);
    const done = (await finished).incident;
    assert.deepEqual(done.phases.map((p) => p.phase), ['detection-analysis', 'containment-eradication-recovery', 'post-incident']);
    const actions = done.timeline.map((e) => e.action);
    for (const action of ['approval-requested', 'approval-granted', 'disable-account', 'report-attached']) assert.ok(actions.includes(action), action);
    assert.match(done.report!.markdown, /alice approved/);
  });

  it('a containment that fails after the approval stops there: the incident is not resolved and its page stays open', async () => {
    // The directory switched to live without its bind password: the approved step cannot run.
    await helper.unload();
    await helper.load(modules, exampleFlow().map((node) => (node.id === 'ir_nist_directory' ? { ...node, mode: 'live' } : node)));
    const links = nextMessage<{ approval: { approve: string } }>(helper.getNode('ir_nist_log_held'));
    const alert = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'alerts', 'crowdstrike-detection.json'));
    const held = await post(alert.toString('utf8')).expect(202);
    const { incident } = held.body as { incident: Incident };
    assert.ok(incident.observables.some((o) => o.type === 'user'), 'the alert names a user to disable');
    const failed = nextMessage<{ incident: Incident; error: { message: string; source: { type: string } } }>(helper.getNode('ir_nist_debug'), 8000);
    const flowedOn = nextMessage(helper.getNode('ir_nist_integration_failed'), 1500);
    const pathname = new URL((await links).approval.approve).pathname;
    await supertest(http.app()).post(pathname).type('form').send({ by: 'alice', reason: 'confirmed' }).expect(200);
    const caught = await failed;
    assert.equal(caught.error.source.type, 'ir-disable-account');
    assert.match(caught.error.message, /live mode needs bindPassword/);
    await assert.rejects(flowedOn, /no message reached/, 'a failed containment is not an integration failure the incident flows past');
    const after = caught.incident;
    assert.equal(after.status, 'acknowledged', 'not contained, not resolved');
    assert.equal(after.phase, 'containment-eradication-recovery');
    assert.equal(after.report, undefined, 'no post-incident report: the playbook did not reach its end');
    const actions = after.timeline.map((e) => e.action);
    assert.ok(!actions.includes('report-attached'));
    assert.ok(!after.timeline.some((e) => e.action === 'pagerduty-page' && e.details?.event === 'resolve'), 'the page was resolved');
    assert.equal(after.timeline.filter((e) => e.action === 'disable-account' && e.outcome === 'error').length, 1);
  });

  it('answers a re-delivery with the existing incident and duplicateOf', async () => {
    const first = (await post(JSON.stringify(wazuhAlert())).expect(200)).body as Incident;
    const again = await post(JSON.stringify(wazuhAlert())).expect(200);
    assert.equal(again.body.duplicateOf, first.id);
    assert.equal(again.body.incident.id, first.id);
    assert.equal(again.body.incident.alertCount, 1);
  });

  it('answers a source resolution for an incident as an update', async () => {
    const opened = ((await post(JSON.stringify(alertmanagerWebhook('firing'))).expect(202)).body as { incident: Incident }).incident;
    const res = await post(JSON.stringify(alertmanagerWebhook('resolved'))).expect(200);
    assert.equal(res.body.update, 'resolved');
    assert.equal(res.body.incident.id, opened.id);
  });

  it('answers 400 for a malformed body and 413 for a huge one, and keeps running', async function () {
    this.timeout(30_000); // 10 MB through supertest: slow on a busy machine, not a speed test
    const bad = await post('{"rule": ').expect(400);
    assert.equal(bad.body.error.code, 'invalid-json');
    const huge = await post(Buffer.alloc(10 * 1024 * 1024, 0x61)).expect(413);
    assert.equal(huge.body.error.code, 'too-large');
    const unknown = await post('just some words that are no alert', 'text/plain').expect(400);
    assert.ok(unknown.body.error.message);
    await post(JSON.stringify(wazuhAlert('203.0.113.99'))).expect(200);
  });
});
