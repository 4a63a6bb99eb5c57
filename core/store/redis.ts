import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import Redis from 'ioredis';
import { isDone } from '../model/incident';
import type { Incident } from '../model/types';
import { KeyedLock } from './lock';
import {
  IncidentNotFoundError, RevisionConflictError,
  type ClaimOptions, type IncidentQuery, type IncidentStore, type StoredTimer, type SweepOptions, type UpsertResult,
} from './types';

/**
 * Where a shared store's Redis is. The password comes from Node-RED credentials, never from the
 * URL (which is part of the flow).
 */
export interface RedisConnectionOptions {
  /** redis://host:port/db or rediss://host:port/db (TLS). */
  url: string;
  username?: string;
  password?: string;
  /** TLS options (CA, client certificate, servername); implied by rediss://. */
  tls?: ConnectionOptions;
  /** Every key of this store starts with it, so several playbooks or teams can share one Redis. */
  keyPrefix?: string;
}

export const DEFAULT_KEY_PREFIX = 'ir:';

export interface ParsedRedisUrl {
  host: string;
  port: number;
  db: number;
  tls: boolean;
}

/** Reads a redis:// or rediss:// URL; refuses one that carries a password. */
export function parseRedisUrl(url: string): ParsedRedisUrl {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new Error(`Redis URL "${url}" is not a URL: use redis://host:6379/0 or rediss://host:6380/0`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error(`Redis URL must start with redis:// or rediss:// (TLS), not ${parsed.protocol}//`);
  }
  if (parsed.password) throw new Error('the Redis URL must not contain a password: put it in the store\'s Password field (kept in Node-RED credentials)');
  if (parsed.username) throw new Error('the Redis URL must not contain a user name: put it in the store\'s Username field');
  const db = parsed.pathname && parsed.pathname !== '/' ? Number(parsed.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error(`Redis URL names database "${parsed.pathname.slice(1)}": use a number, e.g. redis://host:6379/0`);
  if (!parsed.hostname) throw new Error(`Redis URL "${url}" names no host`);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: parsed.port ? Number(parsed.port) : 6379, db, tls: parsed.protocol === 'rediss:' };
}

/** An ioredis client for the store: bounded retries per command, so a Redis outage fails a message instead of hanging it. */
export function createRedisClient(options: RedisConnectionOptions): Redis {
  const target = parseRedisUrl(options.url);
  const tls = options.tls ?? (target.tls ? {} : undefined);
  return new Redis({
    host: target.host,
    port: target.port,
    db: target.db,
    ...(options.username ? { username: options.username } : {}),
    ...(options.password ? { password: options.password } : {}),
    // SNI takes names only (RFC 6066): no servername for an address.
    ...(tls ? { tls: { ...(isIP(target.host) ? {} : { servername: target.host }), ...tls } } : {}),
    connectTimeout: 10_000,
    maxRetriesPerRequest: 3,
    // Reconnect with a growing pause, at most 5 s apart, for as long as it takes.
    retryStrategy: (times: number) => Math.min(times * 200, 5_000),
  });
}

/** The store's address for status and logs: never credentials. */
export function describeRedis(options: RedisConnectionOptions): string {
  const target = parseRedisUrl(options.url);
  const tls = target.tls || options.tls ? 'rediss' : 'redis';
  return `redis (${tls}://${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}/${target.db}, prefix "${options.keyPrefix ?? DEFAULT_KEY_PREFIX}")`;
}

// A Lua script runs atomically in Redis: these are the store's cross-instance critical sections.

/**
 * Saves an incident if the stored revision is the expected one (0: absent), and, with the guard
 * on, only if the dedup key still names the incident the caller decided on (so a create or a
 * join never races another instance's create). A new incident becomes its dedup key's incident;
 * the one it replaces moves to the key's short history.
 * KEYS: incident, index, dedup slot, dedup history.
 * ARGV: id, expected revision, json, status, updatedAt, guard (1|0), expected slot ('' = none), history size.
 */
const SAVE_SCRIPT = `
local cur = redis.call('HGET', KEYS[1], 'rev')
local expected = tonumber(ARGV[2])
if cur then
  if tonumber(cur) ~= expected then return {'conflict', cur} end
elseif expected ~= 0 then
  return {'conflict', '0'}
end
if ARGV[6] == '1' then
  local slot = redis.call('GET', KEYS[3]) or ''
  if slot ~= ARGV[7] then return {'moved', slot} end
end
redis.call('HSET', KEYS[1], 'rev', expected + 1, 'status', ARGV[4], 'updatedAt', ARGV[5], 'json', ARGV[3])
if not cur then
  redis.call('ZADD', KEYS[2], 0, ARGV[1])
  local previous = redis.call('GET', KEYS[3])
  if previous and previous ~= ARGV[1] then
    redis.call('LREM', KEYS[4], 0, previous)
    redis.call('LPUSH', KEYS[4], previous)
    redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[8]) - 1)
  end
  redis.call('SET', KEYS[3], ARGV[1])
end
return {'ok', tostring(expected + 1)}
`;

/**
 * Evicts an incident only if it is still at the revision the sweep judged (a reopened or
 * changed incident stays), and frees its dedup key.
 * KEYS: incident, index, dedup slot, dedup history. ARGV: id, revision.
 */
const EVICT_SCRIPT = `
local cur = redis.call('HGET', KEYS[1], 'rev')
if not cur or cur ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
redis.call('LREM', KEYS[4], 0, ARGV[1])
return 1
`;

/**
 * Claims due timers: the timer index is scored by due time, and a claimed timer is re-scored to
 * its lease's end, so it is due again (for anyone) only when the lease has passed.
 * KEYS: timer index. ARGV: timer key prefix, now (ms), owner, lease end (ms), limit.
 * Returns [id, json, id, json, ...] of the timers now leased to owner.
 */
const CLAIM_SCRIPT = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[5]))
local now = tonumber(ARGV[2])
local out = {}
for _, id in ipairs(ids) do
  local key = ARGV[1] .. id
  local fields = redis.call('HMGET', key, 'json', 'leaseUntil')
  if not fields[1] then
    redis.call('ZREM', KEYS[1], id)
  elseif fields[2] and tonumber(fields[2]) > now then
    redis.call('ZADD', KEYS[1], fields[2], id)
  else
    redis.call('HSET', key, 'leaseOwner', ARGV[3], 'leaseUntil', ARGV[4])
    redis.call('ZADD', KEYS[1], ARGV[4], id)
    table.insert(out, id)
    table.insert(out, fields[1])
  end
end
return out
`;

/** A Lua script sent once (EVALSHA), and again whenever Redis forgot it (a restart, SCRIPT FLUSH). */
class Script {
  readonly sha: string;
  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(client: Redis, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return client.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}

const saveScript = new Script(SAVE_SCRIPT);
const evictScript = new Script(EVICT_SCRIPT);
const claimScript = new Script(CLAIM_SCRIPT);
/** What EVALSHA of the timer claim sends (the system test watches for it on the wire). */
export const CLAIM_SCRIPT_SHA1 = claimScript.sha;

// The key's earlier incidents (newest first), as the embedded store keeps them.
const DEDUP_HISTORY = 5;
// Another instance may be changing the same incident: retry with a growing, jittered pause.
const MAX_CONFLICT_RETRIES = 50;
const LIST_BATCH = 200;

function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 + attempt * 2)));
}

class DedupMovedError extends Error {
  constructor(readonly dedupKey: string) {
    super(`dedup key ${dedupKey} changed meanwhile`);
  }
}

/** Redis could not be reached or refused a command. */
export class RedisStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisStoreError';
  }
}

type TimerBody = Omit<StoredTimer, 'leaseOwner' | 'leaseUntil'>;

/**
 * The incident store in Redis, shared by several Node-RED instances. Each atomic step is one Lua
 * script; a change is applied to the latest revision and saved only if nobody saved in between
 * (else it is applied again), so concurrent updates from any instance keep every timeline entry.
 */
export class RedisIncidentStore implements IncidentStore {
  readonly persistent = true;
  private readonly locks = new KeyedLock();
  private readonly prefix: string;

  /** `owned`: close() also closes the client. */
  constructor(private readonly client: Redis, options: { name?: string; keyPrefix?: string; owned?: boolean } = {}) {
    this.prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.name = options.name ?? `redis (prefix "${this.prefix}")`;
    this.owned = options.owned ?? false;
    // Why the connection fails (refused, certificate, password): a failed command says so.
    client.on('error', (err: Error) => { this.connectionError = err.message; });
    client.on('ready', () => { this.connectionError = undefined; });
  }

  private connectionError: string | undefined;

  readonly name: string;
  private readonly owned: boolean;

  private incidentKey(id: string): string {
    return `${this.prefix}incident:${id}`;
  }

  private get indexKey(): string {
    return `${this.prefix}incidents`;
  }

  // Dedup keys are hashed: they may be long and hold anything.
  private dedupSlot(dedupKey: string): string {
    return `${this.prefix}dedup:${createHash('sha256').update(dedupKey).digest('hex').slice(0, 40)}`;
  }

  private historyKey(dedupKey: string): string {
    return `${this.dedupSlot(dedupKey)}:earlier`;
  }

  private get timerIndex(): string {
    return `${this.prefix}timers`;
  }

  private get timerPrefix(): string {
    return `${this.prefix}timer:`;
  }

  /** A Redis failure names the store (address, prefix: never credentials) and says what happened. */
  private io<T>(op: Promise<T>): Promise<T> {
    return op.catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      const why = this.connectionError && !message.includes(this.connectionError) ? ` (connection: ${this.connectionError})` : '';
      throw new RedisStoreError(`${this.name}: ${message}${why}`, { cause: err });
    });
  }

  async get(id: string): Promise<Incident | undefined> {
    const json = await this.io(this.client.hget(this.incidentKey(id), 'json'));
    return json ? (JSON.parse(json) as Incident) : undefined;
  }

  async getByDedupKey(dedupKey: string): Promise<Incident | undefined> {
    const id = await this.io(this.client.get(this.dedupSlot(dedupKey)));
    return id ? this.get(id) : undefined;
  }

  save(incident: Incident): Promise<Incident> {
    return this.saveGuarded(incident);
  }

  /** With expectedSlot: only while the dedup key names that incident ('' = none). */
  private async saveGuarded(incident: Incident, expectedSlot?: string): Promise<Incident> {
    const next: Incident = { ...incident, revision: incident.revision + 1, updatedAt: new Date().toISOString() };
    const answer = (await this.io(saveScript.run(
      this.client,
      [this.incidentKey(incident.id), this.indexKey, this.dedupSlot(incident.dedupKey), this.historyKey(incident.dedupKey)],
      [incident.id, incident.revision, JSON.stringify(next), next.status, next.updatedAt, expectedSlot === undefined ? '0' : '1', expectedSlot ?? '', DEDUP_HISTORY],
    ))) as [string, string];
    if (answer[0] === 'conflict') throw new RevisionConflictError(incident.id, incident.revision, Number(answer[1]));
    if (answer[0] === 'moved') throw new DedupMovedError(incident.dedupKey);
    // A copy, as the embedded store hands out: the caller's object is not the saved one.
    return JSON.parse(JSON.stringify(next)) as Incident;
  }

  update(id: string, change: (incident: Incident) => void, fallback?: Incident): Promise<Incident> {
    // The in-process lock spares this instance's own messages the round trips of a conflict.
    return this.locks.run(`id:${id}`, async () => {
      for (let attempt = 0; ; attempt++) {
        const latest = await this.get(id);
        const base = latest ?? (fallback ? { ...structuredClone(fallback), revision: 0 } : undefined);
        if (!base) throw new IncidentNotFoundError(id);
        change(base);
        try {
          return await this.saveGuarded(base);
        } catch (err) {
          if (!(err instanceof RevisionConflictError) || attempt >= MAX_CONFLICT_RETRIES) throw err;
          await pause(attempt);
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
      for (let attempt = 0; ; attempt++) {
        const [latest, earlier] = await this.io(Promise.all([
          this.client.get(this.dedupSlot(dedupKey)),
          this.client.lrange(this.historyKey(dedupKey), 0, -1),
        ]));
        // The incident that already holds this alert wins; else the newest that may take it.
        let chosen: Incident | undefined;
        for (const id of latest ? [latest, ...earlier] : earlier) {
          const existing = await this.get(id);
          const verdict = existing ? canJoin(existing) : false;
          if (verdict === 'preferred') { chosen = existing; break; }
          if (verdict && !chosen) chosen = existing;
        }
        try {
          // Saved only if the key still names what was read: another instance's create or join
          // in between sends this one round again, to decide on what is there now.
          if (chosen) {
            join(chosen);
            return { incident: await this.saveGuarded(chosen, latest ?? ''), created: false };
          }
          return { incident: await this.saveGuarded(create(), latest ?? ''), created: true };
        } catch (err) {
          const raced = err instanceof RevisionConflictError || err instanceof DedupMovedError;
          if (!raced || attempt >= MAX_CONFLICT_RETRIES) throw err;
          await pause(attempt);
        }
      }
    });
  }

  /** Ids newest first (ULIDs sort by time), read in batches with the fields the filters need. */
  private async *scan(statuses?: string[]): AsyncGenerator<{ id: string; rev: string; status: string; updatedAt: string; json: string }> {
    const ids = await this.io(this.client.zrevrangebylex(this.indexKey, '+', '-'));
    for (let i = 0; i < ids.length; i += LIST_BATCH) {
      const batch = ids.slice(i, i + LIST_BATCH);
      const pipeline = this.client.pipeline();
      for (const id of batch) pipeline.hmget(this.incidentKey(id), 'rev', 'status', 'updatedAt', 'json');
      const rows = (await this.io(pipeline.exec())) ?? [];
      for (let j = 0; j < batch.length; j++) {
        const [err, fields] = rows[j] as [Error | null, Array<string | null>];
        if (err) throw err;
        const [rev, status, updatedAt, json] = fields;
        if (!rev || !status || !updatedAt || !json) continue; // evicted meanwhile
        if (statuses && !statuses.includes(status)) continue;
        yield { id: batch[j], rev, status, updatedAt, json };
      }
    }
  }

  async list(query: IncidentQuery = {}): Promise<Incident[]> {
    const statuses = query.status === undefined ? undefined : ([] as string[]).concat(query.status);
    const out: Incident[] = [];
    for await (const row of this.scan(statuses)) {
      const incident = JSON.parse(row.json) as Incident;
      if (query.framework && incident.framework !== query.framework) continue;
      if (query.phase && incident.phase !== query.phase) continue;
      out.push(incident);
      if (query.limit && out.length >= query.limit) break;
    }
    return out;
  }

  async sweep({ now = new Date(), retentionMs }: SweepOptions): Promise<string[]> {
    const evicted: string[] = [];
    for await (const row of this.scan(['resolved', 'closed'])) {
      if (now.getTime() - Date.parse(row.updatedAt) < retentionMs) continue;
      const incident = JSON.parse(row.json) as Incident;
      if (!isDone(incident)) continue;
      // Every instance sweeps; the revision check lets exactly one evict, and none evict a reopened one.
      const done = await this.io(evictScript.run(
        this.client,
        [this.incidentKey(row.id), this.indexKey, this.dedupSlot(incident.dedupKey), this.historyKey(incident.dedupKey)],
        [row.id, row.rev],
      ));
      if (done === 1) evicted.push(row.id);
    }
    return evicted;
  }

  async scheduleTimer(timer: StoredTimer): Promise<void> {
    const { leaseOwner: _owner, leaseUntil: _until, ...body } = timer;
    const key = this.timerPrefix + timer.id;
    // Replacing a timer drops any lease on the old one, as the embedded store does.
    await this.io(this.client.multi()
      .del(key)
      .hset(key, 'json', JSON.stringify(body))
      .zadd(this.timerIndex, Date.parse(timer.dueAt), timer.id)
      .exec());
  }

  async cancelTimer(id: string): Promise<void> {
    await this.io(this.client.multi().del(this.timerPrefix + id).zrem(this.timerIndex, id).exec());
  }

  async claimDueTimers({ now = new Date(), owner, leaseMs, limit = 100 }: ClaimOptions): Promise<StoredTimer[]> {
    const leaseUntil = now.getTime() + leaseMs;
    const answer = (await this.io(claimScript.run(this.client, [this.timerIndex], [this.timerPrefix, now.getTime(), owner, leaseUntil, limit]))) as string[];
    const claimed: StoredTimer[] = [];
    for (let i = 0; i < answer.length; i += 2) {
      claimed.push({ ...(JSON.parse(answer[i + 1]) as TimerBody), leaseOwner: owner, leaseUntil: new Date(leaseUntil).toISOString() });
    }
    return claimed.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
  }

  async listTimers(): Promise<StoredTimer[]> {
    const ids = await this.io(this.client.zrange(this.timerIndex, 0, -1));
    if (ids.length === 0) return [];
    const pipeline = this.client.pipeline();
    for (const id of ids) pipeline.hmget(this.timerPrefix + id, 'json', 'leaseOwner', 'leaseUntil');
    const rows = (await this.io(pipeline.exec())) ?? [];
    const timers: StoredTimer[] = [];
    for (const [err, fields] of rows as Array<[Error | null, Array<string | null>]>) {
      if (err) throw err;
      const [json, leaseOwner, leaseUntil] = fields;
      if (!json) continue;
      timers.push({
        ...(JSON.parse(json) as TimerBody),
        ...(leaseOwner ? { leaseOwner } : {}),
        ...(leaseUntil ? { leaseUntil: new Date(Number(leaseUntil)).toISOString() } : {}),
      });
    }
    return timers;
  }

  async close(): Promise<void> {
    if (!this.owned) return;
    // QUIT lets queued commands finish; a client that never connected is just disconnected.
    if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
    else this.client.disconnect();
  }
}
