// A real OpenLDAP slapd for the tests: cn=config (mdb database, ppolicy overlay with a default
// policy) and data in a temporary directory, listening on 127.0.0.1 only. A missing slapd is
// an error, never a skip.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/runtime';

export const SLAPD = process.env.SLAPD_PATH ?? '/usr/sbin/slapd';
const SLAPADD = process.env.SLAPADD_PATH ?? '/usr/sbin/slapadd';
const MODULES = ['/usr/lib/ldap', '/usr/lib/x86_64-linux-gnu/ldap', '/usr/lib/aarch64-linux-gnu/ldap', '/usr/libexec/openldap'];
const SCHEMAS = '/etc/ldap/schema';

export const SUFFIX = 'dc=example,dc=org';
export const ROOT_DN = `cn=admin,${SUFFIX}`;
export const ROOT_PW = 'r00t-Secret-pw';

export interface Slapd {
  url: string;
  port: number;
  /** ldaps:// URL when started with TLS. */
  ldapsUrl?: string;
  dir: string;
  stop(): Promise<void>;
  /** slapd's output so far (for failure messages). */
  output(): string;
}

function moduleDir(): string {
  const found = MODULES.find((d) => fs.existsSync(path.join(d, 'back_mdb.so')) || fs.existsSync(path.join(d, 'back_mdb.la')));
  if (!found) throw new Error(`OpenLDAP modules (back_mdb, ppolicy) not found in ${MODULES.join(', ')}: install the Debian package slapd`);
  return found;
}

function config(dir: string, modules: string, tls: boolean): string {
  return `dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: ${dir}/slapd.pid
${tls ? `olcTLSCACertificateFile: ${dir}/ca.pem\nolcTLSCertificateFile: ${dir}/server.pem\nolcTLSCertificateKeyFile: ${dir}/server.key\n` : ''}
dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: ${modules}
olcModuleLoad: back_mdb
olcModuleLoad: ppolicy

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file://${SCHEMAS}/core.ldif
include: file://${SCHEMAS}/cosine.ldif
include: file://${SCHEMAS}/inetorgperson.ldif
include: file://${SCHEMAS}/nis.ldif
include: file://${SCHEMAS}/namedobject.ldif
include: file://${SCHEMAS}/msuser.ldif

dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: {0}to * by * none

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: ${SUFFIX}
olcRootDN: ${ROOT_DN}
olcRootPW: ${ROOT_PW}
olcDbDirectory: ${dir}/db
olcDbMaxSize: 104857600
olcDbIndex: objectClass eq
olcAccess: {0}to attrs=userPassword by self write by anonymous auth by * none
olcAccess: {1}to * by users read by * none

dn: olcOverlay={0}ppolicy,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcPPolicyConfig
olcOverlay: {0}ppolicy
olcPPolicyDefault: cn=default,ou=policies,${SUFFIX}
`;
}

export interface SlapdTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** Starts slapd with `data` (LDIF under dc=example,dc=org) loaded; with `tls`, also on ldaps:// and with StartTLS. */
export async function startSlapd(data: string, tls?: SlapdTls): Promise<Slapd> {
  if (!fs.existsSync(SLAPD)) throw new Error(`${SLAPD} not found: the LDAP system tests need OpenLDAP (Debian packages slapd and ldap-utils)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-slapd-'));
  const cfg = path.join(dir, 'slapd.d');
  fs.mkdirSync(cfg);
  fs.mkdirSync(path.join(dir, 'db'));
  if (tls) {
    fs.writeFileSync(path.join(dir, 'ca.pem'), tls.caPem);
    fs.writeFileSync(path.join(dir, 'server.pem'), tls.certPem);
    fs.writeFileSync(path.join(dir, 'server.key'), tls.keyPem, { mode: 0o600 });
  }
  fs.writeFileSync(path.join(dir, 'slapd.ldif'), config(dir, moduleDir(), !!tls));
  fs.writeFileSync(path.join(dir, 'data.ldif'), data);
  if (!fs.existsSync(SLAPADD)) throw new Error(`${SLAPADD} not found: install the Debian package slapd`);
  try {
    execFileSync(SLAPADD, ['-n0', '-F', cfg, '-l', path.join(dir, 'slapd.ldif')], { stdio: 'pipe' });
    execFileSync(SLAPADD, ['-F', cfg, '-b', SUFFIX, '-l', path.join(dir, 'data.ldif')], { stdio: 'pipe' });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`slapadd failed: ${e.stderr?.toString() || e.message}`);
  }
  const port = await freePort();
  const tlsPort = tls ? await freePort() : undefined;
  const listen = `ldap://127.0.0.1:${port}/${tlsPort ? ` ldaps://127.0.0.1:${tlsPort}/` : ''}`;
  let output = '';
  const child: ChildProcess = spawn(SLAPD, ['-h', listen, '-F', cfg, '-d', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (c: Buffer) => { output += c.toString(); });
  child.stderr?.on('data', (c: Buffer) => { output += c.toString(); });
  let exited = false;
  child.on('exit', () => { exited = true; });
  const stop = (): Promise<void> => new Promise((resolve) => {
    const cleanup = (): void => {
      fs.rmSync(dir, { recursive: true, force: true });
      resolve();
    };
    if (exited) return cleanup();
    child.once('exit', cleanup);
    child.kill('SIGTERM');
  });
  // Ready when the port accepts connections.
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exited) throw new Error(`slapd exited at start:\n${output}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (open) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`slapd did not listen on 127.0.0.1:${port} within 20 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url: `ldap://127.0.0.1:${port}`, port, ...(tlsPort ? { ldapsUrl: `ldaps://127.0.0.1:${tlsPort}` } : {}), dir, stop, output: () => output };
}
