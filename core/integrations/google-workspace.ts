// Google Workspace through the Admin SDK Directory API: suspend the user (reversible), sign the
// user out of every session (not reversible). A service account with domain-wide delegation
// signs a JWT (RS256, node:crypto) that acts as an admin (`sub`); the token is cached.
import { createSign } from 'node:crypto';
import { pathSegment } from '../containment/escape';
import { DirectoryError, withPartial, type DirectoryAccount, type DirectoryBackend, type DisableOutcome, type IrreversibleStep, type RestoreOutcome } from '../containment/types';
import type { HttpMethod } from '../http/client';
import type { AccountRecord } from '../model/types';
import { jsonOf, sendCall, vendorError, type DirectoryInvokers, type OperationLog, type TokenCache } from './directory-http';
import type { InvokeResponse, Invoker, SimulatedResponse } from './dry-run';

export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
export const GOOGLE_ADMIN_URL = 'https://admin.googleapis.com';
export const GOOGLE_SCOPES = [
  'https://www.googleapis.com/auth/admin.directory.user',
  'https://www.googleapis.com/auth/admin.directory.user.security',
  'https://www.googleapis.com/auth/admin.directory.group.readonly',
];

export interface GoogleSettings {
  /** The admin the service account acts as (domain-wide delegation `sub`). */
  adminEmail: string;
  /** Default https://admin.googleapis.com. */
  apiUrl?: string;
  /** Default: the key's token_uri, else https://oauth2.googleapis.com/token. */
  tokenUrl?: string;
}

export interface GoogleCredentials {
  /** The service account's JSON key, as downloaded. */
  serviceAccountKey?: string;
}

export const GOOGLE_STEPS: readonly IrreversibleStep[] = [
  { id: 'sign-out', label: 'Sign the user out of all web and device sessions (cannot be undone)' },
];

interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  token_uri?: string;
}

interface GoogleUser {
  id: string;
  primaryEmail: string;
  suspended?: boolean;
  aliases?: string[];
  isAdmin?: boolean;
}

const VENDOR = 'Google Workspace';

/** Reads the JSON key; never quotes its content in an error. */
export function parseServiceAccountKey(text: string): ServiceAccountKey {
  let key: Partial<ServiceAccountKey>;
  try {
    key = JSON.parse(text) as Partial<ServiceAccountKey>;
  } catch {
    throw new DirectoryError('config', 'Google Workspace: the service account key is not JSON: paste the whole JSON key file');
  }
  if (typeof key.client_email !== 'string' || typeof key.private_key !== 'string') {
    throw new DirectoryError('config', 'Google Workspace: the service account key lacks client_email or private_key');
  }
  return key as ServiceAccountKey;
}

const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** The signed JWT a service account exchanges for an access token (RFC 7523). */
export function serviceAccountJwt(key: ServiceAccountKey, subject: string, audience: string, scopes: readonly string[], now: Date = new Date()): string {
  const iat = Math.floor(now.getTime() / 1000);
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const claims = b64url(JSON.stringify({ iss: key.client_email, sub: subject, scope: scopes.join(' '), aud: audience, iat, exp: iat + 3600 }));
  let signature: Buffer;
  try {
    signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(key.private_key);
  } catch {
    throw new DirectoryError('config', 'Google Workspace: the private_key of the service account key cannot sign (not a PEM RSA key)');
  }
  return `${header}.${claims}.${b64url(signature)}`;
}

export function createGoogleBackend(settings: GoogleSettings, credentials: GoogleCredentials, invokers: DirectoryInvokers, log: OperationLog, tokens: TokenCache, missingCredentials: readonly string[] = [], now: () => Date = () => new Date()): DirectoryBackend {
  const api = (settings.apiUrl || GOOGLE_ADMIN_URL).replace(/\/+$/, '');
  const key = credentials.serviceAccountKey ? parseServiceAccountKey(credentials.serviceAccountKey) : undefined;
  const tokenUrl = settings.tokenUrl || key?.token_uri || GOOGLE_TOKEN_URL;
  if (key && !settings.adminEmail.trim()) throw new DirectoryError('config', 'Google Workspace: set the admin email the service account acts as (domain-wide delegation)');
  const cacheKey = `${tokenUrl}|${key?.client_email ?? ''}|${settings.adminEmail}`;
  const missing = missingCredentials.length ? { missingCredentials } : {};

  const fail = (res: InvokeResponse, what: string): DirectoryError => {
    // API: {error: {code, message, errors: [{reason, message}]}}; token endpoint: {error, error_description}.
    const body = jsonOf(res) as { error?: { message?: string; status?: string; errors?: Array<{ reason?: string }> } | string; error_description?: string } | undefined;
    const info = typeof body?.error === 'string'
      ? { code: body.error, ...(body.error_description ? { message: body.error_description } : {}) }
      : { ...(body?.error?.errors?.[0]?.reason ? { code: body.error.errors[0].reason } : body?.error?.status ? { code: body.error.status } : {}), ...(body?.error?.message ? { message: body.error.message } : {}) };
    return vendorError(VENDOR, res, info, what, { authError: 'unauthorized', invalid_grant: 'unauthorized', unauthorized_client: 'unauthorized', forbidden: 'forbidden', notFound: 'not-found', userRateLimitExceeded: 'rate-limited', rateLimitExceeded: 'rate-limited' });
  };

  const token = (): Promise<string> => tokens.get(cacheKey, async () => {
    const res = await sendCall(invokers.reads, log, VENDOR, {
      operation: 'google.token', method: 'POST', url: tokenUrl, destination: 'google-oauth', idempotent: true,
      // The assertion is a signed credential: the recorded body shows only that it was sent.
      form: { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: key ? serviceAccountJwt(key, settings.adminEmail.trim(), tokenUrl, GOOGLE_SCOPES, now()) : '' },
      simulated: { json: { access_token: 'dry-run-token', expires_in: 3599, token_type: 'Bearer' } },
      ...missing,
    });
    if (res.status !== 200) throw fail(res, 'Google Workspace: getting a token for the service account');
    const body = res.json<{ access_token?: string; expires_in?: number }>();
    if (!body.access_token) throw new DirectoryError('unauthorized', 'Google Workspace: the token endpoint answered without an access_token');
    return { token: body.access_token, expiresInS: Number(body.expires_in ?? 0), cache: !res.dryRun };
  });

  const call = async (invoker: Invoker, operation: string, method: HttpMethod, path: string, simulated: SimulatedResponse, extra: { json?: unknown; query?: Record<string, string> } = {}): Promise<InvokeResponse> => {
    for (let attempt = 0; ; attempt++) {
      const bearer = await token();
      const res = await sendCall(invoker, log, VENDOR, {
        operation, method, url: `${api}${path}`, headers: { authorization: `Bearer ${bearer}`, accept: 'application/json' },
        destination: 'google-admin', simulated, ...extra, ...missing,
      });
      if (res.status !== 401 || attempt > 0) return res;
      tokens.invalidate(cacheKey); // expired or revoked early: one fresh token, one more try
    }
  };

  const users = '/admin/directory/v1/users';
  const simulatedUser = (userKey: string, suspended: boolean): GoogleUser => ({ id: userKey, primaryEmail: userKey, suspended });
  const getUser = async (userKey: string, simulatedSuspended: boolean): Promise<GoogleUser> => {
    const res = await call(invokers.reads, 'google.users.get', 'GET', `${users}/${pathSegment(userKey)}`, { json: simulatedUser(userKey, simulatedSuspended) });
    if (res.status === 404) throw new DirectoryError('not-found', `Google Workspace: no user "${userKey}"`);
    if (res.status !== 200) throw fail(res, `Google Workspace: looking up "${userKey}"`);
    return res.json<GoogleUser>();
  };
  const setSuspended = async (id: string, login: string, suspended: boolean): Promise<void> => {
    const res = await call(invokers.writes, 'google.users.patch', 'PATCH', `${users}/${pathSegment(id)}`, { json: { id, primaryEmail: login, suspended } }, { json: { suspended } });
    if (res.status < 200 || res.status > 299) throw fail(res, `Google Workspace: ${suspended ? 'suspending' : 'unsuspending'} ${login}`);
  };

  return {
    kind: 'google',
    irreversibleSteps: GOOGLE_STEPS,

    async find(identifier) {
      const u = await getUser(identifier, false);
      const account: DirectoryAccount = {
        id: u.id, login: u.primaryEmail, names: [u.id, u.primaryEmail, ...(u.aliases ?? [])],
        disabled: u.suspended === true, state: { suspended: u.suspended === true, ...(u.isAdmin ? { isAdmin: true } : {}) },
      };
      return account;
    },

    async groups(account) {
      const res = await call(invokers.reads, 'google.groups.list', 'GET', '/admin/directory/v1/groups', { json: { groups: [] } }, { query: { userKey: account.id } });
      if (res.status !== 200) throw fail(res, `Google Workspace: reading the groups of ${account.login}`);
      return (res.json<{ groups?: Array<{ email?: string; name?: string }> }>().groups ?? []).flatMap((g) => [g.name, g.email].filter((n): n is string => !!n));
    },

    async disable(account, steps): Promise<DisableOutcome> {
      await setSuspended(account.id, account.login, true);
      const done: string[] = [];
      if (steps.includes('sign-out')) {
        const res = await call(invokers.writes, 'google.users.signOut', 'POST', `${users}/${pathSegment(account.id)}/signOut`, { status: 204 });
        if (res.status < 200 || res.status > 299) {
          throw withPartial(fail(res, `Google Workspace: signing ${account.login} out (the account IS suspended)`), { disabled: { method: 'google.suspended', reversible: true, irreversible: done } });
        }
        done.push('sign-out');
      }
      return { method: 'google.suspended', reversible: true, irreversible: done };
    },

    async restore(record: AccountRecord): Promise<RestoreOutcome> {
      const u = await getUser(record.accountId, true);
      if (u.suspended !== true) return 'already-enabled';
      await setSuspended(record.accountId, record.login, false);
      return 'restored';
    },

    async close() {},
  };
}
