import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from './runtime';

const ROOT = path.resolve(__dirname, '..', '..', '..');

export interface NodeRedProcess {
  port: number;
  url: string;
  pid: number;
  output: () => string;
  /** SIGINT and wait: Node-RED closes its nodes. */
  stop(): Promise<void>;
  /** kill -9: no close handlers, no goodbye to Redis. */
  kill9(): Promise<void>;
}

/**
 * The node-red CLI with the settings `npm start` uses (scripts/node-red-settings.js), started
 * directly rather than through scripts/start.js, so that a signal reaches the runtime itself.
 */
export async function startNodeRedCli(userDir: string, env: Record<string, string> = {}): Promise<NodeRedProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [require.resolve('node-red/red.js'), '-u', userDir, '-s', path.join(ROOT, 'scripts', 'node-red-settings.js'), '-p', String(port)], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), IR_USER_DIR: userDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Node-RED did not start within 60 s:\n${output}`)), 60_000);
    // "Started flows" comes before the HTTP server listens: wait for both, or the first
    // request may be refused.
    child.stdout?.on('data', () => {
      if (/Started flows/.test(output) && /Server now running at/.test(output)) { clearTimeout(timer); resolve(); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`Node-RED exited with ${code}:\n${output}`)); });
  });
  child.removeAllListeners('exit');
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    output: () => output,
    stop: () => signal('SIGINT'),
    kill9: () => signal('SIGKILL'),
  };
}
