// Each example flow as a user gets it: Node-RED started with no flow at all, the example
// imported through the editor (main menu → Import → Examples → node-red-contrib-incident-response),
// into a tab of its own, deployed with the Deploy button: no error notification, no warning
// dialog, the runtime holds the example's nodes and logs no error. A real alert posted to the
// example's endpoint is answered 200 with the incident; a critical one is held (202) and the
// incident shows up in the editor's debug sidebar (its "incident answered" and "approval links" debug nodes).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startNodeRedCli, type NodeRedProcess } from '../helpers/node-red-cli';
import { screenshotDir } from '../helpers/screenshots';

// Debian's chromium, installed by .ci/run, launched as test/system/editor.test.ts does.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ROOT = path.resolve(__dirname, '..', '..', '..');
const PACKAGE = 'node-red-contrib-incident-response';
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'alerts');
// Generous: a slow 2-core machine runs the editor, Chromium and the runtime at once.
const UI_TIMEOUT = 60_000;

const EXAMPLES = [
  { name: 'NIST SP 800-61 playbook', endpoint: '/ir/nist' },
  { name: 'CERT playbook', endpoint: '/ir/cert' },
  { name: 'ISACA playbook', endpoint: '/ir/isaca' },
  { name: 'ISO-IEC 27035 playbook', endpoint: '/ir/iso27035' },
];

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * The examples keep their incidents in one Node-RED context: the same alert posted to a second
 * example joins the first one's incident. Each example gets an alert of its own (another source
 * address, another event id), so its own playbook handles it.
 */
function mediumAlert(index: number): Record<string, unknown> {
  const alert = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'cloudtrail-assumed.json'), 'utf8')) as Record<string, unknown>;
  return { ...alert, sourceIPAddress: `2001:db8:4:4::${100 + index}`, eventID: `e4e4e4e4-0000-4000-8000-${String(100 + index).padStart(12, '0')}` };
}

/** A critical GuardDuty finding (held for approval before containment), one per example. */
function criticalAlert(index: number): Record<string, unknown> {
  const alert = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'guardduty-eventbridge.json'), 'utf8')) as {
    detail: { id: string; service: { action: { networkConnectionAction: { remoteIpDetails: { ipAddressV4: string } } } } };
  };
  alert.detail.id = `examples-import-${index}`;
  alert.detail.service.action.networkConnectionAction.remoteIpDetails.ipAddressV4 = `203.0.113.${150 + index}`;
  return alert as unknown as Record<string, unknown>;
}

async function post(nodeRed: NodeRedProcess, endpoint: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${nodeRed.url}${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as unknown };
  } catch {
    return { status: res.status, body: text };
  }
}

interface FlowNode { id: string; type: string; z?: string; label?: string; name?: string }

/** The example as Node-RED serves it under Import > Examples (<package>/examples, made by the build). */
function exampleNodes(name: string): FlowNode[] {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', `${name}.json`), 'utf8')) as FlowNode[];
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function openEditor(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => {
    const w = window as unknown as { RED?: { workspaces?: { active(): string } } };
    return Boolean(w.RED?.workspaces?.active()) && !document.querySelector('#red-ui-loading-progress:not([style*="none"])');
  }, undefined, { timeout: UI_TIMEOUT });
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshotDir(), `${name}.png`) });
}

/** The notifications on screen, as text, of one kind (error) or all. */
async function notifications(page: Page, selector = '.red-ui-notification'): Promise<string[]> {
  return (await page.locator(`#red-ui-notifications ${selector}`).allTextContents()).map((t) => t.trim());
}

/** Runtime log lines at [error], and node warnings ("[warn] [type:name]"), in a slice of the log. */
function logProblems(log: string): string[] {
  return log.split('\n').filter((line) => /\[error\]/.test(line) || /\[warn\] \[[\w-]+(:[^\]]*)?\]/.test(line));
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeout = UI_TIMEOUT): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Main menu → Import → Examples → the package → the example → "new flow" → Import. */
async function importExample(page: Page, name: string): Promise<void> {
  await page.locator('#red-ui-header-button-sidemenu').click();
  await page.locator('#menu-item-import').click();
  await page.locator('#red-ui-clipboard-dialog-import-tabs').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  await page.locator('#red-ui-tab-red-ui-clipboard-dialog-import-tab-examples a.red-ui-tab-label').click();
  const library = page.locator('#red-ui-clipboard-dialog-import-tab-examples');
  await library.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  const entry = (text: string) => library.locator('.red-ui-treeList-label', { has: page.locator('.red-ui-treeList-label-text', { hasText: new RegExp(`^${escapeRegExp(text)}$`) }) });
  await entry(PACKAGE).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  // The package's folder opens on a click (its examples are fetched then).
  if (!(await entry(name).isVisible())) await entry(PACKAGE).click();
  await entry(name).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  await entry(name).click();
  await page.locator('#red-ui-clipboard-dialog-ok:enabled').waitFor({ timeout: UI_TIMEOUT });
  // A tab of its own: the examples bring their own tab and config nodes, with ids of their own.
  const newFlow = page.locator('#red-ui-clipboard-dialog-import-opt-new');
  if (!(await newFlow.evaluate((el) => el.classList.contains('selected')))) await newFlow.click();
  await shoot(page, `examples-import-${slug(name)}-dialog`);
  await page.locator('#red-ui-clipboard-dialog-ok').click();
  await page.locator('#red-ui-clipboard-dialog-import-tabs').waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
}

/**
 * Clicks Deploy and waits for the editor's answer: a new notification (success or error) or the
 * dialog that lists unknown, unconfigured or unused nodes, which fails the test with its list.
 */
async function deploy(page: Page): Promise<string> {
  await page.evaluate(() => document.querySelectorAll('#red-ui-notifications .red-ui-notification').forEach((n) => n.setAttribute('data-ir-seen', '1')));
  const button = page.locator('#red-ui-header-button-deploy');
  await page.locator('#red-ui-header-button-deploy:not(.disabled)').waitFor({ timeout: UI_TIMEOUT });
  await button.click();
  const answer = page.locator('#red-ui-notifications .red-ui-notification:not([data-ir-seen])').first();
  await answer.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  const text = ((await answer.textContent()) ?? '').trim();
  const warning = page.locator('.red-ui-deploy-dialog-confirm-list');
  assert.equal(await warning.count(), 0, `Deploy asked for confirmation: ${text}`);
  assert.ok(await answer.evaluate((el) => el.classList.contains('red-ui-notification-success')), `Deploy failed: ${text}`);
  // The button goes back to "nothing to deploy" once the flows are saved.
  await page.locator('#red-ui-header-button-deploy.disabled').waitFor({ state: 'attached', timeout: UI_TIMEOUT });
  return text;
}

describe('Import > Examples in the editor: each example imports, deploys and answers (Node-RED CLI + Chromium)', function () {
  this.timeout(300_000);
  let userDir: string;
  let nodeRed: NodeRedProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;

  before(async () => {
    assert.ok(fs.existsSync(CHROMIUM), `Chromium is required at ${CHROMIUM} (Debian package "chromium"; .ci/run installs it)`);
    for (const { name } of EXAMPLES) assert.ok(fs.existsSync(path.join(ROOT, 'examples', `${name}.json`)), `examples/${name}.json is missing: run npm run build`);
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-examples-'));
    // An empty flow: unlike `npm start` (scripts/start.js) on a fresh user dir, nothing is deployed.
    fs.writeFileSync(path.join(userDir, 'flows.json'), '[]\n');
    nodeRed = await startNodeRedCli(userDir);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(UI_TIMEOUT);
    await openEditor(page, nodeRed.url);
    const flows = (await (await fetch(`${nodeRed.url}/flows`)).json()) as FlowNode[];
    assert.deepEqual(flows.filter((n) => n.type !== 'tab'), [], 'Node-RED started with a flow deployed');
  });

  after(async () => {
    await browser?.close();
    await nodeRed?.stop();
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });

  EXAMPLES.forEach(({ name, endpoint }, index) => {
    it(`${name}: imports from Import > Examples, deploys without errors, and a POST to ${endpoint} shows the incident in the debug sidebar`, async () => {
      const example = exampleNodes(name);
      const logStart = nodeRed!.output().length;
      const started = (nodeRed!.output().match(/Started flows/g) ?? []).length;

      await importExample(page, name);
      // The editor fetches the example after the dialog closes: its tab shows up when imported.
      const tab = example.find((n) => n.type === 'tab');
      assert.ok(tab, `${name} has no tab of its own`);
      await page.locator(`#red-ui-tab-${tab.id}`).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      await page.locator(`#red-ui-tab-${tab.id} a.red-ui-tab-label`).click();
      // Every node of the example is in the editor, with its own id.
      const missing = await page.evaluate((ids) => {
        const RED = (window as unknown as { RED: { nodes: { node(id: string): unknown; workspace(id: string): unknown; group(id: string): unknown } } }).RED;
        return ids.filter((id) => !RED.nodes.node(id) && !RED.nodes.workspace(id) && !RED.nodes.group(id));
      }, example.map((n) => n.id));
      assert.deepEqual(missing, [], `nodes of ${name} missing after the import`);
      assert.deepEqual(await notifications(page, '.red-ui-notification-error'), [], 'error notification after the import');
      await shoot(page, `examples-import-${slug(name)}-imported`);

      const deployed = await deploy(page);
      assert.match(deployed, /deployed/i);
      await waitFor('the runtime to restart the flows', () => (nodeRed!.output().match(/Started flows/g) ?? []).length > started);
      assert.deepEqual(await notifications(page, '.red-ui-notification-error'), [], 'error notification after Deploy');

      // The runtime holds the example, as imported.
      const flowsAnswer = await fetch(`${nodeRed!.url}/flows`);
      assert.equal(flowsAnswer.status, 200);
      const runtimeIds = new Set(((await flowsAnswer.json()) as FlowNode[]).map((n) => n.id));
      assert.deepEqual(example.filter((n) => !runtimeIds.has(n.id)).map((n) => `${n.type} ${n.id}`), [], `GET /flows lacks nodes of ${name}`);

      // A real medium alert runs through the whole playbook: answered 200 with the incident.
      const res = await post(nodeRed!, endpoint, mediumAlert(index));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const incident = res.body as { id?: unknown; duplicateOf?: unknown; severity?: unknown };
      assert.match(String(incident.id), ULID, `no incident in the answer: ${JSON.stringify(res.body)}`);
      assert.equal(incident.duplicateOf, undefined, 'the alert joined an incident of another test');
      assert.equal(incident.severity, 'medium');

      // The example's "incident answered" debug node shows it in the editor's debug sidebar.
      await page.locator('#red-ui-tab-debug-link-button').click();
      await page.locator('.red-ui-debug-content-list').waitFor({ state: 'visible' });
      const answered = page.locator('.red-ui-debug-content-list .red-ui-debug-msg', { hasText: String(incident.id) });
      await answered.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      assert.match(((await answered.first().locator('.red-ui-debug-msg-name').textContent()) ?? ''), /incident answered/);

      // A critical one is held before containment: answered 202, and the example's "approval
      // links" debug node shows the incident in the editor's debug sidebar.
      const held = await post(nodeRed!, endpoint, criticalAlert(index));
      assert.equal(held.status, 202, JSON.stringify(held.body));
      const heldId = String((held.body as { incident?: { id?: unknown } }).incident?.id);
      assert.match(heldId, ULID, `no incident in the answer: ${JSON.stringify(held.body)}`);
      const message = page.locator('.red-ui-debug-content-list .red-ui-debug-msg', { hasText: heldId });
      await message.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      await message.first().scrollIntoViewIfNeeded();
      await shoot(page, `examples-import-${slug(name)}-debug`);
      await page.locator('#red-ui-sidebar').screenshot({ path: path.join(screenshotDir(), `examples-import-${slug(name)}-debug-sidebar.png`) });
      // The message names the debug node it came from, one of this example's.
      const from = ((await message.first().locator('.red-ui-debug-msg-name').textContent()) ?? '').trim();
      const names = example.filter((n) => n.type === 'debug').map((n) => n.name ?? '');
      assert.ok(names.some((n) => n && from.includes(n)), `debug message from "${from}", not one of ${JSON.stringify(names)}`);

      assert.deepEqual(await notifications(page, '.red-ui-notification-error'), [], 'error notification after the alert');
      assert.deepEqual(logProblems(nodeRed!.output().slice(logStart)), [], `the runtime log has node errors after ${name}`);
    });
  });
});
