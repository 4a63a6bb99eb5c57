import type { Node, NodeAPI } from 'node-red';
import { KeyValueIncidentStore, type KeyValueBackend } from '../../core/store/keyvalue';
import { createRedisClient, describeRedis, RedisIncidentStore, type RedisConnectionOptions } from '../../core/store/redis';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { IncidentStore, StoredTimer } from '../../core/store/types';

/** What an `ir-store` config node (or the default, when none is chosen) asks for. */
export interface StoreSettings {
  /** Node-RED context store name; '' means the default store. */
  contextStore: string;
  /** Closed incidents are evicted after this many days. */
  retentionDays: number;
  /** A Redis shared by several Node-RED instances instead of the context store. */
  redis?: RedisConnectionOptions & {
    /** The config node's id: its nodes share one connection. */
    configId: string;
  };
  /** Why the configured store cannot be used (e.g. a bad Redis URL): every store call fails with it. */
  unavailable?: string;
}

export const DEFAULT_STORE_SETTINGS: StoreSettings = { contextStore: '', retentionDays: 30 };

interface ContextStorageSetting {
  [name: string]: string | { module?: unknown } | undefined;
}

/** The callback forms of Node-RED's context API (the only ones that reach every store). */
interface GlobalContext {
  get(key: string, store: string | undefined, cb: (err: Error | null, value: unknown) => void): void;
  set(key: string, value: unknown, store: string | undefined, cb: (err: Error | null) => void): void;
  keys(store: string | undefined, cb: (err: Error | null, keys: string[]) => void): void;
}

/** Which module backs a context store name, following the `default` alias. */
export function contextStoreModule(RED: NodeAPI, storeName: string): string {
  const storage = (RED.settings as unknown as { contextStorage?: ContextStorageSetting }).contextStorage;
  if (!storage) return 'memory';
  let entry = storage[storeName || 'default'];
  if (!entry && !storeName) entry = storage[Object.keys(storage)[0]];
  if (typeof entry === 'string') entry = storage[entry];
  if (!entry || typeof entry === 'string') return 'memory';
  const mod = entry.module;
  return typeof mod === 'string' ? mod : 'custom';
}

/** Node-RED's global context behind the key-value interface the core store uses. */
class ContextBackend implements KeyValueBackend {
  readonly name: string;
  readonly persistent: boolean;

  constructor(private readonly global: GlobalContext, private readonly storeName: string | undefined, module: string) {
    this.name = `context:${storeName || 'default'} (${module})`;
    this.persistent = module !== 'memory';
  }

  get(key: string): Promise<unknown> {
    return new Promise((resolve, reject) => this.global.get(key, this.storeName, (err, value) => (err ? reject(err) : resolve(value))));
  }

  set(key: string, value: unknown): Promise<void> {
    return new Promise((resolve, reject) => this.global.set(key, value, this.storeName, (err) => (err ? reject(err) : resolve())));
  }

  keys(): Promise<string[]> {
    return new Promise((resolve, reject) => this.global.keys(this.storeName, (err, keys) => (err ? reject(err) : resolve(keys ?? []))));
  }
}

/** One connection per Redis config node; its outages are logged once each, not per retry. */
function openRedisStore(RED: NodeAPI, options: RedisConnectionOptions): RedisIncidentStore {
  const name = describeRedis(options);
  const client = createRedisClient(options);
  let down = false;
  client.on('error', (err: Error) => {
    if (down) return;
    down = true;
    RED.log.warn(`[incident-response] ${name}: ${err.message}; reconnecting`);
  });
  client.on('ready', () => {
    if (down) RED.log.info(`[incident-response] ${name}: connected again`);
    down = false;
  });
  return new RedisIncidentStore(client, { name, keyPrefix: options.keyPrefix, owned: true });
}

export type TimerHandler = (timer: StoredTimer) => Promise<void>;

interface SharedStore {
  store: IncidentStore;
  users: Set<string>;
  sweepTimer: NodeJS.Timeout;
  pollTimer: NodeJS.Timeout;
  timerHandlers: Map<string, TimerHandler>;
  warned: boolean;
}

// Who this process is when it claims a timer; a restarted process is someone else.
const TIMER_OWNER = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
const TIMER_LEASE_MS = 60 * 1000;

interface IncidentResponseSettings {
  /**
   * timerLeaseMs: how long a claimed timer is this instance's; when it dies holding one, another
   * instance fires the timer this long after the claim.
   */
  // sweepIntervalMs: how often retention runs (default hourly); a soak test needs it sooner.
  incidentResponse?: { timerPollMs?: number; timerLeaseMs?: number; sweepIntervalMs?: number };
}

/**
 * Fires the store's due timers on the nodes that handle them. A handled timer is removed; one
 * whose handler failed keeps its lease and is tried again when the lease passes.
 */
function pollTimers(RED: NodeAPI, entry: SharedStore, leaseMs: number): void {
  entry.store.claimDueTimers({ owner: TIMER_OWNER, leaseMs }).then(async (timers) => {
    for (const timer of timers) {
      const handler = entry.timerHandlers.get(timer.nodeId);
      if (!handler) {
        // Its node is gone from the flows (not merely elsewhere in a cluster): drop the timer.
        if (!RED.nodes.getNode(timer.nodeId)) {
          RED.log.warn(`[incident-response] dropping ${timer.kind} timer of incident ${timer.incidentId}: node ${timer.nodeId} is no longer deployed`);
          await entry.store.cancelTimer(timer.id);
        }
        continue;
      }
      try {
        await handler(timer);
        await entry.store.cancelTimer(timer.id);
      } catch (err) {
        RED.log.warn(`[incident-response] ${timer.kind} timer of incident ${timer.incidentId} failed, retrying after the lease: ${(err as Error).message}`);
      }
    }
  }, (err: Error) => RED.log.warn(`[incident-response] reading timers failed: ${err.message}`));
}

// One store per runtime (its global context object) and context store name, shared by every
// node: the in-process locks only work if all nodes go through the same instance.
const shared = new WeakMap<object, Map<string, SharedStore>>();

const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/** Every store some deployed node uses now (for the editor's incident sidebar). */
export function activeStores(): IncidentStore[] {
  return [...allShared].map((entry) => entry.store);
}

const allShared = new Set<SharedStore>();

export interface StoreHandle {
  store: IncidentStore;
  /** Timers this node scheduled (nodeId = its id) fire here, on this instance. */
  onTimer(handler: TimerHandler): void;
  release(): void;
}

/**
 * The store of a misconfigured config node: each call fails with the configuration error, so a
 * message errors visibly instead of going to a store other instances do not see.
 */
class UnavailableStore implements IncidentStore {
  readonly name = 'unavailable';
  readonly persistent = true;
  constructor(private readonly reason: string) {}
  private fail(): Promise<never> {
    return Promise.reject(new Error(this.reason));
  }
  upsertByDedupKey(): Promise<never> { return this.fail(); }
  getByDedupKey(): Promise<never> { return this.fail(); }
  get(): Promise<never> { return this.fail(); }
  save(): Promise<never> { return this.fail(); }
  update(): Promise<never> { return this.fail(); }
  list(): Promise<never> { return this.fail(); }
  sweep(): Promise<never> { return this.fail(); }
  scheduleTimer(): Promise<never> { return this.fail(); }
  cancelTimer(): Promise<never> { return this.fail(); }
  claimDueTimers(): Promise<never> { return this.fail(); }
  listTimers(): Promise<never> { return this.fail(); }
  async close(): Promise<void> {}
}

export function acquireStore(RED: NodeAPI, node: Node, settings: StoreSettings = DEFAULT_STORE_SETTINGS): StoreHandle {
  if (settings.unavailable) {
    node.status({ fill: 'red', shape: 'ring', text: 'incident store misconfigured' });
    return { store: new UnavailableStore(settings.unavailable), onTimer() {}, release() {} };
  }
  const global = node.context().global as unknown as GlobalContext;
  let byName = shared.get(global);
  if (!byName) shared.set(global, (byName = new Map()));
  const key = settings.redis ? `redis:${settings.redis.configId}` : settings.contextStore;
  let entry = byName.get(key);
  if (!entry) {
    const store = settings.redis ? openRedisStore(RED, settings.redis) : new KeyValueIncidentStore(new ContextBackend(global, settings.contextStore || undefined, contextStoreModule(RED, settings.contextStore)));
    const retentionMs = settings.retentionDays * 24 * 60 * 60 * 1000;
    const sweepMs = (RED.settings as unknown as IncidentResponseSettings).incidentResponse?.sweepIntervalMs ?? SWEEP_INTERVAL_MS;
    const sweepTimer = setInterval(() => {
      store.sweep({ retentionMs }).then(
        (ids) => ids.length && RED.log.info(`[incident-response] evicted ${ids.length} closed incident(s) older than ${settings.retentionDays} days`),
        (err: Error) => RED.log.warn(`[incident-response] retention sweep failed: ${err.message}`),
      );
    }, sweepMs);
    sweepTimer.unref();
    const timerSettings = (RED.settings as unknown as IncidentResponseSettings).incidentResponse;
    const pollMs = timerSettings?.timerPollMs ?? 1000;
    const leaseMs = timerSettings?.timerLeaseMs ?? TIMER_LEASE_MS;
    const shared: SharedStore = { store, users: new Set(), sweepTimer, pollTimer: setInterval(() => pollTimers(RED, shared, leaseMs), pollMs), timerHandlers: new Map(), warned: false };
    shared.pollTimer.unref();
    entry = shared;
    byName.set(key, entry);
    allShared.add(shared);
  }
  entry.users.add(node.id);
  if (!entry.store.persistent) {
    if (!entry.warned) {
      entry.warned = true;
      RED.log.warn(`[incident-response] incidents are kept in the memory context store (${entry.store.name}): incidents, approvals and dedup are lost on restart. Configure a persistent contextStorage (e.g. localfilesystem) in settings.js.`);
    }
    node.status({ fill: 'yellow', shape: 'ring', text: 'memory store: lost on restart' });
  }
  const held = entry;
  return {
    store: held.store,
    onTimer(handler) {
      held.timerHandlers.set(node.id, handler);
    },
    release() {
      held.users.delete(node.id);
      held.timerHandlers.delete(node.id);
      if (held.users.size === 0) {
        clearInterval(held.sweepTimer);
        clearInterval(held.pollTimer);
        byName!.delete(key);
        allShared.delete(held);
        // A Redis store's connection ends with its last node (a redeploy opens a new one).
        held.store.close().catch((err: Error) => RED.log.warn(`[incident-response] closing ${held.store.name} failed: ${err.message}`));
      }
    },
  };
}
