import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './runtime';

export const REDIS_SERVER = process.env.IR_REDIS_SERVER || '/usr/bin/redis-server';

export interface RunningRedis {
  port: number;
  url: string;
  stop(): Promise<void>;
}

function tlsArgs(dir: string, port: number, tls: { certPem: string; keyPem: string }): string[] {
  fs.writeFileSync(path.join(dir, 'server.crt'), tls.certPem);
  fs.writeFileSync(path.join(dir, 'server.key'), tls.keyPem, { mode: 0o600 });
  return ['--port', '0', '--tls-port', String(port), '--tls-cert-file', path.join(dir, 'server.crt'), '--tls-key-file', path.join(dir, 'server.key'), '--tls-auth-clients', 'no'];
}

/**
 * A throwaway redis-server on 127.0.0.1 (no persistence, its own temporary directory). A missing
 * binary fails the test: the Redis store is never tested against anything but a real Redis.
 */
export async function startRedis(extraArgs: string[] = [], options: { tls?: { certPem: string; keyPem: string } } = {}): Promise<RunningRedis> {
  if (!fs.existsSync(REDIS_SERVER)) {
    throw new Error(`${REDIS_SERVER} is missing: install the Debian package redis-server (.ci/run does) to run the Redis store tests`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-redis-'));
  const port = await freePort();
  // With TLS, the only port is the TLS one (clients without TLS get nowhere).
  const listen = options.tls ? tlsArgs(dir, port, options.tls) : ['--port', String(port)];
  const child: ChildProcess = spawn(REDIS_SERVER, ['--bind', '127.0.0.1', ...listen, '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 20 s:\n${output}`)), 20_000);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`redis-server exited with ${code}:\n${output}`)); });
    child.stdout?.on('data', () => {
      if (/Ready to accept connections/.test(output)) { clearTimeout(timer); resolve(); }
    });
  });
  child.removeAllListeners('exit');
  return {
    port,
    url: `${options.tls ? 'rediss' : 'redis'}://127.0.0.1:${port}/0`,
    stop: () => new Promise<void>((resolve) => {
      const done = () => { fs.rmSync(dir, { recursive: true, force: true }); resolve(); };
      if (child.exitCode !== null) return done();
      child.on('exit', done);
      child.kill('SIGTERM');
    }),
  };
}
