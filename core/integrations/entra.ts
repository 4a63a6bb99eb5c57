// Microsoft Entra ID through Microsoft Graph: accountEnabled false (reversible), revoke sign-in
// sessions (not reversible). App-only token by client credentials, cached until it expires.
import { odataString, pathSegment } from '../containment/escape';
import { DirectoryError, withPartial, type DirectoryAccount, type DirectoryBackend, type DisableOutcome, type IrreversibleStep, type RestoreOutcome } from '../containment/types';
import type { HttpMethod } from '../http/client';
import type { AccountRecord } from '../model/types';
import { jsonOf, sendCall, vendorError, type DirectoryInvokers, type OperationLog, type TokenCache } from './directory-http';
import type { InvokeResponse, Invoker, SimulatedResponse } from './dry-run';

export const ENTRA_AUTHORITY = 'https://login.microsoftonline.com';
export const GRAPH_URL = 'https://graph.microsoft.com';
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export interface EntraSettings {
  tenant: string;
  clientId: string;
  /** Token authority; default https://login.microsoftonline.com (emulators, national clouds). */
  authorityUrl?: string;
  /** Default https://graph.microsoft.com. */
  graphUrl?: string;
  /** upn: GET /users/{id or UPN}; mail: $filter=mail eq '…'. */
  matchBy: 'upn' | 'mail';
}

export interface EntraCredentials {
  clientSecret?: string;
}

export const ENTRA_STEPS: readonly IrreversibleStep[] = [
  { id: 'revoke-sessions', label: 'Revoke sign-in sessions and refresh tokens (cannot be undone)' },
];

interface GraphUser {
  id: string;
  userPrincipalName?: string;
  mail?: string | null;
  accountEnabled?: boolean;
  otherMails?: string[];
}

const CODES = {
  InvalidAuthenticationToken: 'unauthorized', Authorization_RequestDenied: 'forbidden', Request_ResourceNotFound: 'not-found',
  invalid_client: 'unauthorized', unauthorized_client: 'unauthorized', invalid_request: 'config',
} as const;
const VENDOR = 'Microsoft Graph';
const SELECT = 'id,userPrincipalName,mail,accountEnabled,otherMails';

export function createEntraBackend(settings: EntraSettings, credentials: EntraCredentials, invokers: DirectoryInvokers, log: OperationLog, tokens: TokenCache, missingCredentials: readonly string[] = []): DirectoryBackend {
  const authority = (settings.authorityUrl || ENTRA_AUTHORITY).replace(/\/+$/, '');
  const graph = (settings.graphUrl || GRAPH_URL).replace(/\/+$/, '');
  const tenant = settings.tenant.trim() || (invokers.reads.mode === 'dry-run' ? 'your-tenant' : '');
  if (!tenant) throw new DirectoryError('config', 'Entra ID: set the tenant (directory id or domain) in the directory config node');
  const tokenUrl = `${authority}/${pathSegment(tenant)}/oauth2/v2.0/token`;
  if (!settings.clientId && invokers.reads.mode === 'live') throw new DirectoryError('config', 'Entra ID: set the client id (application id of the app registration) in the directory config node');
  const cacheKey = `${tokenUrl}|${settings.clientId}`;
  const missing = missingCredentials.length ? { missingCredentials } : {};

  const fail = (res: InvokeResponse, what: string): DirectoryError => {
    const body = jsonOf(res) as { error?: { code?: string; message?: string } | string; error_description?: string } | undefined;
    // Graph: {error: {code, message}}; the token endpoint: {error, error_description}.
    const info = typeof body?.error === 'string'
      ? { code: body.error, ...(body.error_description ? { message: body.error_description.split(/\r?\n/)[0] } : {}) }
      : { ...(body?.error?.code ? { code: body.error.code } : {}), ...(body?.error?.message ? { message: body.error.message } : {}) };
    return vendorError(VENDOR, res, info, what, CODES);
  };

  const token = (invoker: Invoker): Promise<string> => tokens.get(cacheKey, async () => {
    const res = await sendCall(invoker, log, 'Microsoft Entra ID', {
      operation: 'entra.token', method: 'POST', url: tokenUrl, destination: 'entra-login',
      form: { grant_type: 'client_credentials', client_id: settings.clientId, client_secret: credentials.clientSecret ?? '', scope: GRAPH_SCOPE },
      idempotent: true, // asking for a token twice is harmless
      simulated: { json: { token_type: 'Bearer', expires_in: 3599, access_token: 'dry-run-token' } },
      ...missing,
    });
    if (res.status !== 200) throw fail(res, 'Entra ID: getting a token (client credentials)');
    const body = res.json<{ access_token?: string; expires_in?: number }>();
    if (!body.access_token) throw new DirectoryError('unauthorized', 'Entra ID: the token endpoint answered without an access_token');
    return { token: body.access_token, expiresInS: Number(body.expires_in ?? 0), cache: !res.dryRun };
  });

  // One Graph call; a 401 (token revoked or expired early) gets one fresh token and one more try.
  const call = async (invoker: Invoker, operation: string, method: HttpMethod, path: string, simulated: SimulatedResponse, extra: { json?: unknown; query?: Record<string, string> } = {}): Promise<InvokeResponse> => {
    for (let attempt = 0; ; attempt++) {
      const bearer = await token(invokers.reads);
      const res = await sendCall(invoker, log, VENDOR, {
        operation, method, url: `${graph}${path}`, headers: { authorization: `Bearer ${bearer}`, accept: 'application/json' },
        destination: 'graph', simulated, ...extra, ...missing,
      });
      if (res.status !== 401 || attempt > 0) return res;
      tokens.invalidate(cacheKey);
    }
  };

  const simulatedUser = (identifier: string, enabled: boolean): GraphUser => ({ id: identifier, userPrincipalName: identifier, mail: identifier, accountEnabled: enabled });
  const toAccount = (u: GraphUser): DirectoryAccount => ({
    id: u.id, login: u.userPrincipalName ?? u.id,
    names: [u.id, u.userPrincipalName, u.mail, ...(u.otherMails ?? [])].filter((n): n is string => !!n),
    disabled: u.accountEnabled === false, state: { accountEnabled: u.accountEnabled !== false },
  });
  const getUser = async (idOrUpn: string, simulatedEnabled: boolean): Promise<GraphUser> => {
    const res = await call(invokers.reads, 'graph.users.get', 'GET', `/v1.0/users/${pathSegment(idOrUpn)}`, { json: simulatedUser(idOrUpn, simulatedEnabled) }, { query: { $select: SELECT } });
    if (res.status === 404) throw new DirectoryError('not-found', `Entra ID: no user "${idOrUpn}"`);
    if (res.status !== 200) throw fail(res, `Entra ID: looking up "${idOrUpn}"`);
    return res.json<GraphUser>();
  };
  const setEnabled = async (id: string, login: string, enabled: boolean): Promise<void> => {
    const res = await call(invokers.writes, 'graph.users.update', 'PATCH', `/v1.0/users/${pathSegment(id)}`, { status: 204 }, { json: { accountEnabled: enabled } });
    if (res.status < 200 || res.status > 299) throw fail(res, `Entra ID: ${enabled ? 'enabling' : 'disabling'} ${login}`);
  };

  return {
    kind: 'entra',
    irreversibleSteps: ENTRA_STEPS,

    async find(identifier) {
      if (settings.matchBy === 'mail') {
        const res = await call(invokers.reads, 'graph.users.list', 'GET', '/v1.0/users', { json: { value: [simulatedUser(identifier, true)] } }, { query: { $filter: `mail eq ${odataString(identifier)}`, $select: SELECT, $top: '2' } });
        if (res.status !== 200) throw fail(res, `Entra ID: searching for "${identifier}"`);
        const users = res.json<{ value?: GraphUser[] }>().value ?? [];
        if (users.length === 0) throw new DirectoryError('not-found', `Entra ID: no user with mail "${identifier}"`);
        if (users.length > 1) throw new DirectoryError('ambiguous', `Entra ID: more than one user has mail "${identifier}": none disabled`);
        return toAccount(users[0]!);
      }
      return toAccount(await getUser(identifier, true));
    },

    async groups(account) {
      const res = await call(invokers.reads, 'graph.users.memberOf', 'GET', `/v1.0/users/${pathSegment(account.id)}/memberOf`, { json: { value: [] } }, { query: { $select: 'id,displayName,mail' } });
      if (res.status !== 200) throw fail(res, `Entra ID: reading the groups of ${account.login}`);
      return (res.json<{ value?: Array<{ id?: string; displayName?: string; mail?: string }> }>().value ?? []).flatMap((g) => [g.displayName, g.mail, g.id].filter((n): n is string => !!n));
    },

    async disable(account, steps): Promise<DisableOutcome> {
      await setEnabled(account.id, account.login, false);
      const done: string[] = [];
      if (steps.includes('revoke-sessions')) {
        const res = await call(invokers.writes, 'graph.users.revokeSignInSessions', 'POST', `/v1.0/users/${pathSegment(account.id)}/revokeSignInSessions`, { json: { value: true } });
        // The documented success status varies (200 or 204): any 2xx.
        if (res.status < 200 || res.status > 299) {
          throw withPartial(fail(res, `Entra ID: revoking the sessions of ${account.login} (the account IS disabled)`), { disabled: { method: 'entra.accountEnabled', reversible: true, irreversible: done } });
        }
        done.push('revoke-sessions');
      }
      return { method: 'entra.accountEnabled', reversible: true, irreversible: done };
    },

    async restore(record: AccountRecord): Promise<RestoreOutcome> {
      const user = await getUser(record.accountId, false);
      if (user.accountEnabled !== false) return 'already-enabled';
      await setEnabled(record.accountId, record.login, true);
      return 'restored';
    },

    async close() {},
  };
}
