// The domain-lookup engine: the offline layer (public suffix, IDN, URL parts, look-alikes of
// our own domains) for every domain and URL, then the enabled online providers for names under
// a known public suffix that are not ours. Same rules as ip-lookup: each provider behind its own
// cache, concurrency limit, rate limit (the shared HTTP policy) and quota brake; everything in
// parallel; a deadline after which whatever answered is kept and the rest is marked timed out.
import { applyVerdict, EngineBackedService, ProviderEngine, type EngineRun, type EngineSettings, type ProviderRuntime, type ProviderSettings, type RunContext } from '../enrich/engine';
import type { CallRecord } from '../integrations/dry-run';
import type { Mode } from '../integrations/mode';
import { DOMAIN_PROVIDER_ERRORS, DOMAIN_PROVIDER_IDS, DOMAIN_PROVIDER_LABELS, type DomainProviderId, type ProviderAnswer } from '../integrations/domain-provider';
import { createDnsResolver, DNS_RECORD_TYPES, lookupDnsRecords } from '../integrations/dns-records';
import { lookupRdapDomain, RdapDnsBootstrap } from '../integrations/rdap-domain';
import { searchUrlscan } from '../integrations/urlscan';
import { lookupVirusTotalDomain, lookupVirusTotalUrl } from '../integrations/virustotal-domain';
import type { Verdict } from '../model/types';
import { checkLookalike, checkUserinfo, parseOwnDomains, type LookalikeResult, type OwnDomains } from './lookalike';
import { parseDomain, parseUrl, type ParsedDomain, type ParsedUrl } from './parse';
import { decideDomainVerdict, DEFAULT_NEWLY_REGISTERED_DAYS, type DomainOutcomes } from './verdict';

/** Per provider; RDAP's url is the bootstrap file's URL. */
export type DomainProviderSettings = ProviderSettings;

export interface DomainLookupCredentials {
  virustotalKey?: string;
  urlscanKey?: string;
}

export interface DomainLookupSettings extends EngineSettings<DomainProviderId, DomainLookupCredentials> {
  /** The organisation's own domains: look-alikes of these are suspicious. */
  ownDomains: readonly string[];
  /** Days under which a registration is "newly registered". Default 30. */
  newlyRegisteredDays?: number;
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

export class DomainLookupService extends EngineBackedService<DomainProviderId, DomainLookupCredentials> {
  readonly own: OwnDomains;
  private readonly bootstrap: RdapDnsBootstrap;

  constructor(readonly settings: DomainLookupSettings, private readonly now: () => number = Date.now) {
    super(new ProviderEngine({
      ids: DOMAIN_PROVIDER_IDS, labels: DOMAIN_PROVIDER_LABELS, defaults: DOMAIN_PROVIDER_DEFAULTS, errors: DOMAIN_PROVIDER_ERRORS, dnsProvider: 'dns',
      credentialKeys: { virustotal: 'virustotalKey' },
      // RDAP's url is the bootstrap file, read by RdapDnsBootstrap, not a base URL for the call.
      urlNotBase: ['rdap'],
    }, settings, now));
    this.own = parseOwnDomains(settings.ownDomains);
    this.bootstrap = new RdapDnsBootstrap(settings.providers.rdap?.url || undefined, now);
  }

  /** Configuration problems: own domains that are not domains, live providers without keys. */
  get problems(): string[] {
    return [...this.own.problems, ...this.engine.problems];
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
    const run = this.engine.startRun<Source>();
    for (const report of reports) {
      if (report.error) continue;
      const skip = this.skipReason(report);
      for (const rt of this.engine.providers()) {
        if (skip) {
          report.providers[rt.id] = { status: 'skipped', reason: skip };
          continue;
        }
        const d = report.domain as ParsedDomain;
        const subject = rt.id === 'rdap' ? (d.icannRegistrable ?? d.registrable ?? d.ascii) : d.ascii;
        this.ask(run, report, rt, rt.id, subject);
        if (rt.id === 'virustotal' && report.url) this.ask(run, report, rt, 'virustotal-url', report.url.href);
      }
    }
    const deadlineMs = this.engine.deadlineMs(options.deadlineMs);
    const partial = await run.finish(deadlineMs);

    const verdictOptions = {
      newlyRegisteredDays: this.settings.newlyRegisteredDays ?? DEFAULT_NEWLY_REGISTERED_DAYS, now: this.now(),
      ...(this.settings.vtMalicious !== undefined ? { vtMalicious: this.settings.vtMalicious } : {}),
    };
    for (const report of reports) {
      if (report.error) continue;
      applyVerdict(report, decideDomainVerdict(report, verdictOptions), deadlineMs);
    }
    return { mode, reports, calls: run.calls, partial, durationMs: this.now() - started };
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

  /** Ask the source's provider about `subject` for this report (cache key "<source>:<subject>"). */
  private ask(run: EngineRun<DomainProviderId, Source>, report: DomainReport, rt: ProviderRuntime<DomainProviderId>, source: Source, subject: string): void {
    run.ask(report, source, rt, `${source}:${subject}`, (ctx) => this.call(source, subject, ctx), () => this.dryRunNote(rt.id, subject));
  }

  private dryRunNote(id: DomainProviderId, subject: string): string {
    if (id !== 'dns') return `would call ${DOMAIN_PROVIDER_LABELS[id]} about ${subject} (the call is in the timeline)`;
    const servers = this.settings.providers.dns?.servers ?? [];
    return `would query ${DNS_RECORD_TYPES.join(', ')} for ${subject}${servers.length ? ` at ${servers.join(', ')}` : ''}`;
  }

  private async call(source: Source, subject: string, ctx: RunContext): Promise<ProviderAnswer> {
    const creds = this.settings.credentials ?? {};
    switch (source) {
      case 'virustotal': return lookupVirusTotalDomain({ ...ctx, apiKey: creds.virustotalKey ?? '' }, subject);
      case 'virustotal-url': return lookupVirusTotalUrl({ ...ctx, apiKey: creds.virustotalKey ?? '' }, subject);
      case 'urlscan': return searchUrlscan({ ...ctx, ...(creds.urlscanKey ? { apiKey: creds.urlscanKey } : {}) }, subject);
      case 'rdap': return lookupRdapDomain({ ...ctx, bootstrap: this.bootstrap }, subject);
      case 'dns': return this.engine.viaDns(ctx.signal, () => {
        const resolver = createDnsResolver({ servers: this.settings.providers.dns?.servers ?? [], timeoutMs: this.engine.dnsTimeoutMs });
        return lookupDnsRecords(resolver, subject, ctx.signal);
      });
    }
  }
}
