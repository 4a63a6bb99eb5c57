import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Incident, Observable } from '../../core/model/types';
import { startVirusTotalDomains, VIRUSTOTAL_KEY } from '../emulators/domain-intel';
import type { Emulator } from '../emulators/server';
import { incident } from '../helpers/fixtures';
import { ALL_NODES, helper, nextError, nextMessage, type FlowNode } from '../helpers/node-red';

interface OutMsg { incident: Incident }

const obs = (type: 'domain' | 'url', value: string): Observable => ({ type, value, roles: ['related'], tags: [] });

function flow(config: Record<string, unknown> | null, lookup: Record<string, unknown> = {}): FlowNode[] {
  return [
    { id: 'tab', type: 'tab' },
    ...(config ? [{ id: 'dc', type: 'ir-domain-lookup-config', mode: 'dry-run', ownDomains: 'example.com\nexample.co.uk', ...config }] : []),
    { id: 'lookup', type: 'ir-domain-lookup', z: 'tab', ...(config ? { config: 'dc' } : {}), wires: [['out']], ...lookup },
    { id: 'out', type: 'helper', z: 'tab' },
  ];
}

describe('domain-lookup node', () => {
  let vt: Emulator;
  before(async () => {
    await helper.startServer();
    vt = await startVirusTotalDomains({ 'examp1e.com': { malicious: 5 } });
  });
  after(async () => {
    await vt.close();
    await helper.stopServer();
  });
  afterEach(async () => {
    await helper.unload();
    vt.reset();
  });

  it('dry-run, offline: look-alikes come out suspicious naming the imitated domain; ours benign; bad names flagged; one timeline entry', async () => {
    await helper.load(ALL_NODES, flow({ dns: true, rdap: true, virustotal: true, urlscan: true }));
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    const given = incident({ observables: [
      obs('domain', 'examp1e.com'), obs('url', 'https://login.example.com.evil.net/verify?id=1'), obs('domain', 'mail.example.com'),
      obs('domain', `${'a'.repeat(64)}.com`), obs('url', 'http://203.0.113.9/drop.exe'), { type: 'ip', value: '198.51.100.7', roles: ['source'], tags: [] },
    ] });
    helper.getNode('lookup').receive({ incident: given });
    const result = (await out).incident;
    const by = (v: string) => result.observables.find((o) => o.value === v) as Observable;
    const lookalike = by('examp1e.com');
    assert.equal(lookalike.verdict, 'suspicious');
    assert.ok(lookalike.reasons?.some((r) => /look-alike of our domain example\.com/.test(r)), lookalike.reasons?.join('|'));
    assert.equal((lookalike.enrichment?.domain as { registrable: string }).registrable, 'examp1e.com');
    assert.equal((lookalike.enrichment?.virustotal as { status: string }).status, 'dry-run');
    const url = by('https://login.example.com.evil.net/verify?id=1');
    assert.equal(url.verdict, 'suspicious');
    assert.equal((url.enrichment?.url as { host: string; query: string }).host, 'login.example.com.evil.net');
    assert.equal((url.enrichment?.url as { query: string }).query, 'id=1');
    assert.equal(by('mail.example.com').verdict, 'benign');
    const bad = by(`${'a'.repeat(64)}.com`);
    assert.equal(bad.verdict, 'unknown');
    assert.match(bad.reasons?.[0] ?? '', /limit is 63/);
    const ipUrl = by('http://203.0.113.9/drop.exe');
    assert.equal((ipUrl.enrichment?.url as { ip: { category: string } }).ip.category, 'documentation');
    assert.equal(by('198.51.100.7').verdict, undefined, 'IP observables are ip-lookup\'s');
    const entry = result.timeline.at(-1)!;
    assert.equal(entry.action, 'domain-lookup');
    assert.equal(entry.outcome, 'dry-run');
    assert.match(entry.summary, /imitates our example\.com/);
    assert.match(entry.summary, /2 suspicious/);
    assert.equal(vt.requests.length, 0);
  });

  it('live against the VirusTotal emulator: malicious, the key only in credentials', async () => {
    await helper.load(ALL_NODES, flow({ mode: 'live', virustotal: true, virustotalUrl: vt.url, virustotalRate: 100 }), { dc: { virustotalKey: VIRUSTOTAL_KEY } });
    const out = nextMessage<OutMsg>(helper.getNode('out'), 10_000);
    helper.getNode('lookup').receive({ incident: incident({ observables: [obs('domain', 'examp1e.com')] }) });
    const result = (await out).incident;
    const o = result.observables[0];
    assert.equal(o.verdict, 'malicious');
    assert.ok(o.reasons?.some((r) => /VirusTotal \(domain\): 5 engines malicious/.test(r)));
    assert.ok(o.reasons?.some((r) => /look-alike of our domain example\.com/.test(r)));
    assert.equal(vt.requests.length, 1);
    assert.ok(!JSON.stringify(result).includes(VIRUSTOTAL_KEY));
  });

  it('a configuration problem: the incident flows on, and a catchable error names it', async () => {
    await helper.load(ALL_NODES, flow({ mode: 'live', virustotal: true, virustotalUrl: vt.url }));
    const lookup = helper.getNode('lookup');
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    const err = nextError(lookup);
    lookup.receive({ incident: incident({ observables: [obs('domain', 'exаmple.com')] }) });
    const result = (await out).incident;
    assert.equal(result.observables[0].verdict, 'suspicious');
    assert.equal(result.timeline.at(-1)!.outcome, 'error');
    assert.match(String(await err), /VirusTotal: live mode needs virustotalKey/);
  });

  it('without a config node it parses names only', async () => {
    await helper.load(ALL_NODES, flow(null));
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('lookup').receive({ incident: incident({ observables: [obs('domain', 'xn--exmple-4nf.com')] }) });
    const o = (await out).incident.observables[0];
    assert.equal((o.enrichment?.domain as { unicode: string }).unicode, 'exаmple.com');
    assert.equal(o.verdict, 'suspicious', 'mixed scripts are suspicious without own domains');
  });

  it('ships help with Inputs, Outputs, Details and a section per provider with its key and limits', () => {
    const html = fs.readFileSync(path.resolve(__dirname, '..', '..', 'nodes', 'domain-lookup', 'domain-lookup.html'), 'utf8');
    const help = html.slice(html.indexOf('data-help-name="ir-domain-lookup"'));
    for (const heading of ['Inputs', 'Outputs', 'Details', 'DNS', 'RDAP', 'VirusTotal', 'urlscan.io']) assert.ok(help.includes(`<h3>${heading}</h3>`), heading);
    for (const provider of ['DNS', 'RDAP', 'VirusTotal', 'urlscan.io']) {
      const section = help.slice(help.indexOf(`<h3>${provider}</h3>`)).split('<h3>')[1];
      assert.match(section, /<b>Key<\/b>/, provider);
      assert.match(section, /<b>Limits<\/b>/, provider);
    }
  });

  it('refuses a message without an incident with a clear error', async () => {
    await helper.load(ALL_NODES, flow({}));
    const lookup = helper.getNode('lookup');
    const err = nextError(lookup);
    lookup.receive({ payload: 'no incident' });
    assert.match(String(await err), /msg\.incident is missing/);
  });
});
