// GeoIP and ASN from MaxMind-format (.mmdb) databases through the `maxmind` reader: City,
// Country, ASN and Anonymous-IP layouts (GeoIP2 and GeoLite2). A database is checked when it
// is opened (MaxMind ships a deliberately broken one), so a bad file is a clear error at
// start, not a crash at the first lookup.
import fs from 'node:fs/promises';
import { formatIPv6, parseIp } from '../normalize/ip';
import maxmind, {
  type AnonymousIPResponse, type AsnResponse, type CityResponse, type CountryResponse, type Reader, type Response,
} from 'maxmind';

export const GEO_DB_KINDS = ['city', 'country', 'asn', 'anonymous-ip'] as const;
export type GeoDbKind = (typeof GEO_DB_KINDS)[number];

export const GEO_DB_LABELS: Record<GeoDbKind, string> = { city: 'City', country: 'Country', asn: 'ASN', 'anonymous-ip': 'Anonymous IP' };

export class GeoDatabaseError extends Error {
  readonly code: 'missing' | 'corrupt' | 'wrong-type' | 'unreadable';
  readonly path: string;

  constructor(code: GeoDatabaseError['code'], path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GeoDatabaseError';
    this.code = code;
    this.path = path;
  }
}

export interface GeoDatabase {
  kind: GeoDbKind;
  path: string;
  /** From the file's metadata, e.g. "GeoLite2-City". */
  databaseType: string;
  builtAt: string;
  reader: Reader<Response>;
}

/** The layout a database type names, e.g. "GeoIP2-City" → city; undefined for layouts we do not read. */
export function kindOfDatabaseType(databaseType: string): GeoDbKind | undefined {
  const t = databaseType.toLowerCase();
  if (t.includes('anonymous-ip')) return 'anonymous-ip';
  if (t.includes('asn') || t.includes('-isp')) return 'asn';
  if (t.includes('city') || t.includes('enterprise')) return 'city';
  if (t.includes('country')) return 'country';
  return undefined;
}

/** Open and check one database; `kind` is what the config says the file is. */
export async function openGeoDatabase(path: string, kind: GeoDbKind, cacheSize = 10_000): Promise<GeoDatabase> {
  const label = `${GEO_DB_LABELS[kind]} database ${path}`;
  let size: number;
  try {
    size = (await fs.stat(path)).size;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new GeoDatabaseError(code === 'ENOENT' ? 'missing' : 'unreadable', path, `${label}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`, { cause: err });
  }
  // The maxmind reader words an empty file as "Unknown type NaN at offset 0".
  if (size === 0) throw new GeoDatabaseError('corrupt', path, `${label} is not a MaxMind database (empty file)`);
  let reader: Reader<Response>;
  try {
    reader = await maxmind.open<Response>(path, { cache: { max: cacheSize } });
  } catch (err) {
    throw new GeoDatabaseError('corrupt', path, `${label} is not a readable MaxMind DB file: ${(err as Error).message}`, { cause: err });
  }
  const meta = reader.metadata;
  // The search tree must fit in the file (before the 16-byte data-section separator), and a
  // lookup must walk it without error: that catches a wrong node count like MaxMind's broken test file.
  if (!(meta.nodeCount > 0) || !(meta.searchTreeSize > 0) || meta.searchTreeSize + 16 > size) {
    throw new GeoDatabaseError('corrupt', path, `${label} is corrupt: its search tree (${meta.nodeCount} nodes, ${meta.searchTreeSize} bytes) does not fit in the ${size}-byte file`);
  }
  try {
    for (const probe of meta.ipVersion === 6 ? ['1.1.1.1', '81.2.69.142', '2001:db8::1', 'ffff::1'] : ['1.1.1.1', '81.2.69.142', '255.255.255.255']) reader.get(probe);
  } catch (err) {
    throw new GeoDatabaseError('corrupt', path, `${label} is corrupt: a test lookup failed (${(err as Error).message})`, { cause: err });
  }
  const found = kindOfDatabaseType(meta.databaseType);
  // A City database answers Country lookups too (it is a superset).
  if (found !== kind && !(kind === 'country' && found === 'city')) {
    throw new GeoDatabaseError('wrong-type', path, `${label}: the file is a ${meta.databaseType} database, not ${GEO_DB_LABELS[kind]}`);
  }
  return { kind, path, databaseType: meta.databaseType, builtAt: meta.buildEpoch.toISOString(), reader };
}

export interface GeoLocation {
  /** ISO 3166-1 alpha-2, e.g. "GB". */
  country?: string;
  countryName?: string;
  /** Where the network is registered, when it differs from where it is used. */
  registeredCountry?: string;
  representedCountry?: string;
  continent?: string;
  inEuropeanUnion?: boolean;
  city?: string;
  subdivisions?: string[];
  postalCode?: string;
  latitude?: number;
  longitude?: number;
  accuracyRadiusKm?: number;
  timeZone?: string;
  /** The database's network for this address, e.g. "81.2.69.142/31". */
  network: string;
  database: string;
}

export interface AsnInfo {
  number: number;
  organization?: string;
  network: string;
  database: string;
}

export interface AnonymityInfo {
  anonymous: boolean;
  vpn: boolean;
  hostingProvider: boolean;
  publicProxy: boolean;
  residentialProxy: boolean;
  torExitNode: boolean;
  network: string;
  database: string;
}

export interface GeoFields {
  geo?: GeoLocation;
  asn?: AsnInfo;
  anonymity?: AnonymityInfo;
}

/** The database's network containing the address, e.g. ("1.128.0.1", 11) → "1.128.0.0/11". */
export function network(address: string, prefix: number): string {
  // The reader gives IPv4 prefixes relative to the IPv4 subtree already.
  const ip = parseIp(address);
  if (!ip) return `${address}/${prefix}`;
  const bytes = ip.bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
  return `${ip.version === 4 ? bytes.join('.') : formatIPv6(bytes)}/${prefix}`;
}

function withoutUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}

function readLocation(r: CountryResponse | CityResponse, net: string, database: string): GeoLocation {
  const city = r as CityResponse;
  return withoutUndefined<GeoLocation>({
    country: r.country?.iso_code,
    countryName: r.country?.names?.en,
    registeredCountry: r.registered_country?.iso_code !== r.country?.iso_code ? r.registered_country?.iso_code : undefined,
    representedCountry: r.represented_country?.iso_code,
    continent: r.continent?.code,
    inEuropeanUnion: r.country?.is_in_european_union ?? r.registered_country?.is_in_european_union,
    city: city.city?.names?.en,
    subdivisions: city.subdivisions?.length ? city.subdivisions.map((s) => s.iso_code ?? s.names?.en ?? '').filter(Boolean) : undefined,
    postalCode: city.postal?.code,
    latitude: city.location?.latitude,
    longitude: city.location?.longitude,
    accuracyRadiusKm: city.location?.accuracy_radius,
    timeZone: city.location?.time_zone,
    network: net,
    database,
  });
}

/** One address through every configured database; `address` is canonical text from parseIp. */
export function lookupGeoFields(dbs: Partial<Record<GeoDbKind, GeoDatabase>>, address: string): GeoFields {
  const out: GeoFields = {};
  const place = dbs.city ?? dbs.country;
  if (place) {
    const [r, prefix] = place.reader.getWithPrefixLength(address);
    if (r) out.geo = readLocation(r as CityResponse, network(address, prefix), place.databaseType);
  }
  if (dbs.asn) {
    const [r, prefix] = dbs.asn.reader.getWithPrefixLength(address);
    const a = r as AsnResponse | null;
    if (a && typeof a.autonomous_system_number === 'number') {
      out.asn = withoutUndefined<AsnInfo>({ number: a.autonomous_system_number, organization: a.autonomous_system_organization, network: network(address, prefix), database: dbs.asn.databaseType });
    }
  }
  const anon = dbs['anonymous-ip'];
  if (anon) {
    const [r, prefix] = anon.reader.getWithPrefixLength(address);
    const a = r as AnonymousIPResponse | null;
    if (a && (a.is_anonymous || a.is_anonymous_vpn || a.is_hosting_provider || a.is_public_proxy || a.is_residential_proxy || a.is_tor_exit_node)) {
      out.anonymity = {
        anonymous: a.is_anonymous === true,
        vpn: a.is_anonymous_vpn === true,
        hostingProvider: a.is_hosting_provider === true,
        publicProxy: a.is_public_proxy === true,
        residentialProxy: a.is_residential_proxy === true,
        torExitNode: a.is_tor_exit_node === true,
        network: network(address, prefix),
        database: anon.databaseType,
      };
    }
  }
  return out;
}
