import type { Decision } from '../../core/approval/holds';
import type { IncidentStore } from '../../core/store/types';

/** A deployed phase-gate that can finish what an approval link, the sidebar or a timer started. */
export interface GateHandle {
  store: IncidentStore;
  /**
   * Decides a hold of this gate. `token` is the link's token, or undefined when an
   * authenticated editor user decides from the sidebar.
   */
  decide(incidentId: string, holdId: string, decision: Decision, token: string | undefined, by: string, reason: string): Promise<{ status: number; message: string }>;
  phaseLabel(phase: string): string;
}

// Keyed by node id; each gate adds itself when deployed and removes itself on close.
export const gates = new Map<string, GateHandle>();
