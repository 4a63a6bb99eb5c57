// From the config node's stored fields to IpLookupSettings, kept out of the node so it is
// tested on its own. Relative file paths resolve against the Node-RED user directory first,
// then against this package (which ships MaxMind's small test databases in geoip/, so the
// example flow works right after import).
import fs from 'node:fs';
import path from 'node:path';
import { IP_PROVIDER_IDS, type IpProviderId } from '../integrations/ip-provider';
import { parseMode } from '../integrations/mode';
import type { GeoDbKind } from './geoip';
import type { IpLookupCredentials, IpLookupSettings, ProviderSettings } from './service';

export interface IpLookupConfigFields {
  mode?: string;
  cityDb?: string;
  countryDb?: string;
  asnDb?: string;
  anonymousDb?: string;
  /** One path per line. */
  blocklists?: string;
  allowlists?: string;
  /** Seconds between checks for changed files; 0: never reload. */
  reload?: string | number;
  cacheSize?: string | number;
  /** Hours. */
  cacheTtl?: string | number;
  /** Seconds per request. */
  timeout?: string | number;
  /** Seconds for all lookups of one incident. */
  deadline?: string | number;
  retries?: string | number;
  rdnsServer?: string;
  [key: string]: unknown;
}

export interface PathBases {
  userDir?: string;
  packageRoot?: string;
}

/** Absolute: as is. Relative: under userDir if it exists there, else under the package, else (to report it missing) under userDir. */
export function resolveDataPath(p: string, bases: PathBases): string {
  const trimmed = p.trim();
  if (!trimmed || path.isAbsolute(trimmed)) return trimmed;
  const candidates = [bases.userDir, bases.packageRoot].filter((b): b is string => !!b).map((b) => path.resolve(b, trimmed));
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[0] ?? path.resolve(trimmed);
}

function number(value: unknown, fallback: number, min: number): number {
  const n = Number(value);
  return value === '' || value === undefined || value === null || !Number.isFinite(n) || n < min ? fallback : n;
}

function lines(value: unknown): string[] {
  return typeof value === 'string' ? value.split(/\r?\n|,/).map((s) => s.trim()).filter((s) => s && !s.startsWith('#')) : [];
}

const DB_FIELDS: Record<GeoDbKind, keyof IpLookupConfigFields> = { city: 'cityDb', country: 'countryDb', asn: 'asnDb', 'anonymous-ip': 'anonymousDb' };

export function settingsFromConfig(fields: IpLookupConfigFields, credentials: IpLookupCredentials | undefined, bases: PathBases): IpLookupSettings {
  const databases: Partial<Record<GeoDbKind, string>> = {};
  for (const [kind, field] of Object.entries(DB_FIELDS) as Array<[GeoDbKind, keyof IpLookupConfigFields]>) {
    const v = fields[field];
    if (typeof v === 'string' && v.trim()) databases[kind] = resolveDataPath(v, bases);
  }
  const providers: Partial<Record<IpProviderId, ProviderSettings>> = {};
  for (const id of IP_PROVIDER_IDS) {
    const on = fields[id];
    if (on !== true && on !== 'true') continue;
    const s: ProviderSettings = {};
    const url = fields[`${id}Url`];
    if (typeof url === 'string' && url.trim()) s.url = url.trim();
    const rate = Number(fields[`${id}Rate`]);
    if (fields[`${id}Rate`] !== '' && Number.isFinite(rate) && rate > 0) s.rate = rate;
    const conc = Number(fields[`${id}Concurrency`]);
    if (fields[`${id}Concurrency`] !== '' && Number.isInteger(conc) && conc > 0) s.concurrency = conc;
    if (id === 'rdns') s.servers = lines(fields.rdnsServer);
    providers[id] = s;
  }
  const creds: IpLookupCredentials = {};
  for (const k of ['abuseipdbKey', 'greynoiseKey', 'virustotalKey'] as const) {
    const v = credentials?.[k];
    if (typeof v === 'string' && v.trim()) creds[k] = v.trim();
  }
  return {
    mode: parseMode(fields.mode),
    offline: {
      databases,
      blocklists: lines(fields.blocklists).map((p) => resolveDataPath(p, bases)),
      allowlists: lines(fields.allowlists).map((p) => resolveDataPath(p, bases)),
      watchIntervalMs: number(fields.reload, 5, 0) * 1000,
    },
    providers,
    credentials: creds,
    cache: { maxEntries: number(fields.cacheSize, 10_000, 0), ttlMs: number(fields.cacheTtl, 24, 0) * 3600_000 },
    timeoutMs: number(fields.timeout, 10, 0.1) * 1000,
    deadlineMs: number(fields.deadline, 30, 0.1) * 1000,
    retries: number(fields.retries, 2, 0),
  };
}
