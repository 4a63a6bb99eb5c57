import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { newId } from '../model/id';
import { isDone, severityRank } from '../model/incident';
import type { Hold, HoldToken, Incident, NodeRef, Severity } from '../model/types';

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

/** The links of a fresh hold: handed out once, never stored. */
export interface HoldLinks {
  /** When anyone with the link may decide (no approvers list). */
  approve?: string;
  deny?: string;
  /** One pair per approver when the gate has an approvers list: the link says who decides. */
  approvers?: Array<{ approver: string; approve: string; deny: string }>;
}

/**
 * Adds a pending hold and returns it with its links. Each link carries a single-use,
 * unguessable token (256 random bits); the hold keeps only the tokens' hashes.
 */
export function createHold(incident: Incident, gate: NodeRef, phase: string, policy: ApprovalPolicy, baseUrl: string, now: Date = new Date()): { hold: Hold; links: HoldLinks } {
  const id = newId(now.getTime());
  const base = baseUrl.replace(/\/+$/, '');
  const tokens: HoldToken[] = [];
  const link = (decision: Decision, approver?: string): string => {
    const token = randomBytes(32).toString('base64url');
    tokens.push({ decision, hash: sha256(token), ...(approver ? { approver } : {}) });
    return base + approvalPath(incident.id, id, decision, token);
  };
  const links: HoldLinks = policy.approvers.length
    ? { approvers: policy.approvers.map((approver) => ({ approver, approve: link('approve', approver), deny: link('deny', approver) })) }
    : { approve: link('approve'), deny: link('deny') };
  const hold: Hold = {
    id,
    gate,
    phase,
    state: 'pending',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + policy.timeoutMs).toISOString(),
    tokens,
    ...(policy.approvers.length ? { approvers: [...policy.approvers] } : {}),
  };
  incident.holds.push(hold);
  return { hold, links };
}

export type HoldCheck =
  | { ok: true; hold: Hold; approver?: string }
  | { ok: false; status: 403 | 404 | 409 | 410; code: 'not-found' | 'forbidden' | 'decided' | 'expired' | 'not-approver' | 'incident-closed'; message: string };

/**
 * Whether a decision may be made now: by a link's token (whose approver, if any, is who
 * decides), or, with token undefined, by an authenticated editor user named `by` (the sidebar),
 * who must be on the approvers list when the hold has one.
 */
export function checkDecision(incident: Incident, holdId: string, decision: Decision, token: string | undefined, by: string, now: Date = new Date()): HoldCheck {
  const link = checkLink(incident, holdId, decision, token, now);
  if (!link.ok || token !== undefined) return link;
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
  let approver: string | undefined;
  if (token !== undefined) {
    const given = Buffer.from(sha256(token), 'hex');
    // Compare against every token of this decision, in constant time each.
    const match = hold.tokens.find((t) => t.decision === decision && timingSafeEqual(given, Buffer.from(t.hash, 'hex')));
    if (!match) return { ok: false, status: 403, code: 'forbidden', message: 'this link is not valid' };
    approver = match.approver;
  }
  if (hold.state === 'expired') return { ok: false, status: 410, code: 'expired', message: `this approval expired at ${hold.expiresAt}` };
  // A closed or resolved incident runs no more steps: an old link must not start containment.
  if (hold.state === 'pending' && isDone(incident)) {
    return { ok: false, status: 409, code: 'incident-closed', message: `the incident is ${incident.status}${incident.resolution ? ` (${incident.resolution})` : ''}: this step no longer runs` };
  }
  if (hold.state !== 'pending') {
    // Closing withdraws a pending hold (recorded as a denial): the link says what happened.
    const what = hold.state === 'denied' && hold.reason === WITHDRAWN_ON_CLOSE ? 'withdrawn when the incident was closed' : `already ${hold.state}`;
    return { ok: false, status: 409, code: 'decided', message: `${what}${hold.decidedBy ? ` by ${hold.decidedBy}` : ''}${hold.decidedAt ? ` at ${hold.decidedAt}` : ''}` };
  }
  if (Date.parse(hold.expiresAt) <= now.getTime()) {
    return { ok: false, status: 410, code: 'expired', message: `this approval expired at ${hold.expiresAt}` };
  }
  return { ok: true, hold, ...(approver ? { approver } : {}) };
}

/** The reason a hold gets when closing the incident withdraws it (it reads as a withdrawal, not a denial). */
export const WITHDRAWN_ON_CLOSE = 'withdrawn: the incident was closed';

/** Records the decision on the (checked) hold. */
export function recordDecision(hold: Hold, decision: Decision | 'expire', by: string, reason: string, now: Date = new Date()): void {
  hold.state = decision === 'approve' ? 'approved' : decision === 'deny' ? 'denied' : 'expired';
  hold.decidedAt = now.toISOString();
  hold.decidedBy = by;
  if (reason) hold.reason = reason;
}
