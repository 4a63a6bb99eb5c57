// From the config node's stored fields to DomainLookupSettings, kept out of the node so it is
// tested on its own.
import { DOMAIN_PROVIDER_IDS, type DomainProviderId } from '../integrations/domain-provider';
import { parseMode } from '../integrations/mode';
import type { DomainLookupCredentials, DomainLookupSettings, DomainProviderSettings } from './service';
import { DEFAULT_NEWLY_REGISTERED_DAYS } from './verdict';

export interface DomainLookupConfigFields {
  mode?: string;
  /** One per line or comma-separated. */
  ownDomains?: string;
  /** DNS resolver addresses, one per line or comma-separated. */
  dnsServer?: string;
  /** Days. */
  newlyRegistered?: string | number;
  cacheSize?: string | number;
  /** Hours. */
  cacheTtl?: string | number;
  /** Seconds per request. */
  timeout?: string | number;
  /** Seconds for all lookups of one incident. */
  deadline?: string | number;
  retries?: string | number;
  [key: string]: unknown;
}

function number(value: unknown, fallback: number, min: number): number {
  const n = Number(value);
  return value === '' || value === undefined || value === null || !Number.isFinite(n) || n < min ? fallback : n;
}

export function listOf(value: unknown): string[] {
  return typeof value === 'string' ? value.split(/\r?\n|,/).map((s) => s.trim()).filter((s) => s && !s.startsWith('#')) : [];
}

export function domainSettingsFromConfig(fields: DomainLookupConfigFields, credentials: DomainLookupCredentials | undefined): DomainLookupSettings {
  const providers: Partial<Record<DomainProviderId, DomainProviderSettings>> = {};
  for (const id of DOMAIN_PROVIDER_IDS) {
    const on = fields[id];
    if (on !== true && on !== 'true') continue;
    const s: DomainProviderSettings = {};
    const url = fields[`${id}Url`];
    if (typeof url === 'string' && url.trim()) s.url = url.trim();
    const rate = Number(fields[`${id}Rate`]);
    if (fields[`${id}Rate`] !== '' && Number.isFinite(rate) && rate > 0) s.rate = rate;
    const conc = Number(fields[`${id}Concurrency`]);
    if (fields[`${id}Concurrency`] !== '' && Number.isInteger(conc) && conc > 0) s.concurrency = conc;
    if (id === 'dns') s.servers = listOf(fields.dnsServer);
    providers[id] = s;
  }
  const creds: DomainLookupCredentials = {};
  for (const k of ['virustotalKey', 'urlscanKey'] as const) {
    const v = credentials?.[k];
    if (typeof v === 'string' && v.trim()) creds[k] = v.trim();
  }
  return {
    mode: parseMode(fields.mode),
    ownDomains: listOf(fields.ownDomains),
    providers,
    credentials: creds,
    newlyRegisteredDays: number(fields.newlyRegistered, DEFAULT_NEWLY_REGISTERED_DAYS, 0),
    cache: { maxEntries: number(fields.cacheSize, 10_000, 0), ttlMs: number(fields.cacheTtl, 24, 0) * 3600_000 },
    timeoutMs: number(fields.timeout, 10, 0.1) * 1000,
    deadlineMs: number(fields.deadline, 30, 0.1) * 1000,
    retries: number(fields.retries, 2, 0),
  };
}
