// The config-node fields ip-lookup and domain-lookup read alike: per-provider switches, URL,
// rate and concurrency; the DNS provider's resolver list; cache, timeout, deadline and retries.
import type { EngineSettings, ProviderSettings } from './engine';

/** A number field: its value, or `fallback` when empty, not a number or under `min`. */
export function numberField(value: unknown, fallback: number, min: number): number {
  const n = Number(value);
  return value === '' || value === undefined || value === null || !Number.isFinite(n) || n < min ? fallback : n;
}

/** One entry per line or comma-separated; blank lines and "#" comments left out. */
export function listField(value: unknown): string[] {
  return typeof value === 'string' ? value.split(/\r?\n|,/).map((s) => s.trim()).filter((s) => s && !s.startsWith('#')) : [];
}

/** Switched-on providers: "<id>" true, with "<id>Url", "<id>Rate", "<id>Concurrency"; the DNS provider's resolvers from `serversField`. */
export function providersFromFields<P extends string>(ids: readonly P[], fields: Record<string, unknown>, dns: { id: P; serversField: string }): Partial<Record<P, ProviderSettings>> {
  const providers: Partial<Record<P, ProviderSettings>> = {};
  for (const id of ids) {
    const on = fields[id];
    if (on !== true && on !== 'true') continue;
    const s: ProviderSettings = {};
    const url = fields[`${id}Url`];
    if (typeof url === 'string' && url.trim()) s.url = url.trim();
    const rate = Number(fields[`${id}Rate`]);
    if (fields[`${id}Rate`] !== '' && Number.isFinite(rate) && rate > 0) s.rate = rate;
    const conc = Number(fields[`${id}Concurrency`]);
    if (fields[`${id}Concurrency`] !== '' && Number.isInteger(conc) && conc > 0) s.concurrency = conc;
    if (id === dns.id) s.servers = listField(fields[dns.serversField]);
    providers[id] = s;
  }
  return providers;
}

/** The credentials given, trimmed; empty ones left out. */
export function credentialsFromFields<K extends string>(credentials: Partial<Record<K, unknown>> | undefined, keys: readonly K[]): Partial<Record<K, string>> {
  const creds: Partial<Record<K, string>> = {};
  for (const k of keys) {
    const v = credentials?.[k];
    if (typeof v === 'string' && v.trim()) creds[k] = v.trim();
  }
  return creds;
}

/** Cache (size, hours), timeout and deadline (seconds) and retries, with the defaults of the dialogs. */
export function limitsFromFields(fields: Record<string, unknown>): Pick<EngineSettings<string, object>, 'cache' | 'timeoutMs' | 'deadlineMs' | 'retries'> {
  return {
    cache: { maxEntries: numberField(fields.cacheSize, 10_000, 0), ttlMs: numberField(fields.cacheTtl, 24, 0) * 3600_000 },
    timeoutMs: numberField(fields.timeout, 10, 0.1) * 1000,
    deadlineMs: numberField(fields.deadline, 30, 0.1) * 1000,
    retries: numberField(fields.retries, 2, 0),
  };
}
