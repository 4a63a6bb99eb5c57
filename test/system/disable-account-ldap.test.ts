// disable-account against a real OpenLDAP slapd (ppolicy) started by the test: the whole
// path from an alert naming a compromised user, through an approval, to the lock and back.
import assert from 'node:assert/strict';
import { Client, InvalidCredentialsError } from 'ldapts';
import supertest from 'supertest';
import type { AccountRecord, Incident } from '../../core/model/types';
import { incidentErrors } from '../../core/model/validate';
import { incident, observable } from '../helpers/fixtures';
import { ALL_NODES, captureHttpNode, helper, nextError, nextMessage, type FlowNode } from '../helpers/node-red';
import { createTestPki, type TestPki } from '../emulators/certs';
import { ROOT_DN, ROOT_PW, startSlapd, SUFFIX, type Slapd } from './slapd';

const PEOPLE = `ou=people,${SUFFIX}`;
const DATA = `dn: ${SUFFIX}
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: ou=policies,${SUFFIX}
objectClass: organizationalUnit
ou: policies

dn: cn=default,ou=policies,${SUFFIX}
objectClass: namedPolicy
objectClass: pwdPolicy
cn: default
pwdAttribute: userPassword
pwdLockout: TRUE

dn: ${PEOPLE}
objectClass: organizationalUnit
ou: people

dn: ou=groups,${SUFFIX}
objectClass: organizationalUnit
ou: groups
${['alice', 'bob', 'admin', 'carol', 'dave1', 'dave2', 'breakglass1'].map((u) => `
dn: uid=${u},${PEOPLE}
objectClass: inetOrgPerson
uid: ${u}
cn: ${u}
sn: ${u}
mail: ${u.startsWith('dave') ? 'shared' : u}@example.org
userPassword: ${u}-pw
${u === 'carol' ? 'pwdAccountLockedTime: 000001010000Z\n' : ''}`).join('')}
dn: cn=admins,ou=groups,${SUFFIX}
objectClass: groupOfNames
cn: admins
member: uid=admin,${PEOPLE}

dn: cn=reader,${SUFFIX}
objectClass: person
cn: reader
sn: reader
userPassword: reader-pw

dn: cn=erin,${PEOPLE}
objectClass: user
cn: erin
sn: erin
instanceType: 4
nTSecurityDescriptor:: AA==
objectCategory: cn=person,${SUFFIX}
userAccountControl: 512
`;

interface OutMsg { incident: Incident; accounts: Array<{ identifier: string; outcome: string; message: string; code?: string }>; approval?: { approve: string } }

/** Does `uid`'s own password still open a session? (ppolicy refuses a locked account's bind.) */
async function canBind(url: string, uid: string): Promise<boolean> {
  const c = new Client({ url, timeout: 5000, connectTimeout: 5000 });
  try {
    await c.bind(`uid=${uid},${PEOPLE}`, `${uid}-pw`);
    return true;
  } catch (err) {
    if (err instanceof InvalidCredentialsError) return false;
    throw err;
  } finally {
    await c.unbind().catch(() => undefined);
  }
}

async function lockedUsers(url: string): Promise<string[]> {
  const c = new Client({ url, timeout: 5000 });
  try {
    await c.bind(ROOT_DN, ROOT_PW);
    const { searchEntries } = await c.search(PEOPLE, { scope: 'sub', filter: '(pwdAccountLockedTime=*)', attributes: ['uid'] });
    return searchEntries.map((e) => String(e.uid)).sort();
  } finally {
    await c.unbind();
  }
}

async function uac(url: string, dn: string): Promise<number> {
  const c = new Client({ url, timeout: 5000 });
  try {
    await c.bind(ROOT_DN, ROOT_PW);
    const { searchEntries } = await c.search(dn, { scope: 'base', attributes: ['userAccountControl'] });
    return Number(searchEntries[0]!.userAccountControl);
  } finally {
    await c.unbind();
  }
}

describe('disable-account against a real OpenLDAP slapd', function () {
  this.timeout(60_000);
  let slapd: Slapd;
  let pki: TestPki;
  const http = captureHttpNode();
  const modules = [...ALL_NODES, http.module];

  before(async () => {
    pki = createTestPki('IR LDAP test CA');
    slapd = await startSlapd(DATA, { caPem: pki.ca.certPem, certPem: pki.server.certPem, keyPem: pki.server.keyPem });
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await slapd?.stop();
  });
  afterEach(() => helper.unload());

  function directory(overrides: Record<string, unknown> = {}): FlowNode {
    return {
      id: 'dir', type: 'ir-directory', name: 'corp LDAP', mode: 'live', kind: 'ldap', ldapUrl: slapd.url, bindDn: ROOT_DN, baseDn: PEOPLE,
      filter: '(|(uid={user})(mail={user}))', ldapFlavor: 'openldap', protectedAccounts: 'group:admins\nbreakglass*', timeout: 5, ...overrides,
    };
  }
  const creds = (password = ROOT_PW): Record<string, Record<string, string>> => ({ dir: { bindPassword: password } });

  /**
   * A disable-account (or restore) node alone, fed incidents directly. It continues after a
   * failure (not the default), so each outcome, failures included, is read from its output.
   */
  async function single(node: Record<string, unknown> = {}, dir: Record<string, unknown> = {}, password = ROOT_PW): Promise<void> {
    await helper.load(modules, [
      { id: 'tab', type: 'tab' },
      directory(dir),
      { id: 'disable', type: 'ir-disable-account', z: 'tab', directory: 'dir', requireApproval: false, maxAccounts: 5, onFailure: 'continue', ...node, wires: [['out']] },
      { id: 'out', type: 'helper', z: 'tab' },
    ], creds(password));
  }
  const run = async (users: string[]): Promise<OutMsg> => {
    const out = nextMessage<OutMsg>(helper.getNode('out'), 15_000);
    helper.getNode('disable').receive({ incident: incident({ observables: users.map((u) => observable('user', u, ['target'])) }) } as never);
    return out;
  };

  it('an alert naming a compromised user: held for approval, disabled once approved, a protected admin refused, restore re-enables exactly that user', async () => {
    await helper.load(modules, [
      { id: 'tab', type: 'tab' },
      directory(),
      { id: 'in', type: 'ir-alert-in', z: 'tab', auth: 'none', wires: [['detect'], [], []] },
      { id: 'detect', type: 'ir-phase-gate', z: 'tab', framework: 'nist-800-61r2', phase: 'detection-analysis', approval: 'never', wires: [['contain'], []] },
      {
        id: 'contain', type: 'ir-phase-gate', z: 'tab', framework: 'nist-800-61r2', phase: 'containment-eradication-recovery',
        approval: 'always', approvalTimeoutMinutes: 60, publicBaseUrl: 'http://127.0.0.1:1880/', wires: [['disable'], [], ['awaiting'], []],
      },
      { id: 'disable', type: 'ir-disable-account', z: 'tab', directory: 'dir', requireApproval: true, wires: [['disabled']] },
      { id: 'awaiting', type: 'helper', z: 'tab' },
      { id: 'disabled', type: 'helper', z: 'tab' },
      { id: 'restorer', type: 'ir-disable-account', z: 'tab', directory: 'dir', action: 'restore', wires: [['restored']] },
      { id: 'restored', type: 'helper', z: 'tab' },
    ], creds());
    assert.equal(await canBind(slapd.url, 'alice'), true);

    // The compromised account: alice signed in from a known-bad address.
    const awaiting = nextMessage<OutMsg>(helper.getNode('awaiting'));
    helper.getNode('in').receive({ payload: { title: 'Impossible travel: alice', severity: 'high', timestamp: '2026-12-03T10:00:00Z', src_ip: '203.0.113.9', user: 'alice' } } as never);
    const held = await awaiting;
    assert.ok(held.incident.observables.some((o) => o.type === 'user' && o.value === 'alice'));
    assert.equal(await canBind(slapd.url, 'alice'), true, 'nothing happens before the approval');

    const disabled = nextMessage<OutMsg>(helper.getNode('disabled'), 15_000);
    await supertest(http.app()).post(new URL(held.approval!.approve).pathname).type('form').send({ by: 'alice-the-analyst', reason: 'contain' }).expect(200);
    const got = await disabled;
    assert.deepEqual(got.accounts.map((a) => [a.identifier, a.outcome]), [['alice', 'disabled']]);
    assert.equal(await canBind(slapd.url, 'alice'), false, 'the locked account can no longer bind');
    assert.deepEqual(await lockedUsers(slapd.url), ['alice', 'carol']);
    const record = got.incident.accounts![0] as AccountRecord;
    assert.equal(record.accountId, `uid=alice,${PEOPLE}`);
    assert.equal(record.method, 'ldap.ppolicy.pwdAccountLockedTime');
    assert.equal(record.previous.pwdAccountLockedTime, null);
    assert.equal(got.incident.status, 'contained');
    assert.deepEqual(incidentErrors(got.incident), []);
    const entry = got.incident.timeline.find((e) => e.action === 'disable-account')!;
    assert.equal(entry.outcome, 'ok');
    assert.ok(!JSON.stringify(got.incident).includes(ROOT_PW), 'the bind password is in no record');

    // A second alert names the protected admin (member of cn=admins): refused and recorded.
    const awaiting2 = nextMessage<OutMsg>(helper.getNode('awaiting'));
    helper.getNode('in').receive({ payload: { title: 'Admin brute force', severity: 'critical', timestamp: '2026-12-03T10:05:00Z', src_ip: '203.0.113.10', user: 'admin', rule: 'other' } } as never);
    const held2 = await awaiting2;
    const refusedMsg = nextMessage<OutMsg>(helper.getNode('disabled'), 15_000);
    await supertest(http.app()).post(new URL(held2.approval!.approve).pathname).type('form').send({ by: 'alice-the-analyst' }).expect(200);
    const refused = await refusedMsg;
    assert.deepEqual(refused.accounts.map((a) => [a.identifier, a.outcome, a.code]), [['admin', 'refused', 'protected']]);
    assert.match(refused.accounts[0]!.message, /member of .*admins/);
    assert.equal(refused.incident.timeline.find((e) => e.action === 'disable-account')!.outcome, 'skipped');
    assert.equal(await canBind(slapd.url, 'admin'), true);
    assert.equal(refused.incident.accounts, undefined);

    // Restore after recovery: alice again, carol (locked before the incident) stays locked.
    const restoredMsg = nextMessage<OutMsg>(helper.getNode('restored'), 15_000);
    helper.getNode('restorer').receive({ incident: got.incident } as never);
    const restored = await restoredMsg;
    assert.deepEqual(restored.accounts.map((a) => [a.identifier, a.outcome]), [['alice', 'restored']]);
    assert.equal(await canBind(slapd.url, 'alice'), true);
    assert.deepEqual(await lockedUsers(slapd.url), ['carol']);
    assert.equal(restored.incident.accounts![0]!.state, 'restored');
    assert.equal(restored.incident.timeline.filter((e) => e.action === 'restore-account').at(-1)!.outcome, 'ok');
  });

  it('without an approval nothing is touched', async () => {
    await single({ requireApproval: true });
    const got = await run(['bob']);
    assert.deepEqual(got.accounts.map((a) => [a.outcome, a.code]), [['refused', 'approval']]);
    assert.equal(await canBind(slapd.url, 'bob'), true);
  });

  it('protected by name pattern: refused before any change', async () => {
    await single();
    const got = await run(['breakglass1']);
    assert.deepEqual(got.accounts.map((a) => [a.outcome, a.code]), [['refused', 'protected']]);
    assert.equal(await canBind(slapd.url, 'breakglass1'), true);
  });

  it('not found: a catchable error naming the user, a timeline entry, and the incident flows on (set to continue)', async () => {
    await single();
    const err = nextError(helper.getNode('disable'), 15_000);
    const got = await run(['mallory']);
    assert.match(String(await err), /no account matches \(\|\(uid=mallory\)\(mail=mallory\)\)/);
    assert.deepEqual(got.accounts.map((a) => [a.outcome, a.code]), [['failed', 'not-found']]);
    assert.equal(got.incident.timeline.at(-1)!.outcome, 'error');
  });

  it('an already disabled account is reported, not an error, and restore leaves it locked', async () => {
    await single();
    const got = await run(['carol']);
    assert.deepEqual(got.accounts.map((a) => a.outcome), ['already-disabled']);
    assert.equal(got.incident.accounts, undefined);
    assert.equal(got.incident.timeline.at(-1)!.outcome, 'ok');
    await helper.unload();
    await single({ action: 'restore' });
    const out = nextMessage<OutMsg>(helper.getNode('out'), 15_000);
    helper.getNode('disable').receive({ incident: got.incident } as never);
    const restored = await out;
    assert.match(restored.incident.timeline.at(-1)!.summary, /Nothing to restore/);
    assert.deepEqual(await lockedUsers(slapd.url), ['carol']);
  });

  it('a user name crafted to widen the filter matches nothing and locks nobody', async () => {
    await single();
    const err = nextError(helper.getNode('disable'), 15_000);
    const got = await run(['*)(uid=*', '*']);
    await err;
    assert.deepEqual(got.accounts.map((a) => [a.identifier, a.outcome, a.code]), [['*)(uid=*', 'failed', 'not-found'], ['*', 'failed', 'not-found']]);
    assert.match(got.accounts[0]!.message, /\\2a\\29\\28uid=\\2a/);
    assert.deepEqual(await lockedUsers(slapd.url), ['carol']);
  });

  it('a value matching two accounts disables neither', async () => {
    await single();
    const err = nextError(helper.getNode('disable'), 15_000);
    const got = await run(['shared@example.org']);
    assert.match(String(await err), /more than one account/);
    assert.deepEqual(got.accounts.map((a) => a.code), ['ambiguous']);
    assert.deepEqual(await lockedUsers(slapd.url), ['carol']);
  });

  it('bad bind credentials: a clear error that never shows the password', async () => {
    await single({}, {}, 'wrong-password-123');
    const err = nextError(helper.getNode('disable'), 15_000);
    const got = await run(['bob']);
    const message = String(await err);
    assert.match(message, /bind was refused \(invalid credentials\)/);
    assert.ok(!message.includes('wrong-password-123'));
    assert.ok(!JSON.stringify(got.incident).includes('wrong-password-123'));
    assert.deepEqual(got.accounts.map((a) => a.code), ['unauthorized']);
  });

  it('a bind DN without write access: insufficient privileges, nothing changed', async () => {
    await single({}, { bindDn: `cn=reader,${SUFFIX}` }, 'reader-pw');
    const err = nextError(helper.getNode('disable'), 15_000);
    const got = await run(['bob']);
    assert.match(String(await err), /insufficient access/);
    assert.deepEqual(got.accounts.map((a) => a.code), ['forbidden']);
    assert.equal(await canBind(slapd.url, 'bob'), true);
  });

  it('directory down: unavailable, with the address', async () => {
    await single({}, { ldapUrl: 'ldap://127.0.0.1:1', timeout: 2 });
    const err = nextError(helper.getNode('disable'), 15_000);
    const got = await run(['bob']);
    assert.match(String(await err), /LDAP ldap:\/\/127\.0\.0\.1:1 unreachable/);
    assert.deepEqual(got.accounts.map((a) => a.code), ['unavailable']);
  });

  it('dry-run with credentials reads the directory and records exactly the change, making none', async () => {
    await single({}, { mode: 'dry-run' });
    const got = await run(['bob']);
    assert.deepEqual(got.accounts.map((a) => a.outcome), ['would-disable']);
    const entry = got.incident.timeline.at(-1)!;
    assert.equal(entry.outcome, 'dry-run');
    const ops = entry.details!.operations as Array<{ operation: string; outcome: string; dn?: string; changes?: unknown }>;
    // bind, the account, its groups (protected groups are checked), then the change it would make
    assert.deepEqual(ops.map((o) => [o.operation, o.outcome]), [['ldap.bind', 'ok'], ['ldap.search', 'ok'], ['ldap.search', 'ok'], ['ldap.modify', 'dry-run']]);
    assert.deepEqual(ops[3]!.changes, [{ operation: 'replace', attribute: 'pwdAccountLockedTime', values: ['000001010000Z'] }]);
    assert.equal(ops[3]!.dn, `uid=bob,${PEOPLE}`);
    assert.equal(got.incident.accounts![0]!.dryRun, true);
    assert.equal(await canBind(slapd.url, 'bob'), true);
  });

  it('Active Directory flavour: sets and clears only the ACCOUNTDISABLE bit of userAccountControl', async () => {
    const erin = `cn=erin,${PEOPLE}`;
    await single({}, { ldapFlavor: 'ad', filter: '(&(objectClass=user)(cn={user}))' });
    const got = await run(['erin']);
    assert.deepEqual(got.accounts.map((a) => a.outcome), ['disabled']);
    assert.equal(await uac(slapd.url, erin), 514);
    assert.deepEqual(got.incident.accounts![0]!.previous, { userAccountControl: 512, memberOf: [] });
    await helper.unload();
    await single({ action: 'restore' }, { ldapFlavor: 'ad', filter: '(&(objectClass=user)(cn={user}))' });
    const out = nextMessage<OutMsg>(helper.getNode('out'), 15_000);
    helper.getNode('disable').receive({ incident: got.incident } as never);
    assert.deepEqual((await out).accounts.map((a) => a.outcome), ['restored']);
    assert.equal(await uac(slapd.url, erin), 512);
  });

  it('LDAPS and StartTLS with a custom CA; without the CA the certificate is refused', async () => {
    await single({}, { ldapUrl: slapd.ldapsUrl, ca: pki.ca.certPem });
    let got = await run(['bob']);
    assert.deepEqual(got.accounts.map((a) => a.outcome), ['disabled']);
    assert.equal(await canBind(slapd.url, 'bob'), false);
    await helper.unload();

    await single({ action: 'restore' }, { startTls: true, ca: pki.ca.certPem });
    const out = nextMessage<OutMsg>(helper.getNode('out'), 15_000);
    helper.getNode('disable').receive({ incident: got.incident } as never);
    assert.deepEqual((await out).accounts.map((a) => a.outcome), ['restored']);
    assert.equal(await canBind(slapd.url, 'bob'), true);
    await helper.unload();

    await single({}, { ldapUrl: slapd.ldapsUrl });
    const err = nextError(helper.getNode('disable'), 15_000);
    got = await run(['bob']);
    assert.match(String(await err), /TLS: self-signed certificate in certificate chain \[SELF_SIGNED_CERT_IN_CHAIN\]: add the server's CA/);
    assert.deepEqual(got.accounts.map((a) => a.code), ['config']);
    assert.equal(await canBind(slapd.url, 'bob'), true);
  });

  it('another directory: a configured attribute change, undone to its previous values', async () => {
    const dir = { ldapFlavor: 'attribute', attribute: 'employeeType', disabledValue: 'disabled', dnTemplate: `uid={user},${PEOPLE}` };
    await single({}, dir);
    const got = await run(['bob']);
    assert.deepEqual(got.accounts.map((a) => a.outcome), ['disabled']);
    assert.equal(got.incident.accounts![0]!.method, 'ldap.attribute.employeeType');
    assert.deepEqual(got.incident.accounts![0]!.previous, { attribute: 'employeeType', values: [], memberOf: [] });
    const read = async (): Promise<string[]> => {
      const c = new Client({ url: slapd.url, timeout: 5000 });
      await c.bind(ROOT_DN, ROOT_PW);
      const { searchEntries } = await c.search(`uid=bob,${PEOPLE}`, { scope: 'base', attributes: ['employeeType'] });
      await c.unbind();
      const v = searchEntries[0]!.employeeType;
      return (v === undefined ? [] : Array.isArray(v) ? v : [v]).map(String);
    };
    assert.deepEqual(await read(), ['disabled']);
    await helper.unload();
    await single({ action: 'restore' }, dir);
    const out = nextMessage<OutMsg>(helper.getNode('out'), 15_000);
    helper.getNode('disable').receive({ incident: got.incident } as never);
    assert.deepEqual((await out).accounts.map((a) => a.outcome), ['restored']);
    assert.deepEqual(await read(), []);
  });
});
