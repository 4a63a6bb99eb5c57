import assert from 'node:assert/strict';
import { incidentLabel, type JiraRef } from '../../core/integrations/jira';
import { appendTimeline } from '../../core/model/timeline';
import type { Incident } from '../../core/model/types';
import { JIRA_EMAIL, JIRA_TOKEN, startJira, type JiraEmulator } from '../emulators/jira';
import { faults } from '../emulators/server';
import { incident } from '../helpers/fixtures';
import { ALL_NODES, helper, nextError, nextMessage, type FlowNode, type HelperNode } from '../helpers/node-red';

interface OutMsg { incident: Incident }

function flow(siteUrl: string, config: Record<string, unknown> = {}, ticket: Record<string, unknown> = {}): FlowNode[] {
  return [
    { id: 'tab', type: 'tab' },
    { id: 'jc', type: 'ir-jira-config', mode: 'live', siteUrl, project: 'SEC', rate: 1000, retries: 3, timeout: 5, ...config },
    {
      id: 'ticket', type: 'ir-jira-ticket', z: 'tab', jira: 'jc', issueType: 'Incident', labels: 'incident-response', wires: [['out']],
      statusContained: 'In Progress', statusResolved: 'Done', statusClosed: 'Done', ...ticket,
    },
    { id: 'out', type: 'helper', z: 'tab' },
  ];
}

function collect(node: HelperNode): OutMsg[] {
  const got: OutMsg[] = [];
  node.on('input', (msg: OutMsg) => got.push(msg));
  return got;
}

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('jira-ticket node', () => {
  let jira: JiraEmulator;
  const creds = { jc: { email: JIRA_EMAIL, apiToken: JIRA_TOKEN } };

  before(async () => {
    await helper.startServer();
    jira = await startJira();
  });
  after(async () => {
    await jira.close();
    await helper.stopServer();
  });
  afterEach(async () => {
    await helper.unload();
    jira.reset();
  });

  it('creates one issue with the configured fields, then comments new entries and transitions as the incident moves', async () => {
    await helper.load(ALL_NODES, flow(jira.url, {}, {
      components: 'SOC', rotaCritical: '5b10ac8d82e05b22cc7d4ef5', customFieldsType: 'json', customFields: '{"customfield_10042": {"value": "SOC"}}',
    }), creds);
    const inc = incident({ severity: 'critical', phase: 'detection-analysis' });
    let out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('ticket').receive({ incident: inc });
    const first = (await out).incident;
    const ref = first.refs.jira as JiraRef;
    assert.equal(ref.key, 'SEC-1');
    assert.equal(ref.url, `${jira.url}/browse/SEC-1`);
    const entry = first.timeline.at(-1)!;
    assert.equal(entry.action, 'jira-ticket');
    assert.equal(entry.outcome, 'ok');
    assert.equal(entry.summary, 'created Jira issue SEC-1');
    const issue = jira.issue('SEC-1')!;
    assert.deepEqual(issue.fields.labels, [incidentLabel(inc.id), 'incident-response']);
    assert.deepEqual(issue.fields.priority, { name: 'Highest' });
    assert.deepEqual(issue.fields.assignee, { accountId: '5b10ac8d82e05b22cc7d4ef5' });
    assert.deepEqual(issue.fields.components, [{ name: 'SOC' }]);
    assert.deepEqual(issue.fields.customfield_10042, { value: 'SOC' });
    assert.ok(!JSON.stringify(first).includes(JIRA_TOKEN));

    // The incident moves on: an analyst note and containment.
    const moved: Incident = { ...first, status: 'contained', phase: 'containment-eradication-recovery', timeline: [...first.timeline] };
    appendTimeline(moved, { node: { type: 'editor', id: 'alice' }, action: 'note', outcome: 'ok', summary: 'blocked 198.51.100.7 at the edge' });
    out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('ticket').receive({ incident: moved });
    const second = (await out).incident;
    assert.equal(second.timeline.at(-1)!.summary, "commented 1 new timeline entry on SEC-1; moved SEC-1 to 'In Progress'");
    assert.equal(issue.comments.length, 1);
    assert.match(JSON.stringify(issue.comments[0]!.body), /blocked 198\.51\.100\.7 at the edge/);
    assert.equal(issue.status, 'In Progress');

    out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('ticket').receive({ incident: { ...second, status: 'resolved' } });
    const third = (await out).incident;
    assert.equal(issue.status, 'Done');
    assert.equal(issue.comments.length, 1, 'only its own entries are new: no comment');
    assert.equal(third.timeline.at(-1)!.summary, "moved SEC-1 to 'Done'");
    assert.equal(jira.issues.length, 1);
  });

  it('two deliveries of one incident at the same moment, and re-deliveries, create exactly one issue', async () => {
    await helper.load(ALL_NODES, flow(jira.url), creds);
    const got = collect(helper.getNode('out'));
    const inc = incident();
    const ticket = helper.getNode('ticket');
    ticket.receive({ incident: inc });
    ticket.receive({ incident: structuredClone(inc) });
    ticket.receive({ incident: structuredClone(inc) });
    await until(() => got.length === 3);
    assert.equal(jira.issues.length, 1);
    assert.equal(jira.requestsTo('POST', '/rest/api/3/issue').length, 1);
    assert.deepEqual(got.map((m) => (m.incident.refs.jira as JiraRef).key), ['SEC-1', 'SEC-1', 'SEC-1']);
    assert.deepEqual(got.map((m) => m.incident.timeline.at(-1)!.outcome), ['ok', 'skipped', 'skipped']);
  });

  it('two jira-ticket nodes given the same incident at the same moment share one issue', async () => {
    const nodes = flow(jira.url);
    nodes.push({ ...nodes[2]!, id: 'ticket2' });
    await helper.load(ALL_NODES, nodes, creds);
    const got = collect(helper.getNode('out'));
    const inc = incident();
    helper.getNode('ticket').receive({ incident: inc });
    helper.getNode('ticket2').receive({ incident: structuredClone(inc) });
    await until(() => got.length === 2);
    assert.equal(jira.issues.length, 1);
    assert.deepEqual(got.map((m) => (m.incident.refs.jira as JiraRef).key), ['SEC-1', 'SEC-1']);
  });

  it('a re-run (fresh store, refs lost) finds the issue by its label and creates none', async () => {
    await helper.load(ALL_NODES, flow(jira.url), creds);
    const inc = incident();
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('ticket').receive({ incident: inc });
    await out;
    await helper.unload();
    await helper.load(ALL_NODES, flow(jira.url), creds); // the memory context store starts empty again
    const again = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('ticket').receive({ incident: structuredClone(inc) });
    const msg = await again;
    assert.equal((msg.incident.refs.jira as JiraRef).key, 'SEC-1');
    assert.equal(msg.incident.timeline.at(-1)!.details!.foundBy, 'search');
    assert.equal(jira.issues.length, 1);
  });

  it('a field Jira refuses: clear catchable error, error entry, incident flows on', async () => {
    await helper.load(ALL_NODES, flow(jira.url, { project: 'OPS' }, { issueType: 'Task' }), creds);
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    const err = nextError(helper.getNode('ticket'));
    helper.getNode('ticket').receive({ incident: incident() });
    assert.match(String(await err), /Jira create issue in OPS failed: field 'priority' cannot be set: it is not on the create screen/);
    const entry = (await out).incident.timeline.at(-1)!;
    assert.equal(entry.outcome, 'error');
    assert.match(entry.summary, /field 'priority' cannot be set/);
    assert.equal((entry.details!.calls as Array<{ status: number }>).at(-1)!.status, 400);
  });

  it('bad custom fields JSON is an error before any call', async () => {
    await helper.load(ALL_NODES, flow(jira.url, {}, { customFieldsType: 'msg', customFields: 'fields' }), creds);
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    const err = nextError(helper.getNode('ticket'));
    helper.getNode('ticket').receive({ incident: incident(), fields: '{oops' });
    assert.match(String(await err), /custom fields are not valid JSON/);
    assert.equal((await out).incident.timeline.at(-1)!.outcome, 'error');
    assert.equal(jira.requests.length, 0);
  });

  it('a transition the workflow lacks: error naming the available ones; the issue is kept', async () => {
    await helper.load(ALL_NODES, flow(jira.url, {}, { statusResolved: 'Closed' }), creds);
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    const err = nextError(helper.getNode('ticket'));
    helper.getNode('ticket').receive({ incident: incident({ status: 'resolved' }) });
    assert.match(String(await err), /no transition to 'Closed'.*available: Start work → In Progress, Resolve → Done/);
    const msg = await out;
    assert.equal((msg.incident.refs.jira as JiraRef).key, 'SEC-1');
    assert.match(msg.incident.timeline.at(-1)!.summary, /^created Jira issue SEC-1; then failed: /);
  });

  it('waits out a 429 with Retry-After and delivers', async () => {
    await helper.load(ALL_NODES, flow(jira.url), creds);
    jira.script('POST', '/rest/api/3/issue', faults.tooManyRequests(1, { errorMessages: ['Rate limit exceeded.'] }));
    const out = nextMessage<OutMsg>(helper.getNode('out'), 5000);
    helper.getNode('ticket').receive({ incident: incident() });
    assert.equal((await out).incident.timeline.at(-1)!.outcome, 'ok');
    assert.equal(jira.requestsTo('POST', '/rest/api/3/issue').length, 2);
    assert.equal(jira.issues.length, 1);
  });

  it('an outage past the last retry: catchable error, error entry, incident flows on', async () => {
    await helper.load(ALL_NODES, flow(jira.url, { retries: 1 }), creds);
    jira.script('GET', '/rest/api/3/search/jql', faults.serverError(503), faults.serverError(503));
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    const err = nextError(helper.getNode('ticket'));
    helper.getNode('ticket').receive({ incident: incident() });
    assert.match(String(await err), /HTTP 503/);
    assert.equal((await out).incident.timeline.at(-1)!.outcome, 'error');
    assert.equal(jira.issues.length, 0);
  });

  it('says what to do about rejected credentials, without showing them', async () => {
    await helper.load(ALL_NODES, flow(jira.url), { jc: { email: JIRA_EMAIL, apiToken: 'ATATT-revoked-000000' } });
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    const err = nextError(helper.getNode('ticket'));
    helper.getNode('ticket').receive({ incident: incident() });
    assert.match(String(await err), /Jira rejected the credentials \(401\): check the account email and API token/);
    const msg = await out;
    assert.ok(!JSON.stringify(msg).includes('ATATT-revoked-000000'));
  });

  it('dry-run: sends nothing, needs no account, records the calls it would make', async () => {
    await helper.load(ALL_NODES, flow('', { mode: 'dry-run' }), {});
    let out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('ticket').receive({ incident: incident() });
    const first = (await out).incident;
    const entry = first.timeline.at(-1)!;
    assert.equal(entry.outcome, 'dry-run');
    assert.match(entry.summary, /^dry-run: would have created Jira issue SEC-DRYRUN \(live mode lacks email, apiToken\)$/);
    const calls = entry.details!.calls as Array<{ operation: string; url: string; body?: { fields: { project: { key: string } } } }>;
    assert.deepEqual(calls.map((c) => c.operation), ['jira.search', 'jira.createIssue']);
    assert.match(calls[1]!.url, /^https:\/\/your-site\.atlassian\.net\/rest\/api\/3\/issue/);
    assert.equal(calls[1]!.body!.fields.project.key, 'SEC');
    assert.equal((first.refs.jira as JiraRef).dryRun, true);

    out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('ticket').receive({ incident: { ...first, status: 'resolved' } });
    const second = (await out).incident;
    assert.equal(second.timeline.at(-1)!.summary, "dry-run: would have moved SEC-DRYRUN to 'Done' (live mode lacks email, apiToken)");
    // The move is recorded as the call live would make, not only the look-up of transitions.
    const moves = second.timeline.at(-1)!.details!.calls as Array<{ operation: string; method: string; url: string; body?: unknown }>;
    assert.deepEqual(moves.map((c) => c.operation), ['jira.getTransitions', 'jira.doTransition']);
    assert.equal(`${moves[1]!.method} ${moves[1]!.url}`, 'POST https://your-site.atlassian.net/rest/api/3/issue/SEC-DRYRUN/transitions');
    assert.deepEqual(moves[1]!.body, { transition: { id: '31' } });
    assert.equal(jira.requests.length, 0);
  });

  it('live without credentials: an error naming them, and no call', async () => {
    await helper.load(ALL_NODES, flow(jira.url), {});
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    const err = nextError(helper.getNode('ticket'));
    helper.getNode('ticket').receive({ incident: incident() });
    assert.match(String(await err), /Jira: live mode needs email, apiToken/);
    assert.equal((await out).incident.timeline.at(-1)!.outcome, 'error');
    assert.equal(jira.requests.length, 0);
  });

  it('skips severities it does not escalate and false positives, without any call', async () => {
    await helper.load(ALL_NODES, flow(jira.url, {}, { severities: 'high,critical' }), creds);
    let out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('ticket').receive({ incident: incident({ severity: 'low' }) });
    const entry = (await out).incident.timeline.at(-1)!;
    assert.equal(entry.outcome, 'skipped');
    assert.match(entry.summary, /severity low is not escalated/);
    out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('ticket').receive({ incident: incident({ status: 'resolved', resolution: 'false-positive' }) });
    assert.match((await out).incident.timeline.at(-1)!.summary, /false positive/);
    assert.equal(jira.requests.length, 0);
  });
});
