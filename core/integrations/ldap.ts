// LDAP / Active Directory through ldapts: AD sets the ACCOUNTDISABLE bit (0x2) of
// userAccountControl; OpenLDAP locks the account with the ppolicy overlay
// (pwdAccountLockedTime 000001010000Z: locked until an administrator unlocks it); any other
// directory gets a configured attribute change. Filter values and DNs are escaped (RFC 4515,
// RFC 4514); the bind password goes to bind() and nowhere else.
import { Attribute, Change, Client, InsufficientAccessError, InvalidCredentialsError, NoSuchObjectError, SizeLimitExceededError, type Entry } from 'ldapts';
import { escapeFilterValue, fillDn, fillFilter } from '../containment/escape';
import { DirectoryError, type DirectoryAccount, type DirectoryBackend, type DisableOutcome, type RestoreOutcome } from '../containment/types';
import type { AccountRecord } from '../model/types';
import { redactText } from '../model/redact';
import type { OperationLog } from './directory-http';

export type LdapFlavor = 'openldap' | 'ad' | 'attribute';

export interface LdapSettings {
  /** ldap://host:389 or ldaps://host:636. */
  url: string;
  bindDn: string;
  /** Where accounts are searched. */
  baseDn: string;
  /** Where groups are searched (protected groups); default the naming context (dc=…) of baseDn. */
  groupBaseDn?: string;
  /** Search filter with {user}, e.g. (uid={user}) or (|(sAMAccountName={user})(userPrincipalName={user})). */
  filter: string;
  /** Instead of a search: the DN itself, e.g. uid={user},ou=people,dc=example,dc=org. */
  dnTemplate?: string;
  flavor: LdapFlavor;
  /** flavor 'attribute': which attribute, and the value that disables. */
  attribute?: string;
  disabledValue?: string;
  startTls?: boolean;
  /** Extra CA certificates (PEM) for ldaps:// and StartTLS. */
  ca?: string;
  /** false switches certificate checks off (never by default). */
  rejectUnauthorized?: boolean;
  timeoutMs?: number;
}

export interface LdapCredentials {
  bindPassword?: string;
}

/** One LDAP operation as the timeline shows it (never the bind password). */
export interface LdapRecord {
  operation: 'ldap.bind' | 'ldap.search' | 'ldap.modify';
  outcome: 'ok' | 'dry-run' | 'error';
  server: string;
  dn?: string;
  base?: string;
  filter?: string;
  scope?: string;
  changes?: Array<{ operation: string; attribute: string; values: string[] }>;
  entries?: number;
  error?: string;
  at: string;
}

export const LOCKED_FOREVER = '000001010000Z';

/** The trailing dc= components of a DN (ou=people,dc=example,dc=org → dc=example,dc=org). */
export function namingContext(dn: string): string {
  const parts = dn.split(/,(?=\s*dc=)/i);
  const i = parts.findIndex((p) => /^\s*dc=/i.test(p));
  return i < 0 ? dn : parts.slice(i).join(',').trim();
}
export const ACCOUNTDISABLE = 0x2;
const USER_ATTRIBUTES = ['uid', 'cn', 'mail', 'userPrincipalName', 'sAMAccountName', 'memberOf', 'userAccountControl', 'pwdAccountLockedTime'];

function values(entry: Entry, name: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  const v = key === undefined ? undefined : entry[key];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x)));
}

/** An ldapts (or socket) error in words; the message never carries the password. */
function ldapError(err: unknown, server: string, what: string): DirectoryError {
  if (err instanceof DirectoryError) return err;
  const message = redactText(err instanceof Error ? err.message : String(err));
  if (err instanceof InvalidCredentialsError) return new DirectoryError('unauthorized', `LDAP ${server}: the bind was refused (invalid credentials): check the bind DN and password in the directory config node`, { cause: err });
  if (err instanceof InsufficientAccessError) return new DirectoryError('forbidden', `LDAP ${server}: ${what} refused: insufficient access rights for the bind DN (${message})`, { cause: err });
  if (err instanceof NoSuchObjectError) return new DirectoryError('not-found', `LDAP ${server}: ${what}: no such entry (${message})`, { cause: err });
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|ERR_SSL|EPROTO/.test(code)) {
    return new DirectoryError('config', `LDAP ${server}: TLS: ${message} [${code}]: add the server's CA (PEM) in the directory config node`, { cause: err });
  }
  if (typeof code === 'string' && /^E[A-Z]+/.test(code) || /timeout|timed out|connect|socket|closed/i.test(message)) {
    return new DirectoryError('unavailable', `LDAP ${server} unreachable: ${message}${typeof code === 'string' ? ` [${code}]` : ''}`, { cause: err });
  }
  return new DirectoryError('invalid', `LDAP ${server}: ${what} failed: ${message}`, { cause: err });
}

export interface LdapBackendOptions {
  /** Modifications are recorded, not sent (dry-run). */
  dryRunWrites: boolean;
  /** No server to read from (dry-run without URL or credentials): searches are simulated too. */
  simulateReads: boolean;
  now?: () => Date;
}

export function createLdapBackend(settings: LdapSettings, credentials: LdapCredentials, log: OperationLog, options: LdapBackendOptions): DirectoryBackend {
  const now = options.now ?? (() => new Date());
  const server = settings.url || '(no URL)';
  const flavor = settings.flavor;
  const attribute = flavor === 'ad' ? 'userAccountControl' : flavor === 'openldap' ? 'pwdAccountLockedTime' : (settings.attribute ?? '').trim();
  if (flavor === 'attribute' && (!attribute || settings.disabledValue === undefined || settings.disabledValue === '')) {
    throw new DirectoryError('config', 'LDAP: name the attribute and the value that disables an account in the directory config node');
  }
  if (!options.simulateReads && !/^ldaps?:\/\//i.test(settings.url)) throw new DirectoryError('config', `LDAP: the URL "${settings.url}" is not ldap:// or ldaps://`);
  let client: Client | undefined;
  let connecting: Promise<Client> | undefined;

  const record = (r: Omit<LdapRecord, 'at' | 'server'>): LdapRecord => {
    const full: LdapRecord = { ...r, server, at: now().toISOString() };
    log.push(full);
    return full;
  };

  const connect = (): Promise<Client> => {
    connecting ??= (async () => {
      const tlsOptions = { ...(settings.ca ? { ca: [settings.ca] } : {}), rejectUnauthorized: settings.rejectUnauthorized !== false };
      // ldapts speaks TLS from the first byte whenever tlsOptions is given: only for ldaps://.
      const ldaps = /^ldaps:/i.test(settings.url);
      const c = new Client({ url: settings.url, timeout: settings.timeoutMs ?? 15_000, connectTimeout: settings.timeoutMs ?? 15_000, ...(ldaps ? { tlsOptions } : {}) });
      try {
        if (settings.startTls) await c.startTLS(tlsOptions);
        await c.bind(settings.bindDn, credentials.bindPassword ?? '');
        record({ operation: 'ldap.bind', outcome: 'ok', dn: settings.bindDn });
      } catch (err) {
        const mapped = ldapError(err, server, `binding as ${settings.bindDn}`);
        record({ operation: 'ldap.bind', outcome: 'error', dn: settings.bindDn, error: mapped.message });
        await c.unbind().catch(() => undefined);
        throw mapped;
      }
      client = c;
      return c;
    })();
    return connecting;
  };

  const search = async (base: string, scope: 'base' | 'sub', filter: string, attributes: string[], sizeLimit?: number): Promise<Entry[]> => {
    const c = await connect();
    try {
      const { searchEntries } = await c.search(base, { scope, filter, attributes, ...(sizeLimit ? { sizeLimit } : {}) });
      record({ operation: 'ldap.search', outcome: 'ok', base, scope, filter, entries: searchEntries.length });
      return searchEntries;
    } catch (err) {
      if (err instanceof SizeLimitExceededError) {
        // More entries than asked for: the value is ambiguous, and nothing is touched.
        const mapped = new DirectoryError('ambiguous', `LDAP: more than ${sizeLimit ?? 'the server\'s limit of'} entries match ${filter} under ${base}: none disabled`, { cause: err });
        record({ operation: 'ldap.search', outcome: 'error', base, scope, filter, error: mapped.message });
        throw mapped;
      }
      const mapped = ldapError(err, server, `searching ${base} for ${filter}`);
      record({ operation: 'ldap.search', outcome: 'error', base, scope, filter, error: mapped.message });
      throw mapped;
    }
  };

  const modify = async (dn: string, changes: Change[]): Promise<void> => {
    const described = changes.map((ch) => ({ operation: ch.operation, attribute: ch.modification.type, values: (ch.modification.values as Array<string | Buffer>).map(String) }));
    if (options.dryRunWrites) {
      record({ operation: 'ldap.modify', outcome: 'dry-run', dn, changes: described });
      return;
    }
    const c = await connect();
    try {
      await c.modify(dn, changes);
      record({ operation: 'ldap.modify', outcome: 'ok', dn, changes: described });
    } catch (err) {
      const mapped = ldapError(err, server, `modifying ${dn}`);
      record({ operation: 'ldap.modify', outcome: 'error', dn, changes: described, error: mapped.message });
      throw mapped;
    }
  };

  const attributes = [...new Set([...USER_ATTRIBUTES, attribute])];

  // The state that decides "disabled", and what restore puts back.
  const stateOf = (entry: Entry): { disabled: boolean; state: Record<string, unknown> } => {
    if (flavor === 'ad') {
      const uac = Number(values(entry, 'userAccountControl')[0] ?? NaN);
      if (!Number.isInteger(uac)) throw new DirectoryError('invalid', `LDAP: ${entry.dn} has no userAccountControl: is this an Active Directory user? (choose another kind in the directory config node)`);
      return { disabled: (uac & ACCOUNTDISABLE) !== 0, state: { userAccountControl: uac } };
    }
    const current = values(entry, attribute);
    if (flavor === 'openldap') return { disabled: current.includes(LOCKED_FOREVER), state: { pwdAccountLockedTime: current[0] ?? null } };
    return { disabled: current.includes(String(settings.disabledValue)), state: { attribute, values: current } };
  };

  const simulatedEntry = (dn: string, disabled: boolean): Entry => {
    const entry: Entry = { dn };
    if (flavor === 'ad') entry.userAccountControl = String(disabled ? 514 : 512);
    else if (disabled) entry[attribute] = flavor === 'openldap' ? LOCKED_FOREVER : String(settings.disabledValue);
    return entry;
  };

  const readEntry = async (dn: string, simulateDisabled: boolean): Promise<Entry> => {
    if (options.simulateReads) {
      record({ operation: 'ldap.search', outcome: 'dry-run', base: dn, scope: 'base', filter: '(objectClass=*)' });
      return simulatedEntry(dn, simulateDisabled);
    }
    const found = await search(dn, 'base', '(objectClass=*)', attributes).catch((err: unknown) => {
      throw err instanceof DirectoryError && err.code === 'not-found' ? new DirectoryError('not-found', `LDAP: no entry ${dn}`) : err;
    });
    if (!found[0]) throw new DirectoryError('not-found', `LDAP: no entry ${dn}`);
    return found[0];
  };

  const toAccount = (entry: Entry, identifier: string): DirectoryAccount => {
    const first = (n: string): string | undefined => values(entry, n)[0];
    const login = first('sAMAccountName') ?? first('uid') ?? first('userPrincipalName') ?? first('mail') ?? first('cn') ?? identifier;
    const names = [entry.dn, ...['uid', 'cn', 'mail', 'userPrincipalName', 'sAMAccountName'].flatMap((n) => values(entry, n))];
    const { disabled, state } = stateOf(entry);
    return { id: entry.dn, login, names: [...new Set(names)], disabled, state: { ...state, memberOf: values(entry, 'memberOf') } };
  };

  return {
    kind: 'ldap',
    irreversibleSteps: [],

    async find(identifier) {
      if (identifier === '') throw new DirectoryError('invalid', 'LDAP: an empty user name names no account');
      if (settings.dnTemplate) return toAccount(await readEntry(fillDn(settings.dnTemplate, identifier), false), identifier);
      const filter = fillFilter(settings.filter, identifier);
      if (options.simulateReads) {
        record({ operation: 'ldap.search', outcome: 'dry-run', base: settings.baseDn, scope: 'sub', filter });
        return toAccount(simulatedEntry(`(the entry ${filter} finds under ${settings.baseDn || 'the base DN'})`, false), identifier);
      }
      // Two are enough to know the value is ambiguous.
      const found = await search(settings.baseDn, 'sub', filter, attributes, 2);
      if (found.length === 0) throw new DirectoryError('not-found', `LDAP: no account matches ${filter} under ${settings.baseDn}`);
      if (found.length > 1) throw new DirectoryError('ambiguous', `LDAP: more than one account matches ${filter} under ${settings.baseDn}: none disabled`);
      return toAccount(found[0]!, identifier);
    },

    async groups(account) {
      const memberOf = Array.isArray(account.state.memberOf) ? (account.state.memberOf as string[]) : [];
      if (options.simulateReads) return memberOf;
      const uid = account.names.find((n) => n === account.login) ?? account.login;
      const dn = escapeFilterValue(account.id);
      const filter = `(|(member=${dn})(uniqueMember=${dn})(memberUid=${escapeFilterValue(uid)}))`;
      // Groups often live beside the people (ou=groups), not under them: search the whole naming context.
      const groups = await search(settings.groupBaseDn || namingContext(settings.baseDn), 'sub', filter, ['cn']);
      return [...memberOf, ...groups.flatMap((g) => [g.dn, ...values(g, 'cn')])];
    },

    async disable(account): Promise<DisableOutcome> {
      if (flavor === 'ad') {
        const uac = Number(account.state.userAccountControl);
        await modify(account.id, [new Change({ operation: 'replace', modification: new Attribute({ type: 'userAccountControl', values: [String(uac | ACCOUNTDISABLE)] }) })]);
        return { method: 'ldap.ad.userAccountControl', reversible: true, irreversible: [] };
      }
      const value = flavor === 'openldap' ? LOCKED_FOREVER : String(settings.disabledValue);
      await modify(account.id, [new Change({ operation: 'replace', modification: new Attribute({ type: attribute, values: [value] }) })]);
      return { method: flavor === 'openldap' ? 'ldap.ppolicy.pwdAccountLockedTime' : `ldap.attribute.${attribute}`, reversible: true, irreversible: [] };
    },

    async restore(rec: AccountRecord): Promise<RestoreOutcome> {
      const entry = await readEntry(rec.accountId, true);
      const { disabled, state } = stateOf(entry);
      if (!disabled) return 'already-enabled';
      const previous = rec.previous;
      if (flavor === 'ad') {
        // Only the bit this incident set: other changes since then stay.
        const uac = Number(state.userAccountControl);
        await modify(rec.accountId, [new Change({ operation: 'replace', modification: new Attribute({ type: 'userAccountControl', values: [String(uac & ~ACCOUNTDISABLE)] }) })]);
        return 'restored';
      }
      const before = flavor === 'openldap'
        ? (typeof previous.pwdAccountLockedTime === 'string' ? [previous.pwdAccountLockedTime] : [])
        : (Array.isArray(previous.values) ? (previous.values as unknown[]).map(String) : []);
      await modify(rec.accountId, [before.length
        ? new Change({ operation: 'replace', modification: new Attribute({ type: attribute, values: before }) })
        : new Change({ operation: 'delete', modification: new Attribute({ type: attribute }) })]);
      return 'restored';
    },

    async close() {
      const c = client;
      client = undefined;
      connecting = undefined;
      if (c) await c.unbind().catch(() => undefined);
    },
  };
}
