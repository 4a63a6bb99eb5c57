import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Incident } from '../../core/model/types';
import { incidentErrors } from '../../core/model/validate';
import { startElasticsearch, type ElasticsearchEmulator } from '../emulators/elasticsearch';
import { incident, observable } from '../helpers/fixtures';
import { ALL_NODES, helper, nextError, nextMessage, type FlowNode } from '../helpers/node-red';

interface OutMsg { incident: Incident }

const ALERT_AT = '2026-03-01T10:00:00.000Z';
const at = (minute: number): string => new Date(Date.parse(ALERT_AT) + minute * 60_000).toISOString();

/** The status texts this node set, oldest first (Node.prototype.status is a sinon spy shared by all nodes). */
function statuses(id: string): Array<{ fill?: string; text?: string }> {
  const spy = helper.getNode(id).status as unknown as { getCalls(): Array<{ thisValue: { id: string }; args: [{ fill?: string; text?: string }] }> };
  return spy.getCalls().filter((c) => c.thisValue.id === id).map((c) => c.args[0]);
}

function flow(source: Record<string, unknown>, fetch: Record<string, unknown> = {}): FlowNode[] {
  return [
    { id: 'tab', type: 'tab' },
    { id: 'src', type: 'ir-log-source', backend: 'files', mode: 'dry-run', ...source },
    { id: 'fetch', type: 'ir-log-fetch', z: 'tab', source: 'src', before: '60', beforeType: 'num', after: '30', afterType: 'num', limit: '100', limitType: 'num', wires: [['out']], ...fetch },
    { id: 'out', type: 'helper', z: 'tab' },
  ];
}

const inc = (): Incident => incident({
  firstSeenAt: ALERT_AT, lastSeenAt: ALERT_AT,
  observables: [observable('ip', '198.51.100.7', ['source']), observable('host', 'web-01', ['target']), observable('user', 'alice', ['actor'])],
});

describe('log-fetch node', () => {
  let dir: string;
  let es: ElasticsearchEmulator;
  before(async () => {
    await helper.startServer();
    es = await startElasticsearch({ apiKey: 'ZXMta2V5LXNlY3JldA==' });
  });
  after(async () => {
    await es.close();
    await helper.stopServer();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-logfetch-'));
    fs.writeFileSync(path.join(dir, 'auth.log'), [
      `${at(-90)} sshd: Failed password for alice from 198.51.100.7`,
      `${at(-5)} sshd: Failed password for alice from 198.51.100.7`,
      `${at(-4)} sshd: Failed password for bob from 198.51.100.7`,
      `${at(1)} sshd: Accepted password for alice from 198.51.100.7`,
      `${at(2)} cron: web-01 session opened for root`,
      `${at(3)} sshd: Accepted password for carol from 192.0.2.4`,
    ].join('\n') + '\n');
  });
  afterEach(async () => {
    await helper.unload();
    es.reset();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('attaches the lines around the incident and records the query and the counts', async () => {
    await helper.load(ALL_NODES, flow({ paths: dir }, { types: 'ip, user', typesType: 'str' }));
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('fetch').receive({ incident: inc() });
    const got = (await out).incident;
    assert.deepEqual(incidentErrors(got), []);
    assert.equal(got.logs?.backend, 'files');
    assert.deepEqual(got.logs?.events.map((e) => e.time), [at(-5), at(-4), at(1)]);
    assert.deepEqual(got.logs?.counts, { '198.51.100.7': 3, alice: 2 });
    assert.equal(got.logs?.total, 3);
    assert.equal(got.logs?.truncated, false);
    const entry = got.timeline.at(-1)!;
    assert.equal(entry.action, 'log-fetch');
    assert.equal(entry.outcome, 'ok');
    assert.equal(entry.summary, '3 log event(s) from files (198.51.100.7: 3, alice: 2)');
    assert.match(String(entry.details?.query), /\("198\.51\.100\.7" OR "alice"\) from 2026-03-01T09:00:00\.000Z to 2026-03-01T10:30:00\.000Z/);
  });

  it('takes every option from the message through typed inputs', async () => {
    await helper.load(ALL_NODES, flow({ paths: dir }, {
      types: 'logTypes', typesType: 'msg', limit: 'logLimit', limitType: 'msg', terms: 'logTerms', termsType: 'msg',
      before: 'before', beforeType: 'msg', values: 'logValues', valuesType: 'msg', attach: 1,
    }));
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('fetch').receive({ incident: inc(), logTypes: ['host'], logValues: ['carol'], logLimit: 5, logTerms: 'Accepted', before: 120 });
    const got = (await out).incident;
    assert.deepEqual(got.logs?.events.map((e) => e.time), [at(3)]);
    assert.equal(got.logs?.from, at(-120));
    await helper.unload();

    await helper.load(ALL_NODES, flow({ paths: dir }, { types: 'ip', limit: 'n', limitType: 'msg', attach: 1 }));
    const capped = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('fetch').receive({ incident: inc(), n: 2 });
    const logs = (await capped).incident.logs!;
    assert.equal(logs.events.length, 1);
    assert.equal(logs.truncated, true);
    assert.equal(logs.totalExact, false);
    await helper.unload();

    // The window's time from the message (epoch milliseconds, as the editor's timestamp type gives)
    await helper.load(ALL_NODES, flow({ paths: dir }, { types: 'ip', at: 'when', atType: 'msg', before: '1', after: '1' }));
    const moved = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('fetch').receive({ incident: inc(), when: Date.parse(at(-90)) });
    assert.deepEqual((await moved).incident.logs?.events.map((e) => e.time), [at(-90)]);
    await helper.unload();

    // The dialog's "none" leaves the option out; its "timestamp" (type date) centres the window on now.
    await helper.load(ALL_NODES, flow({ paths: dir }, { types: 'ip', at: '', atType: 'date', values: '', valuesType: 'none', before: '1', after: '1' }));
    const now = nextMessage<OutMsg>(helper.getNode('out'));
    const before = Date.now();
    helper.getNode('fetch').receive({ incident: inc() });
    const around = (await now).incident.logs!;
    assert.ok(Math.abs(Date.parse(around.from) + 60_000 - before) < 5_000, around.from);
  });

  it('loses none in a burst: a few searches at a time, each incident answered once with its lines', async () => {
    await helper.load(ALL_NODES, flow({ paths: dir }, { types: 'ip', typesType: 'str' }));
    const got: OutMsg[] = [];
    const queued: number[] = [];
    const fetch = helper.getNode('fetch');
    fetch.on('call:status', (call: { args: [{ text?: string }] }) => { const t = call.args[0]?.text; if (t?.startsWith('queue: ')) queued.push(Number(t.slice(7))); });
    const all = new Promise<void>((resolve) => helper.getNode('out').on('input', (m: OutMsg) => { got.push(m); if (got.length === 20) resolve(); }));
    const sent = Array.from({ length: 20 }, () => inc());
    for (const i of sent) fetch.receive({ incident: i });
    await all;
    assert.deepEqual(got.map((m) => m.incident.id).sort(), sent.map((i) => i.id).sort());
    assert.ok(got.every((m) => m.incident.logs?.total === 3));
    // 20 at once: 4 run, the status shows the other 16 waiting at the deepest.
    assert.equal(Math.max(...queued), 16);
  });

  it('runs the messages of one incident in order', async () => {
    await helper.load(ALL_NODES, flow({ paths: dir }, { types: 'ip', typesType: 'str' }));
    const one = inc();
    const got: OutMsg[] = [];
    const all = new Promise<void>((resolve) => helper.getNode('out').on('input', (m: OutMsg) => { got.push(m); if (got.length === 3) resolve(); }));
    for (const tag of ['a', 'b', 'c']) helper.getNode('fetch').receive({ incident: one, tag });
    await all;
    assert.deepEqual(got.map((m) => (m as OutMsg & { tag: string }).tag), ['a', 'b', 'c']);
    const revisions = got.map((m) => m.incident.revision);
    assert.deepEqual(revisions, [...revisions].sort((a, b) => a - b));
    assert.equal(got.at(-1)!.incident.timeline.filter((e) => e.action === 'log-fetch').length, 3);
  });

  it('a missing log directory is a catchable error and an error entry; the incident flows on', async () => {
    await helper.load(ALL_NODES, flow({ paths: path.join(dir, 'missing') }));
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    const err = nextError(helper.getNode('fetch'));
    helper.getNode('fetch').receive({ incident: inc() });
    assert.match(String(await err), /log path ".*missing" does not exist/);
    const got = (await out).incident;
    assert.equal(got.timeline.at(-1)!.outcome, 'error');
    assert.match(got.timeline.at(-1)!.summary, /log search failed: .*does not exist/);
    assert.equal(got.logs, undefined);
  });

  it('records a skip when the incident has nothing to search for', async () => {
    await helper.load(ALL_NODES, flow({ paths: dir }, { types: 'email', typesType: 'str' }));
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('fetch').receive({ incident: inc() });
    const entry = (await out).incident.timeline.at(-1)!;
    assert.equal(entry.outcome, 'skipped');
    assert.match(entry.summary, /nothing to search for/);
  });

  it('says so in the timeline and the record when the alert is dated in the future and it searched around now', async () => {
    fs.writeFileSync(path.join(dir, 'now.log'), `${new Date(Date.now() - 60_000).toISOString()} sshd: Failed password for alice from 198.51.100.7\n`);
    await helper.load(ALL_NODES, flow({ paths: dir }, { types: 'ip', typesType: 'str' }));
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('fetch').receive({ incident: incident({ ...inc(), firstSeenAt: '9999-12-31T23:59:59.000Z', lastSeenAt: '9999-12-31T23:59:59.000Z' }) });
    const got = (await out).incident;
    assert.deepEqual(incidentErrors(got), []);
    const entry = got.timeline.at(-1)!;
    assert.equal(entry.outcome, 'ok');
    assert.equal(entry.summary, '1 log event(s) from files (198.51.100.7: 1); the alerts are dated in the future (9999-12-31T23:59:59.000Z): searched around now instead');
    assert.deepEqual(got.logs?.notes, ['the alerts are dated in the future (9999-12-31T23:59:59.000Z): searched around now instead']);
    assert.deepEqual(entry.details?.notes, got.logs?.notes);
  });

  it('names unreadable and cut-short files and skipped long lines in the summary and the status, with an inexact total', async () => {
    const full = gzipSync(Array.from({ length: 20_000 }, (_, i) => `${at(-(i % 50))} sshd: Failed password for root from 198.51.100.7 port ${i} ${'z'.repeat(i % 41)}`).join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'trunc.log.2.gz'), full.subarray(0, 20_000));
    fs.writeFileSync(path.join(dir, 'bad.log.3.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x00, 0x01, 0x02]));
    fs.writeFileSync(path.join(dir, 'big.jsonl'), `${JSON.stringify({ '@timestamp': at(-2), src: '198.51.100.7', blob: 'q'.repeat(1024 * 1024 + 10) })}\n`);
    await helper.load(ALL_NODES, flow({ paths: dir }, { types: 'ip', typesType: 'str', limit: '10000' }));
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('fetch').receive({ incident: inc() });
    const got = (await out).incident;
    assert.deepEqual(incidentErrors(got), []);
    const entry = got.timeline.at(-1)!;
    assert.equal(entry.outcome, 'ok');
    assert.equal(got.logs?.totalExact, false);
    assert.match(entry.summary, /^at least \d+ log event\(s\) from files/);
    assert.match(entry.summary, /; 1 file\(s\) unreadable: bad\.log\.3\.gz \([^)]+\)/);
    assert.match(entry.summary, /; 1 file\(s\) cut short: trunc\.log\.2\.gz \(unexpected end of file after \d+ bytes\), read up to the cut/);
    assert.match(entry.summary, /; 1 line\(s\) over 1 MiB skipped: not searched$/);
    const last = statuses('fetch').at(-1)!;
    assert.equal(last.fill, 'yellow');
    assert.match(String(last.text), /^≥\d+ event\(s\); 1 file\(s\) unreadable; 1 file\(s\) cut short; 1 line/);
  });

  it('says the values cannot be searched when the only observables are "*" or "("', async () => {
    await helper.load(ALL_NODES, flow({ paths: dir }, { types: 'user', typesType: 'str' }));
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('fetch').receive({ incident: incident({ ...inc(), observables: [observable('user', '*', ['actor']), observable('user', '(', ['actor'])] }) });
    const entry = (await out).incident.timeline.at(-1)!;
    assert.equal(entry.outcome, 'skipped');
    assert.equal(entry.summary, 'no log search: nothing to search for: the values of the chosen types cannot be searched: user "*" (shorter than 2 characters), user "(" (shorter than 2 characters)');
  });

  it('gives an event whose line has no time a null time, valid against the schema', async () => {
    fs.writeFileSync(path.join(dir, 'auth.log'), 'sshd: refused connection from 198.51.100.7\n');
    await helper.load(ALL_NODES, flow({ paths: dir }, { types: 'ip', typesType: 'str' }));
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('fetch').receive({ incident: inc() });
    const got = (await out).incident;
    assert.deepEqual(incidentErrors(got), []);
    assert.deepEqual(got.logs?.events.map((e) => [e.time, e.message]), [[null, 'sshd: refused connection from 198.51.100.7']]);
    assert.ok(Object.hasOwn(got.logs!.events[0], 'time'));
  });

  it('Elasticsearch in dry-run records the query it would send, and sends nothing', async () => {
    await helper.load(ALL_NODES, flow({ backend: 'elasticsearch', mode: 'dry-run', url: es.url, index: 'logs-*' }), { src: { apiKey: 'ZXMta2V5LXNlY3JldA==' } });
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('fetch').receive({ incident: inc() });
    const got = (await out).incident;
    assert.equal(es.requests.length, 0);
    const entry = got.timeline.at(-1)!;
    assert.equal(entry.outcome, 'dry-run');
    assert.match(entry.summary, /dry-run: would search elasticsearch/);
    assert.match(String(entry.details?.query), /"multi_match":\{"query":"198\.51\.100\.7"/);
    assert.equal(got.logs?.dryRun, true);
    assert.ok(!JSON.stringify(got).includes('ZXMta2V5LXNlY3JldA=='));
  });

  it('Elasticsearch live: attaches the hits, keeps the key out of the timeline', async () => {
    es.index('logs-auth', [
      { '@timestamp': at(-3), host: { name: 'web-01' }, message: 'Failed password for alice from 198.51.100.7' },
      { '@timestamp': at(-200), message: 'Failed password for alice from 198.51.100.7' },
    ]);
    await helper.load(ALL_NODES, flow({ backend: 'elasticsearch', mode: 'live', url: es.url, index: 'logs-*' }, { types: 'ip', typesType: 'str' }), { src: { apiKey: 'ZXMta2V5LXNlY3JldA==' } });
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('fetch').receive({ incident: inc() });
    const got = (await out).incident;
    assert.equal(got.timeline.at(-1)!.outcome, 'ok', got.timeline.at(-1)!.summary);
    assert.deepEqual(got.logs?.events.map((e) => e.time), [at(-3)]);
    assert.equal(es.requests.length, 1);
    assert.ok(!JSON.stringify(got).includes('ZXMta2V5LXNlY3JldA=='));
  });

  it('Splunk live without a token is an error naming it; dry-run notes it', async () => {
    await helper.load(ALL_NODES, flow({ backend: 'splunk', mode: 'live', url: 'http://127.0.0.1:9/', index: 'main' }));
    const err = nextError(helper.getNode('fetch'));
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('fetch').receive({ incident: inc() });
    assert.match(String(await err), /Splunk: live mode needs token/);
    await out;
    await helper.unload();
    await helper.load(ALL_NODES, flow({ backend: 'splunk', mode: 'dry-run', url: 'http://127.0.0.1:9/', index: 'main' }));
    const dry = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('fetch').receive({ incident: inc() });
    const entry = (await dry).incident.timeline.at(-1)!;
    assert.equal(entry.outcome, 'dry-run');
    assert.match(entry.summary, /live mode lacks token/);
    assert.match(String(entry.details?.query), /^search index=main \("198\.51\.100\.7" OR "web-01" OR "alice"\) \| head 101/);
  });
});
