import assert from 'node:assert/strict';
import { closeIncident } from '../../core/actions/analyst';
import { checkDecision, createHold, needsApproval, type ApprovalPolicy } from '../../core/approval/holds';
import { getFramework, getPhase } from '../../core/frameworks';
import { applyDecision, applyExpiry, applyGate, applySlaCheck, type GateConfig } from '../../core/frameworks/gate';
import { incidentErrors } from '../../core/model/validate';
import { buildReport, LESSONS_LEARNED_QUESTIONS } from '../../core/report/report';
import { appendTimeline } from '../../core/model/timeline';
import { confirmationPage } from '../../core/approval/page';
import { incident } from '../helpers/fixtures';

const nist = getFramework('nist-800-61r2')!;
const gate = { type: 'ir-phase-gate', id: 'g1', name: 'Containment' };
const policy: ApprovalPolicy = { mode: 'always', minSeverity: 'high', approvers: [], timeoutMs: 60_000 };

function config(phase: string, overrides: Partial<GateConfig> = {}): GateConfig {
  return {
    framework: nist, phase: getPhase(nist, phase)!, approval: { ...policy, mode: 'never' }, slaMs: {},
    closeIncident: false, attachReport: false, publicBaseUrl: 'https://nr.example.org/', ...overrides,
  };
}

function tokenOf(link: string): string {
  return link.split('/').at(-1)!;
}

describe('phase-gate logic: approvals, SLA and report', () => {
  it('asks for approval always, from a severity up, or never', () => {
    const high = incident({ severity: 'high' });
    const low = incident({ severity: 'low' });
    assert.equal(needsApproval({ ...policy, mode: 'never' }, high), false);
    assert.equal(needsApproval(policy, low), true);
    assert.equal(needsApproval({ ...policy, mode: 'severity', minSeverity: 'high' }, high), true);
    assert.equal(needsApproval({ ...policy, mode: 'severity', minSeverity: 'high' }, low), false);
    assert.equal(needsApproval({ ...policy, mode: 'severity', minSeverity: 'high' }, incident({ severity: 'critical' })), true);
  });

  it('holds with two unguessable single-use links and stores only their hashes', () => {
    const inc = incident();
    const { hold, links } = createHold(inc, gate, 'containment-eradication-recovery', policy, 'https://nr.example.org/', new Date('2026-03-01T10:00:00Z'));
    assert.match(links.approve!, new RegExp(`^https://nr\\.example\\.org/ir-approval/${inc.id}/${hold.id}/approve/[A-Za-z0-9_-]{43}$`));
    assert.notEqual(tokenOf(links.approve!), tokenOf(links.deny!));
    assert.equal(hold.expiresAt, '2026-03-01T10:01:00.000Z');
    const stored = JSON.stringify(inc);
    assert.ok(!stored.includes(tokenOf(links.approve!)) && !stored.includes(tokenOf(links.deny!)), 'a token is stored');
    assert.deepEqual(hold.tokens.map((t) => t.decision), ['approve', 'deny']);
    assert.deepEqual(incidentErrors(inc), []);
  });

  it('an old link cannot run a step of a closed or resolved incident; closing withdraws what waits', () => {
    const now = new Date('2026-03-01T10:00:00Z');
    const inc = incident({ severity: 'high' });
    const { hold, links } = createHold(inc, gate, 'containment-eradication-recovery', policy, 'https://nr.example.org/', now);
    inc.status = 'resolved';
    const refused = checkDecision(inc, hold.id, 'approve', tokenOf(links.approve!), 'mallory', now);
    assert.deepEqual(refused.ok ? undefined : [refused.status, refused.code], [409, 'incident-closed']);
    inc.status = 'open';
    closeIncident(inc, 'false-positive', 'benign scanner', { user: 'alice', now });
    assert.equal(hold.state, 'denied');
    assert.equal(hold.decidedBy, 'alice');
    assert.match(hold.reason ?? '', /withdrawn/);
    const after = checkDecision(inc, hold.id, 'approve', tokenOf(links.approve!), 'mallory', now);
    assert.equal(after.ok, false);
    // The link says the hold was withdrawn, not that someone denied it.
    assert.match(after.ok ? '' : after.message, /^withdrawn when the incident was closed by alice at /);
  });

  it('refuses forged, swapped, replayed and expired tokens; an approver link names its approver', () => {
    const inc = incident();
    const now = new Date('2026-03-01T10:00:00Z');
    const { hold, links } = createHold(inc, gate, 'containment-eradication-recovery', { ...policy, approvers: ['Alice@Example.org', 'bob'] }, 'http://x', now);
    assert.equal(links.approve, undefined, 'with approvers, only personal links');
    const alice = links.approvers!.find((l) => l.approver === 'Alice@Example.org')!;
    const approve = tokenOf(alice.approve);
    const deny = tokenOf(alice.deny);
    assert.equal((checkDecision(inc, hold.id, 'approve', 'A'.repeat(43), 'x', now) as { code: string }).code, 'forbidden');
    assert.equal((checkDecision(inc, hold.id, 'approve', deny, 'x', now) as { code: string }).code, 'forbidden');
    assert.equal((checkDecision(inc, 'nope', 'approve', approve, 'x', now) as { code: string }).code, 'not-found');
    assert.equal((checkDecision(inc, hold.id, 'approve', approve, 'x', new Date('2026-03-01T10:01:00Z')) as { code: string }).code, 'expired');
    const ok = checkDecision(inc, hold.id, 'approve', approve, 'mallory typed this', now);
    assert.equal(ok.ok && ok.approver, 'Alice@Example.org');
    // An editor user (no token) must be on the list.
    assert.equal((checkDecision(inc, hold.id, 'approve', undefined, 'mallory', now) as { code: string }).code, 'not-approver');
    assert.equal(checkDecision(inc, hold.id, 'approve', undefined, ' ALICE@example.org ', now).ok, true);
  });

  it('holds once, then the first decision wins and approve enters the phase', () => {
    const inc = incident();
    applyGate(inc, { ...gate, id: 'g0' }, config('detection-analysis'));
    const cfg = config('containment-eradication-recovery', { approval: policy });
    const held = applyGate(inc, gate, cfg);
    assert.equal(held.kind, 'held');
    const again = applyGate(inc, gate, cfg);
    assert.equal(again.kind, 'held');
    if (held.kind !== 'held' || again.kind !== 'held') return;
    assert.equal(again.hold.id, held.hold.id, 'a re-run must not create a second hold');
    assert.equal(again.fresh, false);
    assert.equal(inc.phase, 'detection-analysis');

    const links = held.links!;
    assert.equal(again.links, undefined, 'links are handed out once');
    assert.equal(inc.metrics.timeToAcknowledgeMs, undefined, 'entering a phase is no person');
    const t = Date.parse(inc.createdAt);
    const approved = applyDecision(inc, held.hold.id, 'approve', tokenOf(links.approve!), 'alice', 'host isolated first', gate, cfg, new Date(t + 120_000));
    assert.equal(approved.kind, 'approved');
    assert.equal(inc.metrics.timeToAcknowledgeMs, 120_000, 'an approval is a person taking it on');
    assert.equal(inc.phase, 'containment-eradication-recovery');
    assert.equal(inc.status, 'acknowledged');
    const denyLater = applyDecision(inc, held.hold.id, 'deny', tokenOf(links.deny!), 'bob', '', gate, cfg);
    assert.equal(denyLater.kind, 'rejected');
    if (denyLater.kind === 'rejected') assert.match(denyLater.check.message, /already approved by alice/);
    const replay = applyDecision(inc, held.hold.id, 'approve', tokenOf(links.approve!), 'alice', '', gate, cfg);
    assert.equal(replay.kind, 'rejected');
    const entry = inc.timeline.find((e) => e.action === 'approval-granted')!;
    assert.equal(entry.details?.decidedBy, 'alice');
    assert.match(entry.summary, /alice approved "Containment, Eradication and Recovery": host isolated first/);
    assert.deepEqual(incidentErrors(inc), []);
  });

  it('deny and expiry keep the incident out of the phase', () => {
    const inc = incident();
    applyGate(inc, gate, config('detection-analysis'));
    const cfg = config('containment-eradication-recovery', { approval: policy });
    const first = applyGate(inc, gate, cfg);
    if (first.kind !== 'held') throw new Error('not held');
    const t = Date.parse(inc.createdAt);
    assert.equal(applyDecision(inc, first.hold.id, 'deny', tokenOf(first.links!.deny!), 'bob', 'false positive', gate, cfg, new Date(t + 7_000)).kind, 'denied');
    assert.equal(inc.metrics.timeToAcknowledgeMs, 7_000, 'a denial is a person\'s decision too');
    assert.equal(inc.phase, 'detection-analysis');
    const second = applyGate(inc, gate, cfg);
    if (second.kind !== 'held') throw new Error('not held');
    assert.equal(second.fresh, true);
    assert.equal(applyExpiry(inc, second.hold.id, gate, cfg)?.state, 'expired');
    assert.equal(applyExpiry(inc, second.hold.id, gate, cfg), undefined, 'expires once');
    assert.deepEqual(inc.timeline.map((e) => e.action).filter((a) => a.startsWith('approval')), ['approval-requested', 'approval-denied', 'approval-requested', 'approval-expired']);
  });

  it('sets an SLA deadline by severity and records a breach only while the phase lasts', () => {
    const inc = incident({ severity: 'high' });
    const result = applyGate(inc, gate, config('detection-analysis', { slaMs: { high: 3_600_000 } }), new Date('2026-03-01T10:00:00Z'));
    assert.equal(result.kind === 'passed' && result.slaDueAt, '2026-03-01T11:00:00.000Z');
    const enteredAt = inc.phases.at(-1)!.enteredAt;
    const slaCfg = config('detection-analysis');
    assert.equal(applySlaCheck(inc, 'detection-analysis', enteredAt, gate, slaCfg), true);
    assert.match(inc.timeline.at(-1)!.summary, /still in "Detection and Analysis"/);
    assert.equal((inc.metrics.slaBreaches as unknown[]).length, 1);
    applyGate(inc, gate, config('containment-eradication-recovery'));
    assert.equal(applySlaCheck(inc, 'detection-analysis', enteredAt, gate, slaCfg), false, 'left the phase in time');
    assert.equal(applyGate(incident({ severity: 'low' }), gate, config('detection-analysis', { slaMs: { high: 1 } })).kind === 'passed', true);
  });

  it('attaches a post-incident report that reads well', () => {
    const inc = incident();
    const t = Date.parse(inc.createdAt);
    applyGate(inc, gate, config('detection-analysis'), new Date(t + 60_000));
    appendTimeline(inc, { node: { type: 'ir-slack-notify', id: 's1' }, action: 'notify', outcome: 'dry-run', summary: 'would post to #soc', at: new Date(t + 61_000) });
    applyGate(inc, gate, config('containment-eradication-recovery'), new Date(t + 5 * 60_000));
    applyGate(inc, gate, config('post-incident', { attachReport: true }), new Date(t + 65 * 60_000));
    const report = inc.report!;
    assert.ok(report);
    assert.deepEqual(incidentErrors(inc), []);
    const md = report.markdown;
    assert.match(md, /^# Post-incident report: sshd: brute force/);
    assert.match(md, /\| Framework \| NIST SP 800-61 Rev\. 2/);
    // Entering the phases stamped status 'acknowledged', but no person took the incident on.
    assert.match(md, /Time to acknowledge \(by a person\): not acknowledged by a person/);
    assert.equal((report.json as { metrics: { timeToAcknowledgeMs: unknown } }).metrics.timeToAcknowledgeMs, null);
    assert.match(md, /Time to contain: not contained/);
    assert.match(md, /Time to resolve: 1 h 5 min/);
    assert.match(md, /\| Detection and Analysis \| .* \| 4 min 0 s \|/);
    assert.match(md, /would post to #soc \*\(dry-run: nothing was changed\)\*/);
    assert.match(md, /\| ip \| 198\.51\.100\.7 \| source \| unknown \|/);
    assert.match(md, /1 playbook step\(s\): 0 ran, 1 in dry-run \(nothing changed\), 0 skipped, 0 failed/);
    assert.match(md, /1\. Exactly what happened, and at what times\?/);
    const json = report.json as { summary: { id: string }; actions: Array<{ dryRun: boolean }>; lessonsLearned: string[] };
    assert.equal(json.summary.id, inc.id);
    assert.equal(json.actions.filter((a) => a.dryRun).length, 1);
    assert.deepEqual(json.lessonsLearned, LESSONS_LEARNED_QUESTIONS);
    assert.equal(buildReport(inc, undefined).json.summary !== undefined, true);
  });

  it('a closing gate inside the phase the incident is in closes it and reports on the steps that ran there', () => {
    // CERT contains and closes in one phase, Incident Response: the gate at its end does both.
    const cert = getFramework('cert')!;
    const certConfig = (phase: string, overrides: Partial<GateConfig> = {}): GateConfig => ({ ...config('detection-analysis'), framework: cert, phase: getPhase(cert, phase)!, ...overrides });
    const inc = incident();
    const t = Date.parse(inc.createdAt);
    for (const [i, phase] of ['reporting-detection', 'triage', 'analysis', 'incident-response'].entries()) applyGate(inc, gate, certConfig(phase), new Date(t + i * 60_000));
    appendTimeline(inc, { node: { type: 'ir-disable-account', id: 'd1' }, action: 'disable-account', outcome: 'dry-run', summary: 'would disable admin', at: new Date(t + 4 * 60_000) });
    const closer = { type: 'ir-phase-gate', id: 'g2', name: 'Incident Response: close' };
    const result = applyGate(inc, closer, certConfig('incident-response', { closeIncident: true, attachReport: true }), new Date(t + 5 * 60_000));
    assert.deepEqual(result, { kind: 'passed', entered: false });
    assert.equal(inc.status, 'closed');
    assert.equal(inc.resolution, 'resolved', 'a closed incident says how it ended');
    assert.equal(inc.phases.length, 4, 'no second entry into the phase');
    assert.match(inc.report!.markdown, /would disable admin/);
    assert.deepEqual(inc.timeline.filter((e) => e.node.id === 'g2').map((e) => e.action), ['incident-closed', 'report-attached']);
    assert.deepEqual(incidentErrors(inc), []);
    // A gate that neither closes nor reports passes an incident already in its phase unchanged.
    const revisionBefore = inc.timeline.length;
    assert.deepEqual(applyGate(inc, gate, certConfig('incident-response')), { kind: 'passed', entered: false });
    assert.equal(inc.timeline.length, revisionBefore);
  });

  it('a closing gate keeps a resolution already set (an analyst\'s false positive)', () => {
    const isaca = getFramework('isaca')!;
    const closing = isaca.phases.at(-1)!;
    const closeCfg: GateConfig = { ...config('detection-analysis'), framework: isaca, phase: closing, closeIncident: true };
    const inc = incident({ phase: closing.id, framework: isaca.id, phases: [{ phase: closing.id, enteredAt: new Date().toISOString() }], resolution: 'false-positive' });
    applyGate(inc, gate, closeCfg);
    assert.equal(inc.status, 'closed');
    assert.equal(inc.resolution, 'false-positive');
    const plain = incident({ phase: closing.id, framework: isaca.id, phases: [{ phase: closing.id, enteredAt: new Date().toISOString() }] });
    applyGate(plain, gate, closeCfg);
    assert.equal(plain.resolution, 'resolved');
    assert.deepEqual(incidentErrors(plain), []);
  });

  it('keeps attacker text in the report plain: no HTML, links or broken code spans', () => {
    const inc = incident({ title: '<img src=x onerror=alert(1)> `x` [click](http://evil) | *boom*' });
    inc.observables.push({ type: 'url', value: 'http://a`b<script>', roles: [], tags: [] });
    const md = buildReport(inc, nist).markdown;
    assert.doesNotMatch(md, /<img|<script/);
    assert.match(md, /^# Post-incident report: &lt;img src=x onerror=alert\(1\)&gt; \\`x\\` \\\[click\\\]\(http\[:\]\/\/evil\) \\\| \\\*boom\\\*/);
  });

  it('shows the approver every account the incident names, and says when other observables are left out', () => {
    const inc = incident({ title: 'spray' });
    inc.observables = [
      ...Array.from({ length: 25 }, (_, i) => ({ type: 'ip' as const, value: `198.51.100.${i}`, roles: [], tags: [], ...(i === 0 ? { verdict: 'malicious' as const } : {}) })),
      { type: 'user', value: 'ceo.jane', roles: ['actor'], tags: [] },
    ];
    const hold = inc.holds[0] ?? { id: 'h', gate: { type: 'ir-phase-gate', id: 'g' }, phase: 'containment-eradication-recovery', state: 'pending' as const, createdAt: '', expiresAt: '2026-01-01T00:00:00Z', tokens: [] };
    const html = confirmationPage(inc, hold, 'approve', 'Containment', 'Detection');
    assert.match(html, /<td>Accounts named<\/td><td>user <code>ceo\.jane<\/code><\/td>/);
    assert.match(html, /ip <code>198\.51\.100\.0<\/code> — malicious/);
    assert.match(html, /and 5 more \(see the incident\)/);
  });

  it('keeps attacker text on its line (a bare CR, U+2028) and defangs what renderers autolink', () => {
    const inc = incident({ title: 'Pwn' });
    appendTimeline(inc, { node: { type: 'ir-alert-in', id: 'in' }, action: 'incident-opened', outcome: 'ok', summary: 'Pwn \r## Approvals\r- Containment: approved by CISO\u2028# x https://evil.example/x www.evil.example ceo@evil.example' });
    const md = buildReport(inc, nist).markdown;
    const line = md.split('\n').find((l) => /Pwn\s+## Approvals/.test(l))!;
    assert.ok(line, md);
    assert.match(line, /Pwn\s+## Approvals\s+- Containment: approved by CISO\s+# x https\[:\]\/\/evil\.example\/x www\[\.\]evil\.example ceo\[@\]evil\.example/);
    assert.doesNotMatch(md, /\r|\u2028/);
    assert.doesNotMatch(md, /^#{1,6} x/m);
  });
});
