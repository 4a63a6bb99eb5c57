// Google OAuth 2.0 + Admin SDK Directory API emulator: the JWT-bearer token endpoint checks the
// service account's RS256 signature and claims; users get/patch/signOut and groups?userKey=,
// with Google's error shape {error: {code, message, errors: [{message, domain, reason}]}}.
import { createVerify, generateKeyPairSync, randomUUID } from 'node:crypto';
import { startEmulator, type Emulator, type RecordedRequest, type ScriptedResponse } from './server';

export interface GoogleUser {
  id: string;
  primaryEmail: string;
  suspended: boolean;
  aliases?: string[];
  groups?: string[];
  signedOut?: number;
}

export interface GoogleEmulator extends Emulator {
  users: Map<string, GoogleUser>;
  /** The service account's JSON key (token_uri pointing here). */
  serviceAccountKey: string;
  adminEmail: string;
  /** Claims of each accepted assertion. */
  assertions: Array<Record<string, unknown>>;
  expireTokens(): void;
  /** Admins the emulator lets read but not change. */
  readOnlyAdmins: Set<string>;
}

export const googleError = (code: number, message: string, reason: string): ScriptedResponse => ({
  status: code, body: { error: { code, message, errors: [{ message, domain: 'global', reason }] } },
});

export async function startGoogle(users: GoogleUser[]): Promise<GoogleEmulator> {
  const byId = new Map(users.map((u) => [u.id, structuredClone(u)]));
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientEmail = 'ir-containment@project.iam.gserviceaccount.com';
  const adminEmail = 'admin@example.com';
  const readOnlyAdmins = new Set<string>();
  const valid = new Map<string, string>(); // token → admin
  const assertions: Array<Record<string, unknown>> = [];
  let url = '';

  const verify = (jwt: string): Record<string, unknown> | undefined => {
    const [h, c, s] = jwt.split('.');
    if (!h || !c || !s) return undefined;
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string };
    if (header.alg !== 'RS256') return undefined;
    const ok = createVerify('RSA-SHA256').update(`${h}.${c}`).verify(publicKey, Buffer.from(s, 'base64url'));
    return ok ? JSON.parse(Buffer.from(c, 'base64url').toString()) as Record<string, unknown> : undefined;
  };
  const caller = (req: RecordedRequest): { admin: string } | ScriptedResponse => {
    const admin = valid.get(String(req.headers.authorization ?? '').replace(/^Bearer /, ''));
    return admin ? { admin } : googleError(401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', 'authError');
  };
  const find = (key: string): GoogleUser | undefined => byId.get(key) ?? [...byId.values()].find((u) => u.primaryEmail.toLowerCase() === key.toLowerCase() || (u.aliases ?? []).some((a) => a.toLowerCase() === key.toLowerCase()));
  const show = (u: GoogleUser): object => ({ kind: 'admin#directory#user', id: u.id, primaryEmail: u.primaryEmail, suspended: u.suspended, ...(u.aliases ? { aliases: u.aliases } : {}), isAdmin: false });
  const USER = /^\/admin\/directory\/v1\/users\/([^/]+)$/;
  const SIGNOUT = /^\/admin\/directory\/v1\/users\/([^/]+)\/signOut$/;

  const emulator = await startEmulator({
    routes: [
      {
        method: 'POST', path: '/token', respond: (req) => {
          const f = req.form ?? {};
          if (f.grant_type !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'Invalid grant_type' } };
          const claims = verify(f.assertion ?? '');
          if (!claims) return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } };
          if (claims.iss !== clientEmail || claims.aud !== `${url}/token` || typeof claims.scope !== 'string' || !String(claims.scope).includes('admin.directory.user')) {
            return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT: claims do not match.' } };
          }
          if (claims.sub !== adminEmail && !readOnlyAdmins.has(String(claims.sub))) {
            return { status: 401, body: { error: 'unauthorized_client', error_description: 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.' } };
          }
          assertions.push(claims);
          const token = `ya29.${randomUUID()}`;
          valid.set(token, String(claims.sub));
          return { body: { access_token: token, expires_in: 3599, token_type: 'Bearer' } };
        },
      },
      {
        method: 'GET', path: '/admin/directory/v1/groups', respond: (req) => {
          const who = caller(req);
          if (!('admin' in who)) return who;
          const u = find(req.query.userKey ?? '');
          if (!u) return googleError(404, 'Resource Not Found: userKey', 'notFound');
          return { body: { kind: 'admin#directory#groups', groups: (u.groups ?? []).map((email) => ({ kind: 'admin#directory#group', email, name: email.split('@')[0] })) } };
        },
      },
      {
        path: USER, respond: (req) => {
          const who = caller(req);
          if (!('admin' in who)) return who;
          const u = find(decodeURIComponent(USER.exec(req.path)![1]!));
          if (!u) return googleError(404, 'Resource Not Found: userKey', 'notFound');
          if (req.method === 'GET') return { body: show(u) };
          if (req.method !== 'PATCH' && req.method !== 'PUT') return googleError(405, 'Method not allowed', 'httpMethodNotAllowed');
          if (readOnlyAdmins.has(who.admin)) return googleError(403, 'Not Authorized to access this resource/api', 'forbidden');
          const body = req.json as { suspended?: unknown } | undefined;
          if (typeof body?.suspended === 'boolean') u.suspended = body.suspended;
          return { body: show(u) };
        },
      },
      {
        method: 'POST', path: SIGNOUT, respond: (req) => {
          const who = caller(req);
          if (!('admin' in who)) return who;
          const u = find(decodeURIComponent(SIGNOUT.exec(req.path)![1]!));
          if (!u) return googleError(404, 'Resource Not Found: userKey', 'notFound');
          u.signedOut = (u.signedOut ?? 0) + 1;
          return { status: 204 };
        },
      },
    ],
    fallback: googleError(404, 'Not Found', 'notFound'),
  });
  url = emulator.url;
  const serviceAccountKey = JSON.stringify({
    type: 'service_account', project_id: 'project', private_key_id: 'abc123', client_email: clientEmail, client_id: '123456789',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), token_uri: `${url}/token`,
  }, null, 2);
  return Object.assign(emulator, { users: byId, serviceAccountKey, adminEmail, assertions, readOnlyAdmins, expireTokens: () => valid.clear() });
}
