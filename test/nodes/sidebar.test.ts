import assert from 'node:assert/strict';
import path from 'node:path';
import type { Incident, TimelineEntry } from '../../core/model/types';
import { ALL_NODES, helper, nextMessage, type FlowNode } from '../helpers/node-red';
import type { NodeModule } from 'node-red-node-test-helper';
import { wazuhAlert } from '../helpers/payloads';
import { activeStores } from '../../nodes/common/store';

// The plugin's runtime half, as Node-RED loads it. The helper stubs the plugin registry, so
// loading it like a node module registers its admin routes on the helper's RED.httpAdmin.
const sidebarPlugin = require(path.resolve(__dirname, '..', '..', 'plugins', 'incidents-sidebar', 'incidents-sidebar.js')) as NodeModule;

interface HoldView { id: string; state: string; phaseLabel: string; gateDeployed: boolean; decidedBy?: string; reason?: string; links?: unknown; tokenHashes?: unknown }
type IncidentView = Omit<Incident, 'holds'> & { holds: HoldView[]; frameworkLabel?: string; phaseLabel?: string };
interface Summary { id: string; title: string; severity: string; status: string; owner?: string; frameworkLabel?: string; phaseLabel?: string; pendingHolds: number; alertCount: number; createdAt: string }
interface ListAnswer { incidents: Summary[]; total: number; limit: number; stores: number }
interface ActionAnswer { message: string; incident: IncidentView }
interface ErrorAnswer { error: { code: string; message: string } }
interface OutMsg { incident: Incident; approval: { holdId: string; decidedBy?: string } }

function flow(containment: Record<string, unknown> = {}): FlowNode[] {
  return [
    { id: 'tab', type: 'tab' },
    { id: 'in', type: 'ir-alert-in', z: 'tab', auth: 'none', wires: [['detect'], [], []] },
    { id: 'detect', type: 'ir-phase-gate', z: 'tab', framework: 'nist-800-61r2', phase: 'detection-analysis', approval: 'never', wires: [['contain'], []] },
    {
      id: 'contain', type: 'ir-phase-gate', z: 'tab', name: 'Containment', framework: 'nist-800-61r2', phase: 'containment-eradication-recovery',
      approval: 'always', approvalTimeoutMinutes: 60, publicBaseUrl: 'http://127.0.0.1:1880/', ...containment,
      wires: [['passed'], ['refused'], ['awaiting'], ['denied']],
    },
    { id: 'passed', type: 'helper', z: 'tab' },
    { id: 'refused', type: 'helper', z: 'tab' },
    { id: 'awaiting', type: 'helper', z: 'tab' },
    { id: 'denied', type: 'helper', z: 'tab' },
  ];
}

const modules = [...ALL_NODES, sidebarPlugin];

/** Deploys the flow and drives one alert to the containment gate's approval hold. */
async function heldIncident(containment: Record<string, unknown> = {}, srcip?: string): Promise<OutMsg> {
  await helper.load(modules, flow(containment));
  return hold(srcip);
}

async function hold(srcip?: string): Promise<OutMsg> {
  const awaiting = nextMessage<OutMsg>(helper.getNode('awaiting'));
  helper.getNode('in').receive({ payload: wazuhAlert(srcip) });
  return awaiting;
}

function act(id: string, action: string, body: Record<string, unknown> = {}) {
  return helper.request().post(`/ir/incidents/${id}/${action}`).send(body);
}

function editorEntries(incident: IncidentView): TimelineEntry[] {
  return incident.timeline.filter((e) => e.node.type === 'editor');
}

describe('incident sidebar admin routes', () => {
  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(() => helper.unload());

  it('lists the open incidents with their labels, and filters by state and severity', async () => {
    const { incident } = await heldIncident();
    const list = (await helper.request().get('/ir/incidents').expect(200).expect('content-type', /json/)).body as ListAnswer;
    assert.equal(list.stores, 1);
    assert.equal(list.incidents.length, 1);
    const [item] = list.incidents;
    assert.equal(item.id, incident.id);
    assert.equal(item.title, incident.title);
    assert.equal(item.severity, 'medium');
    assert.equal(item.status, 'acknowledged');
    assert.equal(item.frameworkLabel, 'NIST SP 800-61 Rev. 2');
    assert.equal(item.phaseLabel, 'Detection and Analysis');
    assert.equal(item.pendingHolds, 1);
    assert.equal(item.alertCount, 1);
    assert.equal(item.owner, undefined);

    const second = (await hold('203.0.113.99')).incident;
    let ids = ((await helper.request().get('/ir/incidents').expect(200)).body as ListAnswer).incidents.map((i) => i.id);
    assert.deepEqual(ids, [second.id, incident.id], 'newest first');
    ids = ((await helper.request().get('/ir/incidents?limit=1').expect(200)).body as ListAnswer).incidents.map((i) => i.id);
    assert.deepEqual(ids, [second.id]);
    assert.equal(((await helper.request().get('/ir/incidents?severity=low,high,critical').expect(200)).body as ListAnswer).incidents.length, 0);
    assert.equal(((await helper.request().get('/ir/incidents?severity=high,medium').expect(200)).body as ListAnswer).incidents.length, 2);
    assert.equal(((await helper.request().get('/ir/incidents?state=closed').expect(200)).body as ListAnswer).incidents.length, 0);

    await act(incident.id, 'close', { resolution: 'false-positive', reason: 'pen test' }).expect(200);
    ids = ((await helper.request().get('/ir/incidents').expect(200)).body as ListAnswer).incidents.map((i) => i.id);
    assert.deepEqual(ids, [second.id], 'a closed incident is not open');
    ids = ((await helper.request().get('/ir/incidents?state=closed').expect(200)).body as ListAnswer).incidents.map((i) => i.id);
    assert.deepEqual(ids, [incident.id]);
    assert.equal(((await helper.request().get('/ir/incidents?state=all').expect(200)).body as ListAnswer).incidents.length, 2);
  });

  it('"open" means still being handled: a playbook-resolved incident is listed under "resolved"', async () => {
    const { incident } = await heldIncident();
    const second = (await hold('203.0.113.99')).incident;
    const [store] = activeStores();
    await store.update(second.id, (latest) => { latest.status = 'resolved'; });
    const ids = async (query: string) => ((await helper.request().get(`/ir/incidents${query}`).expect(200)).body as ListAnswer).incidents.map((i) => i.id);
    assert.deepEqual(await ids(''), [incident.id]);
    assert.deepEqual(await ids('?state=open'), [incident.id]);
    assert.deepEqual(await ids('?state=resolved'), [second.id]);
    assert.deepEqual(await ids('?state=closed'), []);
    assert.deepEqual(await ids('?state=all'), [second.id, incident.id]);
  });

  it('filters by text on the server (title, id, observable values, owner) and tells the total when capped', async () => {
    const { incident } = await heldIncident();
    const second = (await hold('203.0.113.99')).incident;
    await act(incident.id, 'assign', { owner: 'Alice Analyst' }).expect(200);
    const list = async (query: string) => (await helper.request().get(`/ir/incidents?${query}`).expect(200)).body as ListAnswer;
    assert.deepEqual((await list('q=203.0.113.99')).incidents.map((i) => i.id), [second.id], 'an observable value');
    assert.deepEqual((await list('q=alice%20ANALYST')).incidents.map((i) => i.id), [incident.id], 'the owner, any case');
    assert.deepEqual((await list(`q=${incident.id.toLowerCase()}`)).incidents.map((i) => i.id), [incident.id], 'the id');
    const byTitle = await list(`q=${encodeURIComponent(incident.title.slice(2, 12).toUpperCase())}`);
    assert.equal(byTitle.total, 2, 'both share the title');
    assert.equal((await list('q=nothing-like-this')).total, 0);
    assert.deepEqual(await list('q=%20%20'), { ...(await list('')) }, 'a blank q filters nothing');
    const capped = await list('limit=1');
    assert.deepEqual(capped.incidents.map((i) => i.id), [second.id]);
    assert.equal(capped.total, 2);
    assert.equal(capped.limit, 1);
    assert.equal((await list('')).limit, 200);
  });

  it('refuses cross-site browser requests on every route, and lets same-origin and non-browser ones through', async () => {
    const { incident } = await heldIncident();
    const id = incident.id;
    const routes = [
      () => helper.request().get('/ir/incidents'),
      () => helper.request().get(`/ir/incidents/${id}`),
      () => helper.request().post(`/ir/incidents/${id}/note`).send({ text: 'from evil.example' }),
      () => helper.request().post(`/ir/incidents/${id}/approve`).send({ holdId: 'x', reason: 'from evil.example' }),
    ];
    const refusedHeaders: Array<Record<string, string>> = [
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-site' },
      { Origin: 'https://evil.example' },
      { Origin: 'http://127.0.0.1:1' },
      { Origin: 'null' },
      { Origin: 'http://localhost', Host: 'localhost:1880' },
    ];
    for (const route of routes) {
      for (const headers of refusedHeaders) {
        const res = await route().set(headers).expect(403).expect('content-type', /json/);
        assert.equal((res.body as ErrorAnswer).error.code, 'cross-site', JSON.stringify(headers));
        assert.ok((res.body as ErrorAnswer).error.message);
      }
    }
    // The editor's own requests: same origin (the Host it was served from), or Sec-Fetch-Site same-origin / none.
    await helper.request().get('/ir/incidents').set({ 'Sec-Fetch-Site': 'same-origin' }).expect(200);
    await helper.request().get('/ir/incidents').set({ 'Sec-Fetch-Site': 'none' }).expect(200);
    await helper.request().get(`/ir/incidents/${id}`).set({ Origin: 'http://editor.example:1880', Host: 'editor.example:1880' }).expect(200);
    await helper.request().get('/ir/incidents').set({ Origin: 'http://editor.example', Host: 'editor.example:80' }).expect(200);
    await act(id, 'note', { text: 'from the editor' }).set({ Origin: 'https://EDITOR.example', Host: 'editor.example', 'Sec-Fetch-Site': 'same-origin' }).expect(200);
    // Behind a reverse proxy that rewrites Host, the browser's Sec-Fetch-Site: same-origin still vouches for the editor.
    await helper.request().get('/ir/incidents').set({ Origin: 'https://editor.example', Host: '127.0.0.1:1880', 'Sec-Fetch-Site': 'same-origin' }).expect(200);
    const stored = ((await helper.request().get(`/ir/incidents/${id}`).expect(200)).body as { incident: IncidentView }).incident;
    assert.deepEqual(editorEntries(stored).map((e) => e.summary), ['Note by editor: from the editor'], 'nothing cross-site reached the incident');
  });

  it('answers 400 to unknown filters', async () => {
    await helper.load(modules, flow());
    for (const [query, message] of [
      ['state=pending', /unknown state "pending"/], ['severity=urgent', /unknown severity "urgent"/],
      ['limit=0', /limit must be a whole number/], ['q=' + 'x'.repeat(201), /q is longer than 200/], ['limit=abc', /limit/], ['state=open&state=all', /give state once/],
    ] as const) {
      const res = await helper.request().get(`/ir/incidents?${query}`).expect(400);
      assert.equal((res.body as ErrorAnswer).error.code, 'bad-request');
      assert.match((res.body as ErrorAnswer).error.message, message);
    }
  });

  it('says when no deployed node uses an incident store', async () => {
    await helper.load(modules, [{ id: 'tab', type: 'tab' }, { id: 'h', type: 'helper', z: 'tab' }]);
    assert.deepEqual((await helper.request().get('/ir/incidents').expect(200)).body, { incidents: [], total: 0, limit: 200, stores: 0 });
  });

  it('shows one incident: summary, observables, holds without their link tokens, timeline', async () => {
    const held = await heldIncident();
    const res = await helper.request().get(`/ir/incidents/${held.incident.id}`).expect(200);
    const incident = (res.body as { incident: IncidentView }).incident;
    assert.equal(incident.id, held.incident.id);
    assert.equal(incident.phaseLabel, 'Detection and Analysis');
    assert.ok(incident.observables.some((o) => o.type === 'ip' && o.value === '198.51.100.23'));
    assert.deepEqual(incident.timeline.map((e) => e.action), held.incident.timeline.map((e) => e.action));
    assert.equal(incident.holds.length, 1);
    const [h] = incident.holds;
    assert.equal(h.id, held.approval.holdId);
    assert.equal(h.state, 'pending');
    assert.equal(h.phaseLabel, 'Containment, Eradication and Recovery');
    assert.equal(h.gateDeployed, true);
    // The links carry single-use tokens that decide the hold: a reader of the editor must not
    // get them (the incident keeps only their hashes, which the sidebar does not show either).
    assert.equal((h as { tokens?: unknown }).tokens, undefined);
    const token = (held.approval as unknown as { approve: string }).approve.split('/').pop()!;
    assert.doesNotMatch(res.text, new RegExp(token));
    assert.doesNotMatch(JSON.stringify(held.incident), new RegExp(token));
    assert.ok(incident.alerts.every((a) => !('raw' in a)));
  });

  it('applies each analyst action, records the editor user, and refuses what the state does not allow', async () => {
    const { incident } = await heldIncident();
    const id = incident.id;

    let res = await act(id, 'note', { text: 'Checked the sshd logs on web-01' }).expect(200);
    assert.equal((res.body as ActionAnswer).message, 'Note by editor: Checked the sshd logs on web-01');
    res = await act(id, 'assign', { owner: 'alice' }).expect(200);
    assert.equal((res.body as ActionAnswer).incident.owner, 'alice');
    res = await act(id, 'severity', { severity: 'critical', reason: 'root login attempts' }).expect(200);
    assert.equal((res.body as ActionAnswer).incident.severity, 'critical');
    // Entering Detection and Analysis set status acknowledged, but no person did: one may.
    res = await act(id, 'acknowledge').expect(200);
    assert.equal((res.body as ActionAnswer).message, 'Acknowledged by editor');
    res = await act(id, 'acknowledge').expect(409);
    assert.deepEqual(res.body, { error: { code: 'conflict', message: 'the incident is already acknowledged (by editor)' } });
    res = await act(id, 'close', { resolution: 'resolved', reason: 'host reimaged' }).expect(200);
    assert.equal((res.body as ActionAnswer).incident.status, 'closed');
    assert.equal((res.body as ActionAnswer).incident.resolution, 'resolved');
    res = await act(id, 'close', { resolution: 'false-positive' }).expect(409);
    assert.equal((res.body as ErrorAnswer).error.message, 'the incident is already closed');
    res = await act(id, 'reopen', { reason: 'same source again' }).expect(200);
    assert.equal((res.body as ActionAnswer).incident.status, 'open');
    assert.equal((res.body as ActionAnswer).incident.resolution, undefined);
    await act(id, 'reopen').expect(409);
    res = await act(id, 'acknowledge').expect(200);
    assert.equal((res.body as ActionAnswer).incident.status, 'acknowledged');

    // What the store holds now, as the sidebar reads it again.
    const stored = ((await helper.request().get(`/ir/incidents/${id}`).expect(200)).body as { incident: IncidentView }).incident;
    const entries = editorEntries(stored);
    assert.deepEqual(entries.map((e) => e.action), ['note-added', 'owner-assigned', 'severity-changed', 'acknowledged', 'closed', 'reopened', 'acknowledged']);
    assert.ok(entries.every((e) => e.node.id === 'sidebar' && e.node.name === 'editor' && e.outcome === 'ok'));
    assert.equal(stored.revision, incident.revision + 7, 'refused actions saved nothing');
  });

  it('approves a pending hold from the sidebar: the gate continues the flow on its passed output', async () => {
    const held = await heldIncident();
    const passed = nextMessage<OutMsg>(helper.getNode('passed'));
    const res = await act(held.incident.id, 'approve', { holdId: held.approval.holdId, reason: 'isolate web-01' }).expect(200);
    assert.equal((res.body as ActionAnswer).message, 'Approved by editor. The playbook continues.');
    const msg = await passed;
    assert.equal(msg.incident.id, held.incident.id);
    assert.equal(msg.incident.phase, 'containment-eradication-recovery');
    assert.equal(msg.approval.decidedBy, 'editor');
    const granted = msg.incident.timeline.find((e) => e.action === 'approval-granted')!;
    assert.equal(granted.summary, 'editor approved "Containment, Eradication and Recovery": isolate web-01');
    assert.deepEqual(granted.details, { holdId: held.approval.holdId, decidedBy: 'editor', reason: 'isolate web-01', via: 'editor' });
    const view = (res.body as ActionAnswer).incident;
    assert.equal(view.holds[0].state, 'approved');
    assert.equal(view.phaseLabel, 'Containment, Eradication and Recovery');

    const again = await act(held.incident.id, 'deny', { holdId: held.approval.holdId, reason: 'too late' }).expect(409);
    assert.equal((again.body as ErrorAnswer).error.code, 'conflict');
    assert.match((again.body as ErrorAnswer).error.message, /already approved by editor/);
  });

  it('denies a pending hold: the denied output gets it', async () => {
    const held = await heldIncident();
    const denied = nextMessage<OutMsg>(helper.getNode('denied'));
    const res = await act(held.incident.id, 'deny', { holdId: held.approval.holdId, reason: 'business critical host' }).expect(200);
    assert.match((res.body as ActionAnswer).message, /^Denied by editor/);
    const msg = await denied;
    assert.equal(msg.incident.phase, 'detection-analysis');
    assert.equal(msg.incident.holds[0].state, 'denied');
    assert.equal(msg.incident.holds[0].reason, 'business critical host');
  });

  it('keeps the approver list: the editor user must be on it', async () => {
    const held = await heldIncident({ approvers: 'alice, bob' });
    const res = await act(held.incident.id, 'approve', { holdId: held.approval.holdId, reason: 'ok' }).expect(403);
    assert.equal((res.body as ErrorAnswer).error.code, 'forbidden');
    assert.match((res.body as ErrorAnswer).error.message, /editor is not one of the approvers/);
  });

  it('restores only through a deployed restore node of the directory that disabled the account', async () => {
    const held = await heldIncident();
    const store = activeStores()[0]!;
    await store.update(held.incident.id, (inc) => {
      inc.accounts = [{
        directory: { id: 'dir-not-deployed', name: 'Corp LDAP', kind: 'ldap' }, identifier: 'alice', accountId: 'uid=alice,ou=people,dc=example,dc=org', login: 'alice',
        state: 'disabled', method: 'ldap.ppolicy', previous: {}, irreversible: [], disabledAt: new Date().toISOString(), node: { type: 'ir-disable-account', id: 'gone' },
      }];
    });
    const res = await act(held.incident.id, 'restore', {}).expect(409);
    assert.equal((res.body as ErrorAnswer).error.code, 'restore-not-deployed');
    assert.match((res.body as ErrorAnswer).error.message, /no disable-account node in restore mode is deployed for the directory Corp LDAP/);
  });

  it('answers clear errors: unknown incident, unknown action, bad input, not JSON', async () => {
    const held = await heldIncident();
    const id = held.incident.id;
    const expectError = async (req: ReturnType<typeof act>, status: number, code: string, message?: RegExp) => {
      const res = await req.expect(status).expect('content-type', /json/);
      assert.equal((res.body as ErrorAnswer).error.code, code, JSON.stringify(res.body));
      if (message) assert.match((res.body as ErrorAnswer).error.message, message);
    };
    await expectError(helper.request().get('/ir/incidents/01JNOSUCHINCIDENT000000000') as ReturnType<typeof act>, 404, 'not-found', /no incident 01JNOSUCHINCIDENT000000000/);
    await expectError(act('01JNOSUCHINCIDENT000000000', 'note', { text: 'x' }), 404, 'not-found');
    await expectError(act(id, 'escalate'), 400, 'unknown-action', /unknown action "escalate"/);
    await expectError(act(id, '__proto__'), 400, 'unknown-action');
    await expectError(act(id, 'severity', { severity: 'urgent', reason: 'x' }), 400, 'invalid', /unknown severity "urgent"/);
    await expectError(act(id, 'severity', { severity: 'low' }), 400, 'invalid', /the reason is empty/);
    await expectError(act(id, 'note', { text: '   ' }), 400, 'invalid', /the note is empty/);
    await expectError(act(id, 'assign', { owner: 42 }), 400, 'invalid', /the owner must be text, not a number/);
    await expectError(act(id, 'close', { resolution: 'fixed' }), 400, 'invalid', /unknown resolution "fixed"/);
    await expectError(act(id, 'approve', { reason: 'x' }), 400, 'invalid', /holdId is missing/);
    await expectError(act(id, 'approve', { holdId: held.approval.holdId }), 400, 'invalid', /the reason is empty/);
    await expectError(act(id, 'approve', { holdId: 'nope', reason: 'x' }), 404, 'not-found', /has no approval nope/);
    await expectError(act(id, 'restore'), 409, 'conflict', /this incident disabled no account: nothing to restore/);
    await expectError(helper.request().post(`/ir/incidents/${id}/note`).type('form').send({ text: 'from a form' }) as ReturnType<typeof act>, 415, 'unsupported-media-type');
    // Nothing of that reached the incident.
    const stored = ((await helper.request().get(`/ir/incidents/${id}`).expect(200)).body as { incident: IncidentView }).incident;
    assert.equal(stored.revision, held.incident.revision);
  });

  it('brings the integrations in step after an analyst\'s action: a close resolves the page, updates the Slack message and moves the Jira issue', async () => {
    await helper.load(modules, [
      { id: 'tab', type: 'tab' },
      { id: 'sc', type: 'ir-slack-config', mode: 'dry-run', channel: 'C0SEC' },
      { id: 'pc', type: 'ir-pagerduty-config', mode: 'dry-run' },
      { id: 'jc', type: 'ir-jira-config', mode: 'dry-run', project: 'SEC' },
      { id: 'in', type: 'ir-alert-in', z: 'tab', auth: 'none', wires: [['slack'], [], []] },
      { id: 'slack', type: 'ir-slack-notify', z: 'tab', slack: 'sc', wires: [['page']] },
      { id: 'page', type: 'ir-pagerduty-page', z: 'tab', pagerduty: 'pc', severities: 'low,medium,high,critical', wires: [['jira']] },
      { id: 'jira', type: 'ir-jira-ticket', z: 'tab', jira: 'jc', wires: [['out']] },
      { id: 'out', type: 'helper', z: 'tab' },
    ]);
    const ran = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('in').receive({ payload: wazuhAlert() });
    const { incident } = await ran;
    assert.equal((incident.refs.pagerduty as unknown as { state: string }).state, 'triggered');

    await act(incident.id, 'close', { resolution: 'resolved', reason: 'contained by hand' }).expect(200);
    // The nodes follow in the background: wait for the Jira step, the last of the three.
    const [store] = activeStores();
    const sinceClose = (inc: Incident): TimelineEntry[] => inc.timeline.slice(Math.max(0, inc.timeline.findIndex((e) => e.action === 'closed')));
    let latest = (await store.get(incident.id))!;
    for (let i = 0; i < 150 && !sinceClose(latest).some((e) => e.node.id === 'jira'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      latest = (await store.get(incident.id))!;
    }
    const after = sinceClose(latest);
    assert.deepEqual(after.map((e) => e.node.id), ['sidebar', 'page', 'slack', 'jira'], 'each node that acted on the incident follows once');
    assert.equal((latest.refs.pagerduty as unknown as { state: string }).state, 'resolved');
    assert.match(after[1]!.summary, /would have sent PagerDuty resolve/);
    assert.match(after[2]!.summary, /updated the message/);
    assert.match(after[3]!.summary, /moved SEC-\S+ to 'Done'/);

    // A note changes nothing the integrations show: nobody follows it.
    await act(incident.id, 'note', { text: 'looked at it' }).expect(200);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await store.get(incident.id))!.timeline.slice(-1)[0]!.action, 'note-added');
  });
});
