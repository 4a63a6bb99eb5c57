import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startNodeRed, type RunningNodeRed } from '../helpers/runtime';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const START = path.join(ROOT, 'scripts', 'start.js');

/** scripts/start.js run to its end (it exits before Node-RED starts when a setting is wrong). */
function startExpectingFailure(env: Record<string, string>): { status: number | null; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-start-bad-'));
  try {
    const run = spawnSync(process.execPath, [START], { cwd: ROOT, env: { ...process.env, IR_USER_DIR: dir, ...env }, encoding: 'utf8', timeout: 30_000 });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('npm start: its settings from the environment (Node-RED CLI)', () => {
  let userDir: string;
  let nodeRed: RunningNodeRed | undefined;

  before(async () => {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-start-all-'));
    nodeRed = await startNodeRed(userDir, [], { IR_EXAMPLES: 'all' });
  });

  after(async () => {
    await nodeRed?.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('IR_EXAMPLES=all deploys the four examples side by side, each answering at its endpoint', async () => {
    const flows = JSON.parse(fs.readFileSync(path.join(userDir, 'flows.json'), 'utf8')) as { type: string; label?: string }[];
    assert.deepEqual(flows.filter((n) => n.type === 'tab').map((n) => n.label), ['NIST SP 800-61 playbook', 'CERT playbook', 'ISACA playbook', 'ISO/IEC 27035 playbook']);
    const alert = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'alerts', 'cloudtrail-assumed.json'));
    for (const endpoint of ['nist', 'cert', 'isaca', 'iso27035']) {
      const res = await fetch(`${nodeRed!.url}/ir/${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: alert });
      const body = (await res.json()) as unknown;
      assert.equal(res.status, 200, `${endpoint}: ${JSON.stringify(body).slice(0, 300)}`);
    }
  });

  it('a malformed admin request gets Node-RED\'s 400 without a stack trace or file paths', async () => {
    const res = await fetch(`${nodeRed!.url}/ir/incidents/x/note`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'nope' });
    assert.equal(res.status, 400);
    const text = await res.text();
    assert.doesNotMatch(text, /node_modules|SyntaxError|\bat\s+\S+\s+\(/);
  });

  it('names a wrong PORT, IR_SETTINGS_JSON or IR_EXAMPLES and exits before starting Node-RED', () => {
    const port = startExpectingFailure({ PORT: 'abc' });
    assert.equal(port.status, 1);
    assert.match(port.output, /PORT must be a port number \(1-65535\), not "abc"/);
    const settings = startExpectingFailure({ IR_SETTINGS_JSON: '{bad' });
    assert.equal(settings.status, 1);
    assert.match(settings.output, /IR_SETTINGS_JSON is not usable/);
    const list = startExpectingFailure({ IR_SETTINGS_JSON: '[1]' });
    assert.match(list.output, /IR_SETTINGS_JSON is not usable: it must be a JSON object/);
    const examples = startExpectingFailure({ IR_EXAMPLES: 'some' });
    assert.match(examples.output, /IR_EXAMPLES must be nist or all, not "some"/);
    for (const run of [port, settings, list, examples]) assert.doesNotMatch(run.output, /Welcome to Node-RED/);
  });
});
