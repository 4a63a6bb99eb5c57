// The provider machinery ip-lookup and domain-lookup share: each enabled provider behind its own
// cache, concurrency limit, rate limit (the shared HTTP policy) and quota brake; all jobs of a
// run in parallel; a deadline after which whatever answered is kept and the rest is marked timed
// out. What to ask and how to judge the answers stays with each lookup.
import { setMaxListeners } from 'node:events';
import { createHttpClient, RateLimiter, type HttpClient, type HttpClientOptions } from '../http';
import { createInvoker, type CallRecord, type Invoker } from '../integrations/dry-run';
import { requireCredentials, type Mode } from '../integrations/mode';
import { TtlCache, type CacheStats } from '../ip/cache';
import type { Verdict } from '../model/types';
import type { ProviderAnswer, ProviderContext, ProviderErrors } from './provider-errors';

/** One provider's result for one subject, as it goes into a report. */
export type ProviderOutcome =
  | { status: 'found' | 'not-found'; data?: Record<string, unknown>; cached?: boolean }
  | { status: 'dry-run'; note: string }
  | { status: 'error'; code: string; error: string }
  | { status: 'skipped'; reason: string }
  | { status: 'timed-out'; error: string };

export interface ProviderSettings {
  /** Base URL (HTTP providers) — default the public service. */
  url?: string;
  /** Requests per second. */
  rate?: number;
  /** Lookups in flight at once. */
  concurrency?: number;
  /** DNS providers: resolver addresses. */
  servers?: readonly string[];
}

export interface EngineSettings<P extends string, C extends object> {
  mode: Mode;
  /** Present: enabled. */
  providers: Partial<Record<P, ProviderSettings>>;
  credentials?: C;
  /** Per provider. Default 10,000 entries, 24 h. */
  cache?: { maxEntries?: number; ttlMs?: number };
  /** One request. Default 10 s. */
  timeoutMs?: number;
  /** One run (all subjects of an incident). Default 30 s. */
  deadlineMs?: number;
  /** HTTP retries after the first attempt. Default 2. */
  retries?: number;
  /** Extra HTTP policy options (proxy, TLS; tests: proxy 'none'). */
  http?: Pick<HttpClientOptions, 'proxy' | 'tls' | 'retry' | 'onEvent'>;
}

/** What tells one lookup's providers apart. */
export interface EngineSpec<P extends string, C extends object> {
  ids: readonly P[];
  labels: Record<P, string>;
  /** Rate and concurrency sized to each free tier. */
  defaults: Record<P, { rate: number; concurrency: number }>;
  /** The credential a provider cannot work without in live mode. */
  credentialKeys: Partial<Record<P, keyof C & string>>;
  errors: ProviderErrors<P>;
  /** The provider that asks DNS: its own rate limiter instead of an HTTP client. */
  dnsProvider: P;
  /** Providers whose url setting is not an HTTP base URL for the call (it is read elsewhere). */
  urlNotBase?: readonly P[];
}

/** At most `max` at once; waiters give up when the run's signal aborts. */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly max: number) {}

  async run<T>(fn: () => Promise<T>, signal: AbortSignal): Promise<T> {
    if (signal.aborted) throw new Error('aborted');
    if (this.active >= this.max) {
      await new Promise<void>((resolve, reject) => {
        const go = (): void => { signal.removeEventListener('abort', stop); resolve(); };
        const stop = (): void => {
          const i = this.waiting.indexOf(go);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(new Error('aborted'));
        };
        this.waiting.push(go);
        signal.addEventListener('abort', stop, { once: true });
      });
    }
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

export interface ProviderRuntime<P extends string> {
  id: P;
  settings: ProviderSettings;
  cache: TtlCache<ProviderAnswer>;
  semaphore: Semaphore;
  client?: HttpClient;
  /** Quota or rate-limit brake: no calls until then. */
  suspendedUntil: number;
  suspendedWhy?: string;
  missingCredentials: string[];
}

/** A provider call's context within a run: the signal is always the run's. */
export type RunContext = ProviderContext & { signal: AbortSignal };

/** Asks one provider about one subject with the run's context. */
export type ProviderCall = (ctx: RunContext) => Promise<ProviderAnswer>;

function timedOutOutcome(deadlineMs: number): ProviderOutcome {
  return { status: 'timed-out', error: `no answer within the ${Math.round(deadlineMs / 100) / 10} s deadline` };
}

function partialReason(deadlineMs: number): string {
  return `partial: the lookup deadline (${deadlineMs} ms) passed before every provider answered`;
}

export class ProviderEngine<P extends string, C extends object> {
  private readonly runtimes = new Map<P, ProviderRuntime<P>>();
  private readonly configProblems: string[] = [];
  private readonly dnsLimiter?: RateLimiter;

  constructor(private readonly spec: EngineSpec<P, C>, private readonly settings: EngineSettings<P, C>, private readonly now: () => number) {
    const cacheMax = settings.cache?.maxEntries ?? 10_000;
    const ttl = settings.cache?.ttlMs ?? 24 * 60 * 60 * 1000;
    for (const id of spec.ids) {
      const s = settings.providers[id];
      if (!s) continue;
      let missing: string[] = [];
      const key = spec.credentialKeys[id];
      if (key) {
        try {
          missing = requireCredentials<C, keyof C & string>(settings.mode, spec.labels[id], settings.credentials, [key]);
        } catch (err) {
          // Live without its key: this provider is off, and the config shows why.
          this.configProblems.push((err as Error).message);
          continue;
        }
      }
      const d = spec.defaults[id];
      this.runtimes.set(id, {
        id, settings: s, cache: new TtlCache(cacheMax, ttl, now), semaphore: new Semaphore(Math.max(1, s.concurrency ?? d.concurrency)),
        suspendedUntil: 0, missingCredentials: missing,
      });
    }
    if (this.runtimes.has(spec.dnsProvider)) {
      this.dnsLimiter = new RateLimiter({ requestsPerSecond: settings.providers[spec.dnsProvider]?.rate ?? spec.defaults[spec.dnsProvider].rate, burst: 10, maxQueue: 10_000 });
    }
  }

  /** Live providers left off for want of a key. */
  get problems(): string[] {
    return [...this.configProblems];
  }

  get enabledProviders(): P[] {
    return [...this.runtimes.keys()];
  }

  providers(): IterableIterator<ProviderRuntime<P>> {
    return this.runtimes.values();
  }

  cacheStats(): Partial<Record<P, CacheStats>> {
    return Object.fromEntries([...this.runtimes].map(([id, r]) => [id, r.cache.stats])) as Partial<Record<P, CacheStats>>;
  }

  /** The run's deadline: the caller's, else the settings', else 30 s. */
  deadlineMs(override?: number): number {
    return override ?? this.settings.deadlineMs ?? 30_000;
  }

  /** Requests to resolvers: the per-request timeout, capped so one slow server leaves time for another try. */
  get dnsTimeoutMs(): number {
    return Math.min(this.settings.timeoutMs ?? 10_000, 5000);
  }

  startRun<K extends string>(): EngineRun<P, K> {
    return new EngineRun<P, K>(this);
  }

  /** An invoker for one run: live through the provider's own HTTP client, dry-run recording only. */
  createInvoker(rt: ProviderRuntime<P>): Invoker {
    return this.settings.mode === 'live' ? createInvoker({ mode: 'live', client: this.clientFor(rt) }) : createInvoker({ mode: 'dry-run' });
  }

  /** One provider about one subject: cache, quota brake, concurrency; never throws (errors are outcomes). */
  async runProvider(rt: ProviderRuntime<P>, cacheKey: string, call: ProviderCall, dryRunNote: () => string, invoker: () => Invoker, signal: AbortSignal): Promise<ProviderOutcome> {
    const dryRun = this.settings.mode === 'dry-run';
    if (!dryRun) {
      const cached = rt.cache.get(cacheKey);
      if (cached) return { status: cached.found ? 'found' : 'not-found', ...(cached.data ? { data: cached.data } : {}), cached: true };
      if (rt.suspendedUntil > this.now()) {
        return { status: 'skipped', reason: `${rt.suspendedWhy ?? 'suspended'}; no calls until ${new Date(rt.suspendedUntil).toISOString()}` };
      }
    }
    try {
      const answer = await rt.semaphore.run(() => call({
        invoker: invoker(), signal,
        ...(rt.settings.url && !this.spec.urlNotBase?.includes(rt.id) ? { baseUrl: rt.settings.url } : {}),
        ...(rt.missingCredentials.length ? { missingCredentials: rt.missingCredentials } : {}),
      }), signal);
      if (dryRun || answer.dryRun) return { status: 'dry-run', note: dryRunNote() };
      rt.cache.set(cacheKey, answer);
      return { status: answer.found ? 'found' : 'not-found', ...(answer.data ? { data: answer.data } : {}) };
    } catch (err) {
      const e = this.spec.errors.toError(rt.id, err, 'see the provider\'s limits');
      if (e.code === 'quota' || e.code === 'rate-limited') {
        // Stop asking: a quota resets daily (or when the provider says), a rate limit soon.
        const wait = e.retryAfterMs ?? (e.code === 'quota' ? 60 * 60 * 1000 : 60 * 1000);
        rt.suspendedUntil = Math.max(rt.suspendedUntil, this.now() + wait);
        rt.suspendedWhy = e.code === 'quota' ? `${this.spec.labels[rt.id]} quota exhausted` : `${this.spec.labels[rt.id]} rate limited`;
      }
      return { status: 'error', code: e.code, error: e.message };
    }
  }

  /** The DNS provider's call: nothing to ask in dry-run; live, the shared DNS rate limit first. */
  async viaDns(signal: AbortSignal, ask: () => Promise<ProviderAnswer>): Promise<ProviderAnswer> {
    if (this.settings.mode === 'dry-run') return { found: false, dryRun: true };
    const id = this.spec.dnsProvider;
    if (!this.dnsLimiter) throw new this.spec.errors.errorClass(id, 'bad-request', 'not enabled');
    try {
      await this.dnsLimiter.acquire(id, { signal });
    } catch {
      throw new this.spec.errors.errorClass(id, 'aborted', 'lookup stopped at the deadline');
    }
    return ask();
  }

  async close(): Promise<void> {
    this.dnsLimiter?.clear();
    await Promise.all([...this.runtimes.values()].map(async (rt) => {
      const c = rt.client;
      rt.client = undefined;
      if (c) await c.close();
    }));
  }

  private clientFor(rt: ProviderRuntime<P>): HttpClient {
    if (!rt.client) {
      const d = this.spec.defaults[rt.id];
      rt.client = createHttpClient({
        rateLimit: { requestsPerSecond: rt.settings.rate ?? d.rate, burst: 1, maxQueue: 10_000 },
        retry: { maxRetries: this.settings.retries ?? 2 },
        timeoutMs: this.settings.timeoutMs ?? 10_000,
        // The run's own deadline aborts earlier; this bounds a request on its own.
        deadlineMs: Math.max(this.settings.deadlineMs ?? 30_000, this.settings.timeoutMs ?? 10_000),
        ...this.settings.http,
      });
    }
    return rt.client;
  }
}

/** What a run needs of its engine. */
interface RunHost<P extends string> {
  createInvoker(rt: ProviderRuntime<P>): Invoker;
  runProvider(rt: ProviderRuntime<P>, cacheKey: string, call: ProviderCall, dryRunNote: () => string, invoker: () => Invoker, signal: AbortSignal): Promise<ProviderOutcome>;
}

/** A lookup service on top of an engine: what it shows of its providers is the engine's. */
export abstract class EngineBackedService<P extends string, C extends object> {
  protected closed = false;

  protected constructor(protected readonly engine: ProviderEngine<P, C>) {}

  get enabledProviders(): P[] {
    return this.engine.enabledProviders;
  }

  cacheStats(): Partial<Record<P, CacheStats>> {
    return this.engine.cacheStats();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.engine.close();
  }
}

/** A report's verdict and reasons, noting the deadline when some provider did not answer. */
export function applyVerdict(report: { verdict: Verdict; reasons: string[]; partial?: boolean }, decided: { verdict: Verdict; reasons: string[] }, deadlineMs: number): void {
  report.verdict = decided.verdict;
  report.reasons = decided.reasons;
  if (report.partial) report.reasons.push(partialReason(deadlineMs));
}

interface Job {
  promise: Promise<ProviderOutcome>;
  outcome?: ProviderOutcome;
}

/** Where a job's outcome goes: a report's providers under a source name. */
export interface OutcomeTarget<K extends string> {
  providers: Partial<Record<K, ProviderOutcome>>;
  partial?: boolean;
}

/** One lookup run: its invokers (one per provider, for the call records), its jobs and its deadline. */
export class EngineRun<P extends string, K extends string> {
  private readonly invokers = new Map<P, Invoker>();
  private readonly jobs = new Map<string, Job>();
  private readonly wiring: Array<{ target: OutcomeTarget<K>; source: K; job: Job }> = [];
  private readonly controller = new AbortController();

  constructor(private readonly engine: RunHost<P>) {
    // Every call of the run listens to this one deadline signal: dozens are normal, not a leak.
    setMaxListeners(0, this.controller.signal);
  }

  /**
   * Ask `rt` about `cacheKey` (once per run, however many targets want it) and put the outcome
   * into `target.providers[source]` when the run finishes.
   */
  ask(target: OutcomeTarget<K>, source: K, rt: ProviderRuntime<P>, cacheKey: string, call: ProviderCall, dryRunNote: () => string): void {
    const key = `${rt.id}:${cacheKey}`;
    let job = this.jobs.get(key);
    if (!job) {
      const entry: Job = { promise: this.engine.runProvider(rt, cacheKey, call, dryRunNote, () => this.invokerFor(rt), this.controller.signal) };
      entry.promise.then((o) => { entry.outcome = o; }, () => undefined);
      this.jobs.set(key, entry);
      job = entry;
    }
    this.wiring.push({ target, source, job });
  }

  /** Wait for every job or the deadline; what did not answer is timed out. True: some did not. */
  async finish(deadlineMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => { timer = setTimeout(resolve, deadlineMs); });
    await Promise.race([Promise.all([...this.jobs.values()].map((j) => j.promise)), deadline]);
    clearTimeout(timer);
    this.controller.abort(); // stop queued and in-flight calls: nobody waits for them any more
    let partial = false;
    for (const { target, source, job } of this.wiring) {
      if (job.outcome) target.providers[source] = job.outcome;
      else {
        target.providers[source] = timedOutOutcome(deadlineMs);
        target.partial = true;
        partial = true;
      }
    }
    return partial;
  }

  /** Every HTTP call made (or recorded in dry-run), redacted. */
  get calls(): CallRecord[] {
    return [...this.invokers.values()].flatMap((i) => i.calls);
  }

  private invokerFor(rt: ProviderRuntime<P>): Invoker {
    let inv = this.invokers.get(rt.id);
    if (!inv) {
      inv = this.engine.createInvoker(rt);
      this.invokers.set(rt.id, inv);
    }
    return inv;
  }
}
