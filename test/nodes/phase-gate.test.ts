import assert from 'node:assert/strict';
import type { Incident } from '../../core/model/types';
import { ALL_NODES, helper, nextError, nextMessage, type FlowNode } from '../helpers/node-red';
import { wazuhAlert } from '../helpers/payloads';

interface OutMsg {
  incident: Incident;
  reason?: string;
}

function gate(id: string, phase: string, wires: string[][], extra: Record<string, unknown> = {}): FlowNode {
  return { id, type: 'ir-phase-gate', z: 'tab', framework: 'nist-800-61r2', phase, closeIncident: false, wires, ...extra };
}

const base: FlowNode[] = [
  { id: 'tab', type: 'tab' },
  { id: 'in', type: 'ir-alert-in', z: 'tab', auth: 'none', wires: [['detect'], [], []] },
  { id: 'passed', type: 'helper', z: 'tab' },
  { id: 'refused', type: 'helper', z: 'tab' },
];

describe('phase-gate node', () => {
  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(() => helper.unload());

  it('moves an incident through the NIST phases and closes it at the end', async () => {
    await helper.load(ALL_NODES, [
      ...base,
      gate('detect', 'detection-analysis', [['contain'], ['refused']]),
      gate('contain', 'containment-eradication-recovery', [['post'], ['refused']]),
      gate('post', 'post-incident', [['passed'], ['refused']], { closeIncident: true }),
    ]);
    const out = nextMessage<OutMsg>(helper.getNode('passed'));
    helper.getNode('in').receive({ payload: wazuhAlert() });
    const { incident } = await out;
    assert.deepEqual(incident.phases.map((p) => p.phase), ['detection-analysis', 'containment-eradication-recovery', 'post-incident']);
    assert.equal(incident.framework, 'nist-800-61r2');
    assert.equal(incident.phase, 'post-incident');
    assert.equal(incident.status, 'closed');
    assert.deepEqual(incident.timeline.map((e) => e.action), ['incident-opened', 'phase-entered', 'phase-entered', 'phase-entered', 'incident-closed']);
    assert.ok(incident.metrics.phaseDurationsMs?.['detection-analysis'] !== undefined);
    assert.equal(incident.revision, 4);
  });

  it('refuses a transition the framework does not allow, with the reason', async () => {
    await helper.load(ALL_NODES, [
      ...base,
      gate('detect', 'detection-analysis', [['post'], ['refused']]),
      gate('post', 'post-incident', [['passed'], ['refused']]),
    ]);
    const out = nextMessage<OutMsg>(helper.getNode('refused'));
    helper.getNode('in').receive({ payload: wazuhAlert() });
    const msg = await out;
    assert.match(msg.reason!, /"Detection and Analysis" cannot move to "Post-Incident Activity"/);
    assert.equal(msg.incident.phase, 'detection-analysis');
    assert.equal(msg.incident.timeline.at(-1)!.action, 'phase-refused');
  });

  it('rejects a malformed msg.incident with a clear, catchable error', async () => {
    await helper.load(ALL_NODES, [
      { id: 'tab', type: 'tab' },
      { id: 'in', type: 'ir-alert-in', z: 'tab', auth: 'none', wires: [['passed'], [], []] },
      { id: 'passed', type: 'helper', z: 'tab' },
      gate('detect', 'detection-analysis', [[], []]),
    ]);
    const node = helper.getNode('detect');
    let error = nextError(node);
    node.receive({ payload: 'x' });
    assert.match(String(await error), /msg\.incident is missing/);
    error = nextError(node);
    node.receive({ incident: { id: 'nope', severity: 'urgent' } });
    assert.match(String(await error), /invalid msg\.incident: .*must have required property 'schemaVersion'/);
    const created = nextMessage<OutMsg>(helper.getNode('passed'));
    helper.getNode('in').receive({ payload: wazuhAlert() });
    const valid = (await created).incident;
    error = nextError(node);
    node.receive({ incident: { ...valid, severity: 'urgent' } });
    assert.match(String(await error), /invalid msg\.incident: incident\.severity must be one of low, medium, high, critical$/);
  });

  it('keeps the timeline entries of two parallel branches', async () => {
    await helper.load(ALL_NODES, [
      ...base,
      gate('detect', 'detection-analysis', [['ip', 'logs'], ['refused']]),
      { id: 'ip', type: 'ir-ip-lookup', z: 'tab', wires: [['join']] },
      { id: 'logs', type: 'ir-log-fetch', z: 'tab', wires: [['join']] },
      { id: 'join', type: 'helper', z: 'tab' },
    ]);
    const sink = helper.getNode('join');
    const seen: OutMsg[] = [];
    const both = new Promise<void>((resolve) => sink.on('input', (m: OutMsg) => { seen.push(m); if (seen.length === 2) resolve(); }));
    helper.getNode('in').receive({ payload: wazuhAlert() });
    await both;
    const last = seen.reduce((a, b) => (a.incident.revision > b.incident.revision ? a : b)).incident;
    const actions = last.timeline.map((e) => e.action);
    assert.ok(actions.includes('ip-lookup') && actions.includes('log-fetch'), actions.join(', '));
    assert.equal(last.revision, 4);
  });

  it('marks a gate with an unknown framework as misconfigured', async () => {
    const gateNode = () => helper.getNode('detect');
    await helper.load(ALL_NODES, [...base, gate('detect', 'detection-analysis', [['passed'], ['refused']], { framework: 'itil' })]);
    // The constructor reports the bad configuration; each message then fails clearly.
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the constructor's error event pass
    const spy = gateNode().error as unknown as { getCalls(): Array<{ thisValue: { id: string }; args: unknown[] }> };
    assert.ok(spy.getCalls().some((c) => c.thisValue.id === 'detect' && /unknown framework "itil"/.test(String(c.args[0]))));
    const error = nextError(gateNode());
    helper.getNode('in').receive({ payload: wazuhAlert() });
    assert.match(String(await error), /misconfigured: framework "itil"/);
  });
});
