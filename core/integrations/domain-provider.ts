// What the domain providers (dns-records, rdap-domain, virustotal-domain, urlscan) share: their
// ids and labels, their error class (its messages name the domain lookup config node), and the
// JSON body check. The answer shape and the error mapping are core/enrich's.
import { providerErrors, type LookupProviderError, type ProviderAnswer, type ProviderContext, type ProviderErrorCode } from '../enrich/provider-errors';

export type { ProviderAnswer, ProviderContext, ProviderErrorCode };

export const DOMAIN_PROVIDER_IDS = ['dns', 'rdap', 'virustotal', 'urlscan'] as const;
export type DomainProviderId = (typeof DOMAIN_PROVIDER_IDS)[number];

export const DOMAIN_PROVIDER_LABELS: Record<DomainProviderId, string> = {
  dns: 'DNS', rdap: 'RDAP', virustotal: 'VirusTotal', urlscan: 'urlscan.io',
};

/** The domain providers' errors (named apart from ip-lookup's): a refused key points to the domain lookup config node. */
export const DOMAIN_PROVIDER_ERRORS = providerErrors('DomainProviderError', DOMAIN_PROVIDER_LABELS, 'domain lookup config node');
export const DomainProviderError = DOMAIN_PROVIDER_ERRORS.errorClass;
export type DomainProviderError = LookupProviderError<DomainProviderId>;
export const domainProviderError = DOMAIN_PROVIDER_ERRORS.toError;
export const jsonBody = DOMAIN_PROVIDER_ERRORS.jsonObject;
