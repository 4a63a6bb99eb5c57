import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Incident } from '../../core/model/types';
import { startNodeRed, type RunningNodeRed } from '../helpers/runtime';
import { screenshotDir } from '../helpers/screenshots';
import { wazuhAlert } from '../helpers/payloads';

// Debian's chromium, installed by .ci/run. No fallback: without it this suite must fail.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const OUR_TYPES = ['ir-alert-in', 'ir-phase-gate', 'ir-ip-lookup', 'ir-domain-lookup', 'ir-log-fetch', 'ir-slack-notify', 'ir-pagerduty-page', 'ir-jira-ticket', 'ir-disable-account'];
const SCREENSHOTS = screenshotDir();

async function postAlert(nodeRed: RunningNodeRed, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${nodeRed.url}/ir/nist`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function openEditor(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => {
    const w = window as unknown as { RED?: { workspaces?: { active(): string } } };
    return Boolean(w.RED?.workspaces?.active()) && !document.querySelector('#red-ui-loading-progress:not([style*="none"])');
  }, undefined, { timeout: 30_000 });
}

describe('npm start, the editor and persistence (Node-RED CLI + Chromium)', () => {
  let userDir: string;
  let nodeRed: RunningNodeRed | undefined;
  let browser: Browser | undefined;

  before(async () => {
    assert.ok(fs.existsSync(CHROMIUM), `Chromium is required at ${CHROMIUM} (Debian package "chromium"; .ci/run installs it)`);
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-editor-'));
    nodeRed = await startNodeRed(userDir);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  });

  after(async () => {
    await browser?.close();
    await nodeRed?.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('deploys the NIST example on the first start and answers a real alert', async () => {
    assert.ok(fs.existsSync(path.join(userDir, 'flows.json')));
    const { status, json } = await postAlert(nodeRed!, wazuhAlert());
    assert.equal(status, 200, JSON.stringify(json));
    const incident = json as unknown as Incident;
    assert.deepEqual(incident.phases.map((p) => p.phase), ['detection-analysis', 'containment-eradication-recovery', 'post-incident']);
  });

  it('answers 400 to a malformed body and keeps running', async () => {
    const res = await fetch(`${nodeRed!.url}/ir/nist`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"broken":' });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'invalid-json');
    assert.equal((await postAlert(nodeRed!, wazuhAlert('203.0.113.5'))).status, 200);
  });

  it('shows our palette, icons, help and the phase-gate dialog in the editor', async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
    await openEditor(page, nodeRed!.url);
    for (const type of OUR_TYPES) {
      const entry = page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`);
      assert.equal(await entry.count(), 1, `${type} missing from the palette`);
    }
    const labels = await page.locator('.red-ui-palette-node[data-palette-type^="ir-"] .red-ui-palette-label').allTextContents();
    // Short labels use a non-breaking hyphen (the palette shows "alert - in" otherwise); long
    // ones keep a plain hyphen so they wrap there. Compare without white space.
    assert.deepEqual(labels.map((l) => l.replace(/\s+/g, '').replace(/\u2011/g, '-')).sort(), ['alert-in', 'disable-account', 'domain-lookup', 'ip-lookup', 'jira-ticket', 'log-fetch', 'pagerduty-page', 'phase-gate', 'slack-notify']);
    const category = await page.locator('.red-ui-palette-category .red-ui-palette-header').allTextContents();
    assert.ok(category.some((c) => /incident response/i.test(c)), category.join(', '));
    const icon = await page.locator('.red-ui-palette-node[data-palette-type="ir-alert-in"] .red-ui-palette-icon').evaluate((el) => getComputedStyle(el).backgroundImage);
    assert.match(icon, /alert-in\.svg/);
    const iconResponse = await page.request.get(`${nodeRed!.url}/icons/node-red-contrib-incident-response/alert-in.svg`);
    assert.equal(iconResponse.status(), 200);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'editor.png') });

    // The phase-gate dialog offers the phases of the framework.
    const options = await page.evaluate(async () => {
      const RED = (window as unknown as { RED: { nodes: { filterNodes(f: object): Array<{ id: string; phase: string }>; node(id: string): unknown }; editor: { edit(n: unknown): void } } }).RED;
      const gate = RED.nodes.filterNodes({ type: 'ir-phase-gate' })[0];
      RED.editor.edit(RED.nodes.node(gate.id));
      await new Promise((r) => setTimeout(r, 1500));
      return Array.from(document.querySelectorAll('#node-input-phase option')).map((o) => (o as HTMLOptionElement).value);
    });
    assert.deepEqual(options, ['preparation', 'detection-analysis', 'containment-eradication-recovery', 'post-incident']);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'phase-gate-dialog.png') });
    await page.close();
  });

  it('domain-lookup config dialog: names the credentials live mode lacks', async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
    await openEditor(page, nodeRed!.url);
    await page.evaluate(() => {
      const RED = (window as unknown as { RED: { editor: { editConfig(name: string, type: string, id: string): void } } }).RED;
      RED.editor.editConfig('', 'ir-domain-lookup-config', 'ir_nist_domain_lookup_config');
    });
    const hint = page.locator('.ir-missing-credentials');
    await hint.waitFor({ state: 'attached' });
    assert.equal(await hint.isVisible(), false, 'dry-run needs no credentials');
    await page.selectOption('#node-config-input-mode', 'live');
    await page.check('#node-config-input-virustotal');
    await hint.waitFor({ state: 'visible' });
    assert.match(await hint.textContent() ?? '', /VirusTotal key/);
    await page.fill('#node-config-input-virustotalKey', 'a-key');
    await hint.waitFor({ state: 'hidden' });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'domain-lookup-config-dialog.png') });
    await page.close();
  });

  it('lists the example under Import > Examples', async () => {
    const res = await fetch(`${nodeRed!.url}/library/examples/flows/node-red-contrib-incident-response/`, { headers: { 'Node-RED-API-Version': 'v2' } });
    assert.equal(res.status, 200);
    assert.match(JSON.stringify(await res.json()), /NIST SP 800-61 playbook/);
  });

  it('keeps incidents and their grouping across a restart', async () => {
    const first = await postAlert(nodeRed!, wazuhAlert('192.0.2.77'));
    assert.equal(first.status, 200);
    await nodeRed!.stop();
    nodeRed = await startNodeRed(userDir);
    const again = await postAlert(nodeRed, wazuhAlert('192.0.2.77'));
    assert.equal(again.status, 200);
    assert.equal(again.json.duplicateOf, first.json.id);
    assert.match(nodeRed.output(), /Started flows/);
    assert.doesNotMatch(nodeRed.output(), /deployed the NIST SP 800-61 example/);
  });
});
