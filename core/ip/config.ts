// From the config node's stored fields to IpLookupSettings, kept out of the node so it is
// tested on its own. Relative file paths resolve against the Node-RED user directory first,
// then against this package (which ships MaxMind's small test databases in geoip/, so the
// example flow works right after import).
import fs from 'node:fs';
import path from 'node:path';
import { credentialsFromFields, limitsFromFields, listField, numberField, providersFromFields } from '../enrich/config';
import { IP_PROVIDER_IDS } from '../integrations/ip-provider';
import { parseMode } from '../integrations/mode';
import type { GeoDbKind } from './geoip';
import type { IpLookupCredentials, IpLookupSettings } from './service';

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

const DB_FIELDS: Record<GeoDbKind, keyof IpLookupConfigFields> = { city: 'cityDb', country: 'countryDb', asn: 'asnDb', 'anonymous-ip': 'anonymousDb' };

export function settingsFromConfig(fields: IpLookupConfigFields, credentials: IpLookupCredentials | undefined, bases: PathBases): IpLookupSettings {
  const databases: Partial<Record<GeoDbKind, string>> = {};
  for (const [kind, field] of Object.entries(DB_FIELDS) as Array<[GeoDbKind, keyof IpLookupConfigFields]>) {
    const v = fields[field];
    if (typeof v === 'string' && v.trim()) databases[kind] = resolveDataPath(v, bases);
  }
  const providers = providersFromFields(IP_PROVIDER_IDS, fields, { id: 'rdns', serversField: 'rdnsServer' });
  const creds: IpLookupCredentials = credentialsFromFields(credentials, ['abuseipdbKey', 'greynoiseKey', 'virustotalKey']);
  return {
    mode: parseMode(fields.mode),
    offline: {
      databases,
      blocklists: listField(fields.blocklists).map((p) => resolveDataPath(p, bases)),
      allowlists: listField(fields.allowlists).map((p) => resolveDataPath(p, bases)),
      watchIntervalMs: numberField(fields.reload, 5, 0) * 1000,
    },
    providers,
    credentials: creds,
    ...limitsFromFields(fields),
  };
}
