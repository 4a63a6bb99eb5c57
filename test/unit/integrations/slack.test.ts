import assert from 'node:assert/strict';
import { createHttpClient, type HttpClient } from '../../../core/http';
import { createInvoker } from '../../../core/integrations';
import {
  approvalLinksOf, buildIncidentMessage, describeChanges, escapeMrkdwn, LIMITS, notifyIncident, SlackApi, SlackNotifyError, truncate, type SlackRef,
} from '../../../core/integrations/slack';
import { createHold } from '../../../core/approval/holds';
import { assignOwner, closeIncident } from '../../../core/actions/analyst';
import type { Hold, Incident } from '../../../core/model/types';
import { faults } from '../../emulators/server';
import { SLACK_TOKEN, startSlack, type SlackEmulator } from '../../emulators/slack';
import { incident, observable } from '../../helpers/fixtures';

describe('integrations: Slack', () => {
  describe('message building', () => {
    it('escapes alert text so it cannot mention, broadcast or disguise a link', () => {
      const inc = incident({ title: '<!channel> <@U123> <https://evil.example|bank> & co' });
      inc.observables = [observable('url', '<https://evil.example|https://intranet>')];
      const msg = buildIncidentMessage(inc);
      const all = JSON.stringify(msg);
      for (const bad of ['<!channel>', '<@U123>', '<https://evil.example|']) assert.ok(!all.includes(bad), bad);
      assert.ok(all.includes('&lt;!channel&gt;'));
      assert.equal(escapeMrkdwn('a & <b>'), 'a &amp; &lt;b&gt;');
    });

    it('says in the thread how a held step was decided (its approval link is dead now), escaped', () => {
      const inc = incident({ phase: 'detection-analysis' });
      const previous: SlackRef = { channel: 'C1', ts: '1.2', severity: inc.severity, status: inc.status, phase: inc.phase, alertCount: inc.alertCount, pendingApprovals: 1 };
      inc.holds = [{
        id: 'h1', gate: { type: 'ir-phase-gate', id: 'g' }, phase: 'containment-eradication-recovery', state: 'denied', tokens: [],
        createdAt: '2026-03-01T10:00:00.000Z', expiresAt: '2026-03-01T14:00:00.000Z', decidedAt: '2026-03-01T10:05:00.000Z', decidedBy: '<!channel> bob', reason: 'false positive',
      }];
      assert.deepEqual(describeChanges(previous, inc), ['Approval before *containment-eradication-recovery* denied by &lt;!channel&gt; bob — false positive']);
      inc.holds[0]!.state = 'expired';
      delete inc.holds[0]!.decidedBy;
      delete inc.holds[0]!.reason;
      assert.deepEqual(describeChanges(previous, inc), ['Approval before *containment-eradication-recovery* expired']);
      assert.deepEqual(describeChanges({ ...previous, pendingApprovals: 0 }, inc), [], 'told once');
    });

    it('tells a decided hold and a new one apart by id, even when the count of pending holds stays the same', () => {
      const inc = incident({ framework: 'nist-800-61r2', phase: 'containment-eradication-recovery' });
      const hold = (id: string, phase: string, state: 'pending' | 'approved', decidedAt?: string) => ({
        id, gate: { type: 'ir-phase-gate', id: 'g' }, phase, state, tokens: [],
        createdAt: '2026-03-01T10:00:00.000Z', expiresAt: '2026-03-01T14:00:00.000Z', ...(decidedAt ? { decidedAt, decidedBy: 'alice' } : {}),
      });
      // The message showed hold A waiting; since then A was approved and the next gate held B.
      inc.holds = [hold('a', 'containment-eradication-recovery', 'approved', '2026-03-01T10:05:00.000Z'), hold('b', 'post-incident', 'pending')];
      const previous: SlackRef = { channel: 'C1', ts: '1.2', severity: inc.severity, status: inc.status, phase: inc.phase, alertCount: inc.alertCount, pendingApprovals: 1, pendingHolds: ['a'] };
      assert.deepEqual(describeChanges(previous, inc), [
        'Waiting for approval before *Post-Incident Activity*',
        'Approval before *Containment, Eradication and Recovery* approved by alice',
      ]);
      assert.deepEqual(describeChanges({ ...previous, pendingHolds: ['b'] }, inc), [], 'nothing new since B was shown');
    });

    const refOf = (inc: Incident, over: Partial<SlackRef> = {}): SlackRef => ({
      channel: 'C1', ts: '1.2', severity: inc.severity, status: inc.status, alertCount: inc.alertCount, pendingApprovals: 0,
      ...(inc.phase !== undefined ? { phase: inc.phase } : {}), ...over,
    });
    const field = (inc: Incident, name: string): string | undefined => {
      for (const b of buildIncidentMessage(inc).blocks) {
        const f = b.type === 'section' ? b.fields?.find((t) => t.text.startsWith(`*${name}*\n`)) : undefined;
        if (f) return f.text.slice(name.length + 3);
      }
      return undefined;
    };
    const hold = (over: Partial<Hold>): Hold => ({
      id: 'h', gate: { type: 'ir-phase-gate', id: 'g' }, phase: 'containment-eradication-recovery', state: 'denied', tokens: [],
      createdAt: '2026-03-01T10:00:00.000Z', expiresAt: '2026-03-01T14:00:00.000Z', decidedAt: '2026-03-01T10:05:00.000Z', ...over,
    });

    it('says how a closed incident ended: resolution in the Status field, resolution and reason (escaped, cut) in the thread', () => {
      const inc = incident({ status: 'acknowledged' });
      const previous = refOf(inc);
      closeIncident(inc, 'false-positive', '<!channel> probe misconfigured', { user: 'alice', now: new Date('2026-03-01T11:00:00.000Z') });
      assert.equal(field(inc, 'Status'), 'closed — false positive');
      assert.deepEqual(describeChanges(previous, inc), ['Status acknowledged → *closed* as a false positive: &lt;!channel&gt; probe misconfigured']);
      assert.ok(!JSON.stringify(buildIncidentMessage(inc)).includes('<!channel>'));
      assert.match(buildIncidentMessage(inc).text, /\(closed — false positive, /);

      // The newest close counts; no reason given: no colon.
      inc.timeline.push({ ...inc.timeline.at(-1)!, details: { resolution: 'resolved', reason: null } });
      inc.resolution = 'resolved';
      assert.equal(field(inc, 'Status'), 'closed — resolved');
      assert.deepEqual(describeChanges(previous, inc), ['Status acknowledged → *closed* as resolved']);

      // A long reason is cut, never inside an escape.
      inc.timeline.push({ ...inc.timeline.at(-1)!, details: { reason: '<'.repeat(500) } });
      const [line] = describeChanges(previous, inc);
      assert.ok(line!.length < 300, line);
      assert.match(line!, /(&lt;)+… \(truncated\)$/);

      // Playbook-resolved: the status already says it.
      const done = incident({ status: 'resolved', resolution: 'resolved' });
      assert.equal(field(done, 'Status'), 'resolved');
    });

    it('lists the newest decided holds in the message: who decided, why, expired or withdrawn (escaped)', () => {
      const inc = incident({ framework: 'nist-800-61r2', phase: 'detection-analysis' });
      inc.holds = [
        hold({ id: 'a', phase: 'detection-analysis', state: 'approved', decidedBy: 'alice', decidedAt: '2026-03-01T10:01:00.000Z' }),
        hold({ id: 'b', state: 'denied', decidedBy: 'bob', reason: '<!channel> false alarm', decidedAt: '2026-03-01T10:02:00.000Z' }),
        hold({ id: 'c', state: 'expired', decidedAt: '2026-03-01T10:03:00.000Z' }),
        hold({ id: 'd', phase: 'made-up', state: 'approved', decidedBy: 'carol', decidedAt: '2026-03-01T10:00:00.000Z' }),
        hold({ id: 'e', state: 'pending', decidedAt: undefined }),
      ];
      const section = buildIncidentMessage(inc).blocks.find((b) => b.type === 'section' && b.text?.text.startsWith('Approval before'));
      assert.equal(section?.type === 'section' && section.text?.text, [
        'Approval before *Containment, Eradication and Recovery*: expired',
        'Approval before *Containment, Eradication and Recovery*: denied by bob — &lt;!channel&gt; false alarm',
        'Approval before *Detection and Analysis*: approved by alice',
      ].join('\n'), 'newest 3, the oldest (carol) left out');

      // Closing withdraws the pending hold: nobody denied it.
      const open = incident({ phase: 'detection-analysis' });
      open.holds = [hold({ state: 'pending', decidedAt: undefined })];
      const previous = refOf(open, { pendingApprovals: 1 });
      closeIncident(open, 'resolved', '', { user: 'alice', now: new Date('2026-03-01T11:00:00.000Z') });
      assert.match(JSON.stringify(buildIncidentMessage(open)), /Approval before \*containment-eradication-recovery\*: withdrawn \(incident closed\)/);
      assert.deepEqual(describeChanges(previous, open), ['Status open → *closed* as resolved', 'Approval before *containment-eradication-recovery* withdrawn (incident closed)']);
    });

    it('tells the thread about a new owner, and keeps the owner in the ref', async () => {
      const inc = incident();
      const old = refOf(inc); // a ref from before owners were kept
      assert.deepEqual(describeChanges(old, inc), [], 'no owner, no owner in the ref: no change');
      assignOwner(inc, '<!channel> alice', { user: 'bob' });
      const changes = describeChanges(old, inc);
      assert.ok(changes.includes('Owner → *&lt;!channel&gt; alice*'), changes.join('|'));
      assert.deepEqual(describeChanges({ ...refOf(inc), owner: '<!channel> alice' }, inc), []);

      const res = await notifyIncident(new SlackApi(createInvoker({ mode: 'dry-run' })), inc, 'C0SEC', { dryRun: true });
      assert.equal(res.ref.owner, '<!channel> alice');
      const none = await notifyIncident(new SlackApi(createInvoker({ mode: 'dry-run' })), incident(), 'C0SEC', { dryRun: true });
      assert.ok(!('owner' in none.ref));
    });

    it('names phases by their framework label, the id when the framework does not know it', () => {
      const inc = incident({ framework: 'nist-800-61r2', phase: 'containment-eradication-recovery' });
      const previous = refOf(inc, { phase: 'detection-analysis' });
      inc.holds = [hold({ phase: 'post-incident', state: 'pending', decidedAt: undefined })];
      assert.deepEqual(describeChanges(previous, inc), [
        'Phase Detection and Analysis → *Containment, Eradication and Recovery*',
        'Waiting for approval before *Post-Incident Activity*',
      ]);
      assert.equal(field(inc, 'Phase'), 'Containment, Eradication and Recovery');
      assert.match(buildIncidentMessage(inc).text, /Containment, Eradication and Recovery\)$/);
      assert.match(JSON.stringify(buildIncidentMessage(inc, { approval: { approve: 'https://nr.example.org/a' } })), /\|Approve \(Post-Incident Activity\)>/);
      assert.equal(field({ ...inc, phase: 'custom<step>' }, 'Phase'), 'custom&lt;step&gt;');
      assert.equal(field({ ...inc, framework: 'unknown-fw' }, 'Phase'), 'containment-eradication-recovery');
    });

    it('keeps block limits, truncating with a marker', () => {
      const inc = incident({ title: 'x'.repeat(5000) });
      inc.observables = Array.from({ length: 40 }, (_, i) => observable('domain', `${'d'.repeat(900)}${i}.example`));
      const msg = buildIncidentMessage(inc);
      const header = msg.blocks[0] as { text: { text: string } };
      assert.ok(header.text.text.length <= LIMITS.header);
      assert.match(header.text.text, /truncated\)$/);
      for (const b of msg.blocks) if (b.type === 'section' && b.text) assert.ok(b.text.text.length <= LIMITS.section);
      assert.ok(msg.text.length <= LIMITS.text);
      assert.ok(msg.blocks.length <= 50);
      assert.equal(truncate('a &amp; b', 6, '…'), 'a …'); // never half an escape
    });

    it('shows severity, phase, observables with verdicts, links, and mentions a group only for high/critical', () => {
      const inc = incident({ severity: 'critical', phase: 'detection-analysis' });
      inc.observables[0]!.verdict = 'malicious';
      inc.refs.jira = { key: 'SEC-7', url: 'https://jira.example/browse/SEC-7' };
      const text = JSON.stringify(buildIncidentMessage(inc, { mentionGroup: 'S0ONCALL' }));
      for (const part of ['CRITICAL', 'detection-analysis', '198.51.100.7', 'malicious', '<https://jira.example/browse/SEC-7|Jira SEC-7>', '<!subteam^S0ONCALL>']) assert.ok(text.includes(part), part);
      assert.ok(!JSON.stringify(buildIncidentMessage(incident({ severity: 'medium' }), { mentionGroup: 'S0ONCALL' })).includes('subteam'));
    });
  });

  describe('approval links', () => {
    const gate = { type: 'ir-phase-gate', id: 'g1' };
    const policy = { mode: 'always' as const, minSeverity: 'high' as const, approvers: [] as string[], timeoutMs: 60_000 };

    it('puts Approve and Deny side by side while the hold is pending', () => {
      const inc = incident({ phase: 'detection-analysis' });
      const { links } = createHold(inc, gate, 'containment-eradication-recovery', policy, 'https://nr.example.org/');
      const approval = approvalLinksOf({ holdId: 'x', ...links });
      assert.deepEqual(approval, { approve: links.approve, deny: links.deny });
      const text = JSON.stringify(buildIncidentMessage(inc, { approval }));
      assert.ok(text.includes(`<${links.approve}|Approve (containment-eradication-recovery)>  ·  <${links.deny}|Deny (containment-eradication-recovery)>`), text);
      // Decided: the links are dead, the message drops them.
      inc.holds[0]!.state = 'approved';
      assert.doesNotMatch(JSON.stringify(buildIncidentMessage(inc, { approval })), /ir-approval/);
    });

    it('never posts an approver\'s personal links into the channel: it names who decides, escaped', () => {
      const inc = incident({ phase: 'detection-analysis' });
      const { links } = createHold(inc, gate, 'containment-eradication-recovery', { ...policy, approvers: ['alice', '<!channel> bob'] }, 'https://nr.example.org/');
      assert.equal(links.approvers?.length, 2);
      assert.equal(approvalLinksOf({ holdId: 'x', ...links }), undefined, 'personal links are not shared links');
      const msg = buildIncidentMessage(inc, { approval: approvalLinksOf(links) });
      const text = JSON.stringify(msg);
      assert.doesNotMatch(text, /ir-approval/);
      assert.ok(!text.includes('<!channel>'));
      const notice = msg.blocks.find((b) => b.type === 'section' && b.text?.text.startsWith('Approval before'));
      assert.equal(notice?.type === 'section' && notice.text?.text,
        'Approval before *containment-eradication-recovery* is up to alice, &lt;!channel&gt; bob, with the personal approval links they were sent or in the incident sidebar of the Node-RED editor.');
      assert.equal(approvalLinksOf('https://x'), undefined);
      assert.deepEqual(approvalLinksOf({ approve: 42, deny: 'https://nr.example.org/d' }), { deny: 'https://nr.example.org/d' });
    });
  });

  describe('against the emulator', () => {
    let slack: SlackEmulator;
    let client: HttpClient;
    before(async () => {
      slack = await startSlack();
      client = createHttpClient({ retry: { maxRetries: 3, baseDelayMs: 5 }, rateLimit: { requestsPerSecond: 1000, maxQueue: 1000 }, proxy: 'none' });
    });
    afterEach(() => slack.reset());
    after(async () => {
      await client.close();
      await slack.close();
    });
    const api = (token = SLACK_TOKEN) => new SlackApi(createInvoker({ mode: 'live', client }), { token, apiUrl: slack.apiUrl });

    it('posts once, then updates the message and replies in its thread', async () => {
      const inc = incident({ phase: 'detection-analysis' });
      const first = await notifyIncident(api(), inc, 'C0SEC', { dryRun: false });
      assert.equal(first.action, 'posted');
      inc.refs.slack = first.ref;
      inc.phase = 'containment-eradication-recovery';
      const second = await notifyIncident(api(), inc, 'C0SEC', { dryRun: false });
      assert.equal(second.action, 'updated');
      inc.refs.slack = second.ref;
      const third = await notifyIncident(api(), inc, 'C0SEC', { dryRun: false });
      assert.equal(third.action, 'unchanged');
      assert.equal(slack.topLevel('C0SEC').length, 1);
      const top = slack.topLevel('C0SEC')[0]!;
      assert.equal(top.updates.length, 1);
      assert.match(top.text, /containment/);
      const replies = slack.replies('C0SEC', top.ts);
      assert.equal(replies.length, 1);
      assert.match(replies[0]!.text, /Phase detection-analysis → \*containment-eradication-recovery\*/);
      const form = slack.requestsTo('POST', '/api/chat.postMessage')[0]!.form!;
      assert.ok(JSON.parse(form.blocks!));
      assert.equal(slack.requests[0]!.headers.authorization, `Bearer ${SLACK_TOKEN}`);
    });

    it('maps Slack errors to words a user can act on', async () => {
      await assert.rejects(api().postMessage('C0NOPE', { text: 't', blocks: [] }), (e: unknown) => e instanceof SlackNotifyError && e.slackError === 'channel_not_found' && /channel C0NOPE not found/.test(e.message));
      await assert.rejects(api().postMessage('C0OUT', { text: 't', blocks: [] }), /not a member of C0OUT: type \/invite/);
      await assert.rejects(api('xoxb-wrong').postMessage('C0SEC', { text: 't', blocks: [] }), (e: unknown) => e instanceof SlackNotifyError && e.slackError === 'invalid_auth' && /bot token/.test(e.message) && !e.message.includes('xoxb-wrong'));
    });

    it('waits out a 429 Retry-After through the policy, then delivers', async () => {
      slack.script('POST', '/api/chat.postMessage', faults.tooManyRequests(1));
      const started = Date.now();
      const posted = await api().postMessage('C0SEC', { text: 'hello', blocks: [] });
      assert.ok(Date.now() - started >= 900);
      assert.ok(posted.ts);
      assert.equal(slack.requestsTo('POST', '/api/chat.postMessage').length, 2);
    });

    it('rides out a short outage (503s) and delivers once', async () => {
      slack.script('POST', '/api/chat.postMessage', faults.serverError(503), faults.serverError(502));
      await api().postMessage('C0SEC', { text: 'after outage', blocks: [] });
      assert.equal(slack.messages.length, 1);
      assert.equal(slack.requestsTo('POST', '/api/chat.postMessage').length, 3);
    });

    it('reports an outage that outlasts the retries', async () => {
      slack.script('POST', '/api/chat.postMessage', ...Array.from({ length: 4 }, () => faults.serverError(503)));
      await assert.rejects(api().postMessage('C0SEC', { text: 'x', blocks: [] }), (e: unknown) => e instanceof SlackNotifyError && e.transient && /HTTP 503/.test(e.message));
    });

    it('dry-run sends nothing and records the call with the token redacted', async () => {
      const inv = createInvoker({ mode: 'dry-run' });
      const res = await notifyIncident(new SlackApi(inv, { token: SLACK_TOKEN, apiUrl: slack.apiUrl }), incident(), 'C0SEC', { dryRun: true });
      assert.equal(res.action, 'posted');
      assert.equal(res.ref.dryRun, true);
      assert.equal(slack.requests.length, 0);
      assert.equal(inv.calls.length, 1);
      assert.equal(inv.calls[0]!.operation, 'slack.chat.postMessage');
      assert.equal(inv.calls[0]!.outcome, 'dry-run');
      assert.ok(!JSON.stringify(inv.calls).includes(SLACK_TOKEN));
      assert.equal((inv.calls[0]!.body as Record<string, string>).channel, 'C0SEC');
    });

    it('posts anew in live mode when the message was only dry-run', async () => {
      const inc = incident();
      inc.refs.slack = { channel: 'C0SEC', ts: '1.1', severity: inc.severity, status: 'acknowledged', alertCount: 1, dryRun: true } satisfies SlackRef;
      const res = await notifyIncident(api(), inc, 'C0SEC', { dryRun: false });
      assert.equal(res.action, 'posted');
      assert.equal(slack.topLevel('C0SEC').length, 1);
    });
  });
});
