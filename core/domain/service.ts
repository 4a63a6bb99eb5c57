// The domain-lookup engine: the offline layer (public suffix, IDN, URL parts, look-alikes of
// our own domains) for every domain and URL, then the enabled online providers for names under
// a known public suffix that are not ours. Same rules as ip-lookup: each provider behind its own
// cache, concurrency limit, rate limit (the shared HTTP policy) and quota brake; everything in
// parallel; a deadline after which whatever answered is kept and the rest is marked timed out.
import { createHttpClient, RateLimiter, type HttpClient, type HttpClientOptions } from '../http';
import { createInvoker, type CallRecord, type Invoker } from '../integrations/dry-run';
import { requireCredentials, type Mode } from '../integrations/mode';
import { DOMAIN_PROVIDER_IDS, DOMAIN_PROVIDER_LABELS, DomainProviderError, domainProviderError, type DomainProviderId, type ProviderAnswer } from '../integrations/domain-provider';
import { createDnsResolver, DNS_RECORD_TYPES, lookupDnsRecords } from '../integrations/dns-records';
import { lookupRdapDomain, RdapDnsBootstrap } from '../integrations/rdap-domain';
import { searchUrlscan } from '../integrations/urlscan';
import { lookupVirusTotalDomain, lookupVirusTotalUrl } from '../integrations/virustotal-domain';
import { TtlCache, type CacheStats } from '../ip/cache';
import type { Verdict } from '../model/types';
import { checkLookalike, checkUserinfo, parseOwnDomains, type LookalikeResult, type OwnDomains } from './lookalike';
import { parseDomain, parseUrl, type ParsedDomain, type ParsedUrl } from './parse';
import { decideDomainVerdict, DEFAULT_NEWLY_REGISTERED_DAYS, type DomainOutcomes, type ProviderOutcome } from './verdict';

export interface DomainProviderSettings {
  /** Base URL (HTTP providers; RDAP: the bootstrap file's URL). */
  url?: string;
  rate?: number;
  concurrency?: number;
  /** DNS: resolver addresses. */
  servers?: readonly string[];
}

export interface DomainLookupCredentials {
  virustotalKey?: string;
  urlscanKey?: string;
}

export interface DomainLookupSettings {
  mode: Mode;
  /** The organisation's own domains: look-alikes of these are suspicious. */
  ownDomains: readonly string[];
  /** Present: enabled. */
  providers: Partial<Record<DomainProviderId, DomainProviderSettings>>;
  credentials?: DomainLookupCredentials;
  /** Days under which a registration is "newly registered". Default 30. */
  newlyRegisteredDays?: number;
  /** Per provider. Default 10,000 entries, 24 h. */
  cache?: { maxEntries?: number; ttlMs?: number };
  timeoutMs?: number;
  deadlineMs?: number;
  retries?: number;
  http?: Pick<HttpClientOptions, 'proxy' | 'tls' | 'retry' | 'onEvent'>;
  /** VirusTotal engines from which a name is malicious. Default 3. */
  vtMalicious?: number;
}

/** Defaults sized to each free tier. */
export const DOMAIN_PROVIDER_DEFAULTS: Record<DomainProviderId, { rate: number; concurrency: number }> = {
  dns: { rate: 50, concurrency: 16 },
  rdap: { rate: 1, concurrency: 2 },
  virustotal: { rate: 4 / 60, concurrency: 1 },
  urlscan: { rate: 0.5, concurrency: 2 },
};

const KEY_OF: Partial<Record<DomainProviderId, keyof DomainLookupCredentials>> = { virustotal: 'virustotalKey' };

export type DomainTarget = { type: 'domain' | 'url'; value: string };

export interface DomainReport {
  type: 'domain' | 'url';
  input: string;
  /** The domain, or the URL's host when it is a name. */
  domain?: ParsedDomain;
  url?: ParsedUrl;
  lookalike?: LookalikeResult;
  /** Bad input, in words. */
  error?: string;
  /** By source; a URL carries its host's answers plus "virustotal-url". */
  providers: DomainOutcomes;
  verdict: Verdict;
  reasons: string[];
  partial?: boolean;
}

export interface DomainLookupRun {
  mode: Mode;
  reports: DomainReport[];
  calls: CallRecord[];
  partial: boolean;
  durationMs: number;
}

type Source = DomainProviderId | 'virustotal-url';

class Semaphore {
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

interface ProviderRuntime {
  id: DomainProviderId;
  settings: DomainProviderSettings;
  /** Keyed "<source>:<name or URL>". */
  cache: TtlCache<ProviderAnswer>;
  semaphore: Semaphore;
  client?: HttpClient;
  suspendedUntil: number;
  suspendedWhy?: string;
  missingCredentials: string[];
}

export class DomainLookupService {
  readonly own: OwnDomains;
  private readonly runtimes = new Map<DomainProviderId, ProviderRuntime>();
  private readonly configProblems: string[] = [];
  private readonly bootstrap: RdapDnsBootstrap;
  private readonly dnsLimiter?: RateLimiter;
  private closed = false;

  constructor(readonly settings: DomainLookupSettings, private readonly now: () => number = Date.now) {
    this.own = parseOwnDomains(settings.ownDomains);
    this.bootstrap = new RdapDnsBootstrap(settings.providers.rdap?.url || undefined, now);
    const cacheMax = settings.cache?.maxEntries ?? 10_000;
    const ttl = settings.cache?.ttlMs ?? 24 * 60 * 60 * 1000;
    for (const id of DOMAIN_PROVIDER_IDS) {
      const s = settings.providers[id];
      if (!s) continue;
      let missing: string[] = [];
      const key = KEY_OF[id];
      if (key) {
        try {
          missing = requireCredentials(settings.mode, DOMAIN_PROVIDER_LABELS[id], settings.credentials, [key]);
        } catch (err) {
          this.configProblems.push((err as Error).message);
          continue;
        }
      }
      const d = DOMAIN_PROVIDER_DEFAULTS[id];
      this.runtimes.set(id, {
        id, settings: s, cache: new TtlCache(cacheMax, ttl, now), semaphore: new Semaphore(Math.max(1, s.concurrency ?? d.concurrency)),
        suspendedUntil: 0, missingCredentials: missing,
      });
    }
    if (this.runtimes.has('dns')) {
      this.dnsLimiter = new RateLimiter({ requestsPerSecond: settings.providers.dns?.rate ?? DOMAIN_PROVIDER_DEFAULTS.dns.rate, burst: 10, maxQueue: 10_000 });
    }
  }

  /** Configuration problems: own domains that are not domains, live providers without keys. */
  get problems(): string[] {
    return [...this.own.problems, ...this.configProblems];
  }

  get enabledProviders(): DomainProviderId[] {
    return [...this.runtimes.keys()];
  }

  cacheStats(): Partial<Record<DomainProviderId, CacheStats>> {
    return Object.fromEntries([...this.runtimes].map(([id, r]) => [id, r.cache.stats]));
  }

  /** The offline layer alone, for one domain or URL (throws for bad input). */
  offline(target: DomainTarget): Pick<DomainReport, 'domain' | 'url' | 'lookalike'> {
    if (target.type === 'url') {
      const url = parseUrl(target.value);
      const lookalike = url.domain ? checkLookalike(url.domain, this.own) : { matches: [] };
      if (url.userinfo && !lookalike.ownDomain) lookalike.matches.push(...checkUserinfo(url.userinfo, url.domain?.unicode ?? url.host, this.own));
      return { url, ...(url.domain ? { domain: url.domain } : {}), ...(url.domain || lookalike.matches.length ? { lookalike } : {}) };
    }
    const domain = parseDomain(target.value);
    return { domain, lookalike: checkLookalike(domain, this.own) };
  }

  /** Look up every target; never throws for bad input or failing providers (they are in the reports). */
  async lookup(targets: readonly DomainTarget[], options: { deadlineMs?: number } = {}): Promise<DomainLookupRun> {
    if (this.closed) throw new Error('the domain lookup service is closed');
    const started = this.now();
    const mode = this.settings.mode;
    const invokers = new Map<DomainProviderId, Invoker>();
    const invokerFor = (rt: ProviderRuntime): Invoker => {
      let inv = invokers.get(rt.id);
      if (!inv) {
        inv = mode === 'live' ? createInvoker({ mode: 'live', client: this.clientFor(rt) }) : createInvoker({ mode: 'dry-run' });
        invokers.set(rt.id, inv);
      }
      return inv;
    };

    const reports: DomainReport[] = [];
    const seen = new Set<string>();
    for (const t of targets) {
      const key = `${t.type}:${t.value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const report: DomainReport = { type: t.type, input: t.value, providers: {}, verdict: 'unknown', reasons: [] };
      try {
        Object.assign(report, this.offline(t));
      } catch (err) {
        report.error = (err as Error).message;
        report.reasons = [t.type === 'url' ? 'not a valid URL' : 'not a valid domain name'];
      }
      reports.push(report);
    }

    // One job per (source, name): a domain and the URLs on it share their answers.
    const controller = new AbortController();
    interface Job { promise: Promise<ProviderOutcome>; outcome?: ProviderOutcome }
    const jobs = new Map<string, Job>();
    const job = (rt: ProviderRuntime, source: Source, subject: string): Job => {
      const key = `${source}:${subject}`;
      let j = jobs.get(key);
      if (!j) {
        const entry: Job = { promise: this.runProvider(rt, source, subject, invokerFor, controller.signal) };
        entry.promise.then((o) => { entry.outcome = o; }, () => undefined);
        jobs.set(key, entry);
        j = entry;
      }
      return j;
    };
    const wiring: Array<{ report: DomainReport; source: Source; entry: Job }> = [];
    for (const report of reports) {
      if (report.error) continue;
      const skip = this.skipReason(report);
      for (const rt of this.runtimes.values()) {
        if (skip) {
          report.providers[rt.id] = { status: 'skipped', reason: skip };
          continue;
        }
        const d = report.domain as ParsedDomain;
        const subject = rt.id === 'rdap' ? (d.icannRegistrable ?? d.registrable ?? d.ascii) : d.ascii;
        wiring.push({ report, source: rt.id, entry: job(rt, rt.id, subject) });
        if (rt.id === 'virustotal' && report.url) wiring.push({ report, source: 'virustotal-url', entry: job(rt, 'virustotal-url', report.url.href) });
      }
    }

    const deadlineMs = options.deadlineMs ?? this.settings.deadlineMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => { timer = setTimeout(resolve, deadlineMs); });
    await Promise.race([Promise.all([...jobs.values()].map((j) => j.promise)), deadline]);
    clearTimeout(timer);
    controller.abort(); // stop queued and in-flight calls: nobody waits for them any more
    let partial = false;
    for (const { report, source, entry } of wiring) {
      if (entry.outcome) report.providers[source] = entry.outcome;
      else {
        report.providers[source] = { status: 'timed-out', error: `no answer within the ${Math.round(deadlineMs / 100) / 10} s deadline` };
        report.partial = true;
        partial = true;
      }
    }

    const verdictOptions = {
      newlyRegisteredDays: this.settings.newlyRegisteredDays ?? DEFAULT_NEWLY_REGISTERED_DAYS, now: this.now(),
      ...(this.settings.vtMalicious !== undefined ? { vtMalicious: this.settings.vtMalicious } : {}),
    };
    for (const report of reports) {
      if (report.error) continue;
      const v = decideDomainVerdict(report, verdictOptions);
      report.verdict = v.verdict;
      report.reasons = v.reasons;
      if (report.partial) report.reasons.push(`partial: the lookup deadline (${deadlineMs} ms) passed before every provider answered`);
    }
    const calls = [...invokers.values()].flatMap((i) => i.calls);
    return { mode, reports, calls, partial, durationMs: this.now() - started };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.dnsLimiter?.clear();
    await Promise.all([...this.runtimes.values()].map(async (rt) => {
      const c = rt.client;
      rt.client = undefined;
      if (c) await c.close();
    }));
  }

  /** Why a name is not sent to online services, or undefined when it is. */
  private skipReason(report: DomainReport): string | undefined {
    if (report.url?.ip) return `the host is an IP address (${report.url.ip.category}): for ip-lookup, not a domain lookup`;
    const d = report.domain;
    if (!d) return 'no host name';
    if (!d.knownSuffix) return `.${d.publicSuffix} is not a public suffix: internal names are not sent to online services`;
    if (!d.registrable) return `${d.ascii} is a public suffix itself`;
    if (report.lookalike?.ownDomain) return `one of our own domains (${report.lookalike.ownDomain}): not sent to online services`;
    return undefined;
  }

  private clientFor(rt: ProviderRuntime): HttpClient {
    if (!rt.client) {
      const d = DOMAIN_PROVIDER_DEFAULTS[rt.id];
      rt.client = createHttpClient({
        rateLimit: { requestsPerSecond: rt.settings.rate ?? d.rate, burst: 1, maxQueue: 10_000 },
        retry: { maxRetries: this.settings.retries ?? 2 },
        timeoutMs: this.settings.timeoutMs ?? 10_000,
        deadlineMs: Math.max(this.settings.deadlineMs ?? 30_000, this.settings.timeoutMs ?? 10_000),
        ...this.settings.http,
      });
    }
    return rt.client;
  }

  private async runProvider(rt: ProviderRuntime, source: Source, subject: string, invokerFor: (rt: ProviderRuntime) => Invoker, signal: AbortSignal): Promise<ProviderOutcome> {
    const dryRun = this.settings.mode === 'dry-run';
    const cacheKey = `${source}:${subject}`;
    if (!dryRun) {
      const cached = rt.cache.get(cacheKey);
      if (cached) return { status: cached.found ? 'found' : 'not-found', ...(cached.data ? { data: cached.data } : {}), cached: true };
      if (rt.suspendedUntil > this.now()) {
        return { status: 'skipped', reason: `${rt.suspendedWhy ?? 'suspended'}; no calls until ${new Date(rt.suspendedUntil).toISOString()}` };
      }
    }
    try {
      const answer = await rt.semaphore.run(() => this.call(rt, source, subject, invokerFor, signal), signal);
      if (dryRun || answer.dryRun) {
        const servers = this.settings.providers.dns?.servers ?? [];
        return { status: 'dry-run', note: rt.id === 'dns' ? `would query ${DNS_RECORD_TYPES.join(', ')} for ${subject}${servers.length ? ` at ${servers.join(', ')}` : ''}` : `would call ${DOMAIN_PROVIDER_LABELS[rt.id]} about ${subject} (the call is in the timeline)` };
      }
      rt.cache.set(cacheKey, answer);
      return { status: answer.found ? 'found' : 'not-found', ...(answer.data ? { data: answer.data } : {}) };
    } catch (err) {
      const e = err instanceof DomainProviderError ? err : domainProviderError(rt.id, err, 'see the provider\'s limits');
      if (e.code === 'quota' || e.code === 'rate-limited') {
        const wait = e.retryAfterMs ?? (e.code === 'quota' ? 60 * 60 * 1000 : 60 * 1000);
        rt.suspendedUntil = Math.max(rt.suspendedUntil, this.now() + wait);
        rt.suspendedWhy = e.code === 'quota' ? `${DOMAIN_PROVIDER_LABELS[rt.id]} quota exhausted` : `${DOMAIN_PROVIDER_LABELS[rt.id]} rate limited`;
      }
      return { status: 'error', code: e.code, error: e.message };
    }
  }

  private async call(rt: ProviderRuntime, source: Source, subject: string, invokerFor: (rt: ProviderRuntime) => Invoker, signal: AbortSignal): Promise<ProviderAnswer> {
    const creds = this.settings.credentials ?? {};
    const ctx = {
      invoker: invokerFor(rt), signal,
      ...(rt.settings.url && rt.id !== 'rdap' ? { baseUrl: rt.settings.url } : {}),
      ...(rt.missingCredentials.length ? { missingCredentials: rt.missingCredentials } : {}),
    };
    switch (source) {
      case 'virustotal': return lookupVirusTotalDomain({ ...ctx, apiKey: creds.virustotalKey ?? '' }, subject);
      case 'virustotal-url': return lookupVirusTotalUrl({ ...ctx, apiKey: creds.virustotalKey ?? '' }, subject);
      case 'urlscan': return searchUrlscan({ ...ctx, ...(creds.urlscanKey ? { apiKey: creds.urlscanKey } : {}) }, subject);
      case 'rdap': return lookupRdapDomain({ ...ctx, bootstrap: this.bootstrap }, subject);
      case 'dns': {
        if (this.settings.mode === 'dry-run') return { found: false, dryRun: true };
        try {
          await (this.dnsLimiter as RateLimiter).acquire('dns', { signal });
        } catch {
          throw new DomainProviderError('dns', 'aborted', 'lookup stopped at the deadline');
        }
        const resolver = createDnsResolver({ servers: rt.settings.servers ?? [], timeoutMs: Math.min(this.settings.timeoutMs ?? 10_000, 5000) });
        return lookupDnsRecords(resolver, subject, signal);
      }
    }
  }
}
