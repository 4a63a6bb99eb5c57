import { checkDecision, createHold, needsApproval, pendingHold, recordDecision, type ApprovalPolicy, type Decision, type HoldCheck, type HoldLinks } from '../approval/holds';
import { markAcknowledged, setStatus } from '../model/incident';
import { appendTimeline } from '../model/timeline';
import type { Hold, Incident, NodeRef, Severity } from '../model/types';
import { buildReport } from '../report/report';
import { checkTransition, enterPhase, phaseLabel } from './index';
import type { FrameworkDefinition, PhaseDefinition } from './types';

/** What a phase-gate is configured to do; the node reads it from its dialog. */
export interface GateConfig {
  framework: FrameworkDefinition;
  phase: PhaseDefinition;
  approval: ApprovalPolicy;
  /** Time allowed in this phase, per severity; absent: no deadline. */
  slaMs: Partial<Record<Severity, number>>;
  closeIncident: boolean;
  attachReport: boolean;
  /** Base of the approval links, e.g. https://nodered.example.org */
  publicBaseUrl: string;
}

export type GateResult =
  | { kind: 'passed'; entered: boolean; slaDueAt?: string }
  | { kind: 'refused'; reason: string }
  /** links: only on the fresh hold (they are never stored); a re-run while held has none. */
  | { kind: 'held'; hold: Hold; fresh: boolean; links?: HoldLinks };

/** The deadline of the phase the incident just entered, if the gate sets one for its severity. */
function slaDueAt(incident: Incident, config: GateConfig): string | undefined {
  const ms = config.slaMs[incident.severity];
  const entered = incident.phases.at(-1);
  if (ms === undefined || !entered || entered.phase !== config.phase.id) return undefined;
  return new Date(Date.parse(entered.enteredAt) + ms).toISOString();
}

/** Enters the phase (already checked) and does what the gate does on entry. */
function enter(incident: Incident, gate: NodeRef, config: GateConfig, now: Date): GateResult {
  const { framework, phase } = config;
  const from = incident.phase;
  enterPhase(incident, framework, phase.id, now);
  appendTimeline(incident, {
    node: gate, action: 'phase-entered', outcome: 'ok', at: now,
    summary: `Entered ${framework.label} phase "${phase.label}"`,
    details: { framework: framework.id, from: from ?? null, to: phase.id, status: incident.status },
  });
  finish(incident, gate, config, now);
  return { kind: 'passed', entered: true, slaDueAt: slaDueAt(incident, config) };
}

/**
 * What a closing gate does: close the incident, attach the report. On entry, and also when the
 * incident is already in the phase: a second gate at the end of a phase (CERT's Incident
 * Response contains and closes in one phase) reports on the steps that ran in it.
 */
function finish(incident: Incident, gate: NodeRef, config: GateConfig, now: Date): void {
  const { framework } = config;
  if (config.closeIncident && incident.status !== 'closed') {
    setStatus(incident, 'closed', now);
    // A closed incident says how it ended; one set before (an analyst's false positive) stays.
    incident.resolution ??= 'resolved';
    appendTimeline(incident, { node: gate, action: 'incident-closed', outcome: 'ok', at: now, summary: `Incident closed at the end of ${framework.label}` });
  }
  if (config.attachReport) {
    incident.report = buildReport(incident, framework, now);
    appendTimeline(incident, { node: gate, action: 'report-attached', outcome: 'ok', at: now, summary: 'Post-incident report attached (incident.report: Markdown and JSON)' });
  }
}

/**
 * A message reaches the gate: refuse a move the framework forbids, hold it for a person when
 * approval is required, otherwise enter the phase. Mutates the incident (the store's latest
 * revision); may run again on a revision conflict, so it depends only on its arguments.
 */
export function applyGate(incident: Incident, gate: NodeRef, config: GateConfig, now: Date = new Date()): GateResult {
  const { framework, phase } = config;
  const check = checkTransition(incident, framework, phase.id);
  if (!check.allowed) {
    appendTimeline(incident, {
      node: gate, action: 'phase-refused', outcome: 'skipped', at: now,
      summary: `Refused to enter ${phase.label}: ${check.reason}`,
      details: { framework: framework.id, from: incident.phase ?? null, to: phase.id },
    });
    return { kind: 'refused', reason: check.reason };
  }
  if (check.same) {
    finish(incident, gate, config, now);
    return { kind: 'passed', entered: false };
  }
  if (needsApproval(config.approval, incident)) {
    const existing = pendingHold(incident, gate.id, phase.id);
    if (existing && Date.parse(existing.expiresAt) > now.getTime()) return { kind: 'held', hold: existing, fresh: false };
    const { hold, links } = createHold(incident, gate, phase.id, config.approval, config.publicBaseUrl, now);
    appendTimeline(incident, {
      node: gate, action: 'approval-requested', outcome: 'ok', at: now,
      summary: `Held before "${phase.label}" for approval${hold.approvers ? ` by ${hold.approvers.join(', ')}` : ''}, until ${hold.expiresAt}`,
      details: { holdId: hold.id, phase: phase.id, expiresAt: hold.expiresAt },
    });
    return { kind: 'held', hold, fresh: true, links };
  }
  return enter(incident, gate, config, now);
}

export type DecisionResult =
  | { kind: 'approved'; hold: Hold; result: GateResult }
  | { kind: 'denied'; hold: Hold }
  | { kind: 'rejected'; check: Extract<HoldCheck, { ok: false }> };

/**
 * A person decides a hold: approve enters the phase (if the framework still allows it), deny
 * stops here. The first decision wins; who, when and why go into the timeline.
 */
export function applyDecision(
  incident: Incident, holdId: string, decision: Decision, token: string | undefined, by: string, reason: string,
  gate: NodeRef, config: GateConfig, now: Date = new Date(),
): DecisionResult {
  const check = checkDecision(incident, holdId, decision, token, by, now);
  if (!check.ok) return { kind: 'rejected', check };
  const hold = check.hold;
  // An approver's own link says who decides, whatever name was typed.
  by = check.approver ?? by;
  recordDecision(hold, decision, by, reason, now);
  // Approving or denying is a person taking the incident on.
  markAcknowledged(incident, now);
  const label = phaseLabel(config.framework, hold.phase);
  appendTimeline(incident, {
    node: gate, action: decision === 'approve' ? 'approval-granted' : 'approval-denied', outcome: 'ok', at: now,
    summary: `${by} ${decision === 'approve' ? 'approved' : 'denied'} "${label}"${reason ? `: ${reason}` : ''}`,
    details: { holdId, decidedBy: by, reason: reason || null, via: token === undefined ? 'editor' : 'link' },
  });
  if (decision === 'deny') return { kind: 'denied', hold };
  const transition = checkTransition(incident, config.framework, hold.phase);
  if (!transition.allowed) {
    appendTimeline(incident, { node: gate, action: 'phase-refused', outcome: 'skipped', at: now, summary: `Approved, but cannot enter ${label}: ${transition.reason}` });
    return { kind: 'approved', hold, result: { kind: 'refused', reason: transition.reason } };
  }
  return { kind: 'approved', hold, result: transition.same ? { kind: 'passed', entered: false } : enter(incident, gate, config, now) };
}


/** A hold's time ran out with no decision. Returns the hold when it was still pending. */
export function applyExpiry(incident: Incident, holdId: string, gate: NodeRef, config: GateConfig, now: Date = new Date()): Hold | undefined {
  const hold = incident.holds.find((h) => h.id === holdId);
  if (!hold || hold.state !== 'pending') return undefined;
  recordDecision(hold, 'expire', 'timeout', '', now);
  appendTimeline(incident, {
    node: gate, action: 'approval-expired', outcome: 'ok', at: now,
    summary: `No decision on "${phaseLabel(config.framework, hold.phase)}" before ${hold.expiresAt}: the step does not run`,
    details: { holdId },
  });
  return hold;
}

/**
 * An SLA deadline passed: a breach when the incident is still in the phase it entered at
 * `enteredAt` (it did not move on, and is not closed). Records the breach.
 */
export function applySlaCheck(incident: Incident, phase: string, enteredAt: string, gate: NodeRef, config: GateConfig, now: Date = new Date()): boolean {
  const current = incident.phases.at(-1);
  if (incident.status === 'closed' || !current || current.phase !== phase || current.enteredAt !== enteredAt || current.leftAt) return false;
  const breaches = (incident.metrics.slaBreaches as Array<Record<string, unknown>> | undefined) ?? [];
  incident.metrics.slaBreaches = [...breaches, { phase, enteredAt, breachedAt: now.toISOString() }];
  appendTimeline(incident, {
    node: gate, action: 'sla-breached', outcome: 'error', at: now,
    summary: `SLA breached: still in "${phaseLabel(config.framework, phase)}" since ${enteredAt} (${incident.severity})`,
    details: { phase, enteredAt },
  });
  return true;
}
