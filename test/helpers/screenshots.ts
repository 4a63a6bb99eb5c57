import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * Where the browser tests keep their screenshots: IR_SCREENSHOT_DIR when set, otherwise
 * test-artifacts/screenshots/ in the repo (ignored by git). The directory is created.
 */
export function screenshotDir(): string {
  const dir = process.env.IR_SCREENSHOT_DIR ? path.resolve(process.env.IR_SCREENSHOT_DIR) : path.join(ROOT, 'test-artifacts', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
