import assert from 'node:assert/strict';
import { definitions } from '../helpers/editor-definitions';

describe('editor labels', () => {
  it('short palette labels use a non-breaking hyphen, so the palette never wraps them at the hyphen', () => {
    for (const [node, type, label] of [['domain-lookup', 'ir-domain-lookup', 'domain\u2011lookup'], ['pagerduty-page', 'ir-pagerduty-page', 'pagerduty\u2011page'], ['disable-account', 'ir-disable-account', 'disable\u2011account']] as const) {
      assert.equal(definitions(node).get(type)?.paletteLabel, label, node);
    }
  });

  it('the directory config label names the mode once, even when the name carries one', () => {
    const label = definitions('directory').get('ir-directory')!.label!;
    assert.equal(label.call({ name: 'Directory (dry-run)', mode: 'dry-run', kind: 'okta' }), 'Directory (dry-run)');
    assert.equal(label.call({ name: 'Directory (dry-run)', mode: 'live', kind: 'okta' }), 'Directory (live)', 'a stale mode in the name is not shown');
    assert.equal(label.call({ name: 'Corp IdP', mode: 'live', kind: 'okta' }), 'Corp IdP (live)');
    assert.equal(label.call({ name: '', kind: 'entra' }), 'Entra ID (dry-run)');
  });

  it('every config label names the mode once: the examples\' names carry one, maybe among other words', () => {
    const labelOf = (node: string, type: string) => definitions(node).get(type)!.label!;
    const slack = labelOf('slack-config', 'ir-slack-config');
    assert.equal(slack.call({ name: 'Slack (dry-run)', mode: 'dry-run' }), 'Slack (dry-run)');
    assert.equal(slack.call({ name: 'Slack (dry-run)', mode: 'live' }), 'Slack (live)');
    assert.equal(slack.call({ name: 'Slack (dry-run, CERT)', mode: 'dry-run' }), 'Slack (CERT) (dry-run)');
    assert.equal(slack.call({ name: '', mode: 'live' }), 'Slack (live)');
    assert.equal(slack.call({ name: 'SOC (Slack)', mode: 'live' }), 'SOC (Slack) (live)', 'other words stay');
    const pd = labelOf('pagerduty-config', 'ir-pagerduty-config');
    assert.equal(pd.call({ name: 'PagerDuty (dry-run, ISO/IEC 27035)', mode: 'live' }), 'PagerDuty (ISO/IEC 27035) (live)');
    assert.equal(pd.call({ name: 'PagerDuty (live)' }), 'PagerDuty (dry-run)');
    assert.equal(labelOf('jira-config', 'ir-jira-config').call({ name: 'Jira (dry-run)', mode: 'dry-run' }), 'Jira (dry-run)');
    assert.equal(labelOf('ip-lookup-config', 'ir-ip-lookup-config').call({ name: 'IP lookup (MaxMind test databases, dry-run)', mode: 'dry-run' }),
      'IP lookup (MaxMind test databases) (dry-run)');
    assert.equal(labelOf('domain-lookup-config', 'ir-domain-lookup-config').call({ name: 'Domain lookup (own domains example.com, example.org; dry-run)', mode: 'live' }),
      'Domain lookup (own domains example.com, example.org) (live)');
    const logs = labelOf('log-source', 'ir-log-source');
    assert.equal(logs.call({ name: 'Sample logs (files)', backend: 'files', mode: 'dry-run' }), 'Sample logs (files)', 'files have no mode, and the backend shows once');
    assert.equal(logs.call({ name: 'SIEM (splunk, dry-run)', backend: 'splunk', mode: 'live' }), 'SIEM (splunk, live)');
    assert.equal(logs.call({ name: '', backend: 'loki', mode: 'dry-run' }), 'Logs (loki, dry-run)');
  });
});
