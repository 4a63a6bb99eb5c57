// The ir-directory config node's settings and what it offers disable-account nodes (types and
// the dialog → settings mapping; the node itself is in directory.ts).
import type { Node, NodeDef } from 'node-red';
import type { DirectoryCredentials, DirectorySettings, OpenDirectory } from '../../core/containment/directory';
import type { ProtectedList } from '../../core/containment/contain';
import type { DirectoryKind } from '../../core/containment/types';
import type { Mode } from '../../core/integrations';
import type { LdapFlavor } from '../../core/integrations/ldap';

export interface DirectoryConfigDef extends NodeDef {
  mode?: string;
  kind?: string;
  oktaUrl?: string;
  oktaMatch?: string;
  tenant?: string;
  clientId?: string;
  authorityUrl?: string;
  graphUrl?: string;
  entraMatch?: string;
  adminEmail?: string;
  googleApiUrl?: string;
  googleTokenUrl?: string;
  ldapUrl?: string;
  bindDn?: string;
  baseDn?: string;
  groupBaseDn?: string;
  filter?: string;
  dnTemplate?: string;
  ldapFlavor?: string;
  attribute?: string;
  disabledValue?: string;
  startTls?: boolean;
  ca?: string;
  rejectUnauthorized?: boolean;
  /** Protected accounts: one per line; `group:` for groups; globs allowed. */
  protectedAccounts?: string;
  rate?: string | number;
  retries?: string | number;
  timeout?: string | number;
}

/** What an ir-directory config node offers disable-account nodes. */
export interface DirectoryConfigNode extends Node<DirectoryCredentials> {
  mode: Mode;
  kind: DirectoryKind;
  settings: DirectorySettings;
  protectedList: ProtectedList;
  /** The backend for one message; its operations are appended to `log`. */
  open(log: unknown[]): OpenDirectory;
  /** Why live mode cannot work (missing credentials, a missing or bad URL), found at deploy. */
  liveProblem?: { message: string; short: string };
}

const KINDS: readonly DirectoryKind[] = ['okta', 'entra', 'google', 'ldap'];

export function num(value: string | number | undefined, fallback: number, min: number): number {
  const n = Number(value);
  return value === '' || value === undefined || !Number.isFinite(n) || n < min ? fallback : n;
}

const text = (v: string | undefined): string => (v ?? '').trim();

export function directorySettings(config: DirectoryConfigDef): DirectorySettings {
  const kind = (KINDS as readonly string[]).includes(config.kind ?? '') ? (config.kind as DirectoryKind) : 'okta';
  const timeoutMs = num(config.timeout, 15, 0.1) * 1000;
  switch (kind) {
    case 'okta': return { kind, okta: { baseUrl: text(config.oktaUrl), matchBy: config.oktaMatch === 'email' ? 'email' : 'login' } };
    case 'entra': return { kind, entra: { tenant: text(config.tenant), clientId: text(config.clientId), authorityUrl: text(config.authorityUrl), graphUrl: text(config.graphUrl), matchBy: config.entraMatch === 'mail' ? 'mail' : 'upn' } };
    case 'google': return { kind, google: { adminEmail: text(config.adminEmail), apiUrl: text(config.googleApiUrl), tokenUrl: text(config.googleTokenUrl) } };
    case 'ldap': {
      const flavor: LdapFlavor = config.ldapFlavor === 'ad' || config.ldapFlavor === 'attribute' ? config.ldapFlavor : 'openldap';
      return {
        kind, ldap: {
          url: text(config.ldapUrl), bindDn: text(config.bindDn), baseDn: text(config.baseDn), ...(text(config.groupBaseDn) ? { groupBaseDn: text(config.groupBaseDn) } : {}), filter: text(config.filter) || '(uid={user})',
          ...(text(config.dnTemplate) ? { dnTemplate: text(config.dnTemplate) } : {}), flavor,
          ...(flavor === 'attribute' ? { attribute: text(config.attribute), disabledValue: config.disabledValue ?? '' } : {}),
          startTls: config.startTls === true, ...(text(config.ca) ? { ca: text(config.ca) } : {}), rejectUnauthorized: config.rejectUnauthorized !== false, timeoutMs,
        },
      };
    }
  }
}

