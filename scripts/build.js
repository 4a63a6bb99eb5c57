#!/usr/bin/env node
// Build: TypeScript to CommonJS in dist/, then put what Node-RED looks for beside each node's
// .js (its .html, icons/, locales/) and the example flows in examples/ at the package root.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const tsc = require.resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });

function copyDir(from, to, filter = () => true) {
  if (!fs.existsSync(from)) return;
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) copyDir(src, dst, filter);
    else if (filter(entry.name)) fs.copyFileSync(src, dst);
  }
}

// nodes/<name>/<name>.html and nodes/<name>/locales/ sit beside dist/nodes/<name>/<name>.js.
const nodesDir = path.join(root, 'nodes');
for (const entry of fs.readdirSync(nodesDir, { withFileTypes: true })) {
  // Only node folders (nodes/<name>/<name>.ts); shared glue such as nodes/common is code only.
  if (!entry.isDirectory() || !fs.existsSync(path.join(nodesDir, entry.name, `${entry.name}.ts`))) continue;
  const src = path.join(nodesDir, entry.name);
  const dst = path.join(root, 'dist', 'nodes', entry.name);
  copyDir(src, dst, (name) => !name.endsWith('.ts'));
  // The registry looks for icons beside each node's .js: each node gets its own icon there.
  copyDir(path.join(root, 'icons'), path.join(dst, 'icons'), (name) => name === `${entry.name}.svg`);
}

// Plugins (the editor's incident sidebar) are laid out like nodes: plugins/<name>/<name>.ts + .html.
const pluginsDir = path.join(root, 'plugins');
if (fs.existsSync(pluginsDir)) {
  for (const entry of fs.readdirSync(pluginsDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    copyDir(path.join(pluginsDir, entry.name), path.join(root, 'dist', 'plugins', entry.name), (name) => !name.endsWith('.ts'));
  }
}

// alert-in's help lists the formats with an example each, from the normalizer's own table.
const escapeHtml = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const { FORMATS } = require(path.join(root, 'dist', 'core', 'normalize'));
const formatHelp = FORMATS.map((f) => `    <dt>${escapeHtml(f.label)} <span class="property-type">${escapeHtml(f.id)}</span></dt>\n` +
  `    <dd><pre style="white-space: pre-wrap; word-break: break-all; font-size: 0.85em">${escapeHtml(f.example)}</pre></dd>`).join('\n');
const alertInHtml = path.join(root, 'dist', 'nodes', 'alert-in', 'alert-in.html');
const html = fs.readFileSync(alertInHtml, 'utf8');
if (!html.includes('<!-- formats -->')) throw new Error('alert-in.html has no <!-- formats --> marker');
fs.writeFileSync(alertInHtml, html.replace('<!-- formats -->', `<dl class="message-properties">\n${formatHelp}\n  </dl>`));

// Example flows: Node-RED reads them only from <package>/examples.
fs.rmSync(path.join(root, 'examples'), { recursive: true, force: true });
copyDir(path.join(root, 'flows'), path.join(root, 'examples'), (name) => name.endsWith('.json'));
