// Every node of the package in the editor, driven in Chromium: each is in the palette, has an
// icon that is served, help in Node-RED's format, output labels, a dialog whose rows are
// labelled, that marks a missing required setting and that saves; each config node opens, and
// one holding credentials says which are missing for live mode. The list of types comes from
// package.json, so a node added later is checked without touching this file.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startNodeRed, type RunningNodeRed } from '../helpers/runtime';
import { screenshotDir } from '../helpers/screenshots';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCREENSHOTS = screenshotDir();
const TYPES = Object.keys((JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } })['node-red'].nodes);

interface TypeFacts {
  category: string;
  inputs: number;
  outputs: number;
  icon: string | null;
  outputLabels: string[];
  help: string;
  credentials: string[];
}

interface DialogFacts {
  unlabelled: string[];
  rows: number;
  validBeforeConfig: boolean | null;
  closed: boolean;
}

async function openEditor(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => {
    const w = window as unknown as { RED?: { workspaces?: { active(): string } } };
    return Boolean(w.RED?.workspaces?.active()) && !document.querySelector('#red-ui-loading-progress:not([style*="none"])');
  }, undefined, { timeout: 30_000 });
}

describe('every node in the editor: palette, icon, help, output labels, dialog (Node-RED CLI + Chromium)', function () {
  this.timeout(120_000);
  let userDir: string;
  let nodeRed: RunningNodeRed | undefined;
  let browser: Browser | undefined;
  let page: Page;

  before(async () => {
    assert.ok(fs.existsSync(CHROMIUM), `Chromium is required at ${CHROMIUM} (Debian package "chromium"; .ci/run installs it)`);
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-dialogs-'));
    nodeRed = await startNodeRed(userDir);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await openEditor(page, nodeRed.url);
  });

  after(async () => {
    await browser?.close();
    await nodeRed?.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  const facts = (type: string): Promise<TypeFacts> => page.evaluate((t) => {
    const RED = (window as unknown as { RED: { nodes: { getType(t: string): Record<string, unknown> } } }).RED;
    const def = RED.nodes.getType(t);
    const outputs = Number(def.outputs ?? 0);
    const labels = def.outputLabels;
    const outputLabels: string[] = [];
    for (let i = 0; i < outputs; i++) {
      const label = typeof labels === 'function' ? (labels as (this: unknown, i: number) => string).call({ ...(def.defaults as object) }, i) : Array.isArray(labels) ? labels[i] : undefined;
      outputLabels.push(String(label ?? ''));
    }
    const icon = typeof def.icon === 'function' ? (def.icon as () => string).call({}) : (def.icon as string | undefined) ?? null;
    const help = document.querySelector(`script[data-help-name="${t}"]`)?.innerHTML ?? '';
    return { category: String(def.category), inputs: Number(def.inputs ?? 0), outputs, icon, outputLabels, help, credentials: Object.keys((def.credentials as object | undefined) ?? {}) };
  }, type);

  for (const type of TYPES) {
    it(`${type}: palette entry or config category, icon, help in Node-RED's format, output labels`, async () => {
      const f = await facts(type);
      assert.match(f.help, /<p>/, `${type} has no help text`);
      if (f.category === 'config') {
        assert.match(f.help, /<h3>Details<\/h3>/i, `${type}: help needs a Details section`);
        return;
      }
      assert.equal(f.category, 'incident response');
      assert.equal(await page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`).count(), 1, `${type} missing from the palette`);
      assert.ok(f.icon && f.icon.endsWith('.svg'), `${type}: its own SVG icon`);
      const icon = await page.request.get(`${nodeRed!.url}/icons/node-red-contrib-incident-response/${f.icon}`);
      assert.equal(icon.status(), 200, `${type}: icon ${f.icon} is served`);
      assert.match(icon.headers()['content-type'] ?? '', /svg/);
      if (f.inputs) assert.match(f.help, /<h3>Inputs<\/h3>/i, `${type}: help needs an Inputs section`);
      if (f.outputs) assert.match(f.help, /<h3>Outputs<\/h3>/i, `${type}: help needs an Outputs section`);
      assert.match(f.help, /<h3>Details<\/h3>/i, `${type}: help needs a Details section`);
      assert.ok(f.outputLabels.every((l) => l.trim()), `${type}: every output is labelled (${JSON.stringify(f.outputLabels)})`);
    });
  }

  for (const type of TYPES) {
    it(`${type}: the dialog opens with labelled rows, marks what is missing, and saves`, async () => {
      const config = (await facts(type)).category === 'config';
      const result: DialogFacts = await page.evaluate(async ({ t, isConfig }) => {
        type RedNode = { id: string; valid?: boolean; type: string };
        const RED = (window as unknown as {
          RED: {
            nodes: { getType(t: string): Record<string, unknown>; node(id: string): RedNode | undefined; id(): string };
            view: { importNodes(n: object[], o?: object): void };
            workspaces: { active(): string };
            editor: { edit(n: RedNode): void; editConfig(name: string, type: string, id: string): void };
            tray: { close(): Promise<void> | void };
          };
        }).RED;
        const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
        const visibleTray = async (): Promise<Element | null> => {
          for (let i = 0; i < 50; i++) {
            const ok = Array.from(document.querySelectorAll('.red-ui-tray')).reverse().find((tray) => (tray as HTMLElement).offsetParent !== null && tray.querySelector('.red-ui-tray-body form, .red-ui-tray-body .form-row'));
            if (ok) return ok;
            await wait(100);
          }
          return null;
        };
        let validBeforeConfig: boolean | null = null;
        if (isConfig) {
          RED.editor.editConfig('', t, '_ADD_');
        } else {
          const id = RED.nodes.id();
          RED.view.importNodes([{ id, type: t, x: 300, y: 300, z: RED.workspaces.active() }], { generateIds: false });
          const added = RED.nodes.node(id);
          if (!added) throw new Error(`could not add a ${t} node`);
          validBeforeConfig = added.valid ?? null;
          RED.editor.edit(added);
        }
        const tray = await visibleTray();
        if (!tray) throw new Error(`the ${t} dialog did not open`);
        await wait(300);
        const rows = Array.from(tray.querySelectorAll('.form-row')).filter((row) => (row as HTMLElement).offsetParent !== null && row.querySelector('input:not([type=hidden]), select, textarea'));
        // A row is labelled by a <label> (or, for a checkbox row, the text around the box).
        const unlabelled = rows.filter((row) => !row.querySelector('label') || !(row.textContent ?? '').trim()).map((row) => (row as HTMLElement).outerHTML.slice(0, 120));
        const done = tray.querySelector('#node-dialog-ok, #node-config-dialog-ok') as HTMLButtonElement | null;
        done?.click();
        for (let i = 0; i < 30 && (tray as HTMLElement).offsetParent !== null; i++) await wait(100);
        const closed = (tray as HTMLElement).offsetParent === null;
        if (!closed) {
          (tray.querySelector('#node-dialog-cancel, #node-config-dialog-cancel') as HTMLButtonElement | null)?.click();
          await wait(500);
        }
        return { unlabelled, rows: rows.length, validBeforeConfig, closed };
      }, { t: type, isConfig: config });
      await page.screenshot({ path: path.join(SCREENSHOTS, `dialog-${type}.png`) });
      assert.ok(result.rows > 0, `${type}: the dialog has rows`);
      assert.deepEqual(result.unlabelled, [], `${type}: every row has a label`);
      assert.ok(result.closed, `${type}: Done saves and closes the dialog`);
      if (!config) {
        const needsConfig = await page.evaluate((t) => {
          const RED = (window as unknown as { RED: { nodes: { getType(t: string): { defaults: Record<string, { type?: string; required?: boolean }> } } } }).RED;
          return Object.values(RED.nodes.getType(t).defaults).some((d) => d.type && d.required);
        }, type);
        if (needsConfig) assert.equal(result.validBeforeConfig, false, `${type}: a node without its required config node is marked invalid`);
      }
    });
  }

  it('a config node with credentials and a mode says which are missing for live mode, and nothing in dry-run', async () => {
    const withCredentials: string[] = [];
    for (const type of TYPES) {
      const f = await facts(type);
      const hasMode = await page.evaluate((t) => 'mode' in ((window as unknown as { RED: { nodes: { getType(t: string): { defaults: object } } } }).RED.nodes.getType(t).defaults), type);
      if (f.category === 'config' && f.credentials.length && hasMode) withCredentials.push(type);
    }
    assert.ok(withCredentials.length >= 7, withCredentials.join(', '));
    for (const type of withCredentials) {
      // Every provider switched on, then every choice of every other select (backend,
      // directory kind): in live mode some choice needs a credential the new node lacks.
      const shown = await page.evaluate(async (t) => {
        const RED = (window as unknown as { RED: { editor: { editConfig(name: string, type: string, id: string): void } } }).RED;
        const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
        RED.editor.editConfig('', t, '_ADD_');
        let tray: HTMLElement | undefined;
        for (let i = 0; i < 50 && !tray; i++) {
          tray = Array.from(document.querySelectorAll('.red-ui-tray')).reverse().find((x) => (x as HTMLElement).offsetParent !== null && x.querySelector('#node-config-input-mode')) as HTMLElement | undefined;
          if (!tray) await wait(100);
        }
        if (!tray) return { error: `no dialog with a mode for ${t}` };
        const fire = (el: Element) => el.dispatchEvent(new Event('change', { bubbles: true }));
        const mode = tray.querySelector('#node-config-input-mode') as HTMLSelectElement;
        const note = (): string => Array.from(tray!.querySelectorAll('.ir-missing-credentials')).filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => e.textContent ?? '').join(' ').trim();
        for (const box of Array.from(tray.querySelectorAll('input[type=checkbox]')) as HTMLInputElement[]) {
          if (!box.checked) { box.checked = true; fire(box); }
        }
        const selects = (Array.from(tray.querySelectorAll('select')) as HTMLSelectElement[]).filter((s) => s !== mode);
        const choices: Array<() => void> = [() => undefined];
        for (const sel of selects) for (const opt of Array.from(sel.options)) choices.push(() => { sel.value = opt.value; fire(sel); });
        const dry: string[] = [];
        const live: string[] = [];
        for (const choose of choices) {
          choose();
          mode.value = 'dry-run';
          fire(mode);
          await wait(50);
          dry.push(note());
          mode.value = 'live';
          fire(mode);
          await wait(50);
          live.push(note());
        }
        (tray.querySelector('#node-config-dialog-cancel') as HTMLButtonElement | null)?.click();
        await wait(500);
        return { dry: dry.filter(Boolean), live: live.filter(Boolean) };
      }, type);
      assert.ok(!('error' in shown), JSON.stringify(shown));
      assert.deepEqual(shown.dry, [], `${type}: nothing is missing in dry-run`);
      assert.ok((shown.live ?? []).length > 0, `${type}: live mode without credentials names what is missing`);
      for (const text of shown.live ?? []) assert.match(text, /Live mode needs .+ \(missing\)/, type);
    }
  });
});
