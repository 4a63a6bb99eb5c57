import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import supertest from 'supertest';
import { dedupKeyFor } from '../../core/integrations/pagerduty';
import type { Incident } from '../../core/model/types';
import { startPagerDutyEvents, type PagerDutyEmulator } from '../emulators/pagerduty-events';
import { SLACK_TOKEN, startSlack, type SlackEmulator } from '../emulators/slack';
import { ALL_NODES, captureHttpNode, coreNode, helper, type FlowNode } from '../helpers/node-red';
import { alertmanagerWebhook } from '../helpers/payloads';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'NIST SP 800-61 playbook.json');
const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';

// The shipped example with its Slack and PagerDuty config nodes switched to live and pointed
// at the emulators: what a user does after filling in the credentials.
describe('NIST SP 800-61 example flow, live against the Slack and PagerDuty emulators', () => {
  const http = captureHttpNode();
  const modules = [...ALL_NODES, http.module, coreNode('network/21-httpin.js'), coreNode('function/15-change.js'), coreNode('function/10-switch.js'), coreNode('common/90-comment.js')];
  let slack: SlackEmulator;
  let pd: PagerDutyEmulator;

  before(async () => {
    slack = await startSlack();
    pd = await startPagerDutyEvents();
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await slack.close();
    await pd.close();
  });
  beforeEach(() => {
    const flow = (JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')) as FlowNode[]).map((node): FlowNode => {
      if (node.type === 'debug') return { ...node, type: 'helper' };
      if (node.type === 'ir-slack-config') return { ...node, mode: 'live', channel: 'C0SEC', apiUrl: slack.apiUrl, rate: 100 };
      if (node.type === 'ir-pagerduty-config') return { ...node, mode: 'live', eventsUrl: `${pd.url}/v2/enqueue`, rate: 100 };
      return node;
    });
    return helper.load(modules, flow, { ir_nist_slack_config: { token: SLACK_TOKEN }, ir_nist_pagerduty_config: { routingKey: ROUTING_KEY } });
  });
  afterEach(async () => {
    await helper.unload();
    slack.reset();
    pd.reset();
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
});
