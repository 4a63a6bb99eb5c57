import type { IncidentStore } from '../../core/store/types';
import type { Incident } from '../../core/model/types';

/** A deployed disable-account node in restore mode, which the incident sidebar can ask to restore. */
export interface RestoreHandle {
  store: IncidentStore;
  /** The ir-directory config node it restores in. */
  directoryId: string;
  /**
   * Restores what the incident disabled in this directory, as a message to the node would
   * (its outputs continue the flow); `by` is the editor user who asked. Rejects like the node.
   */
  restore(incidentId: string, by: string, reason: string): Promise<Incident>;
}

// Keyed by node id; each restore node adds itself when deployed and removes itself on close.
// Restore is a person's decision: it is asked for from the editor (behind its login), not
// through an http-in route anyone who learns an incident id could call.
export const restorers = new Map<string, RestoreHandle>();
