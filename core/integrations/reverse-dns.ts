// Reverse DNS (PTR) through node:dns's Resolver (c-ares), at a resolver address of the
// user's choice: the internal DNS knows internal names the public one does not. NXDOMAIN and
// "no data" are a result (no name), not an error.
import { Resolver } from 'node:dns/promises';
import { parseIp } from '../normalize/ip';
import type { ProviderAnswer } from './ip-provider';
import { ProviderError } from './ip-provider';

export interface ReverseDnsOptions {
  /** Resolver addresses, "127.0.0.1", "10.0.0.53:5353" or "[::1]:53"; empty: the system's. */
  servers?: readonly string[];
  /** Per try, ms. Default 3000. */
  timeoutMs?: number;
  /** Tries per server. Default 2. */
  tries?: number;
}

export function createReverseResolver(options: ReverseDnsOptions = {}): Resolver {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 3000, tries: options.tries ?? 2 });
  const servers = (options.servers ?? []).map((s) => s.trim()).filter(Boolean);
  if (servers.length) {
    try {
      resolver.setServers(servers);
    } catch (err) {
      throw new ProviderError('rdns', 'bad-request', `resolver address ${servers.join(', ')} is not valid: ${(err as Error).message}`);
    }
  }
  return resolver;
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
  const onAbort = (): void => resolver.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
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
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
