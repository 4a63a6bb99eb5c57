import assert from 'node:assert/strict';
import supertest from 'supertest';
import type { Incident } from '../../core/model/types';
import { incidentErrors } from '../../core/model/validate';
import { ALL_NODES, captureHttpNode, helper, nextMessage, type FlowNode } from '../helpers/node-red';
import { wazuhAlert } from '../helpers/payloads';

interface Approval { incidentId?: string; title?: string; holdId: string; approve: string; deny: string; expiresAt: string; decision?: string; decidedBy?: string }
interface OutMsg { incident: Incident; approval: Approval; statusCode?: number; payload?: { incident: Incident; approval: Approval }; sla?: { phase: string }; report?: { markdown: string } }

function flow(containment: Record<string, unknown>): FlowNode[] {
  return [
    { id: 'tab', type: 'tab' },
    { id: 'in', type: 'ir-alert-in', z: 'tab', auth: 'none', wires: [['detect'], [], []] },
    { id: 'detect', type: 'ir-phase-gate', z: 'tab', framework: 'nist-800-61r2', phase: 'detection-analysis', approval: 'never', wires: [['contain'], []] },
    {
      id: 'contain', type: 'ir-phase-gate', z: 'tab', name: 'Containment', framework: 'nist-800-61r2', phase: 'containment-eradication-recovery',
      approval: 'always', approvalTimeoutMinutes: 60, publicBaseUrl: 'http://127.0.0.1:1880/', ...containment,
      wires: [['passed'], ['refused'], ['awaiting'], ['denied'], ['sla']],
    },
    { id: 'passed', type: 'helper', z: 'tab' },
    { id: 'refused', type: 'helper', z: 'tab' },
    { id: 'awaiting', type: 'helper', z: 'tab' },
    { id: 'denied', type: 'helper', z: 'tab' },
    { id: 'sla', type: 'helper', z: 'tab' },
  ];
}

/** The path of a link, to request it from the captured http app. */
const pathOf = (link: string) => new URL(link).pathname;

describe('phase-gate approvals over HTTP', () => {
  const http = captureHttpNode();
  const modules = [...ALL_NODES, http.module];
  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(() => helper.unload());

  async function hold(containment: Record<string, unknown> = {}): Promise<OutMsg> {
    await helper.load(modules, flow(containment));
    const awaiting = nextMessage<OutMsg>(helper.getNode('awaiting'));
    helper.getNode('in').receive({ payload: wazuhAlert() });
    return awaiting;
  }

  it('holds with a 202 answer and links; GET shows a page and decides nothing; POST approves once', async () => {
    const held = await hold();
    assert.equal(held.statusCode, 202);
    // The answer to the alert's sender says the step is held, not how to decide it.
    assert.equal(held.payload!.approval.approve, undefined);
    assert.equal(held.payload!.approval.holdId, held.approval.holdId);
    assert.match(String((held.payload!.approval as { decideIn?: string }).decideIn), /incident sidebar/);
    assert.match(held.approval.approve, /^http:\/\/127\.0\.0\.1:1880\/ir-approval\//);
    // Which incident waits, told apart from other pending approvals in the debug sidebar.
    assert.equal(held.approval.incidentId, held.incident.id);
    assert.equal(held.approval.title, 'sshd: brute force trying to get access to the system.');
    assert.equal(held.incident.phase, 'detection-analysis');
    assert.deepEqual(incidentErrors(held.incident), []);

    const page = await supertest(http.app()).get(pathOf(held.approval.approve)).expect(200).expect('content-type', /html/);
    assert.match(page.text, /Approve “Containment, Eradication and Recovery”\?/);
    assert.match(page.text, /sshd: brute force/);
    assert.match(page.text, /<td>Accounts named<\/td><td>(user <code>[^<]+<\/code>|—)/);
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    // A second GET (a chat preview, a link scanner) still decides nothing.
    await supertest(http.app()).get(pathOf(held.approval.approve)).expect(200);

    const passed = nextMessage<OutMsg>(helper.getNode('passed'));
    const done = await supertest(http.app()).post(pathOf(held.approval.approve)).type('form').send({ by: 'alice', reason: 'isolate web-01' }).expect(200);
    assert.match(done.text, /Approved by alice/);
    const msg = await passed;
    assert.equal(msg.incident.phase, 'containment-eradication-recovery');
    assert.equal(msg.approval.decidedBy, 'alice');
    const entry = msg.incident.timeline.find((e) => e.action === 'approval-granted')!;
    assert.match(entry.summary, /alice approved/);

    const replay = await supertest(http.app()).post(pathOf(held.approval.approve)).type('form').send({ by: 'alice' }).expect(409);
    assert.match(replay.text, /already approved by alice/);
    await supertest(http.app()).post(pathOf(held.approval.deny)).type('form').send({ by: 'bob' }).expect(409);
    await supertest(http.app()).get(pathOf(held.approval.deny)).expect(409);
  });

  it('refuses forged and swapped tokens and unknown holds', async () => {
    const held = await hold();
    const approvePath = pathOf(held.approval.approve);
    const forged = approvePath.replace(/[^/]+$/, 'x'.repeat(43));
    await supertest(http.app()).get(forged).expect(403);
    await supertest(http.app()).post(forged).type('form').send({ by: 'eve' }).expect(403);
    const swapped = approvePath.replace(/[^/]+$/, pathOf(held.approval.deny).split('/').at(-1)!);
    await supertest(http.app()).post(swapped).type('form').send({ by: 'eve' }).expect(403);
    await supertest(http.app()).get(approvePath.replace(held.approval.holdId, '01ARZ3NDEKTSV4RRFFQ69G5FAV')).expect(404);
    await supertest(http.app()).get(approvePath.replace('/approve/', '/maybe/')).expect(404);
    await supertest(http.app()).post(approvePath).type('form').send({ by: '' }).expect(400);
  });

  it('puts the links in the answer only when asked to (a verified sender)', async () => {
    const held = await hold({ linksInAnswer: true });
    assert.equal(held.payload!.approval.approve, held.approval.approve);
    assert.equal(held.payload!.approval.deny, held.approval.deny);
    await helper.unload();
    const personal = await hold({ linksInAnswer: true, approvers: 'alice' });
    assert.deepEqual((personal.payload!.approval as unknown as { approvers: unknown[] }).approvers, (personal.approval as unknown as { approvers: unknown[] }).approvers);
  });

  it('gives each listed approver links of their own, which say who decides', async () => {
    const held = await hold({ approvers: 'alice@example.org, Bob' });
    const personal = (held.approval as unknown as { approvers: Array<{ approver: string; approve: string }> }).approvers;
    assert.equal(held.approval.approve, undefined);
    const bob = personal.find((p) => p.approver === 'Bob')!;
    const page = await supertest(http.app()).get(pathOf(bob.approve)).expect(200);
    assert.match(page.text, /You decide as <b>Bob<\/b>/);
    const passed = nextMessage<OutMsg>(helper.getNode('passed'));
    // The typed name does not matter: the link is Bob's.
    await supertest(http.app()).post(pathOf(bob.approve)).type('form').send({ by: 'alice@example.org' }).expect(200);
    assert.equal((await passed).approval.decidedBy, 'Bob');
  });

  it('never stores the links, and a refused decision changes nothing', async () => {
    const held = await hold();
    const token = held.approval.approve.split('/').at(-1)!;
    assert.doesNotMatch(JSON.stringify(held.incident), new RegExp(token));
    const forged = pathOf(held.approval.approve).replace(/[^/]+$/, 'y'.repeat(43));
    await supertest(http.app()).post(forged).type('form').send({ by: 'eve' }).expect(403);
    await supertest(http.app()).post(pathOf(held.approval.approve)).type('form').send({ by: '\u200b' }).expect(400);
    await supertest(http.app()).get('/ir-approval/..%2F..%2Fsettings/x/approve/' + token).expect(404);
    // A re-run while held answers 202 again, without links.
    const again = nextMessage<OutMsg>(helper.getNode('awaiting'));
    helper.getNode('contain').receive({ incident: held.incident });
    const rerun = await again;
    assert.equal(rerun.approval.approve, undefined);
    // One save: the re-run's; the refused decisions saved nothing.
    assert.equal(rerun.incident.revision, held.incident.revision + 1);
  });

  it('sends a denial to the denied output', async () => {
    const held = await hold();
    const denied = nextMessage<OutMsg>(helper.getNode('denied'));
    await supertest(http.app()).post(pathOf(held.approval.deny)).type('form').send({ by: 'bob', reason: 'false positive' }).expect(200);
    const msg = await denied;
    assert.equal(msg.approval.decision, 'deny');
    assert.equal(msg.incident.phase, 'detection-analysis');
    assert.equal(msg.incident.holds[0].state, 'denied');
  });

  it('expires a hold nobody decides, once, on the denied output', async () => {
    const held = await hold({ approvalTimeoutMinutes: 0.005 });
    const msg = await nextMessage<OutMsg>(helper.getNode('denied'), 5000);
    assert.equal(msg.approval.decision, 'expired');
    assert.equal(msg.incident.holds[0].state, 'expired');
    await supertest(http.app()).post(pathOf(held.approval.approve)).type('form').send({ by: 'alice' }).expect(410);
  });

  it('fires an SLA breach when the incident stays too long in the phase', async () => {
    await helper.load(modules, flow({ approval: 'never', slaMedium: 0.005, slaHigh: 0.005 }).map((n) => (n.id === 'contain' ? { ...n, wires: [['passed'], ['refused'], ['sla']] } : n)));
    const sla = nextMessage<OutMsg>(helper.getNode('sla'), 5000);
    helper.getNode('in').receive({ payload: wazuhAlert() });
    const msg = await sla;
    assert.equal(msg.sla!.phase, 'containment-eradication-recovery');
    assert.equal(msg.incident.timeline.at(-1)!.action, 'sla-breached');
  });

  it('attaches the report on the closing gate', async () => {
    await helper.load(modules, [
      { id: 'tab', type: 'tab' },
      { id: 'in', type: 'ir-alert-in', z: 'tab', auth: 'none', wires: [['detect'], [], []] },
      { id: 'detect', type: 'ir-phase-gate', z: 'tab', framework: 'nist-800-61r2', phase: 'detection-analysis', wires: [['contain'], []] },
      { id: 'contain', type: 'ir-phase-gate', z: 'tab', framework: 'nist-800-61r2', phase: 'containment-eradication-recovery', wires: [['post'], []] },
      { id: 'post', type: 'ir-phase-gate', z: 'tab', framework: 'nist-800-61r2', phase: 'post-incident', attachReport: true, wires: [['passed'], []] },
      { id: 'passed', type: 'helper', z: 'tab' },
    ]);
    const passed = nextMessage<OutMsg>(helper.getNode('passed'));
    helper.getNode('in').receive({ payload: wazuhAlert() });
    const msg = await passed;
    assert.match(msg.report!.markdown, /^# Post-incident report/);
    assert.equal(msg.incident.timeline.at(-1)!.action, 'report-attached');
  });
});
