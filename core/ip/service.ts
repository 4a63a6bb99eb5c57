// The ip-lookup engine: the offline layer for every address, then the enabled online providers
// for the public ones through the shared provider machinery (core/enrich/engine.ts: per-provider
// cache, concurrency, rate limit and quota brake, everything in parallel, a deadline after which
// whatever answered is kept and the rest is marked timed out).
import { applyVerdict, EngineBackedService, ProviderEngine, type EngineSettings, type ProviderSettings, type RunContext } from '../enrich/engine';
import type { CallRecord } from '../integrations/dry-run';
import type { Mode } from '../integrations/mode';
import { lookupAbuseIpdb } from '../integrations/abuseipdb';
import { lookupGreyNoise } from '../integrations/greynoise';
import { IP_PROVIDER_ERRORS, IP_PROVIDER_IDS, IP_PROVIDER_LABELS, type IpProviderId, type ProviderAnswer } from '../integrations/ip-provider';
import { lookupRdap, RdapBootstrap } from '../integrations/rdap';
import { createReverseResolver, lookupReverseDns, ptrName } from '../integrations/reverse-dns';
import { lookupInternetDb } from '../integrations/shodan-internetdb';
import { lookupVirusTotal } from '../integrations/virustotal';
import type { Verdict } from '../model/types';
import { InvalidAddressError } from './classify';
import { OfflineLayer, type OfflineLayerOptions, type OfflineResult } from './offline';
import { decideVerdict, DEFAULT_THRESHOLDS, type ProviderOutcome, type VerdictThresholds } from './verdict';

export type { ProviderSettings };

export interface IpLookupCredentials {
  abuseipdbKey?: string;
  greynoiseKey?: string;
  virustotalKey?: string;
}

export interface IpLookupSettings extends EngineSettings<IpProviderId, IpLookupCredentials> {
  offline: OfflineLayerOptions;
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

export class IpLookupService extends EngineBackedService<IpProviderId, IpLookupCredentials> {
  readonly offline: OfflineLayer;
  private readonly bootstrap: RdapBootstrap;
  private readonly resolverServers: readonly string[];

  private constructor(readonly settings: IpLookupSettings, offline: OfflineLayer, private readonly now: () => number) {
    super(new ProviderEngine({
      ids: IP_PROVIDER_IDS, labels: IP_PROVIDER_LABELS, defaults: PROVIDER_DEFAULTS, errors: IP_PROVIDER_ERRORS, dnsProvider: 'rdns',
      credentialKeys: { abuseipdb: 'abuseipdbKey', virustotal: 'virustotalKey' },
    }, settings, now));
    this.offline = offline;
    const rdapUrl = settings.providers.rdap?.url;
    this.bootstrap = new RdapBootstrap(rdapUrl || undefined);
    this.resolverServers = settings.providers.rdns?.servers ?? [];
  }

  static async create(settings: IpLookupSettings, now: () => number = Date.now): Promise<IpLookupService> {
    const offline = await OfflineLayer.open(settings.offline);
    return new IpLookupService(settings, offline, now);
  }

  /** Configuration problems now: bad files, live providers without keys. */
  get problems(): string[] {
    return [...this.offline.problems, ...this.engine.problems];
  }

  /** Look up every address; never throws for bad input or failing providers (they are in the reports). */
  async lookup(addresses: readonly string[], options: { deadlineMs?: number } = {}): Promise<LookupRun> {
    if (this.closed) throw new Error('the IP lookup service is closed');
    const started = this.now();
    const mode = this.settings.mode;

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

    const run = this.engine.startRun<IpProviderId>();
    for (const report of byAddress.values()) {
      const offline = report.offline as OfflineResult;
      for (const rt of this.engine.providers()) {
        if (!offline.classification.public) {
          report.providers[rt.id] = { status: 'skipped', reason: `${offline.classification.category} address: not sent to online services` };
          continue;
        }
        // Reputation sources know the IPv4 behind a NAT64 address, not its IPv6 form.
        const ip = offline.classification.embeddedIpv4 ?? offline.address;
        run.ask(report, rt.id, rt, ip, (ctx) => this.call(rt.id, ip, ctx), () => this.dryRunNote(rt.id, ip));
      }
    }
    const deadlineMs = this.engine.deadlineMs(options.deadlineMs);
    const partial = await run.finish(deadlineMs);

    for (const report of byAddress.values()) {
      applyVerdict(report, decideVerdict(report.offline as OfflineResult, report.providers, this.settings.thresholds ?? DEFAULT_THRESHOLDS), deadlineMs);
    }
    return { mode, reports, calls: run.calls, partial, durationMs: this.now() - started };
  }

  override async close(): Promise<void> {
    this.offline.close();
    await super.close();
  }

  private dryRunNote(id: IpProviderId, ip: string): string {
    if (id === 'rdns') return `would query PTR ${ptrName(ip)}${this.resolverServers.length ? ` at ${this.resolverServers.join(', ')}` : ''}`;
    return `would call ${IP_PROVIDER_LABELS[id]} (the call is in the timeline)`;
  }

  private async call(id: IpProviderId, ip: string, ctx: RunContext): Promise<ProviderAnswer> {
    const creds = this.settings.credentials ?? {};
    switch (id) {
      case 'abuseipdb': return lookupAbuseIpdb({ ...ctx, apiKey: creds.abuseipdbKey ?? '' }, ip);
      case 'virustotal': return lookupVirusTotal({ ...ctx, apiKey: creds.virustotalKey ?? '' }, ip);
      case 'greynoise': return lookupGreyNoise({ ...ctx, ...(creds.greynoiseKey ? { apiKey: creds.greynoiseKey } : {}) }, ip);
      case 'internetdb': return lookupInternetDb(ctx, ip);
      case 'rdap': return lookupRdap({ ...ctx, bootstrap: this.bootstrap }, ip);
      case 'rdns': return this.engine.viaDns(ctx.signal, () => {
        const resolver = createReverseResolver({ servers: this.resolverServers, timeoutMs: this.engine.dnsTimeoutMs });
        return lookupReverseDns(resolver, ip, ctx.signal);
      });
    }
  }
}
