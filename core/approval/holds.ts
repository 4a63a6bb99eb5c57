import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { newId } from '../model/id';
import { severityRank } from '../model/incident';
import type { Hold, Incident, NodeRef, Severity } from '../model/types';

export type ApprovalMode = 'never' | 'always' | 'severity';
export type Decision = 'approve' | 'deny';

export interface ApprovalPolicy {
  mode: ApprovalMode;
  /** With mode "severity": incidents of this severity or higher need approval. */
  minSeverity: Severity;
  /** When not empty, only these people may decide (compared case-insensitively). */
  approvers: string[];
  /** How long a hold waits for a decision before it expires. */
  timeoutMs: number;
}

export function needsApproval(policy: ApprovalPolicy, incident: Incident): boolean {
  if (policy.mode === 'always') return true;
  if (policy.mode === 'severity') return severityRank(incident.severity) >= severityRank(policy.minSeverity);
  return false;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The confirmation page of one decision on one hold. */
export function approvalPath(incidentId: string, holdId: string, decision: Decision, token: string): string {
  return `/ir-approval/${incidentId}/${holdId}/${decision}/${token}`;
}

/** The gate's pending hold for this phase, if there is one (a re-run must not hold twice). */
export function pendingHold(incident: Incident, gateId: string, phase: string): Hold | undefined {
  return incident.holds.find((h) => h.state === 'pending' && h.gate.id === gateId && h.phase === phase);
}

/**
 * Adds a pending hold with two single-use, unguessable tokens (256 random bits each), and
 * returns it. Only the tokens' hashes are kept; the tokens live in the links.
 */
export function createHold(incident: Incident, gate: NodeRef, phase: string, policy: ApprovalPolicy, baseUrl: string, now: Date = new Date()): Hold {
  const id = newId(now.getTime());
  const approveToken = randomBytes(32).toString('base64url');
  const denyToken = randomBytes(32).toString('base64url');
  const base = baseUrl.replace(/\/+$/, '');
  const hold: Hold = {
    id,
    gate,
    phase,
    state: 'pending',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + policy.timeoutMs).toISOString(),
    links: {
      approve: base + approvalPath(incident.id, id, 'approve', approveToken),
      deny: base + approvalPath(incident.id, id, 'deny', denyToken),
    },
    tokenHashes: { approve: sha256(approveToken), deny: sha256(denyToken) },
    ...(policy.approvers.length ? { approvers: [...policy.approvers] } : {}),
  };
  incident.holds.push(hold);
  return hold;
}

export type HoldCheck =
  | { ok: true; hold: Hold }
  | { ok: false; status: 403 | 404 | 409 | 410; code: 'not-found' | 'forbidden' | 'decided' | 'expired' | 'not-approver'; message: string };

/**
 * Whether `token` may make `decision` on the hold now. `by` is checked against the hold's
 * approvers when it has a list. Pass token undefined for a decision from an authenticated
 * editor user (the sidebar), where the editor's login vouches for the person.
 */
export function checkDecision(incident: Incident, holdId: string, decision: Decision, token: string | undefined, by: string, now: Date = new Date()): HoldCheck {
  const link = checkLink(incident, holdId, decision, token, now);
  if (!link.ok) return link;
  const hold = link.hold;
  if (hold.approvers?.length && !hold.approvers.some((a) => a.toLowerCase() === by.trim().toLowerCase())) {
    return { ok: false, status: 403, code: 'not-approver', message: `${by.trim() || 'this person'} is not one of the approvers of this step` };
  }
  return { ok: true, hold };
}

/** Whether a link (or, with token undefined, an editor user) may still decide the hold. */
export function checkLink(incident: Incident, holdId: string, decision: Decision, token: string | undefined, now: Date = new Date()): HoldCheck {
  const hold = incident.holds.find((h) => h.id === holdId);
  if (!hold) return { ok: false, status: 404, code: 'not-found', message: 'no such approval' };
  if (token !== undefined) {
    const given = Buffer.from(sha256(token), 'hex');
    const expected = Buffer.from(hold.tokenHashes[decision], 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { ok: false, status: 403, code: 'forbidden', message: 'this link is not valid' };
    }
  }
  if (hold.state !== 'pending') {
    return { ok: false, status: 409, code: 'decided', message: `already ${hold.state}${hold.decidedBy ? ` by ${hold.decidedBy}` : ''}${hold.decidedAt ? ` at ${hold.decidedAt}` : ''}` };
  }
  if (Date.parse(hold.expiresAt) <= now.getTime()) {
    return { ok: false, status: 410, code: 'expired', message: `this approval expired at ${hold.expiresAt}` };
  }
  return { ok: true, hold };
}

/** Records the decision on the (checked) hold. */
export function recordDecision(hold: Hold, decision: Decision | 'expire', by: string, reason: string, now: Date = new Date()): void {
  hold.state = decision === 'approve' ? 'approved' : decision === 'deny' ? 'denied' : 'expired';
  hold.decidedAt = now.toISOString();
  hold.decidedBy = by;
  if (reason) hold.reason = reason;
}
