import type { Incident } from '../model/types';
import { setStatus } from '../model/incident';
import { cert } from './cert';
import { isaca } from './isaca';
import { iso27035 } from './iso-27035';
import { nist80061r2 } from './nist-800-61r2';
import { nist80061r3 } from './nist-800-61r3';
import type { FrameworkDefinition, PhaseDefinition } from './types';

export type { FrameworkDefinition, PhaseDefinition } from './types';

export const FRAMEWORKS: readonly FrameworkDefinition[] = [nist80061r2, nist80061r3, cert, isaca, iso27035];

export function getFramework(id: string): FrameworkDefinition | undefined {
  return FRAMEWORKS.find((f) => f.id === id);
}

export function getPhase(framework: FrameworkDefinition, phaseId: string): PhaseDefinition | undefined {
  return framework.phases.find((p) => p.id === phaseId);
}

/** A phase as its framework names it (what people read); the id when the framework does not know it. */
export function phaseLabel(framework: FrameworkDefinition | string | undefined, phaseId: string): string {
  const definition = typeof framework === 'string' ? getFramework(framework) : framework;
  return (definition && getPhase(definition, phaseId)?.label) || phaseId;
}

export type TransitionCheck =
  | { allowed: true; same: boolean }
  | { allowed: false; reason: string };

/** Whether an incident may move into `target` of `framework`, and why not. */
export function checkTransition(incident: Incident, framework: FrameworkDefinition, target: string): TransitionCheck {
  const targetPhase = getPhase(framework, target);
  if (!targetPhase) return { allowed: false, reason: `${framework.label} has no phase "${target}"` };
  if (incident.framework && incident.framework !== framework.id) {
    return { allowed: false, reason: `incident follows ${incident.framework}, not ${framework.id}` };
  }
  if (!incident.phase) {
    return framework.entry.includes(target)
      ? { allowed: true, same: false }
      : { allowed: false, reason: `an incident cannot start in "${targetPhase.label}"; it starts in ${framework.entry.map((p) => `"${getPhase(framework, p)?.label}"`).join(' or ')}` };
  }
  if (incident.phase === target) return { allowed: true, same: true };
  const current = getPhase(framework, incident.phase);
  if (!current) return { allowed: false, reason: `incident is in unknown phase "${incident.phase}"` };
  if (!current.next.includes(target)) {
    const options = current.next.map((p) => `"${getPhase(framework, p)?.label}"`).join(' or ') || 'nothing (final phase)';
    return { allowed: false, reason: `"${current.label}" cannot move to "${targetPhase.label}"; it may move to ${options}` };
  }
  return { allowed: true, same: false };
}

/**
 * Moves the incident into `target` (already checked): closes the current phase record, opens
 * the new one, sets the implied status and the per-phase durations.
 */
export function enterPhase(incident: Incident, framework: FrameworkDefinition, target: string, now: Date = new Date()): void {
  const at = now.toISOString();
  const from = incident.phase;
  const open = incident.phases.find((p) => !p.leftAt);
  if (open) {
    open.leftAt = at;
    const durations = (incident.metrics.phaseDurationsMs ??= {});
    durations[open.phase] = (durations[open.phase] ?? 0) + (now.getTime() - Date.parse(open.enteredAt));
  }
  incident.framework = framework.id;
  incident.phase = target;
  incident.phases.push({ phase: target, enteredAt: at });
  const phase = getPhase(framework, target);
  const implied = phase && ((from && phase.statusFrom?.[from]) || phase.status);
  if (implied && incident.status !== 'closed') setStatus(incident, implied, now);
}
