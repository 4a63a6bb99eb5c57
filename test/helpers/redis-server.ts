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

/**
 * A throwaway redis-server on 127.0.0.1 (no persistence, its own temporary directory). A missing
 * binary fails the test: the Redis store is never tested against anything but a real Redis.
 */
export async function startRedis(extraArgs: string[] = []): Promise<RunningRedis> {
  if (!fs.existsSync(REDIS_SERVER)) {
    throw new Error(`${REDIS_SERVER} is missing: install the Debian package redis-server (.ci/run does) to run the Redis store tests`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-redis-'));
  const port = await freePort();
  const child: ChildProcess = spawn(REDIS_SERVER, ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs], {
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
    url: `redis://127.0.0.1:${port}/0`,
    stop: () => new Promise<void>((resolve) => {
      const done = () => { fs.rmSync(dir, { recursive: true, force: true }); resolve(); };
      if (child.exitCode !== null) return done();
      child.on('exit', done);
      child.kill('SIGTERM');
    }),
  };
}
