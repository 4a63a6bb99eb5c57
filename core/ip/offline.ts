// The offline layer, always on: classification, .mmdb geo/ASN/anonymity and the local lists.
// No network, no keys; every file is reloaded when it changes, and a bad file is reported
// (problems) while the rest keeps working.
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseIp, type ParsedIp } from '../normalize/ip';
import { classifyParsed, InvalidAddressError, type Classification } from './classify';
import { GEO_DB_KINDS, lookupGeoFields, openGeoDatabase, type GeoDatabase, type GeoDbKind, type GeoFields } from './geoip';
import { RangeList, type ListMatch } from './ranges';
import { watchFiles, type FileWatcher } from './watch';

export interface OfflineLayerOptions {
  /** .mmdb path per layout; empty or absent: that layout is not used. */
  databases?: Partial<Record<GeoDbKind, string>>;
  /** List files: a match on a blocklist makes the IP malicious, on an allowlist benign. */
  blocklists?: readonly string[];
  allowlists?: readonly string[];
  /** How often changed files are noticed, ms; 0: never reload. Default 5000. */
  watchIntervalMs?: number;
  /** Told after each reload attempt (for logs). */
  onReload?: (event: { path: string; ok: boolean; error?: string }) => void;
}

export interface OfflineResult extends GeoFields {
  /** Canonical text (IPv4-mapped IPv6 becomes IPv4). */
  address: string;
  version: 4 | 6;
  /** The IPv6 text an IPv4-mapped address was given as. */
  mappedFrom?: string;
  classification: Classification;
  blocklisted: ListMatch[];
  allowlisted: ListMatch[];
  /** Lookups that failed (a database broke after loading). */
  errors?: string[];
}

export interface OfflineSummary {
  databases: Array<{ kind: GeoDbKind; path: string; databaseType: string; builtAt: string }>;
  lists: Array<{ kind: 'block' | 'allow'; name: string; path: string; entries: number; ranges: number; badLines: number; firstBadLine?: string }>;
}

interface LoadedList {
  kind: 'block' | 'allow';
  path: string;
  list: RangeList;
}

function firstMatch(list: RangeList, ips: readonly ParsedIp[]): ListMatch | undefined {
  for (const ip of ips) {
    const m = list.lookup(ip);
    if (m) return m;
  }
  return undefined;
}

export class OfflineLayer {
  private readonly dbs: Partial<Record<GeoDbKind, GeoDatabase>> = {};
  private readonly lists = new Map<string, LoadedList>();
  private blockLists: RangeList[] = [];
  private allowLists: RangeList[] = [];
  /** Current problem per file path. */
  private readonly problemByPath = new Map<string, string>();
  private watcher?: FileWatcher;
  private closed = false;


  /** Loads everything it can; what failed is in `problems`, never thrown. */
  static async open(options: OfflineLayerOptions): Promise<OfflineLayer> {
    const layer = new OfflineLayer();
    const dbPaths: Array<[GeoDbKind, string]> = [];
    for (const kind of GEO_DB_KINDS) {
      const p = options.databases?.[kind]?.trim();
      if (p) dbPaths.push([kind, p]);
    }
    // Watch first: a file that changes while it is being loaded is loaded again.
    const interval = options.watchIntervalMs ?? 5000;
    if (interval > 0) {
      const watched = [...dbPaths.map(([, p]) => p), ...(options.blocklists ?? []), ...(options.allowlists ?? [])];
      const dbKindOf = new Map(dbPaths.map(([k, p]) => [p, k]));
      layer.watcher = watchFiles(watched, interval, (changed) => {
        if (layer.closed) return;
        const kind = dbKindOf.get(changed);
        const job = kind ? layer.loadDatabase(kind, changed) : layer.loadList((options.allowlists ?? []).includes(changed) ? 'allow' : 'block', changed);
        void job.then(() => options.onReload?.({ path: changed, ok: !layer.problemByPath.has(changed), ...(layer.problemByPath.has(changed) ? { error: layer.problemByPath.get(changed) } : {}) }));
      });
    }
    const jobs: Array<Promise<void>> = [];
    for (const [kind, p] of dbPaths) jobs.push(layer.loadDatabase(kind, p));
    for (const p of options.blocklists ?? []) jobs.push(layer.loadList('block', p));
    for (const p of options.allowlists ?? []) jobs.push(layer.loadList('allow', p));
    await Promise.all(jobs);
    return layer;
  }

  /** What is wrong with the configured files now, one sentence each. */
  get problems(): string[] {
    return [...this.problemByPath.values()];
  }

  summary(): OfflineSummary {
    return {
      databases: Object.values(this.dbs).map((d) => ({ kind: d.kind, path: d.path, databaseType: d.databaseType, builtAt: d.builtAt })),
      lists: [...this.lists.values()].map((l) => {
        const bad = l.list.problems[0];
        return { kind: l.kind, name: l.list.name, path: l.path, entries: l.list.entries, ranges: l.list.ranges, badLines: l.list.problems.length, ...(bad ? { firstBadLine: `line ${bad.line} "${bad.text}": ${bad.reason}` } : {}) };
      }),
    };
  }

  /** Throws InvalidAddressError for text that is no address. */
  lookup(address: string): OfflineResult {
    const ip = parseIp(address);
    if (!ip) throw new InvalidAddressError(address);
    const classification = classifyParsed(ip);
    const result: OfflineResult = { address: ip.canonical, version: ip.version, classification, blocklisted: [], allowlisted: [] };
    if (ip.version === 4 && address.includes(':')) result.mappedFrom = address.trim();
    // A NAT64 address is listed under the IPv6 itself or under the IPv4 it embeds.
    const embedded = classification.embeddedIpv4 ? parseIp(classification.embeddedIpv4) : undefined;
    const asked = embedded ? [ip, embedded] : [ip];
    for (const l of this.blockLists) {
      const m = firstMatch(l, asked);
      if (m) result.blocklisted.push(m);
    }
    for (const l of this.allowLists) {
      const m = firstMatch(l, asked);
      if (m) result.allowlisted.push(m);
    }
    // Geo and ASN say nothing true about private, documentation or reserved space.
    if (classification.public) {
      try {
        Object.assign(result, lookupGeoFields(this.dbs, embedded?.canonical ?? ip.canonical));
      } catch (err) {
        result.errors = [`GeoIP lookup failed: ${(err as Error).message}`];
      }
    }
    return result;
  }

  close(): void {
    this.closed = true;
    this.watcher?.close();
    this.watcher = undefined;
  }

  private async loadDatabase(kind: GeoDbKind, p: string): Promise<void> {
    try {
      this.dbs[kind] = await openGeoDatabase(p, kind);
      this.problemByPath.delete(p);
    } catch (err) {
      // A reload that fails keeps the database that worked.
      this.problemByPath.set(p, (err as Error).message + (this.dbs[kind] ? ' (still using the version loaded before)' : ''));
    }
  }

  private async loadList(kind: 'block' | 'allow', p: string): Promise<void> {
    try {
      const text = await fs.readFile(p, 'utf8');
      // A NUL byte never occurs in a text list: this is an executable, an archive, a database.
      if (text.includes('\u0000')) throw new Error('is a binary file, not a list of addresses');
      const list = new RangeList(path.basename(p), text);
      // A file with lines but no valid entry is the wrong file or a failed download (an HTML
      // error page, a truncated write), not an emptied list: an error, and what was loaded
      // before stays in use. An empty file is a valid empty list.
      if (list.entries === 0 && list.problems.length > 0) {
        const first = list.problems[0];
        throw new Error(`${list.problems.length} line(s) and no valid entry (first: line ${first.line} "${first.text}": ${first.reason})`);
      }
      this.lists.set(p, { kind, path: p, list });
      this.problemByPath.delete(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      this.problemByPath.set(p, `${kind}list ${p}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}${this.lists.has(p) ? ' (still using the version loaded before)' : ''}`);
    }
    const all = [...this.lists.values()];
    this.blockLists = all.filter((l) => l.kind === 'block').map((l) => l.list);
    this.allowLists = all.filter((l) => l.kind === 'allow').map((l) => l.list);
  }
}
