// One directory (the ir-directory config node) → its backend. Which calls may go out follows
// the mode: live reads and writes; dry-run with credentials reads live (so the record says
// exactly what would change) and records the writes; dry-run without credentials simulates all.
import { requireCredentials, type Mode } from '../integrations/mode';
import { createInvoker, type Invoker } from '../integrations/dry-run';
import { TokenCache, type OperationLog } from '../integrations/directory-http';
import { createEntraBackend, type EntraCredentials, type EntraSettings } from '../integrations/entra';
import { createGoogleBackend, type GoogleCredentials, type GoogleSettings } from '../integrations/google-workspace';
import { createLdapBackend, type LdapCredentials, type LdapSettings } from '../integrations/ldap';
import { createOktaBackend, type OktaCredentials, type OktaSettings } from '../integrations/okta';
import type { HttpClient } from '../http/client';
import type { DirectoryBackend, DirectoryKind } from './types';

export type DirectorySettings =
  | { kind: 'okta'; okta: OktaSettings }
  | { kind: 'entra'; entra: EntraSettings }
  | { kind: 'google'; google: GoogleSettings }
  | { kind: 'ldap'; ldap: LdapSettings };

export type DirectoryCredentials = OktaCredentials & EntraCredentials & GoogleCredentials & LdapCredentials;

export const DIRECTORY_LABELS: Record<DirectoryKind, string> = { okta: 'Okta', entra: 'Microsoft Entra ID', google: 'Google Workspace', ldap: 'LDAP / Active Directory' };

/** The credential each kind needs in live mode (names of Node-RED credential fields). */
export const REQUIRED_CREDENTIALS: Record<DirectoryKind, Array<keyof DirectoryCredentials>> = {
  okta: ['apiToken'], entra: ['clientSecret'], google: ['serviceAccountKey'], ldap: ['bindPassword'],
};

export interface OpenOptions {
  mode: Mode;
  /** The config node's HTTP client (shared policy); needed unless everything is simulated. */
  client: () => HttpClient;
  tokens: TokenCache;
  log: OperationLog;
  now?: () => Date;
}

export interface OpenDirectory {
  backend: DirectoryBackend;
  /** Credentials live mode would lack (dry-run only; live throws MissingCredentialsError). */
  missing: string[];
  /** Dry-run with credentials: the look-ups went to the real directory. */
  liveReads: boolean;
  /** HTTP invokers (their calls are in `log` too). */
  invokers?: { reads: Invoker; writes: Invoker };
}

export function openDirectory(settings: DirectorySettings, credentials: DirectoryCredentials, options: OpenOptions): OpenDirectory {
  const label = DIRECTORY_LABELS[settings.kind];
  const missing: string[] = requireCredentials(options.mode, label, credentials, REQUIRED_CREDENTIALS[settings.kind]);
  const live = options.mode === 'live';
  const liveReads = live || missing.length === 0;
  if (settings.kind === 'ldap') {
    const urlMissing = !settings.ldap.url.trim();
    if (live && urlMissing) throw new Error(`${label}: live mode needs the server URL`);
    const backend = createLdapBackend(settings.ldap, credentials, options.log, { dryRunWrites: !live, simulateReads: !live && (missing.length > 0 || urlMissing), ...(options.now ? { now: options.now } : {}) });
    return { backend, missing, liveReads: liveReads && !urlMissing };
  }
  const now = options.now ? { now: options.now } : {};
  const writes = live ? createInvoker({ mode: 'live', client: options.client(), ...now }) : createInvoker({ mode: 'dry-run', ...now });
  const reads = live ? writes : liveReads ? createInvoker({ mode: 'live', client: options.client(), ...now }) : writes;
  const invokers = { reads, writes };
  const backend = settings.kind === 'okta' ? createOktaBackend(settings.okta, credentials, invokers, options.log, missing)
    : settings.kind === 'entra' ? createEntraBackend(settings.entra, credentials, invokers, options.log, options.tokens, missing)
      : createGoogleBackend(settings.google, credentials, invokers, options.log, options.tokens, missing, options.now);
  return { backend, missing, liveReads, invokers };
}

export { TokenCache };
