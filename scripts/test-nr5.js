#!/usr/bin/env node
// `npm run test:nr5`: the same test suite on Node-RED 5, which needs Node.js >= 22.9. Both come
// from the npm registry into .nr5/ (git-ignored), not into devDependencies: a `node` binary in
// node_modules/.bin would silently replace Node 20 for every npm script.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const dir = path.join(root, '.nr5');
const wanted = { node: '24', 'node-red': '~5.0.7' };

function installedVersion(name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

fs.mkdirSync(dir, { recursive: true });
const manifest = path.join(dir, 'package.json');
const desired = JSON.stringify({ name: 'ir-nr5-runtime', private: true, dependencies: wanted }, null, 2) + '\n';
if (!fs.existsSync(manifest) || fs.readFileSync(manifest, 'utf8') !== desired || !installedVersion('node-red') || !installedVersion('node')) {
  fs.writeFileSync(manifest, desired);
  console.log('[test:nr5] installing Node.js 24 and Node-RED 5 into .nr5/ ...');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
}

const nodeBinary = path.join(dir, 'node_modules', '.bin', 'node');
const nodeRedPackage = path.join(dir, 'node_modules', 'node-red');
const nodeRedMain = path.join(nodeRedPackage, JSON.parse(fs.readFileSync(path.join(nodeRedPackage, 'package.json'), 'utf8')).main);
const nodeVersion = execFileSync(nodeBinary, ['--version'], { encoding: 'utf8' }).trim();
console.log(`[test:nr5] Node.js ${nodeVersion}, Node-RED ${installedVersion('node-red')}`);
const major = Number(nodeVersion.slice(1).split('.')[0]);
if (!(major >= 23 || (major === 22 && Number(nodeVersion.split('.')[1]) >= 9))) {
  console.error(`[test:nr5] Node-RED 5 needs Node.js >= 22.9, got ${nodeVersion}`);
  process.exit(1);
}

const mocha = require.resolve('mocha/bin/mocha.js');
const result = spawnSync(nodeBinary, [mocha, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_RED_PATH: nodeRedMain },
});
process.exit(result.status ?? 1);
