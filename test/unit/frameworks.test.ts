import assert from 'node:assert/strict';
import { checkTransition, enterPhase, FRAMEWORKS, getFramework } from '../../core/frameworks';
import { incident } from '../helpers/fixtures';

describe('frameworks', () => {
  const nist = getFramework('nist-800-61r2')!;

  it('define consistent phases', () => {
    for (const framework of FRAMEWORKS) {
      const ids = framework.phases.map((p) => p.id);
      assert.equal(new Set(ids).size, ids.length, `${framework.id}: duplicate phase ids`);
      for (const phase of framework.phases) for (const next of phase.next) assert.ok(ids.includes(next), `${framework.id}: ${phase.id} -> ${next}`);
      for (const entry of framework.entry) assert.ok(ids.includes(entry));
      assert.ok(ids.includes(framework.reportPhase), `${framework.id}: report phase`);
    }
  });

  it('walk the NIST SP 800-61 Rev. 2 life cycle in order, with the loop back to analysis', () => {
    const inc = incident();
    const t0 = Date.parse(inc.createdAt);
    const path = ['detection-analysis', 'containment-eradication-recovery', 'detection-analysis', 'containment-eradication-recovery', 'post-incident'];
    path.forEach((phase, i) => {
      const check = checkTransition(inc, nist, phase);
      assert.deepEqual(check, { allowed: true, same: false }, `step ${i} to ${phase}`);
      enterPhase(inc, nist, phase, new Date(t0 + (i + 1) * 60_000));
    });
    assert.equal(inc.phase, 'post-incident');
    assert.equal(inc.status, 'resolved');
    assert.equal(inc.phases.length, 5);
    assert.ok(inc.phases.slice(0, 4).every((p) => p.leftAt));
    assert.deepEqual(inc.metrics.phaseDurationsMs, { 'detection-analysis': 120_000, 'containment-eradication-recovery': 120_000 });
    // Entering containment is not being contained: only a containment step marks that.
    // Nor is entering a phase acknowledging: the framework sets status 'acknowledged', no person.
    assert.equal(inc.metrics.timeToAcknowledgeMs, undefined);
    assert.equal(inc.metrics.timeToContainMs, undefined);
    assert.equal(inc.metrics.timeToResolveMs, 300_000);
  });

  it('refuse skipping a phase, leaving the final one and unknown phases, with the reason', () => {
    const inc = incident();
    const skip = checkTransition(inc, nist, 'post-incident');
    assert.equal(skip.allowed, false);
    assert.match((skip as { reason: string }).reason, /cannot start in "Post-Incident Activity"/);
    enterPhase(inc, nist, 'detection-analysis');
    const jump = checkTransition(inc, nist, 'post-incident');
    assert.match((jump as { reason: string }).reason, /"Detection and Analysis" cannot move to "Post-Incident Activity"/);
    assert.deepEqual(checkTransition(inc, nist, 'detection-analysis'), { allowed: true, same: true });
    assert.match((checkTransition(inc, nist, 'eradication') as { reason: string }).reason, /has no phase "eradication"/);
    const other = { ...incident(), framework: 'cert' };
    assert.match((checkTransition(other, nist, 'detection-analysis') as { reason: string }).reason, /follows cert/);
  });

  const walks: Array<[string, string[], string]> = [
    ['nist-800-61r3', ['detect', 'respond', 'detect', 'respond', 'recover', 'identify'], 'resolved'],
    ['cert', ['reporting-detection', 'triage', 'analysis', 'triage', 'analysis', 'incident-response'], 'acknowledged'],
    ['isaca', ['detection-triage-investigation', 'containment-analysis-tracking-recovery', 'incident-closure'], 'resolved'],
    ['iso-27035', ['detect-report', 'assess-decide', 'respond', 'learn-lessons'], 'resolved'],
    ['iso-27035', ['detect-report', 'assess-decide', 'learn-lessons'], 'resolved'],
  ];
  for (const [id, path, status] of walks) {
    it(`walk ${id}: ${path.join(' → ')}`, () => {
      const framework = getFramework(id)!;
      const inc = incident();
      for (const phase of path) {
        const check = checkTransition(inc, framework, phase);
        assert.equal(check.allowed, true, `${inc.phase ?? 'start'} → ${phase}: ${JSON.stringify(check)}`);
        enterPhase(inc, framework, phase);
      }
      assert.equal(inc.status, status);
    });
  }

  it('imply the status of a phase by where it is entered from (NIST Rev. 3 Identify)', () => {
    const r3 = getFramework('nist-800-61r3')!;
    const preparing = incident();
    enterPhase(preparing, r3, 'identify');
    assert.equal(preparing.status, 'open');
    assert.equal(checkTransition(incident(), getFramework('cert')!, 'triage').allowed, false);
    assert.equal(checkTransition(preparing, r3, 'recover').allowed, false);
  });
});
