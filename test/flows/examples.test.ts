import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import supertest from 'supertest';
import { getFramework, getPhase } from '../../core/frameworks';
import type { Incident, IncidentStatus } from '../../core/model/types';
import { incidentErrors } from '../../core/model/validate';
import { ALL_NODES, captureHttpNode, coreNode, helper, nextMessage, type FlowNode } from '../helpers/node-red';
import { alertmanagerWebhook } from '../helpers/payloads';
import type { NodeModule } from 'node-red-node-test-helper';

// Every shipped example playbook, loaded as Node-RED deploys it and driven over HTTP with the
// repo's alert fixtures. What each run must do is read from the flow's own wiring (the chain
// of nodes from alert-in to the answer), so the test follows the example as it is drawn.

const ROOT = path.resolve(__dirname, '..', '..', '..');
// The sidebar's admin routes (restore is asked for there), registered as Node-RED loads the plugin.
const sidebarPlugin = require(path.resolve(__dirname, '..', '..', 'plugins', 'incidents-sidebar', 'incidents-sidebar.js')) as NodeModule;
const EXAMPLES = path.join(ROOT, 'examples');
const ALERTS = path.join(ROOT, 'test', 'fixtures', 'alerts');

interface ExampleSpec {
  file: string;
  endpoint: string;
  prefix: string;
  framework: string;
  /** The phases a medium alert runs through, in order. */
  phases: string[];
  /** The gate that holds high and critical incidents for approval. */
  heldGate: string;
  finalStatus: IncidentStatus;
  /** ISO/IEC 27035: a low-severity event is assessed as no incident and goes to lessons learned. */
  notAnIncident?: { decision: string; phases: string[] };
}

const SPECS: ExampleSpec[] = [
  {
    file: 'NIST SP 800-61 playbook.json', endpoint: '/ir/nist', prefix: 'ir_nist', framework: 'nist-800-61r2',
    phases: ['detection-analysis', 'containment-eradication-recovery', 'post-incident'], heldGate: 'ir_nist_gate_contain', finalStatus: 'resolved',
  },
  {
    file: 'CERT playbook.json', endpoint: '/ir/cert', prefix: 'ir_cert', framework: 'cert',
    phases: ['reporting-detection', 'triage', 'analysis', 'incident-response'], heldGate: 'ir_cert_gate_response', finalStatus: 'closed',
  },
  {
    file: 'ISACA playbook.json', endpoint: '/ir/isaca', prefix: 'ir_isaca', framework: 'isaca',
    phases: ['detection-triage-investigation', 'containment-analysis-tracking-recovery', 'incident-closure'], heldGate: 'ir_isaca_gate_contain', finalStatus: 'closed',
  },
  {
    file: 'ISO-IEC 27035 playbook.json', endpoint: '/ir/iso27035', prefix: 'ir_iso', framework: 'iso-27035',
    phases: ['detect-report', 'assess-decide', 'respond', 'learn-lessons'], heldGate: 'ir_iso_gate_respond', finalStatus: 'resolved',
    notAnIncident: { decision: 'ir_iso_decide', phases: ['detect-report', 'assess-decide', 'learn-lessons'] },
  },
];

const MODULES_OF_CORE = [
  coreNode('network/21-httpin.js'), coreNode('function/15-change.js'), coreNode('function/10-switch.js'),
  coreNode('common/90-comment.js'), coreNode('common/60-link.js'),
];

function readExample(file: string): FlowNode[] {
  return JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')) as FlowNode[];
}

/** The example as Node-RED would deploy it, with its debug nodes as test sinks. */
function deployable(flow: FlowNode[]): FlowNode[] {
  return flow.map((node) => (node.type === 'debug' ? { ...node, type: 'helper' } : node));
}

function fixture(name: string): string {
  return fs.readFileSync(path.join(ALERTS, name), 'utf8');
}

type Wires = string[][];

/**
 * The ids of the package's nodes a message passes, following the flow from `from`: the first
 * wire of each node's output `branch[id] ?? 0`, through link nodes, until `until` or the end.
 */
function chain(flow: FlowNode[], from: string, until: (id: string) => boolean, branch: Record<string, number> = {}): string[] {
  const byId = new Map(flow.map((n) => [n.id, n]));
  const path: string[] = [];
  let id: string | undefined = from;
  for (let hops = 0; id && hops < 100; hops += 1) {
    const node: FlowNode = byId.get(id)!;
    if (node.type.startsWith('ir-')) path.push(id);
    if (until(id)) return path;
    id = node.type === 'link out' ? (node.links as string[])[0] : (node.wires as Wires | undefined)?.[branch[id] ?? 0]?.[0];
  }
  return path;
}

/** The timeline's node ids with runs of the same node collapsed (a gate may write several entries). */
/** Ids of the nodes reachable from one output of a node (links followed), for excluding a branch. */
function reachable(flow: FlowNode[], wires: Wires, output: number): Set<string> {
  const seen = new Set<string>();
  const queue = [...(wires[output] ?? [])];
  while (queue.length) {
    const nodeId = queue.shift()!;
    if (seen.has(nodeId)) continue;
    seen.add(nodeId);
    const node = flow.find((n) => n.id === nodeId);
    if (!node || node.type === 'link out' || node.type === 'http response') continue;
    for (const out of (node.wires as Wires | undefined) ?? []) queue.push(...out);
  }
  return seen;
}

function steps(incident: Incident): string[] {
  return incident.timeline.map((e) => e.node.id).filter((id, i, all) => i === 0 || all[i - 1] !== id);
}

/** The action each kind of node writes into the timeline. */
function expectedActions(type: string): string[] {
  if (type === 'ir-alert-in') return ['incident-opened'];
  if (type === 'ir-phase-gate') return ['phase-entered', 'approval-requested', 'approval-granted', 'report-attached', 'incident-closed'];
  if (type === 'ir-disable-account') return ['disable-account', 'restore-account'];
  return [type.slice('ir-'.length)];
}

for (const spec of SPECS) {
  describe(`${spec.file.replace(/\.json$/, '')} example flow`, () => {
    const http = captureHttpNode();
    const modules = [...ALL_NODES, http.module, ...MODULES_OF_CORE, sidebarPlugin];
    const flow = readExample(spec.file);
    const framework = getFramework(spec.framework)!;
    const id = (suffix: string) => `${spec.prefix}_${suffix}`;
    const answerNode = id('answer');
    const isAnswer = (nodeId: string) => nodeId === answerNode;

    before(() => helper.startServer());
    after(() => helper.stopServer());
    beforeEach(() => helper.load(modules, deployable(flow)));
    afterEach(() => helper.unload());

    // The held gate's debug node (the editor's debug sidebar): where the example shows the links.
    const approvalSink = () => {
      const gate = flow.find((n) => n.id === spec.heldGate)!;
      const sink = (gate.wires as Wires)[2]!.find((target) => flow.find((n) => n.id === target)?.type === 'debug')!;
      return helper.getNode(sink);
    };
    const post = (body: string | Buffer, type = 'application/json') =>
      supertest(http.app()).post(spec.endpoint).set('content-type', type).send(body);

    it('is packaged in examples/, runs in dry-run and has a gate for each phase an incident passes', () => {
      const gates = flow.filter((n) => n.type === 'ir-phase-gate');
      assert.ok(gates.every((g) => g.framework === spec.framework));
      assert.deepEqual([...new Set(gates.map((g) => g.phase))], spec.phases);
      const reportGates = gates.filter((g) => g.attachReport === true);
      assert.deepEqual(reportGates.map((g) => g.phase), [framework.reportPhase]);
      for (const config of flow.filter((n) => n.type === 'ir-slack-config' || n.type === 'ir-pagerduty-config')) assert.equal(config.mode, 'dry-run', config.id);
      const groups = flow.filter((n) => n.type === 'group').map((g) => g.name);
      for (const phase of framework.phases.filter((p) => spec.phases.includes(p.id))) assert.ok(groups.includes(phase.label), `no group "${phase.label}"`);
    });

    it('runs a medium alert straight through every phase and answers 200 with the incident and its report', async () => {
      const res = await post(fixture('cloudtrail-assumed.json')).expect(200).expect('content-type', /json/);
      const incident = res.body as Incident;
      assert.deepEqual(incidentErrors(incident), []);
      assert.equal(incident.severity, 'medium');
      assert.equal(incident.framework, spec.framework);
      assert.deepEqual(incident.phases.map((p) => p.phase), spec.phases);
      assert.equal(incident.status, spec.finalStatus);
      // Each node on the drawn path wrote its entry, in the order of the wiring.
      assert.deepEqual(steps(incident), chain(flow, id('alert_in'), isAnswer));
      assert.match(incident.report!.markdown, /^# Post-incident report/);
      // The report covers every step of the run, containment included.
      assert.match(incident.report!.markdown, /disable-account/);
    });

    it('holds a critical incident (202), and after the approval from the link runs the rest; every node leaves its timeline entry', async () => {
      const links = nextMessage<{ approval: { approve: string; deny: string } }>(approvalSink());
      const held = await post(fixture('crowdstrike-detection.json')).expect(202);
      const { incident, approval: answered } = held.body as { incident: Incident; approval: { approve?: string; phase: string } };
      assert.equal(answered.approve, undefined, 'no approval link in the webhook answer');
      const approval = { ...answered, ...(await links).approval };
      assert.equal(incident.severity, 'critical');
      const upToHold = chain(flow, id('alert_in'), (n) => n === spec.heldGate);
      const heldAt = spec.phases.indexOf(approval.phase);
      assert.ok(heldAt > 0, `held before ${approval.phase}`);
      assert.deepEqual(incident.phases.map((p) => p.phase), spec.phases.slice(0, heldAt), 'the phases up to the hold');
      // The answer carries the incident as the gate held it; the approval notice comes after.
      assert.deepEqual(steps(incident), upToHold, 'the steps up to the hold');

      const link = new URL(approval.approve).pathname;
      const page = await supertest(http.app()).get(link).expect(200);
      assert.match(page.text, new RegExp(`Approve “${getPhase(framework, approval.phase)!.label}”`));
      const finished = nextMessage<{ incident: Incident }>(helper.getNode(id('finished')));
      await supertest(http.app()).post(link).type('form').send({ by: 'alice', reason: 'confirmed the compromise' }).expect(200);
      const done = (await finished).incident;
      assert.deepEqual(incidentErrors(done), []);
      assert.equal(done.id, incident.id);
      assert.deepEqual(done.phases.map((p) => p.phase), spec.phases);
      assert.equal(done.status, spec.finalStatus);
      const granted = done.timeline.findIndex((e) => e.action === 'approval-granted');
      assert.equal(done.timeline[granted]!.node.id, spec.heldGate);
      assert.match(done.timeline[granted]!.summary, /alice/);
      const afterApproval = steps({ ...done, timeline: done.timeline.slice(granted) });
      assert.deepEqual(afterApproval, chain(flow, spec.heldGate, isAnswer), 'the rest of the playbook after the approval');
      assert.match(done.report!.markdown, /alice approved/);

      // Containment is never undone in the same run: restoring is a person's later request.
      assert.ok(!done.timeline.some((e) => e.action === 'restore-account'), 'restored in the same run as containment');
      // It is asked for from the editor's incident sidebar (behind its login), never over http-in.
      await supertest(http.app()).post(`${spec.endpoint}/restore`).set('content-type', 'application/json').send(JSON.stringify({ id: done.id })).expect(404);
      const restoredMsg = nextMessage<{ incident: Incident }>(helper.getNode(id('restored')));
      const restored = (await helper.request().post(`/ir/incidents/${done.id}/restore`).set('content-type', 'application/json')
        .send({ reason: 'recovered' }).expect(200)).body as { message: string; incident: Incident };
      assert.match(restored.message, /Restore asked for 1 account\(s\)/);
      const after = (await restoredMsg).incident;
      assert.equal(after.id, done.id);
      assert.ok(after.timeline.some((e) => e.action === 'restore-requested' && e.node.type === 'editor' && /recovered/.test(e.summary)), 'who asked is recorded');
      assert.ok(after.timeline.some((e) => e.action === 'restore-account' && e.node.id === id('restore')), 'the sidebar ran the restore step');
      assert.equal((await helper.request().post(`/ir/incidents/${done.id}/restore`).set('content-type', 'application/json').send({}).expect(409)).body.error.code, 'conflict');

      // Every node of the package in this flow left its entry, of the kind its type writes.
      // (The steps after a "resolved" notice from the source run on alert-in's update output.)
      // (The steps after a denial or an expiry run on the held gate's fourth output.)
      const onUpdate = reachable(flow, flow.find((n) => n.type === 'ir-alert-in')!.wires as Wires, 1);
      const onDenied = reachable(flow, flow.find((n) => n.id === spec.heldGate)!.wires as Wires, 3);
      const ours = flow.filter((n) => n.type.startsWith('ir-') && Array.isArray(n.wires) && !onUpdate.has(n.id) && !onDenied.has(n.id));
      for (const node of ours) {
        const entries = after.timeline.filter((e) => e.node.id === node.id);
        assert.ok(entries.length > 0, `${node.type} ${node.id} left no timeline entry`);
        for (const entry of entries) assert.ok(expectedActions(node.type).includes(entry.action), `${node.id}: ${entry.action}`);
      }
    });

    it('stops at a denial: the denied output updates Slack and acknowledges the page; containment never runs', async () => {
      const links = nextMessage<{ incident: Incident; approval: { deny: string } }>(approvalSink());
      await post(fixture('crowdstrike-detection.json')).expect(202);
      const held = await links;
      const heldGate = flow.find((n) => n.id === spec.heldGate)!;
      const onDenied = reachable(flow, heldGate.wires as Wires, 3);
      const deniedSink = helper.getNode(flow.find((n) => onDenied.has(n.id) && n.type === 'debug')!.id);
      const denied = nextMessage<{ incident: Incident; approval: { decision: string } }>(deniedSink);
      await supertest(http.app()).post(new URL(held.approval.deny).pathname).type('form').send({ by: 'bob', reason: 'false positive' }).expect(200);
      const msg = await denied;
      assert.equal(msg.approval.decision, 'deny');
      assert.ok(!msg.incident.timeline.some((e) => e.action === 'disable-account'));
      assert.deepEqual(msg.incident.phases.map((p) => p.phase), held.incident.phases.map((p) => p.phase));
      const afterDenial = msg.incident.timeline.slice(msg.incident.timeline.findIndex((e) => e.action === 'approval-denied'));
      const slack = afterDenial.find((e) => e.action === 'slack-notify');
      assert.match(slack?.summary ?? '', /updated the message/, `the Slack message no longer asks for the approval: ${JSON.stringify(afterDenial.map((e) => [e.node.id, e.action, e.summary]))}`);
      const page = afterDenial.find((e) => e.action === 'pagerduty-page');
      assert.equal(page?.details?.event, 'acknowledge', 'a person decided: the page is acknowledged, not left ringing');
    });

    if (spec.notAnIncident) {
      const { decision, phases } = spec.notAnIncident;
      it('assesses a low-severity event as no incident and closes it with lessons learned, without response', async () => {
        const incident = (await post(fixture('suricata-eve-dns.json')).expect(200)).body as Incident;
        assert.equal(incident.severity, 'low');
        assert.deepEqual(incident.phases.map((p) => p.phase), phases);
        assert.equal(incident.status, 'resolved');
        assert.deepEqual(steps(incident), chain(flow, id('alert_in'), isAnswer, { [decision]: 1 }));
        assert.ok(!incident.timeline.some((e) => e.action === 'disable-account' || e.action === 'pagerduty-page' && e.details?.event === 'trigger'));
        assert.match(incident.report!.markdown, /^# Post-incident report/);
      });
    }

    it('answers a text alert (CEF over syslog) like a JSON one', async () => {
      const held = await post(fixture('cef-syslog.txt'), 'text/plain').expect(202);
      assert.equal(held.body.incident.alerts[0].source, 'cef');
      assert.equal(held.body.incident.framework, spec.framework);
    });

    it('a "resolved" notice from the source updates the Jira issue, and resolves the PagerDuty page unless a step is held; then answers 200', async () => {
      const links = nextMessage<{ approval: { deny: string } }>(approvalSink());
      const held = (await post(JSON.stringify(alertmanagerWebhook('firing'))).expect(202)).body as { incident: Incident };
      const res = await post(JSON.stringify(alertmanagerWebhook('resolved'))).expect(200);
      assert.equal(res.body.update, 'resolved');
      const incident = res.body.incident as Incident;
      assert.equal(incident.id, held.incident.id);
      assert.equal(incident.status, held.incident.status, 'a notice does not change the status');
      const pd = incident.timeline.filter((e) => e.node.id === id('pd_source_resolved'));
      assert.equal(pd.length, 1, 'the PagerDuty node on the update path ran: ' + JSON.stringify(incident.timeline.map((e) => [e.node.id, e.action, e.outcome, e.summary.slice(0, 80)]).slice(-4)));
      // Held for a person: the page stays (a forged notice cannot silence the on-call).
      assert.match(pd[0]!.summary, /held for approval: the page stays until a person decides/);
      assert.notEqual(incident.refs.pagerduty?.state, 'resolved');
      assert.ok(incident.timeline.some((e) => e.node.id === id('jira_source_resolved')));
      // Once the step is decided (denied here), the next notice resolves the page.
      await supertest(http.app()).post(new URL((await links).approval.deny).pathname).type('form').send({ by: 'bob', reason: 'false positive' }).expect(200);
      const after = (await post(JSON.stringify(alertmanagerWebhook('resolved'))).expect(200)).body.incident as Incident;
      const lastPage = after.timeline.filter((e) => e.node.id === id('pd_source_resolved')).at(-1)!;
      assert.equal(lastPage.details?.event, 'resolve');
      assert.equal(after.refs.pagerduty?.state, 'resolved');
    });

    it('answers a re-delivery with duplicateOf, an unknown resolution as ignored, and rejected bodies with 400 and 413', async () => {
      const first = (await post(fixture('cloudtrail-assumed.json')).expect(200)).body as Incident;
      const again = await post(fixture('cloudtrail-assumed.json')).expect(200);
      assert.equal(again.body.duplicateOf, first.id);
      assert.equal(again.body.update, 'duplicate');
      const unmatched = await post(fixture('alertmanager-resolved.json')).expect(200);
      assert.equal(unmatched.body.update, 'resolved-unmatched');
      assert.equal(unmatched.body.ignored, true);
      const bad = await post('{"rule": ').expect(400);
      assert.equal(bad.body.error.code, 'invalid-json');
      const unknown = await post('just some words that are no alert', 'text/plain').expect(400);
      assert.ok(unknown.body.error.message);
      const huge = await post(Buffer.alloc(1100 * 1024, 0x61)).expect(413);
      assert.equal(huge.body.error.code, 'too-large');
    });

    it('catches a failing node: answers 500 with the error; a failing integration is recorded apart', async () => {
      const gateNode = flow.find((n) => n.type === 'ir-phase-gate')!;
      const answered = nextMessage<{ statusCode: number; payload: { error: { code: string; node: string } } }>(helper.getNode(id('finished')));
      const integrationSink = flow.find((n) => n.type === 'debug' && n.name === 'recorded; the incident flows on')!;
      const recorded = nextMessage<{ error: { source: { type: string } } }>(helper.getNode(integrationSink.id));
      // No incident in the message: a programming error upstream, which every node refuses.
      helper.getNode(gateNode.id).receive({ payload: 'no incident' } as never);
      const msg = await answered;
      assert.equal(msg.statusCode, 500);
      assert.deepEqual([msg.payload.error.code, msg.payload.error.node], ['playbook-failed', 'ir-phase-gate']);
      const slackNode = flow.find((n) => n.type === 'ir-slack-notify')!;
      helper.getNode(slackNode.id).receive({ payload: 'no incident' } as never);
      assert.equal((await recorded).error.source.type, 'ir-slack-notify');
    });

    it('answers 409 when a gate refuses the move the framework forbids', async () => {
      const held = (await post(fixture('crowdstrike-detection.json')).expect(202)).body as { incident: Incident };
      // A gate of a phase the held incident may not move to (backwards, or skipping a phase).
      const current = framework.phases.find((p) => p.id === held.incident.phase)!;
      const firstGate = flow.find((n) => n.type === 'ir-phase-gate' && n.phase !== current.id && !current.next.includes(String(n.phase)))!;
      const answered = nextMessage<{ statusCode: number; payload: { error: { code: string; message: string }; incident: Incident } }>(helper.getNode(id('finished')));
      helper.getNode(firstGate.id).receive({ incident: held.incident } as never);
      const msg = await answered;
      assert.equal(msg.statusCode, 409);
      assert.equal(msg.payload.error.code, 'phase-refused');
      assert.match(msg.payload.error.message, /cannot move to/);
      assert.equal(msg.payload.incident.timeline.at(-1)!.action, 'phase-refused');
    });
  });
}

describe('all example playbooks in one Node-RED', () => {
  const http = captureHttpNode();
  const modules = [...ALL_NODES, http.module, ...MODULES_OF_CORE];

  before(() => helper.startServer());
  after(() => helper.stopServer());
  // The test helper registers the catch node once per catch node it finds, which fails from the
  // second on: here the other flows' catch nodes become sinks (each flow's own test runs its catch).
  beforeEach(() => helper.load(modules, SPECS.flatMap((s, i) => deployable(readExample(s.file)).map((n) => (i > 0 && n.type === 'catch' ? { ...n, type: 'helper' } : n)))));
  afterEach(() => helper.unload());

  it('deploy together, and each endpoint runs its own framework', async () => {
    for (const [i, spec] of SPECS.entries()) {
      // Another event per endpoint (id, address, user): four incidents, not one grouped.
      const alert = JSON.parse(fixture('cloudtrail-assumed.json')) as { sourceIPAddress: string; eventID: string; requestParameters: { userName: string } };
      alert.sourceIPAddress = `192.0.2.${10 + i}`;
      alert.eventID = `${alert.eventID.slice(0, -2)}${10 + i}`;
      alert.requestParameters.userName = `admin-${i}`;
      const body = JSON.stringify(alert);
      const incident = (await supertest(http.app()).post(spec.endpoint).set('content-type', 'application/json').send(body).expect(200)).body as Incident;
      assert.equal(incident.framework, spec.framework, spec.endpoint);
      assert.deepEqual(incident.phases.map((p) => p.phase), spec.phases);
    }
  });
});
