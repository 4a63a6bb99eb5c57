// Okta: suspend (reversible: unsuspend), or deactivate (deprovisions: not reversible), clear
// sessions, expire the password. Management API with `Authorization: SSWS <API token>`.
import { oktaSearchString, pathSegment } from '../containment/escape';
import { DirectoryError, withPartial, type DirectoryAccount, type DirectoryBackend, type DisableOutcome, type IrreversibleStep, type RestoreOutcome } from '../containment/types';
import type { AccountRecord } from '../model/types';
import { jsonOf, sendCall, vendorError, type DirectoryInvokers, type OperationLog } from './directory-http';
import type { InvokeResponse, Invoker, SimulatedResponse } from './dry-run';
import type { HttpMethod } from '../http/client';


export interface OktaSettings {
  /** e.g. https://example.okta.com (emulators: http://127.0.0.1:port). */
  baseUrl: string;
  /** login: GET /api/v1/users/{login} (id, login or short name); email: search profile.email. */
  matchBy: 'login' | 'email';
}

export interface OktaCredentials {
  apiToken?: string;
}

export const OKTA_STEPS: readonly IrreversibleStep[] = [
  { id: 'deactivate', label: 'Deactivate instead of suspend (deprovisions the user: cannot be undone)' },
  { id: 'clear-sessions', label: 'Clear all sessions and OAuth tokens (cannot be undone)' },
  { id: 'expire-password', label: 'Expire the password: the user must set a new one (cannot be undone)' },
];

interface OktaUser {
  id: string;
  status: string;
  profile?: { login?: string; email?: string; secondEmail?: string };
}

// Error codes that say more than the status (developer.okta.com/docs/reference/error-codes).
const CODES = { E0000011: 'unauthorized', E0000006: 'forbidden', E0000007: 'not-found', E0000047: 'rate-limited' } as const;
const DISABLED = new Set(['SUSPENDED', 'DEPROVISIONED']);
const VENDOR = 'Okta';

export function createOktaBackend(settings: OktaSettings, credentials: OktaCredentials, invokers: DirectoryInvokers, log: OperationLog, missingCredentials: readonly string[] = []): DirectoryBackend {
  // A fully simulated dry-run may go without an org URL (it calls nothing); anything that calls may not.
  const base = (settings.baseUrl || (invokers.reads.mode === 'dry-run' ? 'https://your-org.okta.com' : '')).replace(/\/+$/, '');
  if (!/^https?:\/\//i.test(base)) throw new DirectoryError('config', `Okta: set the org URL (an http(s) URL such as https://example.okta.com) in the directory config node; "${settings.baseUrl}" is not one`);

  const call = (invoker: Invoker, operation: string, method: HttpMethod, path: string, simulated: SimulatedResponse | (() => SimulatedResponse), query?: Record<string, string>): Promise<InvokeResponse> =>
    sendCall(invoker, log, VENDOR, {
      operation, method, url: `${base}${path}`, ...(query ? { query } : {}),
      headers: { accept: 'application/json', ...(credentials.apiToken ? { authorization: `SSWS ${credentials.apiToken}` } : {}) },
      destination: 'okta',
      simulated: typeof simulated === 'function' ? () => simulated() : simulated,
      ...(missingCredentials.length ? { missingCredentials } : {}),
    });

  const fail = (res: InvokeResponse, what: string): DirectoryError => {
    const body = jsonOf(res) as { errorCode?: string; errorSummary?: string } | undefined;
    return vendorError(VENDOR, res, { ...(body?.errorCode ? { code: body.errorCode } : {}), ...(body?.errorSummary ? { message: body.errorSummary } : {}) }, what, CODES);
  };

  const toAccount = (user: OktaUser): DirectoryAccount => {
    const names = [user.id, user.profile?.login, user.profile?.email, user.profile?.secondEmail].filter((n): n is string => !!n);
    return { id: user.id, login: user.profile?.login ?? user.id, names, disabled: DISABLED.has(user.status), state: { status: user.status } };
  };

  // Dry-run without credentials: the answer Okta would give for an active (or, restoring, suspended) user.
  const simulatedUser = (identifier: string, status = 'ACTIVE'): OktaUser => ({ id: identifier.startsWith('dry-run:') ? identifier : `dry-run:${identifier}`, status, profile: { login: identifier, email: identifier } });

  const getUser = async (invoker: Invoker, idOrLogin: string, simulatedStatus?: string): Promise<OktaUser> => {
    const res = await call(invoker, 'okta.users.get', 'GET', `/api/v1/users/${pathSegment(idOrLogin)}`, { json: simulatedUser(idOrLogin, simulatedStatus) });
    if (res.status !== 200) {
      const err = fail(res, `Okta: looking up "${idOrLogin}"`);
      throw err.code === 'not-found' ? new DirectoryError('not-found', `Okta: no user "${idOrLogin}" (${err.message.replace(/^.*?failed: /, '')})`) : err;
    }
    return res.json<OktaUser>();
  };

  const lifecycle = async (account: { id: string; login: string }, step: string, query?: Record<string, string>): Promise<void> => {
    const res = await call(invokers.writes, `okta.lifecycle.${step}`, 'POST', `/api/v1/users/${pathSegment(account.id)}/lifecycle/${step}`, { json: {} }, query);
    if (res.status < 200 || res.status > 299) throw fail(res, `Okta: ${step} ${account.login}`);
  };

  return {
    kind: 'okta',
    irreversibleSteps: OKTA_STEPS,

    async find(identifier) {
      if (settings.matchBy === 'email') {
        const res = await call(invokers.reads, 'okta.users.search', 'GET', '/api/v1/users', { json: [simulatedUser(identifier)] }, { search: `profile.email eq ${oktaSearchString(identifier)}`, limit: '2' });
        if (res.status !== 200) throw fail(res, `Okta: searching for "${identifier}"`);
        const users = res.json<OktaUser[]>();
        if (users.length === 0) throw new DirectoryError('not-found', `Okta: no user with email "${identifier}"`);
        if (users.length > 1) throw new DirectoryError('ambiguous', `Okta: more than one user has email "${identifier}": none disabled`);
        return toAccount(users[0]!);
      }
      return toAccount(await getUser(invokers.reads, identifier));
    },

    async groups(account) {
      const res = await call(invokers.reads, 'okta.users.groups', 'GET', `/api/v1/users/${pathSegment(account.id)}/groups`, { json: [] });
      if (res.status !== 200) throw fail(res, `Okta: reading the groups of ${account.login}`);
      return res.json<Array<{ id: string; profile?: { name?: string } }>>().flatMap((g) => [g.profile?.name, g.id].filter((n): n is string => !!n));
    },

    async disable(account, steps): Promise<DisableOutcome> {
      const done: string[] = [];
      let disabled: DisableOutcome | undefined;
      const status = String(account.state.status);
      try {
        if (steps.includes('deactivate')) {
          await lifecycle(account, 'deactivate', { sendEmail: 'false' });
          done.push('deactivate');
          disabled = { method: 'okta.deactivate', reversible: false, irreversible: done };
        } else {
          if (status !== 'ACTIVE') throw new DirectoryError('conflict', `Okta can suspend only ACTIVE users; ${account.login} is ${status}: choose "deactivate" to contain it, or act in Okta`);
          await lifecycle(account, 'suspend');
          disabled = { method: 'okta.suspend', reversible: true, irreversible: done };
        }
        if (steps.includes('clear-sessions')) {
          const res = await call(invokers.writes, 'okta.users.sessions.clear', 'DELETE', `/api/v1/users/${pathSegment(account.id)}/sessions`, { status: 204 }, { oauthTokens: 'true' });
          if (res.status < 200 || res.status > 299) throw fail(res, `Okta: clearing the sessions of ${account.login} (the account IS ${disabled.method === 'okta.suspend' ? 'suspended' : 'deactivated'})`);
          done.push('clear-sessions');
        }
        // Last: Okta moves an expired password to PASSWORD_EXPIRED, which it cannot suspend.
        if (steps.includes('expire-password')) {
          await lifecycle(account, 'expire_password', { tempPassword: 'false' });
          done.push('expire-password');
        }
        return disabled;
      } catch (err) {
        throw withPartial(err, { ...(disabled ? { disabled } : {}), irreversibleDone: [...done] });
      }
    },

    async restore(record: AccountRecord): Promise<RestoreOutcome> {
      const user = await getUser(invokers.reads, record.accountId, 'SUSPENDED');
      if (user.status === 'ACTIVE') return 'already-enabled';
      if (user.status !== 'SUSPENDED') throw new DirectoryError('conflict', `Okta: ${record.login} is now ${user.status}, not SUSPENDED: only a suspension can be undone here; act in Okta`);
      await lifecycle({ id: record.accountId, login: record.login }, 'unsuspend');
      return 'restored';
    },

    async close() {
      // HTTP: the config node's client outlives the message.
    },
  };
}
