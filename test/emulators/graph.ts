// Microsoft identity platform + Graph emulator: the client-credentials token endpoint, users
// (get by id or UPN, $filter on mail), PATCH accountEnabled, revokeSignInSessions and memberOf,
// with Graph's error shape {error: {code, message, innerError}} and AADSTS token errors.
import { randomUUID } from 'node:crypto';
import { startEmulator, type Emulator, type RecordedRequest, type ScriptedResponse } from './server';

export interface GraphUser {
  id: string;
  userPrincipalName: string;
  mail: string;
  accountEnabled: boolean;
  groups?: string[];
  sessionsRevoked?: number;
}

export interface GraphEmulator extends Emulator {
  users: Map<string, GraphUser>;
  tenant: string;
  client: { id: string; secret: string; readOnlyId: string };
  /** Tokens issued so far. */
  issued: string[];
  /** Revokes every token issued (the next call answers 401 InvalidAuthenticationToken). */
  expireTokens(): void;
}

export const graphError = (status: number, code: string, message: string): ScriptedResponse => ({
  status, body: { error: { code, message, innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': randomUUID(), 'client-request-id': randomUUID() } } },
});

export async function startGraph(users: GraphUser[]): Promise<GraphEmulator> {
  const byId = new Map(users.map((u) => [u.id, structuredClone(u)]));
  const tenant = 'contoso.onmicrosoft.com';
  const client = { id: '11111111-2222-3333-4444-555555555555', secret: 'graph-client-secret-value', readOnlyId: '99999999-2222-3333-4444-555555555555' };
  const valid = new Map<string, string>(); // token → client id
  const issued: string[] = [];

  const caller = (req: RecordedRequest): { clientId: string } | ScriptedResponse => {
    const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    const clientId = valid.get(token);
    if (!clientId) return graphError(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.');
    return { clientId };
  };
  const find = (key: string): GraphUser | undefined => byId.get(key) ?? [...byId.values()].find((u) => u.userPrincipalName.toLowerCase() === key.toLowerCase());
  const notFound = (key: string) => graphError(404, 'Request_ResourceNotFound', `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`);
  const show = (u: GraphUser): object => ({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity', id: u.id, userPrincipalName: u.userPrincipalName, mail: u.mail, accountEnabled: u.accountEnabled });
  const USER = /^\/v1\.0\/users\/([^/]+)$/;
  const SUB = /^\/v1\.0\/users\/([^/]+)\/(revokeSignInSessions|memberOf)$/;

  const emulator = await startEmulator({
    routes: [
      {
        method: 'POST', path: /^\/[^/]+\/oauth2\/v2\.0\/token$/, respond: (req) => {
          const t = decodeURIComponent(req.path.split('/')[1]!);
          if (t !== tenant) return { status: 400, body: { error: 'invalid_request', error_description: `AADSTS90002: Tenant '${t}' not found.`, error_codes: [90002] } };
          const f = req.form ?? {};
          if (f.grant_type !== 'client_credentials' || f.scope !== 'https://graph.microsoft.com/.default') return { status: 400, body: { error: 'invalid_request', error_description: 'AADSTS900144: The request body must contain the following parameter: grant_type or scope.' } };
          if ((f.client_id !== client.id && f.client_id !== client.readOnlyId) || f.client_secret !== client.secret) {
            return { status: 401, body: { error: 'invalid_client', error_description: "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.\r\nTrace ID: x", error_codes: [7000215] } };
          }
          const token = `eyJ0eXAiOiJKV1QifQ.${Buffer.from(randomUUID()).toString('base64url')}.sig`;
          valid.set(token, f.client_id);
          issued.push(token);
          return { body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token } };
        },
      },
      {
        method: 'GET', path: '/v1.0/users', respond: (req) => {
          const who = caller(req);
          if (!('clientId' in who)) return who;
          const m = /^mail eq '((?:[^']|'')*)'$/.exec(req.query.$filter ?? '');
          if (!m) return graphError(400, 'Request_UnsupportedQuery', 'Unsupported query.');
          const mail = m[1]!.replace(/''/g, "'").toLowerCase();
          const found = [...byId.values()].filter((u) => u.mail.toLowerCase() === mail);
          return { body: { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users', value: found.slice(0, Number(req.query.$top ?? 100)).map(show) } };
        },
      },
      {
        path: USER, respond: (req) => {
          const who = caller(req);
          if (!('clientId' in who)) return who;
          const key = decodeURIComponent(USER.exec(req.path)![1]!);
          const u = find(key);
          if (!u) return notFound(key);
          if (req.method === 'GET') return { body: show(u) };
          if (req.method !== 'PATCH') return graphError(405, 'Request_BadRequest', 'Method not allowed.');
          if (who.clientId === client.readOnlyId) return graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
          const body = req.json as { accountEnabled?: unknown } | undefined;
          if (typeof body?.accountEnabled !== 'boolean') return graphError(400, 'Request_BadRequest', 'Invalid property.');
          u.accountEnabled = body.accountEnabled;
          return { status: 204 };
        },
      },
      {
        path: SUB, respond: (req) => {
          const who = caller(req);
          if (!('clientId' in who)) return who;
          const [, rawKey, what] = SUB.exec(req.path)!;
          const key = decodeURIComponent(rawKey!);
          const u = find(key);
          if (!u) return notFound(key);
          if (what === 'memberOf') return { body: { value: (u.groups ?? []).map((displayName) => ({ '@odata.type': '#microsoft.graph.group', id: randomUUID(), displayName })) } };
          if (who.clientId === client.readOnlyId) return graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
          u.sessionsRevoked = (u.sessionsRevoked ?? 0) + 1;
          return { body: { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean', value: true } };
        },
      },
    ],
    fallback: graphError(400, 'BadRequest', 'Resource not found for the segment.'),
  });
  return Object.assign(emulator, { users: byId, tenant, client, issued, expireTokens: () => valid.clear() });
}
