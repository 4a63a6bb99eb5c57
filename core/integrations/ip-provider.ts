// What the IP reputation/ownership providers (rdap, abuseipdb, greynoise, shodan-internetdb,
// virustotal, reverse-dns) share: their ids and labels, their error class, and helpers for
// addresses and JSON bodies. The answer shape and the error mapping are core/enrich's.
import { providerErrors, type LookupProviderError, type ProviderAnswer, type ProviderContext, type ProviderErrorCode } from '../enrich/provider-errors';
import { parseIp } from '../normalize/ip';

export type { ProviderAnswer, ProviderContext, ProviderErrorCode };

export const IP_PROVIDER_IDS = ['rdns', 'rdap', 'abuseipdb', 'greynoise', 'internetdb', 'virustotal'] as const;
export type IpProviderId = (typeof IP_PROVIDER_IDS)[number];

export const IP_PROVIDER_LABELS: Record<IpProviderId, string> = {
  rdns: 'Reverse DNS', rdap: 'RDAP', abuseipdb: 'AbuseIPDB', greynoise: 'GreyNoise', internetdb: 'Shodan InternetDB', virustotal: 'VirusTotal',
};

/** The IP providers' errors: a refused key points to the IP lookup config node. */
export const IP_PROVIDER_ERRORS = providerErrors('ProviderError', IP_PROVIDER_LABELS, 'IP lookup config node');
export const ProviderError = IP_PROVIDER_ERRORS.errorClass;
export type ProviderError = LookupProviderError<IpProviderId>;
export const providerError = IP_PROVIDER_ERRORS.toError;
export const jsonObject = IP_PROVIDER_ERRORS.jsonObject;

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}

/** The address as it goes into a URL path: canonical text, and only ever an address (no path tricks). */
export function addressForPath(provider: IpProviderId, ip: string): string {
  const parsed = parseIp(ip);
  if (!parsed) throw new ProviderError(provider, 'bad-request', `"${ip.slice(0, 60)}" is not an IP address`);
  return parsed.canonical;
}
