// Where a domain points: A, AAAA, MX, NS, TXT and CNAME through node:dns's Resolver (c-ares),
// at a resolver address of the user's choice (the internal DNS sees split-horizon names).
// NXDOMAIN is a result ("does not exist"), and so is "no records of this type".
import type { Resolver } from 'node:dns/promises';
import { cancelOnAbort, createResolver, type ResolverOptions } from '../enrich/dns';
import type { ProviderAnswer } from './domain-provider';
import { DomainProviderError } from './domain-provider';

export const DNS_RECORD_TYPES = ['A', 'AAAA', 'MX', 'NS', 'TXT', 'CNAME'] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

export interface DnsRecords {
  a: string[];
  aaaa: string[];
  mx: Array<{ exchange: string; priority: number }>;
  ns: string[];
  /** Each TXT record's strings joined. */
  txt: string[];
  cname: string[];
  /** Types whose query failed (timeout, refused), with the error code. */
  failed?: Partial<Record<DnsRecordType, string>>;
}

export type DnsResolverOptions = ResolverOptions;

export function createDnsResolver(options: DnsResolverOptions = {}): Resolver {
  return createResolver(options, (message) => new DomainProviderError('dns', 'bad-request', message));
}

const NO_DATA = new Set(['ENODATA', 'ENOTFOUND', 'NXDOMAIN']);

async function query<T>(resolver: Resolver, type: DnsRecordType, name: string): Promise<{ records: T[] } | { nxdomain: true } | { error: string }> {
  try {
    const ask: Record<DnsRecordType, () => Promise<unknown[]>> = {
      A: () => resolver.resolve4(name), AAAA: () => resolver.resolve6(name), MX: () => resolver.resolveMx(name),
      NS: () => resolver.resolveNs(name), TXT: () => resolver.resolveTxt(name), CNAME: () => resolver.resolveCname(name),
    };
    return { records: (await ask[type]()) as T[] };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
    if (code === 'ENOTFOUND') return { nxdomain: true };
    if (NO_DATA.has(code)) return { records: [] };
    return { error: code };
  }
}

/** The one place that asks DNS about a domain: every record type in parallel. */
export async function lookupDnsRecords(resolver: Resolver, name: string, signal?: AbortSignal): Promise<ProviderAnswer> {
  if (signal?.aborted) throw new DomainProviderError('dns', 'aborted', 'lookup stopped at the deadline');
  return cancelOnAbort(resolver, signal, async () => {
    const [a, aaaa, mx, ns, txt, cname] = await Promise.all([
      query<string>(resolver, 'A', name), query<string>(resolver, 'AAAA', name),
      query<{ exchange: string; priority: number }>(resolver, 'MX', name), query<string>(resolver, 'NS', name),
      query<string[]>(resolver, 'TXT', name), query<string>(resolver, 'CNAME', name),
    ]);
    const all = { A: a, AAAA: aaaa, MX: mx, NS: ns, TXT: txt, CNAME: cname };
    const results = Object.values(all);
    if (results.some((r) => 'error' in r && r.error === 'ECANCELLED')) throw new DomainProviderError('dns', 'aborted', 'lookup stopped at the deadline');
    const errors = Object.entries(all).filter(([, r]) => 'error' in r) as Array<[DnsRecordType, { error: string }]>;
    if (errors.length === results.length) {
      const code = errors[0][1].error;
      throw new DomainProviderError('dns', code === 'ETIMEOUT' ? 'timeout' : 'unavailable', `no usable answer for ${name} from ${resolver.getServers().join(', ') || 'the system resolver'} (${code})`);
    }
    if (results.some((r) => 'nxdomain' in r) && !results.some((r) => 'records' in r && r.records.length)) {
      return { found: false, data: { nxdomain: true, message: `${name} does not exist (NXDOMAIN)` } };
    }
    const list = <T>(r: typeof a | typeof mx | typeof txt): T[] => ('records' in r ? (r.records as T[]) : []);
    const records: DnsRecords = {
      a: list<string>(a), aaaa: list<string>(aaaa), // Only the two fields: Node.js 24's resolver adds `type: 'MX'` to each record.
      mx: list<{ exchange: string; priority: number }>(mx).map(({ exchange, priority }) => ({ exchange, priority })).sort((x, y) => x.priority - y.priority),
      ns: list<string>(ns), txt: list<string[]>(txt).map((chunks) => chunks.join('')), cname: list<string>(cname),
    };
    if (errors.length) records.failed = Object.fromEntries(errors.map(([t, r]) => [t, r.error]));
    const any = records.a.length + records.aaaa.length + records.mx.length + records.ns.length + records.txt.length + records.cname.length;
    return any ? { found: true, data: { ...records } } : { found: false, data: { ...records, message: `${name} exists but has none of ${DNS_RECORD_TYPES.join(', ')}` } };
  });
}
