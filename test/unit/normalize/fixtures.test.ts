// Every repository fixture against its oracle (same checks as the acceptance corpus run),
// and every supported format covered by at least one fixture.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { FORMATS, normalizeAlert } from '../../../core/normalize';
import { compare } from '../../corpus/run';
import { FIXTURES, NOW } from './helpers';

describe('normalize: repository fixtures', () => {
  const files = fs.readdirSync(FIXTURES).filter((f) => !f.endsWith('.expected.json') && f !== 'README.md').sort();
  const sources = new Set<string>();

  for (const file of files) {
    it(file, () => {
      const exp = JSON.parse(fs.readFileSync(path.join(FIXTURES, `${file}.expected.json`), 'utf8'));
      const alert = normalizeAlert(fs.readFileSync(path.join(FIXTURES, file)), { now: NOW });
      sources.add(alert.source);
      assert.deepEqual(compare(alert, exp, NOW), []);
    });
  }

  it('covers every format id in FORMATS', () => {
    const missing = FORMATS.map((f) => f.id).filter((id) => !sources.has(id));
    assert.deepEqual(missing, []);
  });
});
