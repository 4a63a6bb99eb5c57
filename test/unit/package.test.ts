import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface PackFile { path: string }

describe('the npm package', () => {
  // --ignore-scripts: the test run has just built; prepack would build again.
  const files = (JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' })) as Array<{ files: PackFile[] }>)[0].files.map((f) => f.path);
  const pkg = require(path.join(ROOT, 'package.json')) as { main: string; 'node-red': { version: string; nodes: Record<string, string> }; keywords: string[] };

  it('is a Node-RED module for 4.1 and later', () => {
    assert.equal(pkg['node-red'].version, '>=4.1.0');
    assert.ok(pkg.keywords.includes('node-red'));
  });

  it('ships every node with its editor file and icons beside the .js', () => {
    for (const [type, file] of Object.entries(pkg['node-red'].nodes)) {
      assert.match(type, /^ir-/);
      assert.ok(files.includes(file), `${file} not packed`);
      assert.ok(files.includes(file.replace(/\.js$/, '.html')), `${type}: .html not packed`);
      const dir = path.dirname(file);
      if (type !== 'ir-incident-store') assert.ok(files.includes(`${dir}/icons/${type.slice(3)}.svg`), `${type}: icon not packed`);
    }
  });

  it('ships the example flows in examples/ and the schema, not the tests', () => {
    assert.ok(files.includes('examples/NIST SP 800-61 playbook.json'));
    assert.ok(files.includes('examples/logs/auth.log') && files.includes('examples/logs/app.jsonl.2.gz'), 'sample logs not packed');
    assert.ok(files.includes('dist/schema/incident.schema.json'));
    assert.ok(files.includes('LICENSE'));
    assert.ok(files.includes(pkg.main));
    assert.ok(!files.some((f) => f.startsWith('dist/test/')), 'tests are packed');
  });

  it('exports the core API from its main entry', () => {
    const core = require(path.join(ROOT, pkg.main)) as Record<string, unknown>;
    for (const name of ['normalizeAlerts', 'normalizeAlert', 'AlertFormatError', 'validateIncident', 'FRAMEWORKS', 'incidentSchema']) {
      assert.ok(core[name], `${name} is not exported`);
    }
  });
});
