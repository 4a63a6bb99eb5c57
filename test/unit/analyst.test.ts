import assert from 'node:assert/strict';
import {
  acknowledge, addNote, AnalystActionError, applyAnalystAction, assignOwner, canAcknowledge, changeSeverity, closeIncident,
  editorActor, isAnalystAction, MAX_NOTE_LENGTH, reopenIncident,
} from '../../core/actions/analyst';
import { validateIncident } from '../../core/model/validate';
import { REDACTED } from '../../core/model/redact';
import { getFramework } from '../../core/frameworks';
import { buildReport } from '../../core/report/report';
import { incident } from '../helpers/fixtures';

const now = new Date('2026-03-01T10:30:01.000Z');
const alice = { user: 'alice', now };

/** Runs fn and returns the AnalystActionError it throws. */
function failure(fn: () => unknown): AnalystActionError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AnalystActionError, `expected an AnalystActionError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an error');
}

describe('analyst actions (incident sidebar)', () => {
  it('acknowledges an open incident, stamping the metric and naming the editor user', () => {
    const inc = incident();
    const entry = acknowledge(inc, alice);
    assert.equal(inc.status, 'acknowledged');
    assert.equal(inc.metrics.timeToAcknowledgeMs, 30 * 60 * 1000);
    assert.deepEqual(entry, {
      at: now.toISOString(), node: { type: 'editor', id: 'sidebar', name: 'alice' }, action: 'acknowledged', outcome: 'ok', summary: 'Acknowledged by alice',
    });
    assert.equal(inc.timeline.at(-1), entry);
    validateIncident(inc);
  });

  it('refuses to acknowledge twice or a closed incident', () => {
    const inc = incident({ status: 'contained' });
    const error = failure(() => acknowledge(inc, alice));
    assert.equal(error.code, 'conflict');
    assert.match(error.message, /already contained/);
    assert.match(failure(() => acknowledge(incident({ status: 'closed' }), alice)).message, /closed \(reopen it first\)/);
    assert.equal(inc.timeline.length, 0);
    // The framework's automatic 'acknowledged' was no person: alice may still acknowledge, once.
    const auto = incident({ status: 'acknowledged' });
    assert.equal(canAcknowledge(auto), true);
    acknowledge(auto, alice);
    assert.equal(canAcknowledge(auto), false, 'the sidebar offers what the action would take');
    assert.equal(canAcknowledge(inc), false);
    assert.equal(canAcknowledge(incident()), true);
    assert.equal(typeof auto.metrics.timeToAcknowledgeMs, 'number');
    assert.match(failure(() => acknowledge(auto, alice)).message, /already acknowledged \(by alice\)/);
  });

  it('assigns and reassigns an owner', () => {
    const inc = incident({ status: 'acknowledged' });
    assignOwner(inc, '  bob ', alice);
    assert.equal(inc.owner, 'bob');
    // The framework's automatic 'acknowledged' was no person; assigning is.
    assert.equal(inc.metrics.timeToAcknowledgeMs, 30 * 60 * 1000);
    const entry = assignOwner(inc, 'carol', alice);
    assert.equal(inc.owner, 'carol');
    assert.equal(entry.action, 'owner-assigned');
    assert.equal(entry.summary, 'alice assigned the incident to carol (was bob)');
    assert.deepEqual(entry.details, { owner: 'carol', previous: 'bob' });
    assert.equal(failure(() => assignOwner(inc, 'carol', alice)).code, 'conflict');
    assert.equal(failure(() => assignOwner(inc, ' ', alice)).code, 'invalid');
    assert.equal(failure(() => assignOwner(inc, 'x'.repeat(201), alice)).code, 'invalid');
    validateIncident(inc);
  });

  it('adds notes (also on a closed incident), redacting secrets, and refuses empty ones', () => {
    const inc = incident({ status: 'closed', resolution: 'resolved' });
    const entry = addNote(inc, ' Proxy log shows Authorization: Bearer abcdefghijkl from the host ', alice);
    assert.equal(entry.action, 'note-added');
    assert.equal(entry.node.name, 'alice');
    assert.doesNotMatch(JSON.stringify(entry), /abcdefghijkl/);
    assert.equal(entry.summary, `Note by alice: Proxy log shows Authorization: Bearer ${REDACTED} from the host`);
    assert.deepEqual(entry.details, { note: `Proxy log shows Authorization: Bearer ${REDACTED} from the host` });
    for (const empty of ['', '   ', undefined]) {
      const error = failure(() => addNote(inc, empty, alice));
      assert.equal(error.code, 'invalid');
      assert.equal(error.message, 'the note is empty');
    }
    assert.equal(failure(() => addNote(inc, 42, alice)).message, 'the note must be text, not a number');
    assert.equal(failure(() => addNote(inc, { a: 1 }, alice)).message, 'the note must be text, not an object');
    assert.equal(failure(() => addNote(inc, ['x'], alice)).message, 'the note must be text, not a list');
    assert.match(failure(() => addNote(inc, 'x'.repeat(MAX_NOTE_LENGTH + 1), alice)).message, /longer than 10000 characters/);
    assert.equal(inc.timeline.length, 1);
  });

  it('changes the severity with a reason, and rejects unknown severities', () => {
    const inc = incident();
    const entry = changeSeverity(inc, 'low', 'scanner on the allow list', alice);
    assert.equal(inc.severity, 'low');
    assert.equal(entry.action, 'severity-changed');
    assert.deepEqual(entry.details, { from: 'high', to: 'low', reason: 'scanner on the allow list' });
    const unknown = failure(() => changeSeverity(inc, 'urgent', 'because', alice));
    assert.equal(unknown.code, 'invalid');
    assert.equal(unknown.message, 'unknown severity "urgent": use one of low, medium, high, critical');
    assert.equal(failure(() => changeSeverity(inc, 'critical', '', alice)).message, 'the reason is empty');
    assert.equal(failure(() => changeSeverity(inc, 'low', 'again', alice)).code, 'conflict');
    assert.equal(inc.severity, 'low');
    validateIncident(inc);
  });

  it('closes as resolved or as a false positive, and not twice', () => {
    const inc = incident();
    const entry = closeIncident(inc, 'false-positive', 'vulnerability scan by the red team', alice);
    assert.equal(inc.status, 'closed');
    assert.equal(inc.resolution, 'false-positive');
    assert.equal(inc.metrics.timeToResolveMs, 30 * 60 * 1000);
    assert.equal(inc.metrics.timeToAcknowledgeMs, 30 * 60 * 1000, 'closing is a person looking at it');
    assert.equal(entry.action, 'closed');
    assert.equal(entry.summary, 'alice closed the incident as a false positive: vulnerability scan by the red team');
    validateIncident(inc);
    const again = failure(() => closeIncident(inc, 'resolved', '', alice));
    assert.equal(again.code, 'conflict');
    assert.equal(again.message, 'the incident is already closed');
    assert.equal(failure(() => closeIncident(incident(), 'done', '', alice)).code, 'invalid');
    const resolved = incident();
    assert.equal(closeIncident(resolved, 'resolved', undefined, alice).summary, 'alice closed the incident as resolved');
    assert.equal(resolved.resolution, 'resolved');
  });

  it('reopens a closed or resolved incident, clearing the resolution, but not an open one', () => {
    const inc = incident();
    closeIncident(inc, 'resolved', '', alice);
    const entry = reopenIncident(inc, 'the attacker came back', { user: 'bob', now });
    assert.equal(inc.status, 'open');
    assert.equal(inc.resolution, undefined);
    assert.ok(!('resolution' in inc));
    assert.equal(entry.action, 'reopened');
    assert.deepEqual(entry.details, { from: 'closed', reason: 'the attacker came back' });
    assert.equal(inc.metrics.timeToResolveMs, 30 * 60 * 1000, 'first-time metrics stay');
    validateIncident(inc);
    const error = failure(() => reopenIncident(inc, '', alice));
    assert.equal(error.code, 'conflict');
    assert.equal(error.message, 'the incident is not closed (it is open)');
    const playbookResolved = incident({ status: 'resolved' });
    reopenIncident(playbookResolved, '', alice);
    assert.equal(playbookResolved.status, 'open');
  });

  it('rebuilds the post-incident report when an incident that has one is closed or reopened', () => {
    const inc = incident({ status: 'resolved', framework: 'nist-800-61r2' });
    inc.metrics.timeToResolveMs = 600_000; // the playbook resolved it after 10 minutes
    // The snapshot the final gate attached while the playbook had it resolved.
    inc.report = buildReport(inc, getFramework('nist-800-61r2'), new Date('2026-03-01T10:20:00.000Z'));
    assert.match(inc.report.markdown, /\| Status \| resolved \|/);
    closeIncident(inc, 'false-positive', 'pen test by the red team', alice);
    assert.equal(inc.report.generatedAt, now.toISOString());
    // How it ended: the resolution and the reason, in the table and the summary.
    assert.match(inc.report.markdown, /\| Status \| closed \(a false positive\): pen test by the red team \|/);
    assert.match(inc.report.markdown, /now closed as a false positive/);
    assert.match(inc.report.markdown, /alice closed the incident as a false positive: pen test by the red team/);
    assert.deepEqual(
      (({ status, resolution, closeReason }) => ({ status, resolution, closeReason }))(inc.report.json.summary as { status: string; resolution: string; closeReason: string }),
      { status: 'closed', resolution: 'false-positive', closeReason: 'pen test by the red team' },
    );
    const later = new Date('2026-03-01T11:00:00.000Z');
    reopenIncident(inc, 'the attacker came back', { user: 'bob', now: later });
    assert.equal(inc.report.generatedAt, later.toISOString());
    assert.match(inc.report.markdown, /\| Status \| open \|/);
    assert.match(inc.report.markdown, /bob reopened the incident: the attacker came back/);
    // Reopened: the first resolution time stays, and is said to be the first.
    assert.match(inc.report.markdown, /now open, reopened since, first resolved 10 min 0 s after it was opened/);
    assert.match(inc.report.markdown, /Time to resolve: 10 min 0 s \(the first resolution; reopened since\)/);
    validateIncident(inc);
    // Closed before the framework's closing phase: the report is built at the close.
    const plain = incident({ framework: 'nist-800-61r2' });
    closeIncident(plain, 'resolved', '', alice);
    assert.match(plain.report!.markdown, /^# Post-incident report/);
    assert.match(plain.report!.markdown, /alice closed the incident as resolved/);
    validateIncident(plain);
  });

  it('needs a user name and changes nothing when refused', () => {
    const inc = incident();
    const before = structuredClone(inc);
    assert.equal(failure(() => acknowledge(inc, { user: ' ' })).message, 'the user name is empty');
    failure(() => changeSeverity(inc, 'nope', 'x', alice));
    failure(() => closeIncident(inc, 'resolved', 7, alice));
    assert.deepEqual(inc, before);
  });

  it('dispatches named actions with their input', () => {
    assert.ok(isAnalystAction('close'));
    assert.ok(!isAnalystAction('approve'));
    assert.ok(!isAnalystAction('__proto__'));
    const inc = incident();
    applyAnalystAction(inc, 'acknowledge', {}, alice);
    applyAnalystAction(inc, 'assign', { owner: 'alice' }, alice);
    applyAnalystAction(inc, 'note', { text: 'looking' }, alice);
    applyAnalystAction(inc, 'severity', { severity: 'critical', reason: 'domain admin involved' }, alice);
    applyAnalystAction(inc, 'close', { resolution: 'resolved' }, alice);
    applyAnalystAction(inc, 'reopen', { reason: 'recurred' }, alice);
    assert.deepEqual(inc.timeline.map((e) => e.action), ['acknowledged', 'owner-assigned', 'note-added', 'severity-changed', 'closed', 'reopened']);
    assert.ok(inc.timeline.every((e) => e.node.type === 'editor' && e.node.name === 'alice' && e.outcome === 'ok'));
    assert.deepEqual(editorActor('bob'), { type: 'editor', id: 'sidebar', name: 'bob' });
    validateIncident(inc);
  });
});
