import { createHash } from 'node:crypto';
import { isDone } from '../model/incident';
import type { Incident } from '../model/types';
import { KeyedLock } from './lock';
import {
  IncidentNotFoundError, RevisionConflictError,
  type ClaimOptions, type IncidentQuery, type IncidentStore, type StoredTimer, type SweepOptions, type UpsertResult,
} from './types';

/** A plain async key-value space, e.g. a Node-RED context store or a Map. */
export interface KeyValueBackend {
  readonly name: string;
  readonly persistent: boolean;
  get(key: string): Promise<unknown>;
  /** undefined deletes the key. */
  set(key: string, value: unknown): Promise<void>;
  keys(): Promise<string[]>;
}

// Context keys are property paths ("a.b", "a[0]"), so stored keys avoid '.' and brackets:
// incident ids are ULIDs, dedup keys are hashed.
const INCIDENT_PREFIX = 'ir_incident_';
const DEDUP_PREFIX = 'ir_dedup_';
const TIMER_PREFIX = 'ir_timer_';
// One small index of timer id -> due time, so a poll reads one key, not every key.
const TIMER_INDEX = 'ir_timers';

function timerSlot(id: string): string {
  return TIMER_PREFIX + createHash('sha256').update(id).digest('hex').slice(0, 40);
}

function dedupSlot(dedupKey: string): string {
  return DEDUP_PREFIX + createHash('sha256').update(dedupKey).digest('hex').slice(0, 40);
}

// The key's earlier incidents (newest first), so a late re-delivery of an older incident's
// alert still finds it after a newer incident took the key.
const DEDUP_HISTORY = 5;

function historySlot(dedupKey: string): string {
  return `${dedupSlot(dedupKey)}_earlier`;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

// Incidents are kept as JSON text: a read is one parse and a write one stringify, both cheaper
// than deep copies of a 30-50 KB object, the text is compact in memory, and a context store
// that persists it (localfilesystem) serializes a string instead of walking the object.
function encodeIncident(incident: Incident): string {
  return JSON.stringify(incident);
}

/** A fresh copy of what the backend holds: JSON text, or an object written by an earlier release. */
function decodeIncident(stored: unknown): Incident | undefined {
  if (typeof stored === 'string') return JSON.parse(stored) as Incident;
  // Backends may hand out their own object (Node-RED's memory context does): never share it.
  return stored && typeof stored === 'object' ? clone(stored as Incident) : undefined;
}

/** What the backend holds for an incident, as far as a save needs it. */
interface StoredState {
  exists: boolean;
  revision: number;
}

const MAX_CONFLICT_RETRIES = 5;

/** The incident store over any key-value backend; atomic within one process. */
export class KeyValueIncidentStore implements IncidentStore {
  private readonly locks = new KeyedLock();

  constructor(private readonly backend: KeyValueBackend) {}

  get name(): string {
    return this.backend.name;
  }

  get persistent(): boolean {
    return this.backend.persistent;
  }

  async get(id: string): Promise<Incident | undefined> {
    return decodeIncident(await this.backend.get(INCIDENT_PREFIX + id));
  }

  async getByDedupKey(dedupKey: string): Promise<Incident | undefined> {
    const id = await this.backend.get(dedupSlot(dedupKey));
    return typeof id === 'string' ? this.get(id) : undefined;
  }

  save(incident: Incident): Promise<Incident> {
    return this.locks.run(`id:${incident.id}`, () => this.saveUnlocked(incident));
  }

  // `owned`: the caller hands over an incident nobody else holds (update's fresh copy), so it
  // becomes the returned revision without one more copy. `known`: what the caller read under
  // the same lock (update), so the stored text need not be read and parsed again.
  private async saveUnlocked(incident: Incident, owned = false, known?: StoredState): Promise<Incident> {
    const state = known ?? await this.storedState(incident.id);
    if (state.exists ? state.revision !== incident.revision : incident.revision !== 0) {
      throw new RevisionConflictError(incident.id, incident.revision, state.revision);
    }
    const next = owned ? incident : clone(incident);
    next.revision = incident.revision + 1;
    next.updatedAt = new Date().toISOString();
    await this.backend.set(INCIDENT_PREFIX + next.id, encodeIncident(next));
    if (!state.exists) {
      const slot = dedupSlot(next.dedupKey);
      const previous = await this.backend.get(slot);
      if (typeof previous === 'string' && previous !== next.id) {
        const earlier = ((await this.backend.get(historySlot(next.dedupKey))) as string[] | undefined) ?? [];
        await this.backend.set(historySlot(next.dedupKey), [previous, ...earlier.filter((id) => id !== previous)].slice(0, DEDUP_HISTORY));
      }
      await this.backend.set(slot, next.id);
    }
    return next;
  }

  private async storedState(id: string): Promise<StoredState> {
    const stored = decodeIncident(await this.backend.get(INCIDENT_PREFIX + id));
    return { exists: stored !== undefined, revision: stored?.revision ?? 0 };
  }

  update(id: string, change: (incident: Incident) => void, fallback?: Incident): Promise<Incident> {
    return this.locks.run(`id:${id}`, async () => {
      for (let attempt = 0; ; attempt++) {
        const latest = await this.get(id);
        // A fresh copy of the fallback: the same JSON round trip a read makes (cheaper than a structured clone).
        const base = latest ?? (fallback ? { ...(JSON.parse(encodeIncident(fallback)) as Incident), revision: 0 } : undefined);
        if (!base) throw new IncidentNotFoundError(id);
        const known: StoredState = { exists: latest !== undefined, revision: latest?.revision ?? 0 };
        change(base);
        try {
          return await this.saveUnlocked(base, true, known);
        } catch (err) {
          if (!(err instanceof RevisionConflictError) || attempt >= MAX_CONFLICT_RETRIES) throw err;
        }
      }
    });
  }

  upsertByDedupKey(
    dedupKey: string,
    create: () => Incident,
    join: (incident: Incident) => void,
    canJoin: (incident: Incident) => boolean | 'preferred',
  ): Promise<UpsertResult> {
    return this.locks.run(`dedup:${dedupKey}`, async () => {
      const latest = await this.backend.get(dedupSlot(dedupKey));
      const earlier = ((await this.backend.get(historySlot(dedupKey))) as string[] | undefined) ?? [];
      // The incident that already holds this alert wins; else the newest that may take it.
      let chosen: string | undefined;
      for (const id of typeof latest === 'string' ? [latest, ...earlier] : earlier) {
        const existing = await this.get(id);
        const verdict = existing ? canJoin(existing) : false;
        if (verdict === 'preferred') { chosen = id; break; }
        if (verdict && !chosen) chosen = id;
      }
      if (chosen) {
        const incident = await this.update(chosen, join);
        return { incident, created: false };
      }
      // save() indexes a new incident under its dedup key, replacing a closed predecessor.
      const incident = await this.save(create());
      return { incident, created: true };
    });
  }

  async list(query: IncidentQuery = {}): Promise<Incident[]> {
    const statuses = query.status === undefined ? undefined : ([] as string[]).concat(query.status);
    const ids = (await this.backend.keys())
      .filter((k) => k.startsWith(INCIDENT_PREFIX))
      .map((k) => k.slice(INCIDENT_PREFIX.length))
      .sort()
      .reverse(); // ULIDs: newest first
    const out: Incident[] = [];
    for (const id of ids) {
      const incident = await this.get(id);
      if (!incident) continue;
      if (statuses && !statuses.includes(incident.status)) continue;
      if (query.framework && incident.framework !== query.framework) continue;
      if (query.phase && incident.phase !== query.phase) continue;
      out.push(incident);
      if (query.limit && out.length >= query.limit) break;
    }
    return out;
  }

  async sweep({ now = new Date(), retentionMs }: SweepOptions): Promise<string[]> {
    const evicted: string[] = [];
    for (const incident of await this.list({ status: ['resolved', 'closed'] })) {
      if (!isDone(incident) || now.getTime() - Date.parse(incident.updatedAt) < retentionMs) continue;
      await this.locks.run(`dedup:${incident.dedupKey}`, async () => {
        const slot = dedupSlot(incident.dedupKey);
        if ((await this.backend.get(slot)) === incident.id) await this.backend.set(slot, undefined);
        await this.backend.set(INCIDENT_PREFIX + incident.id, undefined);
      });
      evicted.push(incident.id);
    }
    return evicted;
  }

  scheduleTimer(timer: StoredTimer): Promise<void> {
    return this.locks.run('timers', async () => {
      const index = ((await this.backend.get(TIMER_INDEX)) as Record<string, string> | undefined) ?? {};
      await this.backend.set(timerSlot(timer.id), clone(timer));
      await this.backend.set(TIMER_INDEX, { ...index, [timer.id]: timer.dueAt });
    });
  }

  cancelTimer(id: string): Promise<void> {
    return this.locks.run('timers', async () => {
      const index = ((await this.backend.get(TIMER_INDEX)) as Record<string, string> | undefined) ?? {};
      if (!(id in index)) return;
      const { [id]: _removed, ...rest } = index;
      await this.backend.set(timerSlot(id), undefined);
      await this.backend.set(TIMER_INDEX, rest);
    });
  }

  claimDueTimers({ now = new Date(), owner, leaseMs, limit = 100 }: ClaimOptions): Promise<StoredTimer[]> {
    return this.locks.run('timers', async () => {
      const index = ((await this.backend.get(TIMER_INDEX)) as Record<string, string> | undefined) ?? {};
      const due = Object.entries(index)
        .filter(([, dueAt]) => Date.parse(dueAt) <= now.getTime())
        .sort((a, b) => Date.parse(a[1]) - Date.parse(b[1]));
      const claimed: StoredTimer[] = [];
      for (const [id] of due) {
        if (claimed.length >= limit) break;
        const timer = (await this.backend.get(timerSlot(id))) as StoredTimer | undefined;
        if (!timer) continue;
        if (timer.leaseUntil && Date.parse(timer.leaseUntil) > now.getTime()) continue;
        const leased: StoredTimer = { ...clone(timer), leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs).toISOString() };
        await this.backend.set(timerSlot(id), clone(leased));
        claimed.push(leased);
      }
      return claimed;
    });
  }

  async listTimers(): Promise<StoredTimer[]> {
    const index = ((await this.backend.get(TIMER_INDEX)) as Record<string, string> | undefined) ?? {};
    const timers: StoredTimer[] = [];
    for (const id of Object.keys(index)) {
      const timer = (await this.backend.get(timerSlot(id))) as StoredTimer | undefined;
      if (timer) timers.push(clone(timer));
    }
    return timers;
  }

  async close(): Promise<void> {
    // Nothing to release: the backend belongs to its owner (Node-RED's context, a Map).
  }
}

/** A Map behind the key-value interface: tests, and hosts with no context store. */
export class MemoryBackend implements KeyValueBackend {
  readonly name = 'memory';
  readonly persistent = false;
  private readonly data = new Map<string, unknown>();

  async get(key: string): Promise<unknown> {
    return this.data.get(key);
  }

  async set(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, value);
  }

  async keys(): Promise<string[]> {
    return [...this.data.keys()];
  }
}
