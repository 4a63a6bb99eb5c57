// Node-RED settings for `npm start`: this package loaded from the repo, the NIST example
// deployed on the first start, incidents kept on disk across restarts.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const root = path.resolve(__dirname, '..');
const userDir = process.env.IR_USER_DIR || path.join(root, '.node-red');

// Credentials are encrypted with a secret made once per user directory, never committed.
function credentialSecret() {
  if (process.env.NODE_RED_CREDENTIAL_SECRET) return process.env.NODE_RED_CREDENTIAL_SECRET;
  const file = path.join(userDir, '.credential-secret');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(userDir, { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

// Tests (and users) may add or override settings without editing this file, e.g. adminAuth.
const extra = require('./extra-settings').extraSettings();

module.exports = {
  uiHost: process.env.HOST || '127.0.0.1',
  uiPort: Number(process.env.PORT) || 1880,
  userDir,
  flowFile: 'flows.json',
  credentialSecret: credentialSecret(),
  // Loads this package as a module (icons, help, examples) straight from the repo.
  nodesDir: [root],
  contextStorage: {
    default: { module: 'localfilesystem', config: { flushInterval: 5 } },
    memory: { module: 'memory' },
  },
  // Raw-body http-in routes read the whole body; alert-in enforces its own size limit (413).
  apiMaxLength: '16mb',
  // No calls home: the demo must run on closed networks, and must not ask on first open.
  telemetry: { enabled: false, updateNotification: false },
  editorTheme: {
    tours: false,
    // No catalogue download either: the editor works on a closed network.
    palette: { categories: ['incident response', 'common', 'function', 'network', 'sequence', 'parser', 'storage'], catalogues: [] },
  },
  logging: { console: { level: 'info', metrics: false, audit: false } },
  functionExternalModules: false,
  externalModules: { palette: { allowInstall: true }, modules: { allowInstall: false } },
  ...extra,
};
