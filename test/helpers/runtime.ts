import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface RunningNodeRed {
  port: number;
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

/** `npm start` as a user runs it (scripts/start.js, the node-red CLI), on a given user dir. */
export async function startNodeRed(userDir: string, args: string[] = [], env: Record<string, string> = {}): Promise<RunningNodeRed> {
  // A restart may need the same port: approval links carry the address.
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), IR_USER_DIR: userDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Node-RED did not start within 60 s:\n${output}`)), 60_000);
    const check = () => {
      // "Started flows" comes before the HTTP server listens: wait for both.
      if (/Started flows/.test(output) && /Server now running at/.test(output)) { clearTimeout(timer); resolve(); }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`Node-RED exited with ${code}:\n${output}`)); });
  });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.removeAllListeners('exit');
      child.on('exit', () => resolve());
      child.kill('SIGINT');
    }),
  };
}
