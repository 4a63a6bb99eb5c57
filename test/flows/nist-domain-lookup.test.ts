import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import supertest from 'supertest';
import type { Incident } from '../../core/model/types';
import { incidentErrors } from '../../core/model/validate';
import { ALL_NODES, captureHttpNode, coreNode, helper, type FlowNode } from '../helpers/node-red';
import { wazuhAlert } from '../helpers/payloads';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'NIST SP 800-61 playbook.json');

function exampleFlow(): FlowNode[] {
  const flow = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')) as FlowNode[];
  return flow.map((node) => (node.type === 'debug' ? { ...node, type: 'helper' } : node));
}

/** A Wazuh web-proxy alert: a user followed a (defanged) link to a name imitating example.com. */
function phishingClick(): Record<string, unknown> {
  const url = 'hxxps://login.examp1e[.]com/account/verify?session=9f2c';
  return {
    ...wazuhAlert('10.0.0.15', '1718000999.4321'),
    rule: { level: 10, description: 'Web proxy: user followed a link to a suspected phishing page', id: '100201', groups: ['web', 'proxy', 'phishing'] },
    full_log: `Feb 10 08:15:29 proxy-01 squid[811]: alice GET ${url} 200 from 10.0.0.15`,
    data: { srcip: '10.0.0.15', srcuser: 'alice', url },
  };
}

describe('NIST SP 800-61 example flow: domain lookup', () => {
  const http = captureHttpNode();
  const modules = [
    ...ALL_NODES, http.module,
    coreNode('network/21-httpin.js'), coreNode('function/15-change.js'), coreNode('function/10-switch.js'), coreNode('common/90-comment.js'),
  ];

  before(() => helper.startServer());
  after(() => helper.stopServer());
  beforeEach(() => helper.load(modules, exampleFlow()));
  afterEach(() => helper.unload());

  it('wires domain-lookup between ip-lookup and log-fetch, with a dry-run config owning example.com', () => {
    const flow = exampleFlow();
    const byId = new Map(flow.map((n) => [n.id, n]));
    const ip = flow.find((n) => n.type === 'ir-ip-lookup') as FlowNode & { wires: string[][] };
    const domain = byId.get(ip.wires[0][0]) as FlowNode & { wires: string[][]; config: string };
    assert.equal(domain.type, 'ir-domain-lookup');
    assert.equal(byId.get(domain.wires[0][0])?.type, 'ir-log-fetch');
    const config = byId.get(domain.config) as FlowNode & { mode: string; ownDomains: string };
    assert.equal(config.mode, 'dry-run');
    assert.match(config.ownDomains, /example\.com/);
    assert.ok(!('z' in config), 'a config node, on no tab');
  });

  it('an alert whose URL imitates example.com comes out with a suspicious verdict naming example.com, offline', async () => {
    const res = await supertest(http.app()).post('/ir/nist').set('content-type', 'application/json').send(JSON.stringify(phishingClick())).expect(200);
    const incident = res.body as Incident;
    assert.deepEqual(incidentErrors(incident), []);
    const urls = incident.observables.filter((o) => o.type === 'url' && /examp1e/.test(o.value));
    assert.ok(urls.length >= 1, JSON.stringify(incident.observables));
    for (const o of urls) {
      assert.equal(o.verdict, 'suspicious', `${o.value}: ${o.reasons?.join('|')}`);
      assert.ok(o.reasons?.some((r) => /look-alike of our domain example\.com/.test(r)), o.reasons?.join('|'));
    }
    const domain = incident.observables.find((o) => o.type === 'domain' && o.value === 'login.examp1e.com');
    assert.equal(domain?.verdict, 'suspicious');
    const entry = incident.timeline.find((e) => e.action === 'domain-lookup');
    assert.ok(entry, incident.timeline.map((e) => e.action).join(', '));
    assert.match(entry.summary, /imitates our example\.com/);
    assert.equal(entry.outcome, 'dry-run');
    const actions = incident.timeline.map((e) => e.action);
    assert.ok(actions.indexOf('ip-lookup') < actions.indexOf('domain-lookup') && actions.indexOf('domain-lookup') < actions.indexOf('log-fetch'), actions.join(', '));
  });
});
