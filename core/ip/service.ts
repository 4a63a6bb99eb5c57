// The ip-lookup engine: the offline layer for every address, then the enabled online providers
// for the public ones, all addresses and providers in parallel, each provider behind its own
// cache, concurrency limit, rate limit (the shared HTTP policy) and quota brake; a deadline
// after which whatever answered is kept and the rest is marked timed out.
import { createHttpClient, RateLimiter, type HttpClient, type HttpClientOptions } from '../http';
import { createInvoker, type CallRecord, type Invoker } from '../integrations/dry-run';
import { requireCredentials, type Mode } from '../integrations/mode';
import { lookupAbuseIpdb } from '../integrations/abuseipdb';
import { lookupGreyNoise } from '../integrations/greynoise';
import { IP_PROVIDER_IDS, IP_PROVIDER_LABELS, ProviderError, providerError, type IpProviderId, type ProviderAnswer } from '../integrations/ip-provider';
import { lookupRdap, RdapBootstrap } from '../integrations/rdap';
import { createReverseResolver, lookupReverseDns, ptrName } from '../integrations/reverse-dns';
import { lookupInternetDb } from '../integrations/shodan-internetdb';
import { lookupVirusTotal } from '../integrations/virustotal';
import type { Verdict } from '../model/types';
import { TtlCache, type CacheStats } from './cache';
import { InvalidAddressError } from './classify';
import { OfflineLayer, type OfflineLayerOptions, type OfflineResult } from './offline';
import { decideVerdict, DEFAULT_THRESHOLDS, type ProviderOutcome, type VerdictThresholds } from './verdict';

export interface ProviderSettings {
  /** Base URL (HTTP providers) — default the public service. */
  url?: string;
  /** Requests per second. */
  rate?: number;
  /** Lookups in flight at once. */
  concurrency?: number;
  /** Reverse DNS: resolver addresses. */
  servers?: readonly string[];
}

export interface IpLookupCredentials {
  abuseipdbKey?: string;
  greynoiseKey?: string;
  virustotalKey?: string;
}

export interface IpLookupSettings {
  mode: Mode;
  offline: OfflineLayerOptions;
  /** Present: enabled. */
  providers: Partial<Record<IpProviderId, ProviderSettings>>;
  credentials?: IpLookupCredentials;
  /** Per provider. Default 10,000 entries, 24 h. */
  cache?: { maxEntries?: number; ttlMs?: number };
  /** One request. Default 10 s. */
  timeoutMs?: number;
  /** One run (all addresses of an incident). Default 30 s. */
  deadlineMs?: number;
  /** HTTP retries after the first attempt. Default 2. */
  retries?: number;
  /** Extra HTTP policy options (proxy, TLS; tests: proxy 'none'). */
  http?: Pick<HttpClientOptions, 'proxy' | 'tls' | 'retry' | 'onEvent'>;
  thresholds?: VerdictThresholds;
}

/** Defaults sized to each free tier. */
export const PROVIDER_DEFAULTS: Record<IpProviderId, { rate: number; concurrency: number }> = {
  rdns: { rate: 50, concurrency: 16 },
  rdap: { rate: 1, concurrency: 2 },
  abuseipdb: { rate: 1, concurrency: 4 },
  greynoise: { rate: 1, concurrency: 2 },
  internetdb: { rate: 1, concurrency: 4 },
  virustotal: { rate: 4 / 60, concurrency: 1 },
};

const KEY_OF: Partial<Record<IpProviderId, keyof IpLookupCredentials>> = { abuseipdb: 'abuseipdbKey', virustotal: 'virustotalKey' };

export interface IpReport {
  /** As given. */
  input: string;
  /** Canonical; absent when the input is not an address. */
  address?: string;
  error?: string;
  offline?: OfflineResult;
  providers: Partial<Record<IpProviderId, ProviderOutcome>>;
  verdict: Verdict;
  reasons: string[];
  /** Some provider did not answer before the deadline. */
  partial?: boolean;
}

export interface LookupRun {
  mode: Mode;
  reports: IpReport[];
  /** Every HTTP call made (or recorded in dry-run), redacted. */
  calls: CallRecord[];
  partial: boolean;
  durationMs: number;
}

class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly max: number) {}

  async run<T>(fn: () => Promise<T>, signal: AbortSignal): Promise<T> {
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
    } else if (signal.aborted) throw new Error('aborted');
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

interface ProviderRuntime {
  id: IpProviderId;
  settings: ProviderSettings;
  cache: TtlCache<ProviderAnswer>;
  semaphore: Semaphore;
  client?: HttpClient;
  /** Quota or rate-limit brake: no calls until then. */
  suspendedUntil: number;
  suspendedWhy?: string;
  missingCredentials: string[];
}

export class IpLookupService {
  readonly offline: OfflineLayer;
  private readonly runtimes = new Map<IpProviderId, ProviderRuntime>();
  private readonly configProblems: string[] = [];
  private readonly bootstrap: RdapBootstrap;
  private readonly dnsLimiter?: RateLimiter;
  private readonly resolverServers: readonly string[];
  private closed = false;

  private constructor(readonly settings: IpLookupSettings, offline: OfflineLayer, private readonly now: () => number) {
    this.offline = offline;
    const rdapUrl = settings.providers.rdap?.url;
    this.bootstrap = new RdapBootstrap(rdapUrl || undefined);
    this.resolverServers = settings.providers.rdns?.servers ?? [];
    const cacheMax = settings.cache?.maxEntries ?? 10_000;
    const ttl = settings.cache?.ttlMs ?? 24 * 60 * 60 * 1000;
    for (const id of IP_PROVIDER_IDS) {
      const s = settings.providers[id];
      if (!s) continue;
      let missing: string[] = [];
      const key = KEY_OF[id];
      if (key) {
        try {
          missing = requireCredentials(settings.mode, IP_PROVIDER_LABELS[id], settings.credentials, [key]);
        } catch (err) {
          // Live without its key: this provider is off, and the config shows why.
          this.configProblems.push((err as Error).message);
          continue;
        }
      }
      const d = PROVIDER_DEFAULTS[id];
      this.runtimes.set(id, {
        id, settings: s, cache: new TtlCache(cacheMax, ttl, now), semaphore: new Semaphore(Math.max(1, s.concurrency ?? d.concurrency)),
        suspendedUntil: 0, missingCredentials: missing,
      });
    }
    if (this.runtimes.has('rdns')) {
      this.dnsLimiter = new RateLimiter({ requestsPerSecond: settings.providers.rdns?.rate ?? PROVIDER_DEFAULTS.rdns.rate, burst: 10, maxQueue: 10_000 });
    }
  }

  static async create(settings: IpLookupSettings, now: () => number = Date.now): Promise<IpLookupService> {
    const offline = await OfflineLayer.open(settings.offline);
    return new IpLookupService(settings, offline, now);
  }

  /** Configuration problems now: bad files, live providers without keys. */
  get problems(): string[] {
    return [...this.offline.problems, ...this.configProblems];
  }

  get enabledProviders(): IpProviderId[] {
    return [...this.runtimes.keys()];
  }

  cacheStats(): Partial<Record<IpProviderId, CacheStats>> {
    return Object.fromEntries([...this.runtimes].map(([id, r]) => [id, r.cache.stats]));
  }

  /** Look up every address; never throws for bad input or failing providers (they are in the reports). */
  async lookup(addresses: readonly string[], options: { deadlineMs?: number } = {}): Promise<LookupRun> {
    if (this.closed) throw new Error('the IP lookup service is closed');
    const started = this.now();
    const mode = this.settings.mode;
    const invokers = new Map<IpProviderId, Invoker>();
    const invokerFor = (rt: ProviderRuntime): Invoker => {
      let inv = invokers.get(rt.id);
      if (!inv) {
        inv = mode === 'live' ? createInvoker({ mode: 'live', client: this.clientFor(rt) }) : createInvoker({ mode: 'dry-run' });
        invokers.set(rt.id, inv);
      }
      return inv;
    };

    const reports: IpReport[] = [];
    const byAddress = new Map<string, IpReport>();
    for (const input of addresses) {
      let offline: OfflineResult;
      try {
        offline = this.offline.lookup(input);
      } catch (err) {
        reports.push({ input, error: err instanceof InvalidAddressError ? err.message : `offline lookup failed: ${(err as Error).message}`, providers: {}, verdict: 'unknown', reasons: ['not an IP address'] });
        continue;
      }
      if (byAddress.has(offline.address)) continue;
      const report: IpReport = { input, address: offline.address, offline, providers: {}, verdict: 'unknown', reasons: [] };
      byAddress.set(offline.address, report);
      reports.push(report);
    }

    const controller = new AbortController();
    const tasks: Array<Promise<void>> = [];
    const pending = new Map<string, { report: IpReport; id: IpProviderId }>();
    let seq = 0;
    for (const report of byAddress.values()) {
      const offline = report.offline as OfflineResult;
      for (const rt of this.runtimes.values()) {
        if (!offline.classification.public) {
          report.providers[rt.id] = { status: 'skipped', reason: `${offline.classification.category} address: not sent to online services` };
          continue;
        }
        const key = String(seq++);
        pending.set(key, { report, id: rt.id });
        tasks.push(this.runProvider(rt, offline.address, invokerFor, controller.signal).then((outcome) => {
          if (!pending.delete(key)) return; // answered after the deadline: the report is final
          report.providers[rt.id] = outcome;
        }));
      }
    }

    const deadlineMs = options.deadlineMs ?? this.settings.deadlineMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => { timer = setTimeout(resolve, deadlineMs); });
    await Promise.race([Promise.all(tasks), deadline]);
    clearTimeout(timer);
    const partial = pending.size > 0;
    for (const { report, id } of pending.values()) {
      report.providers[id] = { status: 'timed-out', error: `no answer within the ${Math.round(deadlineMs / 100) / 10} s deadline` };
      report.partial = true;
    }
    pending.clear();
    controller.abort(); // stop queued and in-flight calls: nobody waits for them any more

    for (const report of byAddress.values()) {
      const v = decideVerdict(report.offline as OfflineResult, report.providers, this.settings.thresholds ?? DEFAULT_THRESHOLDS);
      report.verdict = v.verdict;
      report.reasons = v.reasons;
      if (report.partial) report.reasons.push(`partial: the lookup deadline (${deadlineMs} ms) passed before every provider answered`);
    }
    const calls = [...invokers.values()].flatMap((i) => i.calls);
    return { mode, reports, calls, partial, durationMs: this.now() - started };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.offline.close();
    this.dnsLimiter?.clear();
    await Promise.all([...this.runtimes.values()].map(async (rt) => {
      const c = rt.client;
      rt.client = undefined;
      if (c) await c.close();
    }));
  }

  private clientFor(rt: ProviderRuntime): HttpClient {
    if (!rt.client) {
      const d = PROVIDER_DEFAULTS[rt.id];
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

  private async runProvider(rt: ProviderRuntime, ip: string, invokerFor: (rt: ProviderRuntime) => Invoker, signal: AbortSignal): Promise<ProviderOutcome> {
    const dryRun = this.settings.mode === 'dry-run';
    if (!dryRun) {
      const cached = rt.cache.get(ip);
      if (cached) return { status: cached.found ? 'found' : 'not-found', ...(cached.data ? { data: cached.data } : {}), cached: true };
      if (rt.suspendedUntil > this.now()) {
        return { status: 'skipped', reason: `${rt.suspendedWhy ?? 'suspended'}; no calls until ${new Date(rt.suspendedUntil).toISOString()}` };
      }
    }
    try {
      const answer = await rt.semaphore.run(() => this.call(rt, ip, invokerFor, signal), signal);
      if (dryRun || answer.dryRun) {
        return { status: 'dry-run', note: rt.id === 'rdns' ? `would query PTR ${ptrName(ip)}${this.resolverServers.length ? ` at ${this.resolverServers.join(', ')}` : ''}` : `would call ${IP_PROVIDER_LABELS[rt.id]} (the call is in the timeline)` };
      }
      rt.cache.set(ip, answer);
      return { status: answer.found ? 'found' : 'not-found', ...(answer.data ? { data: answer.data } : {}) };
    } catch (err) {
      const e = err instanceof ProviderError ? err : providerError(rt.id, err, 'see the provider\'s limits');
      if (e.code === 'quota' || e.code === 'rate-limited') {
        // Stop asking: a quota resets daily (or when the provider says), a rate limit soon.
        const wait = e.retryAfterMs ?? (e.code === 'quota' ? 60 * 60 * 1000 : 60 * 1000);
        rt.suspendedUntil = Math.max(rt.suspendedUntil, this.now() + wait);
        rt.suspendedWhy = e.code === 'quota' ? `${IP_PROVIDER_LABELS[rt.id]} quota exhausted` : `${IP_PROVIDER_LABELS[rt.id]} rate limited`;
      }
      return { status: 'error', code: e.code, error: e.message };
    }
  }

  private async call(rt: ProviderRuntime, ip: string, invokerFor: (rt: ProviderRuntime) => Invoker, signal: AbortSignal): Promise<ProviderAnswer> {
    const key = KEY_OF[rt.id];
    const ctx = {
      invoker: invokerFor(rt), signal,
      ...(rt.settings.url ? { baseUrl: rt.settings.url } : {}),
      ...(rt.missingCredentials.length ? { missingCredentials: rt.missingCredentials } : {}),
    };
    const creds = this.settings.credentials ?? {};
    switch (rt.id) {
      case 'abuseipdb': return lookupAbuseIpdb({ ...ctx, apiKey: creds[key as keyof IpLookupCredentials] ?? '' }, ip);
      case 'virustotal': return lookupVirusTotal({ ...ctx, apiKey: creds[key as keyof IpLookupCredentials] ?? '' }, ip);
      case 'greynoise': return lookupGreyNoise({ ...ctx, ...(creds.greynoiseKey ? { apiKey: creds.greynoiseKey } : {}) }, ip);
      case 'internetdb': return lookupInternetDb(ctx, ip);
      case 'rdap': return lookupRdap({ ...ctx, bootstrap: this.bootstrap }, ip);
      case 'rdns': {
        if (this.settings.mode === 'dry-run') return { found: false, dryRun: true };
        try {
          await (this.dnsLimiter as RateLimiter).acquire('rdns', { signal });
        } catch {
          throw new ProviderError('rdns', 'aborted', 'lookup stopped at the deadline');
        }
        const resolver = createReverseResolver({ servers: this.resolverServers, timeoutMs: Math.min(this.settings.timeoutMs ?? 10_000, 5000) });
        return lookupReverseDns(resolver, ip, signal);
      }
    }
  }
}
