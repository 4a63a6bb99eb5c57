import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { createHttpClient, type HttpClient } from '../../../core/http';
import { createInvoker } from '../../../core/integrations';
import {
  assigneeFor, buildComment, buildDescription, buildIssueFields, buildSummary, describeJiraErrorBody, incidentLabel, JiraApi, JiraTicketError, jqlString,
  parseCustomFields, priorityFor, searchJql, syncIncident, type AdfNode, type JiraRef, type SyncSettings,
} from '../../../core/integrations/jira';
import { KeyedSerialQueue } from '../../../core/integrations/keyed-queue';
import { appendTimeline } from '../../../core/model/timeline';
import type { Incident } from '../../../core/model/types';
import { adfProblem, JIRA_EMAIL, JIRA_TOKEN, parseJql, startJira, tooLong, type JiraEmulator } from '../../emulators/jira';
import { faults } from '../../emulators/server';
import { incident } from '../../helpers/fixtures';

const settings: SyncSettings = { project: 'SEC', issueType: 'Incident', dryRun: false };
const node = { type: 'ir-test', id: 't1' };

/** Every text node of an ADF document, in order. */
function texts(node: { content?: AdfNode[]; text?: string }): string[] {
  return [...(node.text !== undefined ? [node.text] : []), ...(node.content ?? []).flatMap(texts)];
}

describe('integrations: Jira', () => {
  it('quotes and escapes alert values for JQL, so no value can end the literal', () => {
    assert.equal(jqlString('plain'), '"plain"');
    assert.equal(jqlString('say "hi" \\ (x) OR project = X'), '"say \\"hi\\" \\\\ (x) OR project = X"');
    assert.equal(jqlString('a\nb'), '"a b"');
    // The emulator's JQL parser reads each back as one clause with the original value.
    for (const hostile of ['x" OR labels = "y', 'end\\', '"]) AND (["', 'ORDER BY created', 'ü 日本 \u0007']) {
      const parsed = parseJql(`labels = ${jqlString(hostile)} AND project = "SEC" ORDER BY created ASC`);
      assert.ok(Array.isArray(parsed), String(parsed));
      assert.deepEqual(parsed, [{ field: 'labels', value: hostile.replace(/\u0007/, ' ') }, { field: 'project', value: 'SEC' }]);
    }
    assert.equal(searchJql('01ABC', 'SEC'), 'labels = "ir-incident-01ABC" AND project = "SEC" ORDER BY created ASC');
  });

  it('derives one bounded label per incident and a one-line summary of at most 255 characters', () => {
    assert.equal(incidentLabel('01J0ABC'), 'ir-incident-01J0ABC');
    assert.equal(incidentLabel('a b/c'), 'ir-incident-a-b-c');
    assert.ok(incidentLabel('x'.repeat(400)).length <= 255);
    const long = buildSummary(incident({ title: `line one\nline two ${'y'.repeat(400)}` }));
    assert.equal(long.length, 255);
    assert.ok(!/\n/.test(long));
    assert.match(long, /^\[HIGH\] line one line two y+…$/);
    // Jira counts UTF-16 units; an emoji is two, and is never cut in half.
    const emoji = buildSummary(incident({ title: '😀'.repeat(300) }));
    assert.ok(emoji.length <= 255 && emoji.length >= 253, String(emoji.length));
    assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(emoji), 'no lone surrogate');
  });

  it('maps severity to priority (configurable, empty = unset) and picks an assignee from a stable rota', () => {
    assert.equal(priorityFor('critical'), 'Highest');
    assert.equal(priorityFor('low', { low: 'Lowest' }), 'Lowest');
    assert.equal(priorityFor('high', { high: '' }), undefined);
    const inc = incident({ severity: 'high' });
    assert.equal(assigneeFor(inc, 'acc-1', { high: ['acc-2'] }), 'acc-1');
    const rota = { critical: ['c1'], high: ['h1', 'h2', 'h3'] };
    const pick = assigneeFor(inc, undefined, rota);
    assert.ok(['h1', 'h2', 'h3'].includes(pick!));
    assert.equal(assigneeFor(inc, undefined, rota), pick, 'a re-run assigns the same person');
    const picks = new Set(Array.from({ length: 40 }, () => assigneeFor(incident({ id: `id-${Math.random()}`, severity: 'high' }), undefined, rota)));
    assert.ok(picks.size > 1, 'the rota spreads incidents');
    assert.ok(['h1', 'h2', 'h3'].includes(assigneeFor(incident({ severity: 'medium' }), undefined, rota)!), 'medium has nobody: the high rota takes it');
    assert.equal(assigneeFor(incident({ severity: 'low' }), undefined, { critical: ['c1'] }), 'c1', 'a level without people falls to the next more severe one');
    assert.equal(assigneeFor(incident({ severity: 'critical' }), undefined, { low: ['l1'] }), undefined);
  });

  it('builds the description in ADF: severity, phase, observables with verdicts, timeline excerpt, Slack and PagerDuty links', () => {
    const inc = incident({ phase: 'detection-analysis' });
    inc.observables[0]!.verdict = 'malicious';
    inc.refs.slack = { channel: 'C0SEC', ts: '1700000000.000001' };
    inc.refs.pagerduty = { dedupKey: `ir-${inc.id}`, state: 'triggered' };
    appendTimeline(inc, { node, action: 'ip-lookup', outcome: 'ok', summary: '198.51.100.7 is malicious' });
    const doc = buildDescription(inc);
    assert.equal(adfProblem(doc), undefined);
    const all = texts(doc).join('|');
    for (const want of ['HIGH', 'detection-analysis', '198.51.100.7', 'malicious', 'not assessed', 'ip-lookup', 'dedup key ir-']) assert.ok(all.includes(want), `${want} missing`);
    const table = doc.content.find((n) => n.type === 'table')!;
    assert.equal(table.content!.length, 1 + inc.observables.length);
    const links = JSON.stringify(doc).match(/"href":"[^"]+"/g) ?? [];
    assert.deepEqual(links, ['"href":"https://slack.com/app_redirect?channel=C0SEC"']);
    // A hostile href in refs is shown as text, never as a link.
    inc.refs.pagerduty = { dedupKey: 'k', url: 'javascript:alert(1)' };
    assert.ok(!JSON.stringify(buildDescription(inc)).includes('javascript:'));
  });

  it('keeps descriptions and comments within Jira\'s 32,767 characters, whatever the alert holds', () => {
    const inc = incident();
    inc.observables = Array.from({ length: 400 }, (_, i) => ({ type: 'url' as const, value: `https://evil.example/${i}/${'a'.repeat(5000)}`, roles: ['related' as const], tags: [], verdict: 'malicious' as const }));
    for (let i = 0; i < 200; i++) appendTimeline(inc, { node, action: 'note', outcome: 'ok', summary: `${i} ${'"<&>'.repeat(2000)}` });
    const doc = buildDescription(inc);
    assert.equal(tooLong(doc), undefined);
    assert.equal(adfProblem(doc), undefined);
    assert.ok(texts(doc).some((t) => /more observables$/.test(t)));
    const comment = buildComment(inc.timeline, inc);
    assert.equal(tooLong(comment), undefined);
    assert.ok(texts(comment).some((t) => /earlier entries left out/.test(t)));
  });

  it('builds create fields: label from the incident id, priority, assignee, components, custom fields', () => {
    const inc = incident({ severity: 'critical' });
    const fields = buildIssueFields(inc, { ...settings, labels: ['soc', 'two words'], components: ['SOC', ' '], assignee: 'acc-9', customFields: { customfield_10042: 'SOC' } });
    assert.deepEqual(fields.labels, [incidentLabel(inc.id), 'soc', 'two-words']);
    assert.deepEqual(fields.priority, { name: 'Highest' });
    assert.deepEqual(fields.assignee, { accountId: 'acc-9' });
    assert.deepEqual(fields.components, [{ name: 'SOC' }]);
    assert.equal(fields.customfield_10042, 'SOC');
    assert.throws(() => buildIssueFields(inc, { ...settings, customFields: { project: { key: 'X' } } }), /may not set 'project'/);
    assert.deepEqual(parseCustomFields('{"customfield_1": {"value": "a"}}'), { customfield_1: { value: 'a' } });
    assert.deepEqual(parseCustomFields(''), {});
    assert.throws(() => parseCustomFields('{nope'), /not valid JSON/);
    assert.throws(() => parseCustomFields('[1]'), /must be a JSON object/);
  });

  it("turns Jira's errorMessages and errors into one sentence", () => {
    assert.equal(describeJiraErrorBody({ errorMessages: [], errors: { priority: "Field 'priority' cannot be set. It is not on the appropriate screen, or unknown." } }, 'create issue'),
      "field 'priority' cannot be set: it is not on the create screen (or unknown to this project and issue type); add it to the screen in Jira or clear it in the jira-ticket node");
    assert.equal(describeJiraErrorBody({ errorMessages: ['Issue does not exist'], errors: { summary: 'too long' } }), "Issue does not exist; field 'summary': too long");
  });

  it('serialises per key: same key in order, other keys alongside', async () => {
    const q = new KeyedSerialQueue();
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const a1 = q.run('a', async () => { await gate; order.push('a1'); });
    const a2 = q.run('a', async () => { order.push('a2'); });
    const b1 = q.run('b', async () => { order.push('b1'); });
    await b1;
    assert.deepEqual(order, ['b1']);
    assert.equal(q.depth('a'), 2);
    release();
    await Promise.all([a1, a2]);
    assert.deepEqual(order, ['b1', 'a1', 'a2']);
    assert.equal(q.size, 0);
  });

  describe('against the emulator', () => {
    let jira: JiraEmulator;
    let client: HttpClient;
    const api = (overrides: { email?: string; apiToken?: string } = {}) => {
      const invoker = createInvoker({ mode: 'live', client });
      return { invoker, api: new JiraApi(invoker, { siteUrl: jira.url, email: JIRA_EMAIL, apiToken: JIRA_TOKEN, ...overrides }) };
    };
    before(async () => {
      jira = await startJira({ searchPageSize: 1 });
      client = createHttpClient({ retry: { maxRetries: 3, baseDelayMs: 5 }, rateLimit: false, proxy: 'none' });
    });
    afterEach(() => jira.reset());
    after(async () => {
      await client.close();
      await jira.close();
    });

    it('creates one issue, then finds it by its key and comments only new timeline entries', async () => {
      const inc = incident();
      const first = await syncIncident(api().api, inc, settings);
      assert.equal(first.action, 'created');
      assert.equal(first.ref.key, 'SEC-1');
      assert.equal(first.ref.url, `${jira.url}/browse/SEC-1`);
      const issue = jira.issue('SEC-1')!;
      assert.deepEqual(issue.fields.labels, [incidentLabel(inc.id)]);
      assert.deepEqual(issue.fields.priority, { name: 'High' });
      assert.equal(issue.fields.summary, `[HIGH] ${inc.title}`);
      const created = jira.requestsTo('POST', '/rest/api/3/issue')[0]!;
      assert.match(String(created.headers.authorization), /^Basic /);

      inc.refs.jira = first.ref;
      const same = await syncIncident(api().api, inc, settings);
      assert.equal(same.action, 'unchanged');
      assert.equal(same.foundBy, 'ref');
      assert.equal(issue.comments.length, 0);

      appendTimeline(inc, { node, action: 'ip-lookup', outcome: 'ok', summary: 'looked up 198.51.100.7' });
      appendTimeline(inc, { node: { type: 'ir-jira-ticket', id: 'j' }, action: 'jira-ticket', outcome: 'ok', summary: 'own entry, not commented' });
      inc.refs.jira = same.ref;
      const later = await syncIncident(api().api, inc, settings);
      assert.equal(later.action, 'updated');
      assert.equal(later.commented, 1);
      assert.equal(issue.comments.length, 1);
      assert.match(JSON.stringify(issue.comments[0]!.body), /looked up 198\.51\.100\.7/);
      assert.ok(!JSON.stringify(issue.comments[0]!.body).includes('own entry'));
      inc.refs.jira = later.ref;
      await syncIncident(api().api, inc, settings);
      assert.equal(issue.comments.length, 1, 'nothing new: no second comment');
      assert.equal(jira.issues.length, 1);
    });

    it('a re-run without refs finds the issue by its label through search/jql pages (nextPageToken)', async () => {
      const inc = incident();
      const other = jira.seed('SEC', { labels: ['unrelated'], summary: 'x' });
      const existing = jira.seed('SEC', { labels: [incidentLabel(inc.id)], summary: 'y' });
      const dup = jira.seed('SEC', { labels: [incidentLabel(inc.id)], summary: 'z' });
      const res = await syncIncident(api().api, inc, settings);
      assert.equal(res.foundBy, 'search');
      assert.equal(res.ref.key, existing.key);
      assert.notEqual(other.key, existing.key);
      assert.match(res.notes.join(' '), new RegExp(`2 issues carry the label.*${dup.key}`));
      assert.equal(jira.issues.length, 3, 'nothing created');
      const searches = jira.requestsTo('GET', '/rest/api/3/search/jql');
      assert.equal(searches.length, 2, 'two pages of one issue each');
      assert.ok(searches[1]!.query.nextPageToken);
      assert.equal(searches[0]!.query.jql, searchJql(inc.id, 'SEC'));
    });

    it('a hostile title (quotes, brackets, JQL words, newlines, emoji, 2000 characters) still makes one valid issue', async () => {
      const title = `"]) OR labels is EMPTY ORDER BY key -- \n${'😀'.repeat(150)}${'x'.repeat(2000)}`;
      const inc = incident({ title });
      const res = await syncIncident(api().api, inc, settings);
      assert.equal(res.action, 'created');
      const summary = String(jira.issue(res.ref.key)!.fields.summary);
      assert.ok(summary.length <= 255);
      assert.ok(summary.startsWith('[HIGH] "]) OR labels is EMPTY ORDER BY key -- 😀'));
      inc.refs = {};
      assert.equal((await syncIncident(api().api, inc, settings)).foundBy, 'search');
      assert.equal(jira.issues.length, 1);
    });

    it('a vanished issue is looked for again and, if gone, made anew', async () => {
      const inc = incident();
      inc.refs.jira = { key: 'SEC-99', timelineSynced: 0 } satisfies JiraRef;
      const res = await syncIncident(api().api, inc, settings);
      assert.equal(res.action, 'created');
      assert.match(res.notes[0]!, /SEC-99 no longer exists/);
    });

    it('transitions through the available transitions to the configured status, once', async () => {
      const inc = incident();
      const made = await syncIncident(api().api, inc, { ...settings, transitions: { contained: 'In Progress', resolved: 'Done' } });
      inc.refs.jira = made.ref;
      inc.status = 'contained';
      const moved = await syncIncident(api().api, inc, { ...settings, transitions: { contained: 'In Progress', resolved: 'Done' } });
      assert.deepEqual(moved.transition, { from: 'To Do', to: 'In Progress', via: 'Start work' });
      inc.refs.jira = moved.ref;
      await syncIncident(api().api, inc, { ...settings, transitions: { contained: 'In Progress', resolved: 'Done' } });
      inc.status = 'resolved';
      const done = await syncIncident(api().api, inc, { ...settings, transitions: { contained: 'In Progress', resolved: 'Done' } });
      assert.equal(done.transition?.to, 'Done');
      assert.deepEqual(jira.issue(made.ref.key)!.transitions, ['Start work', 'Resolve']);
      assert.equal(jira.issue(made.ref.key)!.status, 'Done');
    });

    it('a target the workflow cannot reach: a clear failure, and the ref is kept', async () => {
      const inc = incident({ status: 'resolved' });
      const res = await syncIncident(api().api, inc, { ...settings, transitions: { resolved: 'Closed' } });
      assert.equal(res.action, 'created');
      assert.ok(res.failure instanceof JiraTicketError);
      assert.match(res.failure.message, /no transition to 'Closed'.*available: Start work → In Progress, Resolve → Done/);
      assert.equal(res.ref.key, 'SEC-1');
    });

    it('maps field errors, unknown project, 401 and exhausted 429s into clear errors', async () => {
      const inc = incident();
      await assert.rejects(syncIncident(api().api, inc, { ...settings, project: 'OPS', issueType: 'Task' }),
        (e: Error) => e instanceof JiraTicketError && /^Jira create issue in OPS failed: field 'priority' cannot be set: it is not on the create screen/.test(e.message));
      await assert.rejects(syncIncident(api().api, inc, { ...settings, issueType: 'Epic' }), /field 'issuetype': Specify a valid issue type/);
      await assert.rejects(syncIncident(api().api, inc, { ...settings, components: ['Nope'] }), /field 'components': Component name 'Nope' is not valid/);
      await assert.rejects(syncIncident(api({ apiToken: 'wrong-token-123' }).api, inc, settings),
        (e: Error) => e instanceof JiraTicketError && e.status === 401 && /rejected the credentials \(401\)/.test(e.message)
          // Nothing a log or a debug node prints of the error (its causes included) holds the token.
          && !inspect(e, { depth: 10, showHidden: true }).includes('wrong-token-123')
          && !inspect(e, { depth: 10, showHidden: true }).includes(Buffer.from(`${JIRA_EMAIL}:wrong-token-123`).toString('base64')));
      await assert.rejects(syncIncident(api().api, inc, { ...settings, project: 'NOPE' }), /field 'project': valid project is required/);
      jira.reset();
      jira.script('GET', '/rest/api/3/search/jql', faults.tooManyRequests(0), faults.tooManyRequests(0), faults.tooManyRequests(0), faults.tooManyRequests(0));
      await assert.rejects(syncIncident(api().api, inc, settings), (e: Error) => e instanceof JiraTicketError && e.transient && /rate limit.*429/.test(e.message));
      assert.equal(jira.requestsTo('GET', '/rest/api/3/search/jql').length, 4, 'the policy retried three times, jira.js none');
      assert.equal(jira.issues.length, 0);
    });

    it('rides out a 429 with Retry-After and a 503 on reads; a create is not repeated after a 5xx', async () => {
      const inc = incident();
      jira.script('GET', '/rest/api/3/search/jql', faults.tooManyRequests(0), faults.serverError(503));
      const res = await syncIncident(api().api, inc, settings);
      assert.equal(res.action, 'created');
      assert.equal(jira.requestsTo('GET', '/rest/api/3/search/jql').length, 3);

      const again = incident();
      jira.script('POST', '/rest/api/3/issue', faults.serverError(502, { errorMessages: ['Bad gateway'] }));
      await assert.rejects(syncIncident(api().api, again, settings), /HTTP 502 \(Jira outage\? sent once: this call is not repeated, it could act twice\): Bad gateway/);
      assert.equal(jira.requestsTo('POST', '/rest/api/3/issue').length, 2, 'one create each: a POST is not retried after a 5xx');
    });

    it('a network failure names Jira as unreachable', async () => {
      const invoker = createInvoker({ mode: 'live', client });
      const down = new JiraApi(invoker, { siteUrl: 'http://127.0.0.1:1', email: JIRA_EMAIL, apiToken: JIRA_TOKEN });
      await assert.rejects(syncIncident(down, incident(), settings), (e: Error) => e instanceof JiraTicketError && /Jira unreachable/.test(e.message) && e.transient);
      assert.equal(invoker.calls[0]!.outcome, 'error');
    });

    it('keeps a site URL\'s own path (Jira behind a proxy at /jira)', async () => {
      const invoker = createInvoker({ mode: 'dry-run' });
      const behind = new JiraApi(invoker, { siteUrl: 'http://127.0.0.1:18999/jira/' });
      await syncIncident(behind, incident(), { ...settings, dryRun: true });
      assert.deepEqual(invoker.calls.map((c) => new URL(c.url).pathname), ['/jira/rest/api/3/search/jql', '/jira/rest/api/3/issue']);
      assert.equal(behind.issueUrl('SEC-1'), 'http://127.0.0.1:18999/jira/browse/SEC-1');
    });

    it('dry-run: a status the default workflow lacks is still recorded as a transition call', async () => {
      const invoker = createInvoker({ mode: 'dry-run' });
      const inc: Incident = { ...incident(), status: 'resolved', refs: { jira: { key: 'SEC-DRYRUN', timelineSynced: 0, dryRun: true } } };
      const res = await syncIncident(new JiraApi(invoker, { siteUrl: jira.url }), { ...inc, timeline: [] }, { ...settings, dryRun: true, transitions: { resolved: 'Closed' } });
      assert.equal(res.failure, undefined);
      assert.deepEqual(res.transition, { to: 'Closed', via: 'Closed', dryRun: true });
      assert.deepEqual(invoker.calls.map((c) => c.operation), ['jira.getTransitions', 'jira.doTransition']);
      assert.deepEqual(invoker.calls[1]!.body, { transition: { id: '0' } });
      assert.equal(jira.requests.length, 0);
    });

    it('dry-run: the recorded createIssue body keeps the description\'s paragraph and table text', async () => {
      const invoker = createInvoker({ mode: 'dry-run' });
      const inc = incident({ title: 'readable record' });
      for (let i = 0; i < 40; i++) appendTimeline(inc, { node, action: 'note', outcome: 'ok', summary: `timeline line ${i}` });
      await syncIncident(new JiraApi(invoker, { siteUrl: jira.url }), inc, { ...settings, dryRun: true });
      const body = invoker.calls[1]!.body as { fields: { description: AdfNode } };
      const recorded = JSON.stringify(body);
      assert.ok(recorded.length > 4096, 'large enough to be shrunk');
      assert.ok(!recorded.includes('nested deeper'), 'no ADF content cut for depth');
      const sent = buildDescription(inc);
      const recordedTexts = texts(body.fields.description);
      // Paragraph text and table-cell text (observables, timeline rows) as sent.
      for (const t of texts(sent).slice(0, 12)) assert.ok(recordedTexts.includes(t), `recorded: ${t}`);
      assert.ok(recordedTexts.includes(inc.observables[0]!.value), 'a table cell');
      assert.ok(recordedTexts.some((t) => t.endsWith('timeline line 25')), 'a timeline row (the first of the latest 15; lists keep 10)');
    });

    it('dry-run: records search and create, sends nothing, and later comments on the made-up key', async () => {
      const invoker = createInvoker({ mode: 'dry-run' });
      const dry = new JiraApi(invoker, { siteUrl: jira.url, missingCredentials: ['email', 'apiToken'] });
      const inc = incident({ title: 'dry "run"' });
      const res = await syncIncident(dry, inc, { ...settings, dryRun: true });
      assert.equal(res.action, 'created');
      assert.equal(res.ref.dryRun, true);
      assert.equal(res.ref.url, undefined);
      assert.deepEqual(invoker.calls.map((c) => c.operation), ['jira.search', 'jira.createIssue']);
      assert.deepEqual(invoker.calls[1]!.missingCredentials, ['email', 'apiToken']);
      assert.equal((invoker.calls[1]!.body as { fields: { summary: string } }).fields.summary, '[HIGH] dry "run"');
      assert.equal(jira.requests.length, 0);

      const inc2: Incident = { ...inc, refs: { jira: res.ref }, status: 'resolved' };
      appendTimeline(inc2, { node, action: 'note', outcome: 'ok', summary: 'a note' });
      const invoker2 = createInvoker({ mode: 'dry-run' });
      const later = await syncIncident(new JiraApi(invoker2, { siteUrl: jira.url }), inc2, { ...settings, dryRun: true });
      assert.equal(later.commented, 1);
      assert.deepEqual(later.transition, { to: 'Done', via: 'Done', dryRun: true });
      // The transition live would make is recorded too, with the simulated workflow's id.
      assert.deepEqual(invoker2.calls.map((c) => c.operation), ['jira.addComment', 'jira.getTransitions', 'jira.doTransition']);
      assert.equal(invoker2.calls[2]!.method, 'POST');
      assert.match(invoker2.calls[2]!.url, /\/rest\/api\/3\/issue\/SEC-DRYRUN\/transitions$/);
      assert.deepEqual(invoker2.calls[2]!.body, { transition: { id: '31' } });
      assert.equal(jira.requests.length, 0);

      // Live later ignores the dry-run key and looks for a real issue.
      const live = await syncIncident(api().api, inc2, settings);
      assert.equal(live.action, 'created');
      assert.equal(live.ref.dryRun, undefined);

      // Back in dry-run, the live issue's ref is left as it was: its comment was never sent.
      const before = structuredClone(live.ref);
      const inc3: Incident = { ...inc2, refs: { jira: structuredClone(live.ref) }, timeline: [...inc2.timeline] };
      appendTimeline(inc3, { node, action: 'note', outcome: 'ok', summary: 'later note' });
      const invoker3 = createInvoker({ mode: 'dry-run' });
      const back = await syncIncident(new JiraApi(invoker3, { siteUrl: jira.url }), inc3, { ...settings, dryRun: true });
      assert.equal(back.commented, 1);
      assert.deepEqual(back.ref, before);
      assert.equal(back.ref.timelineSynced, inc2.timeline.length);
      assert.equal(jira.issue(live.ref.key)!.comments.length, 0);
    });
  });
});
