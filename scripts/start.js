#!/usr/bin/env node
// `npm start`: Node-RED on 127.0.0.1 with this package and the NIST playbook (IR_EXAMPLES=all:
// all four). The first start deploys the examples; later starts keep the user's edits.
// `--fresh` starts over.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');

const root = path.resolve(__dirname, '..');
const userDir = process.env.IR_USER_DIR || path.join(root, '.node-red');
const flowsDir = path.join(root, 'flows');
const nist = 'NIST SP 800-61 playbook.json';

function fail(message) {
  console.error(`[incident-response] ${message}`);
  process.exit(1);
}

// Settings from the environment are checked here, so a typo is named before Node-RED starts.
const port = process.env.PORT === undefined || process.env.PORT === '' ? 1880 : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`PORT must be a port number (1-65535), not ${JSON.stringify(process.env.PORT)}`);
try {
  require('./extra-settings').extraSettings();
} catch (err) {
  fail(err.message);
}
const examples = (process.env.IR_EXAMPLES || 'nist').trim().toLowerCase();
if (examples !== 'nist' && examples !== 'all') fail(`IR_EXAMPLES must be nist or all, not ${JSON.stringify(process.env.IR_EXAMPLES)}`);

if (process.argv.includes('--fresh')) {
  fs.rmSync(userDir, { recursive: true, force: true });
  console.log(`[incident-response] removed ${userDir}: starting fresh`);
}
fs.mkdirSync(userDir, { recursive: true });
const flowFile = path.join(userDir, 'flows.json');
if (!fs.existsSync(flowFile)) {
  // Each example is its own tab with its own node ids, so all four can be deployed side by side.
  const files = examples === 'all' ? [nist, ...fs.readdirSync(flowsDir).filter((name) => name.endsWith('.json') && name !== nist).sort()] : [nist];
  const flows = files.flatMap((name) => JSON.parse(fs.readFileSync(path.join(flowsDir, name), 'utf8')));
  fs.writeFileSync(flowFile, JSON.stringify(flows, null, 2));
  console.log(`[incident-response] deployed ${files.map((name) => name.replace(/ playbook\.json$/, '')).join(', ')} to ${flowFile}`);
}

const cli = require.resolve('node-red/red.js');
const child = spawn(process.execPath, [cli, '-u', userDir, '-s', path.join(__dirname, 'node-red-settings.js'), '-p', String(port)], {
  stdio: 'inherit',
  // production: Express answers a malformed admin request without a stack trace and file paths.
  env: { NODE_ENV: 'production', ...process.env, IR_USER_DIR: userDir },
});
const endpoints = examples === 'all' ? '/ir/nist, /ir/cert, /ir/isaca, /ir/iso27035' : '/ir/nist';
console.log(`[incident-response] editor: http://127.0.0.1:${port}/   alerts: POST http://127.0.0.1:${port}${endpoints}`);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
