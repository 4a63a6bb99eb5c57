#!/usr/bin/env node
// `npm start`: Node-RED on 127.0.0.1 with this package and the NIST playbook. The first start
// deploys the example; later starts keep the user's edits. `--fresh` starts over.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');

const root = path.resolve(__dirname, '..');
const userDir = process.env.IR_USER_DIR || path.join(root, '.node-red');
const example = path.join(root, 'flows', 'NIST SP 800-61 playbook.json');

if (process.argv.includes('--fresh')) {
  fs.rmSync(userDir, { recursive: true, force: true });
  console.log(`[incident-response] removed ${userDir}: starting fresh`);
}
fs.mkdirSync(userDir, { recursive: true });
const flowFile = path.join(userDir, 'flows.json');
if (!fs.existsSync(flowFile)) {
  fs.copyFileSync(example, flowFile);
  console.log(`[incident-response] deployed the NIST SP 800-61 example to ${flowFile}`);
}

const port = Number(process.env.PORT) || 1880;
const cli = require.resolve('node-red/red.js');
const child = spawn(process.execPath, [cli, '-u', userDir, '-s', path.join(__dirname, 'node-red-settings.js'), '-p', String(port)], {
  stdio: 'inherit',
  env: { ...process.env, IR_USER_DIR: userDir },
});
console.log(`[incident-response] editor: http://127.0.0.1:${port}/   alerts: POST http://127.0.0.1:${port}/ir/nist`);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
