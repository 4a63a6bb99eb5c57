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
  // One icons/ folder for the package, copied next to every node file (the registry scans there).
  copyDir(path.join(root, 'icons'), path.join(dst, 'icons'));
}

// Example flows: Node-RED reads them only from <package>/examples.
fs.rmSync(path.join(root, 'examples'), { recursive: true, force: true });
copyDir(path.join(root, 'flows'), path.join(root, 'examples'), (name) => name.endsWith('.json'));
