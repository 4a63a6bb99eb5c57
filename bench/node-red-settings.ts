// Node-RED settings for the benchmarks: `npm start`'s settings (scripts/node-red-settings.js,
// same context store, this package from the repo) plus what measuring needs: quiet logs, a
// small admin endpoint with the process's memory (GET /bench/memory[?gc=1]), and the retention sweep interval the
// harness asks for (IR_BENCH_SWEEP_MS; hourly otherwise).
import type { NextFunction, Request, Response } from 'express';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const base = require(path.resolve(__dirname, '..', '..', 'scripts', 'node-red-settings.js')) as Record<string, unknown>;

const sweepMs = Number(process.env.IR_BENCH_SWEEP_MS);
const contextModule = process.env.IR_BENCH_CONTEXT ?? '';

function memoryEndpoint(req: Request, res: Response, next: NextFunction): void {
  if (req.method !== 'GET' || req.path !== '/bench/memory') return next();
  // ?gc=1 (with node --expose-gc): the live set, not wherever the collector's sawtooth is.
  const gc = (globalThis as { gc?: () => void }).gc;
  if (req.query.gc && gc) gc();
  res.json({ ...process.memoryUsage(), pid: process.pid, collected: Boolean(req.query.gc && gc) });
}

export = {
  ...base,
  // The context store the incidents live in: `npm start`'s localfilesystem unless asked otherwise.
  ...(contextModule ? { contextStorage: { default: { module: contextModule }, memory: { module: 'memory' } } } : {}),
  logging: { console: { level: 'warn', metrics: false, audit: false } },
  httpAdminMiddleware: memoryEndpoint,
  incidentResponse: Number.isFinite(sweepMs) && sweepMs > 0 ? { sweepIntervalMs: sweepMs } : {},
};
