import path from 'node:path';
import helper, { type FlowNode, type HelperNode, type NodeModule } from 'node-red-node-test-helper';
import type { NodeAPI } from 'node-red';
import type { Express } from 'express';

// The runtime under test: Node-RED 4.1 from devDependencies, or another one (Node-RED 5 in
// `npm run test:nr5`) named by NODE_RED_PATH.
export const NODE_RED_PATH = process.env.NODE_RED_PATH ?? require.resolve('node-red');
// Timers (SLA, approval expiry) are polled fast so tests need not wait.
helper.init(NODE_RED_PATH, { incidentResponse: { timerPollMs: 50 } });

export { helper };
export type { FlowNode, HelperNode };

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** This package's node modules, as Node-RED loads them (the compiled dist/nodes files). */
export function ourNode(name: string): NodeModule {
  return require(path.join(ROOT, 'dist', 'nodes', name, `${name}.js`)) as NodeModule;
}

export const ALL_NODES = [
  'incident-store', 'slack-config', 'pagerduty-config', 'jira-config', 'alert-in', 'phase-gate', 'ip-lookup', 'log-fetch', 'slack-notify', 'pagerduty-page', 'jira-ticket', 'disable-account', 'log-source', 'ip-lookup-config', 'domain-lookup-config', 'domain-lookup', 'directory',
].map(ourNode);

/** A core node of the runtime under test, e.g. coreNode('network/21-httpin.js'). */
export function coreNode(file: string): NodeModule {
  const nodesPackage = require.resolve('@node-red/nodes/package.json', { paths: [path.dirname(NODE_RED_PATH)] });
  return require(path.join(path.dirname(nodesPackage), 'core', file)) as NodeModule;
}

/**
 * The helper serves only the admin app; http-in routes live on RED.httpNode, which this
 * extra module captures so supertest can reach them.
 */
export function captureHttpNode(): { module: NodeModule; app: () => Express } {
  let app: Express | undefined;
  return {
    module: (RED: NodeAPI) => { app = RED.httpNode; },
    app: () => {
      if (!app) throw new Error('RED.httpNode was not captured');
      return app;
    },
  };
}

/** Waits for the next message a helper node receives. */
export function nextMessage<T = Record<string, unknown>>(node: HelperNode, timeoutMs = 3000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message reached ${node.id} within ${timeoutMs} ms`)), timeoutMs);
    node.once('input', (msg: T) => {
      clearTimeout(timer);
      resolve(msg);
    });
  });
}

/** Resolves with the call of node.error/done(err) the runtime logs for a node. */
export function nextError(node: HelperNode, timeoutMs = 3000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no error from ${node.id} within ${timeoutMs} ms`)), timeoutMs);
    node.once('call:error', (call: { args: unknown[] }) => {
      clearTimeout(timer);
      resolve(call.args[0]);
    });
  });
}
