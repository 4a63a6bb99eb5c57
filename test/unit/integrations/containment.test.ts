import assert from 'node:assert/strict';
import { createVerify, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { approvalOf, identifiersFrom, matchAny, parseProtectedList } from '../../../core/containment/contain';
import { escapeDnValue, escapeFilterValue, fillDn, fillFilter, globToRegExp, odataString, oktaSearchString, pathSegment } from '../../../core/containment/escape';
import { TokenCache } from '../../../core/integrations/directory-http';
import { parseServiceAccountKey, serviceAccountJwt } from '../../../core/integrations/google-workspace';
import { namingContext } from '../../../core/integrations/ldap';
import { buildReport } from '../../../core/report/report';
import { DIRECTORY_KINDS, type AccountRecord } from '../../../core/model/types';
import { incidentErrors, incidentSchema } from '../../../core/model/validate';
import { observable, incident } from '../../helpers/fixtures';

/** Reads an RFC 4515 escaped value back, refusing any unescaped special. */
function unescapeFilter(escaped: string): string {
  assert.ok(!/[*()\0]/.test(escaped.replace(/\\[0-9a-f]{2}/g, '')), `unescaped special in ${escaped}`);
  const bytes: number[] = [];
  for (let i = 0; i < escaped.length; i++) {
    if (escaped[i] === '\\') {
      bytes.push(parseInt(escaped.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(escaped.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

describe('containment: escaping and safety rules', () => {
  it('RFC 4515: filter values keep no filter syntax and read back to the same value', () => {
    assert.equal(escapeFilterValue('*)(uid=*'), '\\2a\\29\\28uid=\\2a');
    assert.equal(escapeFilterValue('a\\b\0'), 'a\\5cb\\00');
    assert.equal(fillFilter('(|(uid={user})(mail={user}))', 'x)(|(uid=*'), '(|(uid=x\\29\\28|\\28uid=\\2a)(mail=x\\29\\28|\\28uid=\\2a))');
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (value) => {
      const escaped = escapeFilterValue(value);
      assert.equal(unescapeFilter(escaped), Buffer.from(value, 'utf8').toString('utf8'));
      assert.ok(!/[\\](?![0-9a-f]{2})/.test(escaped));
    }));
    assert.throws(() => fillFilter('(uid=alice)', 'x'), /no \{user\} placeholder/);
  });

  it('RFC 4514: DN values cannot add an RDN or leave their attribute', () => {
    assert.equal(escapeDnValue('bob,ou=admins'), 'bob\\,ou\\=admins');
    assert.equal(escapeDnValue(' #x+y;"<>\\ '), '\\ #x\\+y\\;\\"\\<\\>\\\\\\ ');
    assert.equal(escapeDnValue('#x'), '\\#x');
    assert.equal(fillDn('uid={user},ou=people,dc=example,dc=org', 'a,dc=org'), 'uid=a\\,dc\\=org,ou=people,dc=example,dc=org');
    fc.assert(fc.property(fc.string(), (value) => {
      // No unescaped separator survives: splitting on them finds one piece.
      const escaped = escapeDnValue(value);
      assert.equal(escaped.replace(/\\./g, '').match(/[,+;=<>"]/), null);
    }));
  });

  it('protected groups are searched in the naming context of the base DN', () => {
    assert.equal(namingContext('ou=people,dc=example,dc=org'), 'dc=example,dc=org');
    assert.equal(namingContext('OU=Staff,OU=Corp,DC=corp,DC=example,DC=com'), 'DC=corp,DC=example,DC=com');
    assert.equal(namingContext('o=example'), 'o=example');
  });

  it('URL path segments: percent-encoded, dot segments refused', () => {
    assert.equal(pathSegment('alice@example.org'), 'alice%40example.org');
    assert.equal(pathSegment("a/b?c#d%e'(x)*"), 'a%2Fb%3Fc%23d%25e%27%28x%29%2A');
    for (const bad of ['', '.', '..', '%2e%2E', '...']) assert.throws(() => pathSegment(bad), /cannot name an account/);
    fc.assert(fc.property(fc.string({ minLength: 1 }).filter((s) => !/^(\.|%2e)+$/i.test(s)), (value) => {
      const url = new URL(`https://api.example.com/api/v1/users/${pathSegment(value)}`);
      assert.equal(url.pathname.split('/').length, 5, 'one segment');
      assert.equal(decodeURIComponent(url.pathname.split('/')[4]!), value);
    }));
  });

  it('OData and Okta search literals are quoted', () => {
    assert.equal(odataString("o'brien"), "'o''brien'");
    assert.equal(oktaSearchString('a"b\\c'), '"a\\"b\\\\c"');
  });

  it('protected lists: names, globs and groups, case-insensitive', () => {
    const list = parseProtectedList('# admins\nAdministrator\nbreakglass-*\n\ngroup: Domain Admins, svc-?');
    assert.deepEqual(list, { names: ['Administrator', 'breakglass-*', 'svc-?'], groups: ['Domain Admins'] });
    assert.deepEqual(matchAny(list.names, ['x', 'BREAKGLASS-01']), { pattern: 'breakglass-*', name: 'BREAKGLASS-01' });
    assert.equal(matchAny(list.names, ['svc-12']), undefined);
    assert.ok(matchAny(list.groups, ['domain admins']));
    assert.ok(!globToRegExp('a.b').test('axb'), 'a dot is a dot');
  });

  it('user identifiers from observables: types, roles, de-duplicated', () => {
    const obs = [observable('user', 'alice', ['actor']), observable('user', 'ALICE', ['target']), observable('email', 'bob@x.org', ['target']), observable('user', 'carol', ['related']), observable('ip', '10.0.0.1')];
    assert.deepEqual(identifiersFrom(obs), ['alice', 'carol']);
    assert.deepEqual(identifiersFrom(obs, ['user', 'email'], ['target']), ['ALICE', 'bob@x.org']);
  });

  it('approval means an approved hold for the current phase', () => {
    const hold = { id: 'h', gate: { type: 'ir-phase-gate', id: 'g' }, phase: 'contain', state: 'approved' as const, createdAt: '2026-03-01T10:00:00.000Z', expiresAt: '2026-03-01T11:00:00.000Z', tokens: [], decidedBy: 'alice' };
    assert.deepEqual(approvalOf(incident({ phase: 'contain', holds: [hold] })), { phase: 'contain', by: 'alice' });
    assert.equal(approvalOf(incident({ phase: 'post-incident', holds: [hold] })), undefined);
    assert.equal(approvalOf(incident({ phase: 'contain', holds: [{ ...hold, state: 'denied' }] })), undefined);
  });

  it('token cache: reused until a minute before expiry, then fetched again', async () => {
    let now = 0;
    let fetched = 0;
    const cache = new TokenCache(() => now);
    const fetch = async () => ({ token: `t${++fetched}`, expiresInS: 3600, cache: true });
    assert.equal(await cache.get('k', fetch), 't1');
    now = 3500 * 1000;
    assert.equal(await cache.get('k', fetch), 't1');
    now = 3541 * 1000;
    assert.equal(await cache.get('k', fetch), 't2');
    cache.invalidate('k');
    assert.equal(await cache.get('k', fetch), 't3');
  });

  it('Google service account JWT: RS256 over the claims the delegation needs', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = parseServiceAccountKey(JSON.stringify({ client_email: 'sa@p.iam.gserviceaccount.com', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) }));
    const jwt = serviceAccountJwt(key, 'admin@example.com', 'https://oauth2.googleapis.com/token', ['s1', 's2'], new Date('2026-12-03T10:00:00Z'));
    const [h, c, s] = jwt.split('.');
    assert.ok(createVerify('RSA-SHA256').update(`${h}.${c}`).verify(publicKey, Buffer.from(s!, 'base64url')));
    assert.deepEqual(JSON.parse(Buffer.from(h!, 'base64url').toString()), { alg: 'RS256', typ: 'JWT' });
    assert.deepEqual(JSON.parse(Buffer.from(c!, 'base64url').toString()), { iss: 'sa@p.iam.gserviceaccount.com', sub: 'admin@example.com', scope: 's1 s2', aud: 'https://oauth2.googleapis.com/token', iat: 1796292000, exp: 1796295600 });
    assert.throws(() => parseServiceAccountKey('{"private_key": "x"'), (err: Error) => /not JSON/.test(err.message) && !err.message.includes('private_key'));
  });

  it('the post-incident report lists the accounts, and which are still disabled', () => {
    const rec: AccountRecord = {
      directory: { id: 'd', name: 'corp LDAP', kind: 'ldap' }, identifier: 'alice', accountId: 'uid=alice,dc=example,dc=org', login: 'alice', state: 'disabled',
      method: 'ldap.ppolicy.pwdAccountLockedTime', reversible: true, previous: {}, irreversible: [], disabledAt: '2026-03-01T10:10:00.000Z', node: { type: 'ir-disable-account', id: 'n' },
    };
    const restored: AccountRecord = { ...rec, login: 'bob', state: 'restored', restoredAt: '2026-03-02T09:00:00.000Z', irreversible: ['revoke-sessions'] };
    const report = buildReport(incident({ accounts: [rec, restored, { ...rec, login: 'carol', dryRun: true }] }), undefined);
    assert.match(report.markdown, /## Accounts\n\n- alice \(corp LDAP, ldap\.ppolicy\.pwdAccountLockedTime\): disabled since 2026-03-01T10:10:00\.000Z, \*\*not restored\*\*\n- bob .*restored 2026-03-02T09:00:00\.000Z; cannot be undone: revoke-sessions\n- carol .*dry-run only/);
    assert.equal((report.json.accounts as unknown[]).length, 3);
    assert.deepEqual(incidentErrors(incident({ accounts: [rec, restored] })), []);
    assert.equal(incidentErrors(incident({ accounts: [{ ...rec, state: 'gone' as 'disabled' }] })).length, 1);
    assert.deepEqual(incidentSchema.properties.accounts.items.properties.directory.properties.kind.enum, [...DIRECTORY_KINDS]);
  });
});
