import type { Incident, IncidentStatus } from '../model/types';

export interface IncidentQuery {
  status?: IncidentStatus | IncidentStatus[];
  framework?: string;
  phase?: string;
  /** Newest first; at most this many. */
  limit?: number;
}

export interface UpsertResult {
  incident: Incident;
  created: boolean;
}

export interface SweepOptions {
  now?: Date;
  /** Resolved and closed incidents whose last update is older than this are evicted. */
  retentionMs: number;
}

/**
 * Where incidents live. Every node reads and changes incidents through this interface, so a
 * shared backend (Redis) can replace the embedded one without touching the nodes.
 * The store's copy is authoritative: changes are applied to its latest revision.
 */
export interface IncidentStore {
  /** e.g. "context:file" or "memory"; shown in node status and logs. */
  readonly name: string;
  /** False when incidents, approvals and dedup are lost on restart. */
  readonly persistent: boolean;

  /**
   * Atomic create-if-absent by dedup key: when the key names an incident (the newest, or one
   * of its few predecessors) for which canJoin says yes, join() changes it and it is saved
   * ('preferred' wins over a plain yes); otherwise create() makes a new one, which becomes the
   * key's incident. Two calls with one key at the same moment give one incident.
   */
  upsertByDedupKey(
    dedupKey: string,
    create: () => Incident,
    join: (incident: Incident) => void,
    canJoin: (incident: Incident) => boolean | 'preferred',
  ): Promise<UpsertResult>;

  /** The incident the dedup key currently names, if any. */
  getByDedupKey(dedupKey: string): Promise<Incident | undefined>;

  get(id: string): Promise<Incident | undefined>;

  /**
   * Saves a new incident (revision 0) or a change made from the stored revision. A save from an
   * older revision throws RevisionConflictError. Returns the saved copy (revision + 1).
   */
  save(incident: Incident): Promise<Incident>;

  /**
   * Loads the latest revision, applies change, saves; on a conflict reloads and applies again.
   * When the store has no such incident, `fallback` (e.g. msg.incident) is saved as new.
   */
  update(id: string, change: (incident: Incident) => void, fallback?: Incident): Promise<Incident>;

  list(query?: IncidentQuery): Promise<Incident[]>;

  /** Evicts resolved and closed incidents older than the retention; returns their ids. */
  sweep(options: SweepOptions): Promise<string[]>;

  /** Adds or replaces a timer (same id: one deadline). */
  scheduleTimer(timer: StoredTimer): Promise<void>;

  /** Removes a timer: it fired and was handled, or it is no longer needed. */
  cancelTimer(id: string): Promise<void>;

  /**
   * Claims the due timers that nobody holds a live lease on, leasing them to `owner`. A claimed
   * timer is not handed out again until its lease passes, so it fires once while its claimer lives.
   */
  claimDueTimers(options: ClaimOptions): Promise<StoredTimer[]>;

  listTimers(): Promise<StoredTimer[]>;

  close(): Promise<void>;
}

/** A deadline kept in the store, so it fires after a restart and on whichever instance claims it. */
export interface StoredTimer {
  /** Deterministic per deadline (e.g. "sla:<incident>:<gate>:<phase>"): scheduling twice keeps one. */
  id: string;
  kind: 'sla' | 'hold-expiry';
  incidentId: string;
  /** The node that handles the timer when it fires. */
  nodeId: string;
  dueAt: string;
  data?: Record<string, unknown>;
  /** Set while an instance handles the timer; another may claim it once the lease has passed. */
  leaseOwner?: string;
  leaseUntil?: string;
}

export interface ClaimOptions {
  now?: Date;
  /** Identifies the claiming process (instance). */
  owner: string;
  leaseMs: number;
  limit?: number;
}

export class RevisionConflictError extends Error {
  constructor(readonly id: string, readonly expected: number, readonly actual: number) {
    super(`incident ${id} changed meanwhile: saved from revision ${expected}, store has ${actual}`);
    this.name = 'RevisionConflictError';
  }
}

export class IncidentNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`incident ${id} is not in the store`);
    this.name = 'IncidentNotFoundError';
  }
}
