import assert from 'node:assert/strict';
import { ALL_NODES, helper, type FlowNode } from '../helpers/node-red';

interface StatusSpy { getCalls(): Array<{ thisValue: { id: string }; args: [{ fill?: string; shape?: string; text?: string }] }> }

/** Each integration's config node and the node using it, as the example flows wire them. */
function flow(config: Record<string, unknown>): FlowNode[] {
  return [
    { id: 'tab', type: 'tab' },
    { id: 'sc', type: 'ir-slack-config', name: 'Slack', channel: 'C0SEC', ...config },
    { id: 'pc', type: 'ir-pagerduty-config', name: 'PagerDuty', ...config },
    { id: 'jc', type: 'ir-jira-config', name: 'Jira', project: 'SEC', ...config },
    { id: 'notify', type: 'ir-slack-notify', z: 'tab', slack: 'sc', channelType: 'severity', wires: [[]] },
    { id: 'page', type: 'ir-pagerduty-page', z: 'tab', pagerduty: 'pc', severities: 'high,critical', wires: [[]] },
    { id: 'ticket', type: 'ir-jira-ticket', z: 'tab', jira: 'jc', wires: [[]] },
  ];
}

/** The last status the node showed (Node.prototype.status is one spy shared by all nodes). */
function statusOf(id: string): { fill?: string; shape?: string; text?: string } {
  const spy = helper.getNode(id).status as unknown as StatusSpy;
  return spy.getCalls().filter((c) => c.thisValue.id === id).at(-1)?.args[0] ?? {};
}

/** Warnings logged by the node with this id. */
function warningsOf(id: string): string[] {
  return helper.log().args.map((a: unknown[]) => a[0] as { level: number; id?: string; msg: unknown })
    .filter((e) => e.level === 30 && e.id === id).map((e) => String(e.msg));
}

describe('integration nodes: a live config that cannot work shows at deploy', () => {
  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(() => helper.unload());

  it('live without credentials: a red ring naming what is missing, and one warning per node', async () => {
    await helper.load(ALL_NODES, flow({ mode: 'live', siteUrl: 'https://example.atlassian.net' }));
    assert.deepEqual(statusOf('notify'), { fill: 'red', shape: 'ring', text: 'live: lacks token' });
    assert.deepEqual(statusOf('page'), { fill: 'red', shape: 'ring', text: 'live: lacks routingKey' });
    assert.deepEqual(statusOf('ticket'), { fill: 'red', shape: 'ring', text: 'live: lacks email, apiToken' });
    const warned = warningsOf('notify');
    assert.equal(warned.length, 1, warned.join('\n'));
    assert.match(warned[0]!, /^Slack config "Slack" is live but lacks token: fix it in the config node or switch it to dry-run/);
    assert.equal(warningsOf('page').length, 1);
    assert.equal(warningsOf('ticket').length, 1);
  });

  it('live with credentials but an unusable URL: names the URL', async () => {
    await helper.load(ALL_NODES, flow({ mode: 'live', apiUrl: 'not a url', eventsUrl: 'ftp://pd.example', siteUrl: '' }), {
      sc: { token: 'xoxb-1' }, pc: { routingKey: 'R1' }, jc: { email: 'a@example.org', apiToken: 't' },
    });
    assert.deepEqual(statusOf('notify'), { fill: 'red', shape: 'ring', text: 'live: invalid API URL' });
    assert.match(statusOf('page').text!, /^live: invalid events URL; inval…$/);
    assert.match(warningsOf('page')[0]!, /is live but invalid events URL; invalid REST API URL:/);
    assert.deepEqual(statusOf('ticket'), { fill: 'red', shape: 'ring', text: 'live: lacks site URL' });
  });

  it('live and complete, or dry-run without anything: grey with the mode, no warning', async () => {
    await helper.load(ALL_NODES, flow({ mode: 'live', siteUrl: 'https://example.atlassian.net' }), {
      sc: { token: 'xoxb-1' }, pc: { routingKey: 'R1' }, jc: { email: 'a@example.org', apiToken: 't' },
    });
    for (const id of ['notify', 'page', 'ticket']) {
      assert.deepEqual(statusOf(id), { fill: 'grey', shape: 'dot', text: 'live' }, id);
      assert.deepEqual(warningsOf(id), [], id);
    }
    await helper.unload();
    await helper.load(ALL_NODES, flow({ mode: 'dry-run', apiUrl: 'not a url' }));
    for (const id of ['notify', 'page', 'ticket']) {
      assert.deepEqual(statusOf(id), { fill: 'grey', shape: 'dot', text: 'dry-run' }, id);
      assert.deepEqual(warningsOf(id), [], id);
    }
  });

  it('a live directory that cannot work: disable-account shows it at deploy, not after an approval', async () => {
    // Node ids unlike any property value: Node-RED takes a value equal to a node id for a reference.
    const directories = (mode: string): FlowNode[] => [
      { id: 'tab', type: 'tab' },
      { id: 'dirLdap', type: 'ir-directory', name: 'Corp LDAP', mode, kind: 'ldap', ldapUrl: 'ldap://127.0.0.1:1', bindDn: 'cn=ir,dc=example,dc=org', baseDn: 'dc=example,dc=org', ldapFlavor: 'openldap' },
      { id: 'dirOkta', type: 'ir-directory', name: 'Okta', mode, kind: 'okta', oktaUrl: '' },
      { id: 'disabler', type: 'ir-disable-account', z: 'tab', directory: 'dirLdap', wires: [[]] },
      { id: 'restorer', type: 'ir-disable-account', z: 'tab', directory: 'dirOkta', action: 'restore', wires: [[]] },
    ];
    await helper.load(ALL_NODES, directories('live'));
    assert.deepEqual(statusOf('disabler'), { fill: 'red', shape: 'ring', text: 'live: lacks bindPassword' });
    assert.match(warningsOf('disabler')[0]!, /^directory config "Corp LDAP" is live but cannot work: LDAP \/ Active Directory: live mode needs bindPassword/);
    assert.equal(warningsOf('disabler').length, 1);
    assert.equal(statusOf('restorer').fill, 'red');
    assert.match(warningsOf('restorer')[0]!, /^directory config "Okta" is live but cannot work: Okta: live mode needs apiToken/);
    await helper.unload();

    // With its credentials the LDAP directory is fine at deploy (nothing connects until a run);
    // an Okta directory without its org URL is not.
    await helper.load(ALL_NODES, directories('live'), { dirLdap: { bindPassword: 'secret' }, dirOkta: { apiToken: 't' } });
    assert.deepEqual(statusOf('disabler'), { fill: 'grey', shape: 'dot', text: 'live: disable' });
    assert.deepEqual(warningsOf('disabler'), []);
    assert.match(warningsOf('restorer')[0]!, /Okta: set the org URL/);
    await helper.unload();

    await helper.load(ALL_NODES, directories('dry-run'));
    assert.deepEqual(statusOf('disabler'), { fill: 'grey', shape: 'dot', text: 'dry-run: disable' });
    assert.deepEqual(statusOf('restorer'), { fill: 'grey', shape: 'dot', text: 'dry-run: restore' });
    assert.deepEqual([...warningsOf('disabler'), ...warningsOf('restorer')], []);
  });
});
