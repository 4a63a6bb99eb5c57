// Okta Management API emulator: users (get by id or login, search by email), lifecycle
// (suspend, unsuspend, deactivate, expire_password), sessions and groups, with Okta's error
// shape {errorCode, errorSummary, errorLink, errorId, errorCauses} and its codes.
import { randomUUID } from 'node:crypto';
import { startEmulator, type Emulator, type RecordedRequest, type ScriptedResponse } from './server';

export interface OktaUser {
  id: string;
  status: 'ACTIVE' | 'SUSPENDED' | 'DEPROVISIONED' | 'PASSWORD_EXPIRED' | 'LOCKED_OUT' | 'STAGED';
  profile: { login: string; email: string };
  groups?: string[];
  passwordExpired?: boolean;
  sessionsCleared?: number;
}

export interface OktaEmulator extends Emulator {
  users: Map<string, OktaUser>;
  /** Tokens accepted; `readOnly` ones may read but not change (E0000006). */
  tokens: { valid: string; readOnly: string };
}

export const oktaError = (status: number, errorCode: string, errorSummary: string): ScriptedResponse => ({
  status, body: { errorCode, errorSummary, errorLink: errorCode, errorId: `oae${randomUUID().replace(/-/g, '').slice(0, 22)}`, errorCauses: [] },
});

export async function startOkta(users: OktaUser[]): Promise<OktaEmulator> {
  const byId = new Map(users.map((u) => [u.id, structuredClone(u)]));
  const tokens = { valid: 'okta-api-token-0123456789', readOnly: 'okta-readonly-token-0123456789' };

  const auth = (req: RecordedRequest, write: boolean): ScriptedResponse | undefined => {
    const header = String(req.headers.authorization ?? '');
    const token = header.startsWith('SSWS ') ? header.slice(5) : '';
    if (token !== tokens.valid && token !== tokens.readOnly) return oktaError(401, 'E0000011', 'Invalid token provided');
    if (write && token === tokens.readOnly) return oktaError(403, 'E0000006', 'You do not have permission to perform the requested action');
    return undefined;
  };
  const find = (key: string): OktaUser | undefined => byId.get(key) ?? [...byId.values()].find((u) => u.profile.login.toLowerCase() === key.toLowerCase());
  const show = (u: OktaUser): object => ({ id: u.id, status: u.status, created: '2025-01-01T00:00:00.000Z', profile: { ...u.profile }, _links: {} });
  // Path segments arrive percent-encoded: decode once, as Okta does.
  const USER = /^\/api\/v1\/users\/([^/]+)$/;
  const SUB = /^\/api\/v1\/users\/([^/]+)\/(lifecycle\/[a-z_]+|sessions|groups)$/;

  const emulator = await startEmulator({
    routes: [
      {
        method: 'GET', path: '/api/v1/users', respond: (req) => {
          const denied = auth(req, false);
          if (denied) return denied;
          const m = /^profile\.email eq "((?:[^"\\]|\\.)*)"$/.exec(req.query.search ?? '');
          if (!m) return oktaError(400, 'E0000031', 'Invalid search criteria.');
          const email = m[1]!.replace(/\\(.)/g, '$1').toLowerCase();
          const found = [...byId.values()].filter((u) => u.profile.email.toLowerCase() === email);
          return { body: found.slice(0, Number(req.query.limit ?? 200)).map(show) };
        },
      },
      {
        method: 'GET', path: USER, respond: (req) => {
          const denied = auth(req, false);
          if (denied) return denied;
          const key = decodeURIComponent(USER.exec(req.path)![1]!);
          const u = find(key);
          return u ? { body: show(u) } : oktaError(404, 'E0000007', `Not found: Resource not found: ${key} (User)`);
        },
      },
      {
        path: SUB, respond: (req) => {
          const [, rawId, what] = SUB.exec(req.path)!;
          const denied = auth(req, req.method !== 'GET');
          if (denied) return denied;
          const key = decodeURIComponent(rawId!);
          const u = byId.get(key);
          if (!u) return oktaError(404, 'E0000007', `Not found: Resource not found: ${key} (User)`);
          if (what === 'groups' && req.method === 'GET') return { body: (u.groups ?? []).map((name) => ({ id: `00g${name}`, type: 'OKTA_GROUP', profile: { name } })) };
          if (what === 'sessions' && req.method === 'DELETE') {
            u.sessionsCleared = (u.sessionsCleared ?? 0) + 1;
            return { status: 204 };
          }
          if (req.method !== 'POST') return oktaError(405, 'E0000022', 'The endpoint does not support the provided HTTP method');
          const step = what!.slice('lifecycle/'.length);
          const invalid = (why: string) => oktaError(400, 'E0000001', `Api validation failed: ${why}`);
          switch (step) {
            case 'suspend':
              if (u.status !== 'ACTIVE') return invalid('Cannot suspend a user that is not active');
              u.status = 'SUSPENDED';
              return { body: {} };
            case 'unsuspend':
              if (u.status !== 'SUSPENDED') return invalid('Cannot unsuspend a user that is not suspended');
              u.status = 'ACTIVE';
              return { body: {} };
            case 'deactivate':
              u.status = 'DEPROVISIONED';
              return { body: {} };
            case 'expire_password':
              u.passwordExpired = true;
              if (u.status === 'ACTIVE') u.status = 'PASSWORD_EXPIRED';
              return { body: show(u) };
            default:
              return oktaError(404, 'E0000007', `Not found: Resource not found: ${step}`);
          }
        },
      },
    ],
    fallback: oktaError(404, 'E0000007', 'Not found: Resource not found'),
  });
  return Object.assign(emulator, { users: byId, tokens });
}
