// Reverse DNS (PTR) through node:dns's Resolver (c-ares), at a resolver address of the
// user's choice: the internal DNS knows internal names the public one does not. NXDOMAIN and
// "no data" are a result (no name), not an error.
import type { Resolver } from 'node:dns/promises';
import { cancelOnAbort, createResolver, type ResolverOptions } from '../enrich/dns';
import { parseIp } from '../normalize/ip';
import type { ProviderAnswer } from './ip-provider';
import { ProviderError } from './ip-provider';

export type ReverseDnsOptions = ResolverOptions;

export function createReverseResolver(options: ReverseDnsOptions = {}): Resolver {
  return createResolver(options, (message) => new ProviderError('rdns', 'bad-request', message));
}

/** The PTR query name, e.g. 142.69.2.81.in-addr.arpa (for dry-run records). */
export function ptrName(ip: string): string {
  const parsed = parseIp(ip);
  if (!parsed) throw new ProviderError('rdns', 'bad-request', `"${ip}" is not an address`);
  if (parsed.version === 4) return `${[...parsed.bytes].reverse().join('.')}.in-addr.arpa`;
  const nibbles: string[] = [];
  for (const b of parsed.bytes) nibbles.push((b >> 4).toString(16), (b & 15).toString(16));
  return `${nibbles.reverse().join('.')}.ip6.arpa`;
}

const NO_NAME = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);

/** The one place that asks DNS: PTR for `ip`. */
export async function lookupReverseDns(resolver: Resolver, ip: string, signal?: AbortSignal): Promise<ProviderAnswer> {
  if (signal?.aborted) throw new ProviderError('rdns', 'aborted', 'lookup stopped at the deadline');
  return cancelOnAbort(resolver, signal, async () => {
    try {
      // resolvePtr, not reverse(): reverse() (gethostbyaddr) reports a resolver that never answers as "not found".
      const names = await resolver.resolvePtr(ptrName(ip));
      return names.length ? { found: true, data: { hostnames: names } } : { found: false };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (NO_NAME.has(code)) return { found: false };
      if (code === 'ECANCELLED') throw new ProviderError('rdns', 'aborted', 'lookup stopped at the deadline', { cause: err });
      if (code === 'ETIMEOUT') throw new ProviderError('rdns', 'timeout', `no answer for PTR ${ptrName(ip)} from ${resolver.getServers().join(', ')}`, { cause: err });
      throw new ProviderError('rdns', 'unavailable', `PTR ${ptrName(ip)} failed: ${code || (err as Error).message}`, { cause: err });
    }
  });
}
