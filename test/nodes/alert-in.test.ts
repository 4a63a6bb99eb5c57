import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import zlib from 'node:zlib';
import { incidentErrors } from '../../core/model/validate';
import type { Incident } from '../../core/model/types';
import { ALL_NODES, helper, nextError, nextMessage, type FlowNode } from '../helpers/node-red';
import { alertmanagerWebhook, CEF_LINES, wazuhAlert } from '../helpers/payloads';

interface OutMsg {
  incident?: Incident;
  update?: string;
  duplicateOf?: string;
  statusCode?: number;
  payload: { error?: { code: string; message: string }; incident?: Incident; duplicateOf?: string };
  res?: unknown;
  alertIndex?: number;
}

function flow(config: Record<string, unknown> = {}, wired = true): FlowNode[] {
  return [
    { id: 'tab', type: 'tab' },
    { id: 'in', type: 'ir-alert-in', z: 'tab', format: 'auto', dedupKeyType: 'default', windowMinutes: 15, maxAlerts: 20, maxKilobytes: 1024, maxDepth: 64, auth: 'none', ...config, wires: [['new'], ['update'], wired ? ['rejected'] : []] },
    { id: 'new', type: 'helper', z: 'tab' },
    { id: 'update', type: 'helper', z: 'tab' },
    { id: 'rejected', type: 'helper', z: 'tab' },
  ];
}

describe('alert-in node', () => {
  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(() => helper.unload());

  it('opens a valid incident from a raw-body alert', async () => {
    await helper.load(ALL_NODES, flow());
    const out = nextMessage<OutMsg>(helper.getNode('new'));
    helper.getNode('in').receive({ payload: Buffer.from(JSON.stringify(wazuhAlert())) });
    const msg = await out;
    const incident = msg.incident!;
    assert.deepEqual(incidentErrors(incident), []);
    assert.equal(incident.revision, 1);
    assert.equal(incident.alerts[0].source, 'wazuh');
    assert.equal(incident.severity, 'medium');
    assert.ok(incident.observables.some((o) => o.type === 'ip' && o.value === '198.51.100.23'));
    assert.equal(incident.timeline[0].action, 'incident-opened');
    assert.deepEqual(incident.timeline[0].node, { type: 'ir-alert-in', id: 'in' });
  });

  it('sends a re-delivered alert to the update output with duplicateOf and a 200 answer', async () => {
    await helper.load(ALL_NODES, flow());
    const node = helper.getNode('in');
    const first = nextMessage<OutMsg>(helper.getNode('new'));
    node.receive({ payload: JSON.stringify(wazuhAlert()) });
    const created = (await first).incident!;
    const second = nextMessage<OutMsg>(helper.getNode('update'));
    node.receive({ payload: wazuhAlert() });
    const msg = await second;
    assert.equal(msg.update, 'duplicate');
    assert.equal(msg.duplicateOf, created.id);
    assert.equal(msg.statusCode, 200);
    assert.equal(msg.payload.duplicateOf, created.id);
    assert.equal(msg.incident!.alertCount, 1, 'a re-delivery is not another alert');
    assert.equal(msg.incident!.timeline.at(-1)!.action, 'alert-redelivered');
  });

  it('gives one incident when the same webhook arrives twice at once', async () => {
    await helper.load(ALL_NODES, flow());
    const node = helper.getNode('in');
    const first = nextMessage<OutMsg>(helper.getNode('new'));
    const second = nextMessage<OutMsg>(helper.getNode('update'));
    node.receive({ payload: JSON.stringify(wazuhAlert()) });
    node.receive({ payload: JSON.stringify(wazuhAlert()) });
    const [a, b] = await Promise.all([first, second]);
    assert.equal(b.duplicateOf, a.incident!.id);
  });

  it('follows a resolution from the source onto the update output', async () => {
    await helper.load(ALL_NODES, flow());
    const node = helper.getNode('in');
    const firing = nextMessage<OutMsg>(helper.getNode('new'));
    node.receive({ payload: alertmanagerWebhook('firing') });
    const opened = (await firing).incident!;
    const resolved = nextMessage<OutMsg>(helper.getNode('update'));
    node.receive({ payload: alertmanagerWebhook('resolved') });
    const msg = await resolved;
    assert.equal(msg.update, 'resolved');
    assert.equal(msg.incident!.id, opened.id);
    assert.equal(msg.incident!.timeline.at(-1)!.action, 'source-resolved');

    const orphan = nextMessage<OutMsg>(helper.getNode('update'));
    node.receive({ payload: alertmanagerWebhook('resolved', 'other:9100') });
    const ignored = await orphan;
    assert.equal(ignored.update, 'resolved-unmatched');
    assert.equal(ignored.incident, undefined);
  });

  it('rejects malformed bodies with 400 and oversized ones with 413, and keeps working', async () => {
    await helper.load(ALL_NODES, flow({ maxKilobytes: 1 }));
    const node = helper.getNode('in');
    const rejected = helper.getNode('rejected');
    let out = nextMessage<OutMsg>(rejected);
    node.receive({ payload: Buffer.from('{"rule": {"level": 5,') });
    let msg = await out;
    assert.equal(msg.statusCode, 400);
    assert.equal(msg.payload.error!.code, 'invalid-json');

    out = nextMessage<OutMsg>(rejected);
    node.receive({ payload: Buffer.from(JSON.stringify({ ...wazuhAlert(), padding: 'x'.repeat(4096) })) });
    msg = await out;
    assert.equal(msg.statusCode, 413);
    assert.equal(msg.payload.error!.code, 'too-large');

    out = nextMessage<OutMsg>(rejected);
    node.receive({ payload: '' });
    msg = await out;
    assert.equal(msg.statusCode, 400);

    const ok = nextMessage<OutMsg>(helper.getNode('new'));
    node.receive({ payload: wazuhAlert() });
    assert.ok((await ok).incident);
  });

  it('verifies a bearer secret', async () => {
    await helper.load(ALL_NODES, flow({ auth: 'bearer' }), { in: { secret: 'hunter22' } });
    const node = helper.getNode('in');
    const denied = nextMessage<OutMsg>(helper.getNode('rejected'));
    node.receive({ payload: wazuhAlert(), req: { headers: { authorization: 'Bearer wrong' } } });
    const msg = await denied;
    assert.equal(msg.statusCode, 401);
    assert.equal(msg.payload.error!.code, 'unauthorized');
    assert.doesNotMatch(JSON.stringify(msg.payload), /hunter22/);

    const accepted = nextMessage<OutMsg>(helper.getNode('new'));
    node.receive({ payload: wazuhAlert(), req: { headers: { authorization: 'Bearer hunter22' } } });
    assert.ok((await accepted).incident);
  });

  it('verifies an HMAC signature of the raw body', async () => {
    await helper.load(ALL_NODES, flow({ auth: 'hmac-sha256' }), { in: { secret: 'k3y' } });
    const node = helper.getNode('in');
    const body = Buffer.from(JSON.stringify(wazuhAlert()));
    const signature = `sha256=${createHmac('sha256', 'k3y').update(body).digest('hex')}`;
    const accepted = nextMessage<OutMsg>(helper.getNode('new'));
    node.receive({ payload: body, req: { headers: { 'x-signature-256': signature } } });
    assert.ok((await accepted).incident);
    const denied = nextMessage<OutMsg>(helper.getNode('rejected'));
    node.receive({ payload: Buffer.from(body.toString().replace('5712', '5713')), req: { headers: { 'x-signature-256': signature } } });
    assert.equal((await denied).statusCode, 401);
  });

  it('reports a rejection as an error when the rejected output is not wired', async () => {
    await helper.load(ALL_NODES, flow({}, false));
    const error = nextError(helper.getNode('in'));
    helper.getNode('in').receive({ payload: 'not an alert {' });
    assert.match(String(await error), /alert rejected \(400\)/);
  });

  it('sends one message per alert of a multi-record body, the HTTP response on the first only', async () => {
    await helper.load(ALL_NODES, flow());
    const sink = helper.getNode('new');
    const messages: OutMsg[] = [];
    const both = new Promise<void>((resolve) => sink.on('input', (m: OutMsg) => { messages.push(m); if (messages.length === 2) resolve(); }));
    helper.getNode('in').receive({ payload: CEF_LINES, res: { fake: true } });
    await both;
    assert.deepEqual(messages.map((m) => m.alertIndex), [0, 1]);
    assert.ok(messages[0].res);
    assert.equal(messages[1].res, undefined);
    assert.notEqual(messages[0].incident!.id, messages[1].incident!.id);
  });

  it('warns that the memory context store loses incidents on restart', async () => {
    await helper.load(ALL_NODES, flow());
    // Node.prototype.status is a sinon spy shared by all nodes: keep this node's calls.
    const spy = helper.getNode('in').status as unknown as { getCalls(): Array<{ thisValue: { id: string }; args: [{ text?: string }] }> };
    const texts = spy.getCalls().filter((c) => c.thisValue.id === 'in').map((c) => c.args[0].text ?? '');
    assert.ok(texts.some((t) => /memory store: lost on restart/.test(t)), texts.join(', '));
  });

  it('reads gzip and Latin-1 bodies, refuses a compression bomb and too many records', async () => {
    await helper.load(ALL_NODES, flow({ maxKilobytes: 64, maxRecords: 3 }));
    const node = helper.getNode('in');
    let out = nextMessage<OutMsg>(helper.getNode('new'));
    node.receive({ payload: zlib.gzipSync(JSON.stringify(wazuhAlert())), req: { headers: { 'content-encoding': 'gzip' } } });
    assert.equal((await out).incident!.alerts[0].source, 'wazuh');

    out = nextMessage<OutMsg>(helper.getNode('new'));
    const latin1 = Buffer.from(JSON.stringify({ ...wazuhAlert('203.0.113.60'), rule: { level: 10, id: '9', description: 'Caf\u00e9 login failure' } }), 'latin1');
    node.receive({ payload: latin1, req: { headers: { 'content-type': 'application/json; charset=ISO-8859-1' } } });
    assert.equal((await out).incident!.title, 'Caf\u00e9 login failure');

    const rejected = helper.getNode('rejected');
    out = nextMessage<OutMsg>(rejected);
    node.receive({ payload: zlib.gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20)), req: { headers: { 'content-encoding': 'gzip' } } });
    assert.equal((await out).payload.error!.code, 'too-large');

    out = nextMessage<OutMsg>(rejected);
    node.receive({ payload: Buffer.from('not gzip'), req: { headers: { 'content-encoding': 'gzip' } } });
    assert.equal((await out).statusCode, 400);

    out = nextMessage<OutMsg>(rejected);
    node.receive({ payload: Array.from({ length: 4 }, () => CEF_LINES.split('\n')[0]).join('\n') });
    const many = await out;
    assert.equal(many.statusCode, 413);
    assert.equal(many.payload.error!.code, 'too-many-records');
  });

  it('keeps a large raw payload as an excerpt and strips control characters from titles', async () => {
    await helper.load(ALL_NODES, flow({ maxRawKilobytes: 1 }));
    const out = nextMessage<OutMsg>(helper.getNode('new'));
    const big = { ...wazuhAlert(), rule: { level: 10, id: '77', description: 'Login \u202eevil\u0007 failure' }, padding: 'x'.repeat(5000) };
    helper.getNode('in').receive({ payload: big });
    const incident = (await out).incident!;
    assert.equal(incident.title, 'Login evil failure');
    const raw = incident.alerts[0].raw as { truncated: boolean; bytes: number; excerpt: string };
    assert.equal(raw.truncated, true);
    assert.ok(raw.bytes > 5000);
    assert.ok(raw.excerpt.length <= 4096);
  });
});
