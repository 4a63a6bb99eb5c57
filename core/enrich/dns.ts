// The resolver setup both DNS providers share (reverse DNS for ip-lookup, records for
// domain-lookup): node:dns's Resolver (c-ares) at resolver addresses of the user's choice, since
// the internal DNS knows split-horizon and internal names the public one does not.
import { Resolver } from 'node:dns/promises';

export interface ResolverOptions {
  /** Resolver addresses, "127.0.0.1", "10.0.0.53:5353" or "[::1]:53"; empty: the system's. */
  servers?: readonly string[];
  /** Per try, ms. Default 3000. */
  timeoutMs?: number;
  /** Tries per server. Default 2. */
  tries?: number;
}

/** A resolver at `options.servers`; an address c-ares refuses becomes `invalid(message)`, the caller's own error. */
export function createResolver(options: ResolverOptions, invalid: (message: string) => Error): Resolver {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 3000, tries: options.tries ?? 2 });
  const servers = (options.servers ?? []).map((s) => s.trim()).filter(Boolean);
  if (servers.length) {
    try {
      resolver.setServers(servers);
    } catch (err) {
      throw invalid(`resolver address ${servers.join(', ')} is not valid: ${(err as Error).message}`);
    }
  }
  return resolver;
}

/** Run `ask` with the resolver's queries cancelled when `signal` aborts (the lookup deadline). */
export async function cancelOnAbort<T>(resolver: Resolver, signal: AbortSignal | undefined, ask: () => Promise<T>): Promise<T> {
  const onAbort = (): void => resolver.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await ask();
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
