import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Incident, TimelineEntry } from '../../core/model/types';
import { startNodeRed, type RunningNodeRed } from '../helpers/runtime';
import { screenshotDir } from '../helpers/screenshots';
import { wazuhAlert } from '../helpers/payloads';

// Debian's chromium, installed by .ci/run, launched as test/system/editor.test.ts does.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOTS = screenshotDir();

// Alert text is attacker-controlled: the sidebar must show this title as text, never run it.
const HOSTILE_TITLE = 'sshd brute force <img src=x onerror="window.__irXss=1"> <b>bold</b>';

interface Summary { id: string; title: string; pendingHolds: number }
type IncidentView = Omit<Incident, 'holds'> & { holds: Array<{ id: string; state: string; decidedBy?: string }> };

// Node-RED 4.1 has no built-in dark theme (5.0 has one; on 4.1 a theme plugin or
// editorTheme.page.css provides it). This stylesheet sets the editor's colour variables to the
// values of Node-RED 5's dark scheme, as a dark theme does, so the sidebar is seen under it.
const DARK_CSS = `:root {
  color-scheme: dark;
  --red-ui-primary-background: #15151a; --red-ui-secondary-background: #1b1b23; --red-ui-secondary-background-selected: #22222c;
  --red-ui-secondary-background-inactive: #14141b; --red-ui-secondary-background-hover: #1e1e27; --red-ui-secondary-background-disabled: #13131a;
  --red-ui-tertiary-background: #17171d; --red-ui-shadow: rgba(0, 0, 0, 0.7);
  --red-ui-primary-text-color: #f0f0f0; --red-ui-secondary-text-color: #aaaaaa; --red-ui-secondary-text-color-focus: #cccccc;
  --red-ui-secondary-text-color-hover: #e84a4a; --red-ui-secondary-text-color-active: #e84a4a; --red-ui-secondary-text-color-selected: #dddddd;
  --red-ui-secondary-text-color-inactive: #aaaaaa; --red-ui-secondary-text-color-disabled: #7a7a7b; --red-ui-tertiary-text-color: #9a9a9a;
  --red-ui-header-text-color: #e0e0e0; --red-ui-text-color-error: #ff6369; --red-ui-text-color-warning: #f1a10d; --red-ui-text-color-success: #4cc38a;
  --red-ui-text-color-code: #00d4c8; --red-ui-text-color-link: #e84a4a;
  --red-ui-primary-border-color: #252527; --red-ui-secondary-border-color: #252527; --red-ui-tertiary-border-color: #2a2a2c;
  --red-ui-shade-color: rgba(0, 0, 0, 0.45); --red-ui-form-background: #1b1b23; --red-ui-form-placeholder-color: #8a8a8a;
  --red-ui-form-text-color: #f0f0f0; --red-ui-form-text-color-disabled: #7a7a7b; --red-ui-form-input-focus-color: #e84a4a;
  --red-ui-form-input-border-color: #2a2a2c; --red-ui-form-input-border-selected-color: #e84a4a; --red-ui-form-input-background: #0e0e12;
  --red-ui-form-input-background-disabled: #15151a; --red-ui-form-button-background: #22222c; --red-ui-form-tips-background: #120c00;
  --red-ui-list-item-color: #f0f0f0; --red-ui-list-item-secondary-color: #aaaaaa; --red-ui-list-item-background: #1b1b23;
  --red-ui-list-item-background-hover: #1e1e27; --red-ui-list-item-background-selected: #22222c; --red-ui-list-item-border-selected: #e84a4a;
  --red-ui-tab-background: #1b1b23; --red-ui-tab-background-active: #1b1b23; --red-ui-tab-background-selected: #22222c;
  --red-ui-tab-background-inactive: #15151a; --red-ui-tab-background-hover: #1e1e27; --red-ui-tab-text-color-active: #e0e0e0;
  --red-ui-tab-text-color-inactive: #808080; --red-ui-tab-icon-color: #e84a4a;
  --red-ui-palette-header-background: #0e0e12; --red-ui-palette-header-color: #e0e0e0; --red-ui-palette-content-background: #1b1b23;
  --red-ui-workspace-button-background: #15151a; --red-ui-workspace-button-background-hover: #1e1e27; --red-ui-workspace-button-background-active: #22222c;
  --red-ui-workspace-button-color: #aaaaaa; --red-ui-workspace-button-color-disabled: #7a7a7b; --red-ui-workspace-button-color-focus: #e84a4a;
  --red-ui-workspace-button-color-hover: #e84a4a; --red-ui-workspace-button-color-active: #f0f0f0; --red-ui-workspace-button-color-selected: #e84a4a;
  --red-ui-workspace-button-color-primary: #fff; --red-ui-workspace-button-background-primary: #bb0000; --red-ui-workspace-button-background-primary-hover: #a21212;
  --red-ui-header-background: #0e0e12; --red-ui-header-button-background: #0e0e12; --red-ui-header-button-background-hover: #15151a;
  --red-ui-header-menu-color: #f0f0f0; --red-ui-header-menu-background: #15151a; --red-ui-header-menu-item-hover: #22222c;
  --red-ui-popover-background: #15151a; --red-ui-popover-border: #252527; --red-ui-popover-color: #f0f0f0;
  --red-ui-view-background: #0e0e12; --red-ui-view-grid-color: #282828; --red-ui-node-label-color: #191919; --red-ui-node-border: #888888;
  --red-ui-node-port-background: #b8b8b8; --red-ui-link-color: #888888; --red-ui-node-selected-color: #e84a4a;
  --red-ui-node-status-colors-red: #ff6369; --red-ui-node-status-colors-green: #4cc38a; --red-ui-node-status-colors-yellow: #ffcb47;
  --red-ui-node-status-colors-blue: #5cb3ff; --red-ui-node-status-colors-grey: #777777;
  --red-ui-debug-message-background: #1b1b23; --red-ui-debug-message-text-color: #f0f0f0; --red-ui-debug-message-border: #252527;
  --red-ui-grip-color: #2a2a2c; --red-ui-spinner-color: #e84a4a;
}
`;

interface Bcrypt { hashSync(password: string, rounds: number): string }

/** bcryptjs comes with Node-RED (its adminAuth hashes); resolved from node-red's own folder. */
function bcrypt(): Bcrypt {
  const nodeRedDir = path.dirname(require.resolve('node-red/package.json'));
  return require(require.resolve('bcryptjs', { paths: [nodeRedDir] })) as Bcrypt;
}

function id(): string {
  return randomBytes(8).toString('hex');
}

/**
 * A flow of our own: an inject (triggered through the admin API) → alert-in → Detection and
 * Analysis → Containment held for approval. The example flow may change; this one is ours.
 */
function heldFlow(srcip = '192.0.2.200'): { flow: Record<string, unknown>; injectId: string } {
  const [inject, alertIn, detect, contain] = [id(), id(), id(), id()];
  const alert = { ...wazuhAlert(srcip, '1718000999.42'), rule: { level: 12, description: 'Sidebar test: held before containment', id: '5712' } };
  return {
    injectId: inject,
    flow: {
      label: 'Sidebar test',
      nodes: [
        { id: inject, type: 'inject', name: 'alert', props: [{ p: 'payload' }], payload: JSON.stringify(alert), payloadType: 'json', repeat: '', once: false, x: 120, y: 80, wires: [[alertIn]] },
        { id: alertIn, type: 'ir-alert-in', auth: 'none', x: 300, y: 80, wires: [[detect], [], []] },
        { id: detect, type: 'ir-phase-gate', framework: 'nist-800-61r2', phase: 'detection-analysis', approval: 'never', outputs: 2, x: 500, y: 80, wires: [[contain], []] },
        {
          id: contain, type: 'ir-phase-gate', name: 'Contain (approval)', framework: 'nist-800-61r2', phase: 'containment-eradication-recovery',
          approval: 'always', approvalTimeoutMinutes: 60, publicBaseUrl: '', outputs: 4, x: 720, y: 80, wires: [[], [], [], []],
        },
      ],
    },
  };
}

class Client {
  constructor(private readonly nodeRed: RunningNodeRed, private readonly token?: string) {}

  async request(method: string, url: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.nodeRed.url + url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, json: /json/.test(res.headers.get('content-type') ?? '') && text ? JSON.parse(text) : text };
  }

  async list(): Promise<Summary[]> {
    const { status, json } = await this.request('GET', '/ir/incidents?state=all');
    assert.equal(status, 200, JSON.stringify(json));
    return (json as { incidents: Summary[] }).incidents;
  }

  async incident(incidentId: string): Promise<IncidentView> {
    const { status, json } = await this.request('GET', `/ir/incidents/${incidentId}`);
    assert.equal(status, 200, JSON.stringify(json));
    return (json as { incident: IncidentView }).incident;
  }

  /** Deploys our held-for-approval flow beside the example and sends one alert through it. */
  async heldIncident(srcip?: string): Promise<Summary> {
    const { flow, injectId } = heldFlow(srcip);
    const added = await this.request('POST', '/flow', flow);
    assert.equal(added.status, 200, JSON.stringify(added.json));
    let found: Summary | undefined;
    for (let attempt = 0; attempt < 50 && !found; attempt++) {
      // The new flow starts asynchronously: inject until its incident shows up held.
      if (attempt % 10 === 0) await this.request('POST', `/inject/${injectId}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      found = (await this.list()).find((i) => i.title === 'Sidebar test: held before containment' && i.pendingHolds === 1);
    }
    assert.ok(found, 'our held incident did not appear');
    return found;
  }
}

/** An alert with a hostile title through the example flow's webhook. */
async function postHostileAlert(nodeRed: RunningNodeRed, ip: string): Promise<void> {
  const body = { ...wazuhAlert(ip, `1718001000.${ip.split('.').pop()}`), rule: { level: 10, description: HOSTILE_TITLE, id: '5712' } };
  const res = await fetch(`${nodeRed.url}/ir/nist`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.ok(res.status === 200 || res.status === 202, `POST /ir/nist answered ${res.status}: ${await res.text()}`);
}

async function openEditor(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => {
    const w = window as unknown as { RED?: { workspaces?: { active(): string } } };
    return Boolean(w.RED?.workspaces?.active()) && !document.querySelector('#red-ui-loading-progress:not([style*="none"])');
  }, undefined, { timeout: 30_000 });
}

/** Opens the "incidents" tab as a user does: its button, or the sidebar's tab menu when the button does not fit. */
async function openIncidentsTab(page: Page): Promise<void> {
  const button = page.locator('#red-ui-tab-ir-incidents-link-button');
  assert.equal(await button.count(), 1, 'the sidebar has no "incidents" tab');
  if (await button.isVisible()) {
    await button.click();
  } else {
    await page.locator('#red-ui-sidebar .red-ui-tab-link-button-menu').click();
    await page.locator('#red-ui-tabs-menu-option-ir-incidents').click();
  }
  await page.locator('.ir-incidents').waitFor({ state: 'visible' });
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  await page.locator('#red-ui-sidebar').screenshot({ path: path.join(SCREENSHOTS, `${name}-sidebar.png`) });
}

/** Drags the sidebar's separator 150 px to the left, for a comfortable width in screenshots. */
async function widenSidebar(page: Page): Promise<void> {
  const separator = await page.locator('#red-ui-sidebar-separator').boundingBox();
  assert.ok(separator);
  const x = separator.x + separator.width / 2;
  const y = separator.y + 200;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x - 150, y, { steps: 10 });
  await page.mouse.up();
}

/**
 * Shows the incident with one timeline entry of each outcome, verdicts on its observables and
 * decided holds, all carrying hostile text (the sidebar answer is rewritten in the browser):
 * every state is seen marked, and nothing of it parsed as HTML.
 */
async function showEveryOutcome(page: Page, incidentId: string, name: string): Promise<void> {
  await page.route(`**/ir/incidents/${incidentId}?*`, async (route) => {
    const answer = await route.fetch();
    const body = (await answer.json()) as { incident: IncidentView & { holds: Array<Record<string, unknown>> } };
    const incident = body.incident;
    // Newer than anything recorded so far, so they head the timeline.
    const at = (s: number) => new Date(Date.now() + 60_000 - s * 1000).toISOString();
    const gate = { type: 'ir-phase-gate', id: 'g1', name: 'Contain <i>now</i>' };
    incident.revision += 1000;
    incident.timeline.push(
      { at: at(50), node: { type: 'ir-slack-notify', id: 'n1', name: 'notify <script>window.__irXss=2</script>' }, action: 'notify', outcome: 'dry-run', summary: 'would post to #soc: <img src=x onerror="window.__irXss=3">' },
      { at: at(40), node: { type: 'ir-ip-lookup', id: 'n2' }, action: 'ip-lookup', outcome: 'skipped', summary: 'integration not shipped yet' },
      { at: at(30), node: { type: 'ir-jira-ticket', id: 'n3' }, action: 'jira-ticket', outcome: 'error', summary: 'Jira answered 503 <b>unavailable</b>' },
      { at: at(20), node: { type: 'editor', id: 'sidebar', name: '<u>mallory</u>' }, action: 'note-added', outcome: 'ok', summary: 'Note by <u>mallory</u>: "><svg onload=alert(1)>' },
    );
    const verdicts = ['malicious', 'suspicious', 'benign'] as const;
    incident.observables.forEach((o, i) => { o.verdict = verdicts[i % verdicts.length]; o.reasons = [`listed on <a href="//evil">feed</a> ${i}`]; });
    incident.holds.push(
      { id: 'h-denied', gate, phase: 'containment-eradication-recovery', phaseLabel: 'Containment, Eradication and Recovery', state: 'denied', createdAt: at(60), expiresAt: at(-3600), decidedAt: at(55), decidedBy: 'bob', reason: 'business <em>critical</em> host', gateDeployed: true },
      { id: 'h-expired', gate, phase: 'containment-eradication-recovery', phaseLabel: 'Containment, Eradication and Recovery', state: 'expired', createdAt: at(90), expiresAt: at(70), decidedAt: at(70), decidedBy: 'timeout', gateDeployed: false },
    );
    await route.fulfill({ response: answer, json: body });
  });
  await page.locator('.ir-incidents-back').click();
  await page.locator('.ir-incidents-row', { hasText: HOSTILE_TITLE }).first().click();
  // The rewritten answer is shown (the example flow's own dry-run entries may be there as well).
  await page.locator('.ir-incidents-entry-summary', { hasText: 'integration not shipped yet' }).waitFor({ timeout: 10_000 });
  for (const outcome of ['dry-run', 'skipped', 'error']) {
    assert.equal(await page.locator(`.ir-incidents-outcome-${outcome} .ir-incidents-outcome`).first().textContent(), outcome, `${outcome} is not marked`);
  }
  assert.equal(await page.locator('.ir-incidents-entry-action').first().textContent(), 'note-added', 'newest entry first');
  assert.equal(await page.locator('.ir-incidents-verdict-malicious').first().textContent(), 'malicious');
  assert.equal(await page.locator('.ir-incidents-hold-denied').count(), 1);
  // Only the sidebar's own markup: no element made from incident text.
  const parsed = await page.locator('.ir-incidents-scroll').evaluate((el) => Array.from(el.querySelectorAll('*')).map((e) => e.tagName.toLowerCase()).filter((t) => !['div', 'span', 'i', 'table', 'tbody', 'tr', 'td', 'button', 'label', 'input', 'textarea', 'select', 'option', 'pre', 'a'].includes(t)));
  assert.deepEqual(parsed, [], 'incident text was parsed as HTML');
  assert.equal(await page.evaluate(() => (window as unknown as { __irXss?: number }).__irXss), undefined);
  if (SCREENSHOTS) {
    await page.locator('.ir-incidents-actions').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shoot(page, `${name}-outcomes`);
    await page.locator('.ir-incidents-timeline').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shoot(page, `${name}-timeline`);
  }
  await page.unroute(`**/ir/incidents/${incidentId}?*`);
}

function editorEntries(incident: IncidentView): TimelineEntry[] {
  return incident.timeline.filter((e) => e.node.type === 'editor');
}

describe('the incident sidebar (Node-RED CLI + Chromium)', () => {
  let browser: Browser | undefined;
  const userDirs: string[] = [];

  function userDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-sidebar-'));
    userDirs.push(dir);
    return dir;
  }

  before(async () => {
    assert.ok(fs.existsSync(CHROMIUM), `Chromium is required at ${CHROMIUM} (Debian package "chromium"; .ci/run installs it)`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  });

  after(async () => {
    await browser?.close();
    for (const dir of userDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('without editor login (light theme)', () => {
    let nodeRed: RunningNodeRed | undefined;
    before(async () => { nodeRed = await startNodeRed(userDir()); });
    after(async () => { await nodeRed?.stop(); });

    it('serves the routes openly and records the acting user as "editor"', async () => {
      await postHostileAlert(nodeRed!, '203.0.113.61');
      const client = new Client(nodeRed!);
      const item = (await client.list()).find((i) => i.title === HOSTILE_TITLE)!;
      assert.ok(item, 'the incident posted to /ir/nist is not listed');
      const { status, json } = await client.request('POST', `/ir/incidents/${item.id}/assign`, { owner: 'tier1' });
      assert.equal(status, 200, JSON.stringify(json));
      const entry = editorEntries(await client.incident(item.id)).at(-1)!;
      assert.deepEqual(entry.node, { type: 'editor', id: 'sidebar', name: 'editor' });
      assert.equal(entry.action, 'owner-assigned');
    });

    it('refuses a page of another origin (another port of 127.0.0.1) that fetches the routes', async () => {
      const client = new Client(nodeRed!);
      const item = (await client.list()).find((i) => i.title === HOSTILE_TITLE)!;
      assert.ok(item);
      const before = await client.incident(item.id);
      // Any web page the analyst visits: here one served from another port.
      const server = http.createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<!doctype html><title>elsewhere</title>'); });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const page = await browser!.newPage();
      try {
        await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
        const results = await page.evaluate(async ({ base, incidentId }) => {
          const attempt = async (url: string, init?: RequestInit) => {
            try {
              const res = await fetch(url, init);
              return { status: res.status, body: await res.text() };
            } catch (err) {
              return { status: 0, body: String(err) };
            }
          };
          return [
            await attempt(`${base}/ir/incidents?state=all`),
            await attempt(`${base}/ir/incidents/${incidentId}`),
            await attempt(`${base}/ir/incidents/${incidentId}/note`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'from another site' }) }),
          ];
        }, { base: nodeRed!.url, incidentId: item.id });
        for (const result of results) {
          // Refused by the route (403, readable as Node-RED allows any origin), or by the browser.
          assert.ok(result.status === 403 || result.status === 0, JSON.stringify(result));
          assert.doesNotMatch(result.body, new RegExp(item.id), 'the page read the incident');
        }
        assert.match(results[0].body, /"code":"cross-site"/);
      } finally {
        await page.close();
        await new Promise((resolve) => server.close(resolve));
      }
      const after = await client.incident(item.id);
      assert.equal(after.revision, before.revision, 'the cross-site note reached the incident');
    });

    it('shows the incident posted to /ir/nist in the sidebar, escaped, and adds a note through the UI', async () => {
      const client = new Client(nodeRed!);
      await client.heldIncident();
      const item = (await client.list()).find((i) => i.title === HOSTILE_TITLE)!;
      const newest = (await client.incident(item.id)).timeline.at(-1)!;
      const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
      try {
        await openEditor(page, nodeRed!.url);
        await widenSidebar(page);
        await openIncidentsTab(page);
        // "Open" is what is still being handled: the held incident, not the one the example flow resolved.
        await page.locator('.ir-incidents-row', { hasText: 'Sidebar test: held before containment' }).first().waitFor({ timeout: 10_000 });
        assert.equal(await page.locator('.ir-incidents-row', { hasText: HOSTILE_TITLE }).count(), 0, 'a resolved incident is listed as open');
        await page.locator('.ir-incidents-toolbar select.ir-incidents-select').selectOption('resolved');
        const row = page.locator('.ir-incidents-row', { hasText: HOSTILE_TITLE });
        await row.waitFor({ timeout: 10_000 });
        assert.equal(await page.locator('.ir-incidents-row', { hasText: 'Sidebar test: held before containment' }).count(), 0);
        await page.locator('.ir-incidents-toolbar select.ir-incidents-select').selectOption('all');
        await page.locator('.ir-incidents-row', { hasText: 'Sidebar test: held before containment' }).first().waitFor({ timeout: 10_000 });
        assert.ok(await page.locator('.ir-incidents-row', { hasText: 'Sidebar test: held before containment' }).count() >= 1);
        await shoot(page, 'sidebar-light-list');

        // More incidents than the list shows: the sidebar says so (the answer is rewritten to say 500).
        const isList = (url: URL) => url.pathname.endsWith('/ir/incidents');
        await page.route(isList, async (route) => {
          const answer = await route.fetch();
          const body = (await answer.json()) as { incidents: Summary[]; total: number };
          await route.fulfill({ response: answer, json: { ...body, total: 500 } });
        });
        await page.locator('.ir-incidents-toolbar .ir-incidents-refresh').first().click();
        const count = page.locator('.ir-incidents-count');
        await count.waitFor({ state: 'visible', timeout: 10_000 });
        assert.match((await count.textContent()) ?? '', /^Showing \d+ of 500/);
        await page.unroute(isList);
        // The text filter is the runtime's: an observable value finds its incident.
        // The search box reacts to keys, as when typed.
        await page.locator('.ir-incidents-search input').fill('203.0.113.61');
        await page.locator('.ir-incidents-search input').press('End');
        await page.waitForFunction((title) => {
          const rows = Array.from(document.querySelectorAll('.ir-incidents-row-title'));
          return rows.length > 0 && rows.every((r) => r.textContent === title);
        }, HOSTILE_TITLE, { timeout: 10_000 });
        assert.equal(await count.isVisible(), false, 'not capped any more');
        await page.locator('.ir-incidents-search input').fill('');
        await page.locator('.ir-incidents-search input').press('End');
        await page.locator('.ir-incidents-row', { hasText: 'Sidebar test: held before containment' }).first().waitFor({ timeout: 10_000 });

        await row.click();
        const title = page.locator('.ir-incidents-title');
        await title.waitFor();
        assert.equal(await title.textContent(), HOSTILE_TITLE);
        assert.equal(await page.locator('.ir-incidents img, .ir-incidents b').count(), 0, 'incident text was parsed as HTML');
        assert.equal(await page.evaluate(() => (window as unknown as { __irXss?: number }).__irXss), undefined);
        assert.ok(await page.locator('.ir-incidents-entry').count() >= 2, 'no timeline');
        assert.equal(await page.locator('.ir-incidents-entry-action').first().textContent(), newest.action, 'newest entry first');
        assert.ok(await page.locator('.ir-incidents-observables td', { hasText: '203.0.113.61' }).count() >= 1);
        // The example resolved it: its post-incident report is there on request, as text.
        const report = (await client.incident(item.id)).report!;
        assert.ok(report, 'the example attaches a report');
        const reportText = page.locator('pre.ir-incidents-report');
        assert.equal(await reportText.isVisible(), false, 'the report is shown on request only');
        await page.locator('.ir-incidents-report-toggle').click();
        await reportText.waitFor({ state: 'visible', timeout: 5_000 });
        assert.equal(await reportText.textContent(), report.markdown);
        await reportText.scrollIntoViewIfNeeded();
        await shoot(page, 'sidebar-light-report');
        assert.equal(await page.locator('.ir-incidents-report-box img, .ir-incidents-report-box b').count(), 0, 'report text was parsed as HTML');
        const [download] = await Promise.all([page.waitForEvent('download'), page.locator('.ir-incidents-report-download').click()]);
        assert.equal(download.suggestedFilename(), `incident-${item.id}-report.md`);
        assert.equal(fs.readFileSync((await download.path())!, 'utf8'), report.markdown);
        await page.locator('.ir-incidents-report-toggle').click();

        await page.locator('.ir-incidents-action-note').click();
        // Pasted from the alert, as analysts do: the note and its notification stay text too.
        await page.locator('.ir-incidents-form textarea').fill('Blocked 203.0.113.61 at the edge firewall <img src=x onerror="window.__irXss=4">');
        await page.locator('.ir-incidents-confirm').click();
        await page.locator('.ir-incidents-entry-summary', { hasText: 'Note by editor: Blocked 203.0.113.61 at the edge firewall <img' }).waitFor({ timeout: 10_000 });
        await page.locator('.red-ui-notification', { hasText: 'Blocked 203.0.113.61' }).waitFor({ timeout: 5_000 });
        assert.equal(await page.locator('#red-ui-notifications img, .ir-incidents img').count(), 0);
        assert.equal(await page.evaluate(() => (window as unknown as { __irXss?: number }).__irXss), undefined);
        await shoot(page, 'sidebar-light-detail');

        const stored = await client.incident(item.id);
        const note = editorEntries(stored).at(-1)!;
        assert.equal(note.action, 'note-added');
        assert.equal(note.node.name, 'editor');
        await showEveryOutcome(page, item.id, 'sidebar-light');

        // The held incident: its approval is offered in the sidebar.
        await page.locator('.ir-incidents-back').click();
        await page.locator('.ir-incidents-row', { hasText: 'Sidebar test: held before containment' }).first().click();
        await page.locator('.ir-incidents-hold-pending .ir-incidents-approve').waitFor({ timeout: 10_000 });
        await shoot(page, 'sidebar-light-hold');
        // The framework acknowledged it as its first phase began; a person still may, once.
        const acknowledge = page.locator('.ir-incidents-action-acknowledge');
        assert.equal(await acknowledge.isEnabled(), true, 'Acknowledge is disabled on an incident only the framework acknowledged');
        await acknowledge.click();
        await page.locator('.ir-incidents-entry-summary', { hasText: 'Acknowledged by editor' }).waitFor({ timeout: 10_000 });
        await page.waitForFunction(() => (document.querySelector('.ir-incidents-action-acknowledge') as HTMLButtonElement | null)?.disabled === true, undefined, { timeout: 10_000 });
      } finally {
        await page.close();
      }
    });
  });

  describe('with editor login (adminAuth, dark theme)', () => {
    let nodeRed: RunningNodeRed | undefined;
    const password = 'correct horse battery staple';

    before(async () => {
      const dir = userDir();
      const css = path.join(dir, 'dark.css');
      fs.writeFileSync(css, DARK_CSS);
      const hash = bcrypt().hashSync(password, 8);
      const settings = {
        adminAuth: {
          type: 'credentials',
          users: [{ username: 'alice', password: hash, permissions: '*' }, { username: 'rob', password: hash, permissions: 'read' }],
        },
        editorTheme: { tours: false, page: { css: [css] } },
      };
      nodeRed = await startNodeRed(dir, [], { IR_SETTINGS_JSON: JSON.stringify(settings) });
    });
    after(async () => { await nodeRed?.stop(); });

    async function token(username: string): Promise<string> {
      const res = await fetch(`${nodeRed!.url}/auth/token`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: 'node-red-editor', grant_type: 'password', scope: '', username, password }),
      });
      assert.equal(res.status, 200);
      return ((await res.json()) as { access_token: string }).access_token;
    }

    it('answers 401 without a token, and records the logged-in user', async () => {
      await postHostileAlert(nodeRed!, '203.0.113.62');
      const anonymous = new Client(nodeRed!);
      assert.equal((await anonymous.request('GET', '/ir/incidents')).status, 401);
      assert.equal((await anonymous.request('POST', '/ir/incidents/01JNOSUCHINCIDENT000000000/note', { text: 'x' })).status, 401);

      const alice = new Client(nodeRed!, await token('alice'));
      const item = (await alice.list()).find((i) => i.title === HOSTILE_TITLE)!;
      assert.ok(item);
      const { status, json } = await alice.request('POST', `/ir/incidents/${item.id}/severity`, { severity: 'critical', reason: 'domain controller targeted' });
      assert.equal(status, 200, JSON.stringify(json));
      const entry = editorEntries(await alice.incident(item.id)).at(-1)!;
      assert.deepEqual(entry.node, { type: 'editor', id: 'sidebar', name: 'alice' });
      assert.equal(entry.summary, 'alice changed the severity from medium to critical: domain controller targeted');

      // A read-only login may look but not act.
      const rob = new Client(nodeRed!, await token('rob'));
      assert.equal((await rob.request('GET', `/ir/incidents/${item.id}`)).status, 200);
      assert.equal((await rob.request('POST', `/ir/incidents/${item.id}/note`, { text: 'x' })).status, 401);
    });

    it('lets the logged-in analyst approve a hold in the sidebar (dark theme)', async () => {
      const alice = new Client(nodeRed!, await token('alice'));
      const held = await alice.heldIncident();
      const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
      try {
        // The editor keeps a token handed to it in the URL, as after an OAuth login.
        await openEditor(page, `${nodeRed!.url}/?access_token=${await token('alice')}`);
        const background = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--red-ui-secondary-background').trim());
        assert.equal(background, '#1b1b23', 'the dark stylesheet is not applied');
        await widenSidebar(page);
        await openIncidentsTab(page);
        await page.locator('.ir-incidents-toolbar select.ir-incidents-select').selectOption('all');
        await page.locator('.ir-incidents-row', { hasText: HOSTILE_TITLE }).waitFor({ timeout: 10_000 });
        await shoot(page, 'sidebar-dark-list');
        const hostile = (await alice.list()).find((i) => i.title === HOSTILE_TITLE)!;
        await page.locator('.ir-incidents-row', { hasText: HOSTILE_TITLE }).click();
        await showEveryOutcome(page, hostile.id, 'sidebar-dark');
        await page.locator('.ir-incidents-back').click();

        await page.locator('.ir-incidents-row', { hasText: 'Sidebar test: held before containment' }).first().click();
        await page.locator('.ir-incidents-hold-pending .ir-incidents-approve').click();
        await page.locator('.ir-incidents-form input[type="text"]').fill('isolate the host, change ticket CHG-1234');
        await shoot(page, 'sidebar-dark-approve-form');
        await page.locator('.ir-incidents-confirm').click();
        await page.locator('.ir-incidents-hold-approved').waitFor({ timeout: 10_000 });
        await page.locator('.ir-incidents-entry-summary', { hasText: 'alice approved' }).waitFor({ timeout: 10_000 });
        await shoot(page, 'sidebar-dark-detail');

        const stored = await alice.incident(held.id);
        assert.equal(stored.holds[0].state, 'approved');
        assert.equal(stored.holds[0].decidedBy, 'alice');
        assert.equal(stored.phase, 'containment-eradication-recovery', 'the gate continued the flow');
      } finally {
        await page.close();
      }
    });

    it('disables the actions for a read-only login, with a tooltip', async () => {
      // A pending hold of its own (the test before approved its one): another source, another incident.
      await new Client(nodeRed!, await token('alice')).heldIncident('192.0.2.201');
      const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
      try {
        await openEditor(page, `${nodeRed!.url}/?access_token=${await token('rob')}`);
        await openIncidentsTab(page);
        await page.locator('.ir-incidents-row', { hasText: 'Sidebar test: held before containment' }).first().click();
        await page.locator('.ir-incidents-hold-pending .ir-incidents-approve').waitFor({ timeout: 10_000 });
        for (const selector of ['.ir-incidents-action-note', '.ir-incidents-action-assign', '.ir-incidents-action-close', '.ir-incidents-hold-pending .ir-incidents-approve']) {
          const button = page.locator(selector).first();
          assert.equal(await button.isDisabled(), true, `${selector} is enabled for a read-only login`);
          assert.match((await button.getAttribute('title')) ?? '', /may only read/);
        }
      } finally {
        await page.close();
      }
    });
  });
});
