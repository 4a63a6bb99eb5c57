import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import supertest from 'supertest';
import { dedupKeyFor } from '../../core/integrations/pagerduty';
import type { Incident } from '../../core/model/types';
import { incidentLabel } from '../../core/integrations/jira';
import { JIRA_EMAIL, JIRA_TOKEN, startJira, type JiraEmulator } from '../emulators/jira';
import { startPagerDutyEvents, type PagerDutyEmulator } from '../emulators/pagerduty-events';
import { SLACK_TOKEN, startSlack, type SlackEmulator } from '../emulators/slack';
import { ALL_NODES, captureHttpNode, coreNode, helper, nextMessage, type FlowNode } from '../helpers/node-red';
import { alertmanagerWebhook, wazuhAlert } from '../helpers/payloads';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'NIST SP 800-61 playbook.json');
const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';

// The shipped example with its Slack, PagerDuty and Jira config nodes switched to live and pointed
// at the emulators: what a user does after filling in the credentials.
describe('NIST SP 800-61 example flow, live against the Slack, PagerDuty and Jira emulators', () => {
  const http = captureHttpNode();
  const modules = [...ALL_NODES, http.module, coreNode('network/21-httpin.js'), coreNode('function/15-change.js'), coreNode('function/10-switch.js'), coreNode('common/90-comment.js')];
  let slack: SlackEmulator;
  let pd: PagerDutyEmulator;
  let jira: JiraEmulator;

  before(async () => {
    slack = await startSlack();
    pd = await startPagerDutyEvents();
    jira = await startJira();
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await slack.close();
    await pd.close();
    await jira.close();
  });
  beforeEach(() => {
    const flow = (JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')) as FlowNode[]).map((node): FlowNode => {
      if (node.type === 'debug') return { ...node, type: 'helper' };
      if (node.type === 'ir-slack-config') return { ...node, mode: 'live', channel: 'C0SEC', apiUrl: slack.apiUrl, rate: 100 };
      if (node.type === 'ir-pagerduty-config') return { ...node, mode: 'live', eventsUrl: `${pd.url}/v2/enqueue`, apiUrl: pd.url, rate: 100 };
      if (node.type === 'ir-jira-config') return { ...node, mode: 'live', siteUrl: jira.url, rate: 100 };
      return node;
    });
    return helper.load(modules, flow, { ir_nist_slack_config: { token: SLACK_TOKEN }, ir_nist_pagerduty_config: { routingKey: ROUTING_KEY, apiToken: pd.restToken }, ir_nist_jira_config: { email: JIRA_EMAIL, apiToken: JIRA_TOKEN } });
  });
  afterEach(async () => {
    await helper.unload();
    slack.reset();
    pd.reset();
    jira.reset();
  });

  it('posts one Slack message and triggers one PagerDuty incident; a re-delivery adds neither', async () => {
    const post = () => supertest(http.app()).post('/ir/nist').set('content-type', 'application/json').send(JSON.stringify(alertmanagerWebhook('firing')));
    const held = (await post().expect(202)).body as { incident: Incident };
    const inc = held.incident;
    assert.equal(inc.refs.slack?.channel, 'C0SEC');
    assert.equal(inc.refs.pagerduty?.dedupKey, dedupKeyFor(inc.id));
    const outcomes = Object.fromEntries(inc.timeline.filter((e) => e.action === 'slack-notify' || e.action === 'pagerduty-page').map((e) => [e.action, e.outcome]));
    assert.deepEqual(outcomes, { 'slack-notify': 'ok', 'pagerduty-page': 'ok' });
    await post().expect(200);
    assert.equal(slack.topLevel('C0SEC').length, 1);
    assert.deepEqual(pd.events.map((e) => [e.event_action, e.dedup_key]), [['trigger', dedupKeyFor(inc.id)]]);
  });
  it('opens exactly one Jira issue per incident, however often the alert is re-sent', async () => {
    const post = () => supertest(http.app()).post('/ir/nist').set('content-type', 'application/json').send(JSON.stringify(alertmanagerWebhook('firing')));
    const inc = ((await post().expect(202)).body as { incident: Incident }).incident;
    assert.equal(inc.refs.jira?.key, 'SEC-1');
    assert.equal(inc.refs.jira?.url, `${jira.url}/browse/SEC-1`);
    await Promise.all([post(), post(), post()]);
    await post().expect(200);
    assert.equal(jira.issues.length, 1);
    assert.deepEqual(jira.withLabel(incidentLabel(inc.id)).map((i) => i.key), ['SEC-1']);
    assert.equal(jira.issue('SEC-1')!.fields.summary, `[CRITICAL] ${inc.title}`);
    const other = (await supertest(http.app()).post('/ir/nist').set('content-type', 'application/json').send(JSON.stringify(wazuhAlert())).expect(200)).body as Incident;
    assert.equal(other.refs.jira?.key, 'SEC-2');
    assert.equal(jira.issues.length, 2);
  });

  /** The Slack calls of one incident's message: its one top-level post, its updates, its thread. */
  function slackTrail(channel: string, ts: string) {
    const postCalls = slack.requestsTo('POST', '/api/chat.postMessage').map((r) => r.form ?? {});
    const updateCalls = slack.requestsTo('POST', '/api/chat.update').map((r) => r.form ?? {});
    return {
      topLevelPosts: postCalls.filter((f) => !f.thread_ts),
      strayPosts: postCalls.filter((f) => f.thread_ts && (f.channel !== channel || f.thread_ts !== ts)),
      updates: updateCalls.filter((f) => f.channel === channel && f.ts === ts),
      replies: slack.replies(channel, ts),
    };
  }

  it('critical, held, approved: one Slack message updated at each phase; PagerDuty trigger, acknowledge, resolve with one dedup key', async () => {
    const links = nextMessage<{ approval: { approve: string } }>(helper.getNode('ir_nist_log_held'));
    const answer = (await supertest(http.app()).post('/ir/nist').set('content-type', 'application/json').send(JSON.stringify(alertmanagerWebhook('firing'))).expect(202)).body as { incident: Incident };
    const held = { incident: answer.incident, approval: (await links).approval };
    const id = held.incident.id;
    const { channel, ts } = held.incident.refs.slack as { channel: string; ts: string };
    assert.equal(channel, 'C0SEC');
    assert.deepEqual(pd.events.map((e) => e.event_action), ['trigger']);

    const finished = nextMessage<{ incident: Incident }>(helper.getNode('ir_nist_finished'));
    await supertest(http.app()).post(new URL(held.approval.approve).pathname).type('form').send({ by: 'alice', reason: 'confirmed' }).expect(200);
    const done = (await finished).incident;
    assert.equal(done.id, id);
    assert.equal(done.status, 'resolved');

    const trail = slackTrail(channel, ts);
    assert.equal(trail.topLevelPosts.length, 1, 'exactly one top-level chat.postMessage');
    assert.equal(slack.topLevel('C0SEC').length, 1);
    assert.deepEqual(trail.strayPosts, [], 'every other chat.postMessage is a reply in the incident thread');
    assert.equal(trail.updates.length, 3, 'chat.update when held for approval, on entering containment and post-incident');
    assert.equal(trail.replies.length, 3);
    // While held, the message links the approval page (the links exist only in that message).
    assert.match(JSON.stringify(trail.updates[0]), new RegExp(new URL(held.approval.approve).pathname.replace(/[/]/g, '\\/')));
    // ...and nowhere else: the recorded call in the timeline keeps the link without its token.
    const token = new URL(held.approval.approve).pathname.split('/').at(-1)!;
    const stored = JSON.stringify(done);
    assert.ok(!stored.includes(token), 'the approval token is not in the incident');
    assert.match(stored, /ir-approval\/[0-9A-Z]+\/[0-9A-Z]+\/approve\/\[redacted\]/);
    assert.match(trail.replies[1]!.text, /Containment, Eradication and Recovery/);
    assert.match(trail.replies[2]!.text, /resolved/);
    assert.match(trail.replies[2]!.text, /Post-Incident Activity/);
    assert.match(JSON.stringify(slack.topLevel('C0SEC')[0]!.blocks), /Post-Incident Activity/, 'the message shows the last phase');
    assert.deepEqual(done.refs.slack && { channel: done.refs.slack.channel, ts: done.refs.slack.ts }, { channel, ts });

    const key = dedupKeyFor(id);
    assert.deepEqual(pd.events.map((e) => [e.event_action, e.dedup_key]), [['trigger', key], ['acknowledge', key], ['resolve', key]]);
    assert.equal(done.refs.pagerduty?.state, 'resolved');
    const pages = done.timeline.filter((e) => e.action === 'pagerduty-page').map((e) => [e.outcome, e.details?.event]);
    assert.deepEqual(pages, [['ok', 'trigger'], ['ok', 'acknowledge'], ['ok', 'resolve']]);
    // The REST token found the PagerDuty incident; the Slack message links to it from then on.
    const opened = pd.incidents.get(key)!;
    assert.equal(opened.status, 'resolved');
    assert.equal(done.refs.pagerduty?.htmlUrl, opened.html_url);
    assert.match(JSON.stringify(trail.updates.at(-1)), new RegExp(opened.html_url.replace(/[/.]/g, '\\$&')));
  });

  it('medium, straight through: one Slack message updated at each phase; no page (the config pages high and critical only)', async () => {
    const inc = (await supertest(http.app()).post('/ir/nist').set('content-type', 'application/json').send(JSON.stringify(wazuhAlert())).expect(200)).body as Incident;
    assert.equal(inc.severity, 'medium');
    assert.equal(inc.status, 'resolved');
    const { channel, ts } = inc.refs.slack as { channel: string; ts: string };
    const trail = slackTrail(channel, ts);
    assert.equal(trail.topLevelPosts.length, 1);
    assert.deepEqual(trail.strayPosts, []);
    assert.equal(trail.updates.length, 2);
    assert.equal(trail.replies.length, 2);
    assert.match(JSON.stringify(slack.topLevel(channel)[0]!.blocks), /Post-Incident Activity/);

    const severities = (JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')) as FlowNode[]).filter((n) => n.type === 'ir-pagerduty-page').map((n) => String(n.severities));
    assert.ok(severities.every((s) => !s.split(',').includes('medium')), `the example pages ${severities.join(' / ')}`);
    assert.deepEqual(pd.events, []);
    assert.equal(inc.refs.pagerduty, undefined);
    const pages = inc.timeline.filter((e) => e.action === 'pagerduty-page');
    assert.equal(pages.length, 3);
    assert.ok(pages.every((e) => e.outcome === 'skipped'), JSON.stringify(pages.map((e) => e.summary)));
  });
});
