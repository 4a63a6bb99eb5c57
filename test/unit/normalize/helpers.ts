// Shared by the normalizer tests: fixture paths, the fixed clock, error assertions.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { AlertFormatError, type AlertFormatErrorCode } from '../../../core/normalize';

/** Sources live in test/fixtures/alerts; tests run from dist/test/unit/normalize. */
export const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/alerts');
export const NOW = new Date('2026-06-15T12:00:00.000Z');

export function fixture(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, name));
}

export function throwsFormat(fn: () => unknown, code: AlertFormatErrorCode, message?: RegExp): AlertFormatError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof AlertFormatError, `expected AlertFormatError, got ${e instanceof Error ? e.constructor.name + ': ' + e.message : String(e)}`);
    assert.equal(e.code, code, `code of "${e.message}"`);
    assert.equal(e.statusCode, code === 'too-large' ? 413 : 400);
    if (message) assert.match(e.message, message);
    return e;
  }
  assert.fail(`expected AlertFormatError ${code}, nothing was thrown`);
}
