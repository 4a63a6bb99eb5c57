// From the config node's stored fields to DomainLookupSettings, kept out of the node so it is
// tested on its own.
import { credentialsFromFields, limitsFromFields, listField, numberField, providersFromFields } from '../enrich/config';
import { DOMAIN_PROVIDER_IDS } from '../integrations/domain-provider';
import { parseMode } from '../integrations/mode';
import type { DomainLookupCredentials, DomainLookupSettings } from './service';
import { DEFAULT_NEWLY_REGISTERED_DAYS } from './verdict';

export interface DomainLookupConfigFields {
  mode?: string;
  /** One per line or comma-separated. */
  ownDomains?: string;
  /** DNS resolver addresses, one per line or comma-separated. */
  dnsServer?: string;
  /** Days. */
  newlyRegistered?: string | number;
  cacheSize?: string | number;
  /** Hours. */
  cacheTtl?: string | number;
  /** Seconds per request. */
  timeout?: string | number;
  /** Seconds for all lookups of one incident. */
  deadline?: string | number;
  retries?: string | number;
  [key: string]: unknown;
}

/** One per line or comma-separated. */
export const listOf = listField;

export function domainSettingsFromConfig(fields: DomainLookupConfigFields, credentials: DomainLookupCredentials | undefined): DomainLookupSettings {
  const providers = providersFromFields(DOMAIN_PROVIDER_IDS, fields, { id: 'dns', serversField: 'dnsServer' });
  const creds: DomainLookupCredentials = credentialsFromFields(credentials, ['virustotalKey', 'urlscanKey']);
  return {
    mode: parseMode(fields.mode),
    ownDomains: listOf(fields.ownDomains),
    providers,
    credentials: creds,
    newlyRegisteredDays: numberField(fields.newlyRegistered, DEFAULT_NEWLY_REGISTERED_DAYS, 0),
    ...limitsFromFields(fields),
  };
}
