import type { NodeAPI } from 'node-red';
import { openDirectory, TokenCache, type DirectoryCredentials } from '../../core/containment/directory';
import { parseProtectedList } from '../../core/containment/contain';
import { createHttpClient, type HttpClient } from '../../core/http';
import { MissingCredentialsError, parseMode } from '../../core/integrations';
import { directorySettings, num, type DirectoryConfigDef, type DirectoryConfigNode } from './settings';

// One directory: backend, connection settings, credentials (Node-RED credentials only), mode
// and the protected accounts every disable-account node using it must respect.
export = function (RED: NodeAPI): void {
  function DirectoryConfig(this: DirectoryConfigNode, config: DirectoryConfigDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    node.mode = parseMode(config.mode);
    node.settings = directorySettings(config);
    node.kind = node.settings.kind;
    node.protectedList = parseProtectedList(config.protectedAccounts ?? '');
    const tokens = new TokenCache();
    let client: HttpClient | undefined;
    const httpClient = (): HttpClient => {
      client ??= createHttpClient({
        rateLimit: { requestsPerSecond: num(config.rate, 5, 0.01), burst: 5, maxQueue: 10_000 },
        retry: { maxRetries: num(config.retries, 3, 0) },
        timeoutMs: num(config.timeout, 15, 0.1) * 1000,
        deadlineMs: 5 * 60 * 1000,
        onEvent: (e) => {
          if (e.kind !== 'response') node.debug(`${e.kind} ${e.method} ${e.url} attempt ${e.attempt}${e.reason ? `: ${e.reason}` : ''}`);
        },
      });
      return client;
    };
    node.open = (log) => openDirectory(node.settings, node.credentials ?? {}, { mode: node.mode, client: httpClient, tokens, log });
    // Live mode that cannot work is said at deploy, not first after someone approved a
    // containment: opening runs the same checks as a run (nothing is sent until an operation).
    if (node.mode === 'live') {
      try {
        node.open([]).backend.close().catch(() => undefined);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const short = err instanceof MissingCredentialsError ? `lacks ${err.missing.join(', ')}` : message.replace(/^[^:]*: /, '');
        node.liveProblem = { message, short };
      }
    }
    node.on('close', (done: () => void) => {
      tokens.clear();
      const c = client;
      client = undefined;
      if (!c) return done();
      c.close().then(() => done(), (err: Error) => {
        RED.log.warn(`[incident-response] closing the HTTP client of ir-directory failed: ${err.message}`);
        done();
      });
    });
  }
  RED.nodes.registerType<DirectoryConfigNode, DirectoryConfigDef, object, DirectoryCredentials>('ir-directory', DirectoryConfig, {
    credentials: { apiToken: { type: 'password' }, clientSecret: { type: 'password' }, serviceAccountKey: { type: 'password' }, bindPassword: { type: 'password' } },
  });
};
