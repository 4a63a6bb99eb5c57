import path from 'node:path';
import type { NodeAPI } from 'node-red';
import { LOG_BACKENDS, type LogBackend, type LogSourceSettings } from '../../core/logs';
import type { SplunkMode } from '../../core/integrations/splunk';
import { setupIntegrationConfig, type IntegrationConfigDef } from '../common/integration-config';
import type { LogSourceCredentials, LogSourceNode } from '../common/log-source';

interface LogSourceDef extends IntegrationConfigDef {
  backend?: string;
  paths?: string;
  url?: string;
  index?: string;
  timeField?: string;
  selector?: string;
  tenant?: string;
  splunkMode?: string;
  username?: string;
  /** Largest answer read from a remote store, MiB. */
  maxResponseMb?: string | number;
}

/**
 * What relative file paths are resolved against: the package's folder, where the sample logs
 * of the example flows live (sample-logs; not under examples/, where Node-RED would list the
 * folder under Import > Examples). Give your own logs as absolute paths.
 */
const PACKAGE_DIR = path.resolve(__dirname, '..', '..', '..');

// Where log-fetch searches: local files (the default, always run) or Elasticsearch/OpenSearch,
// Loki or Splunk (live | dry-run, credentials, the shared HTTP policy).
export = function (RED: NodeAPI): void {
  function LogSource(this: LogSourceNode, config: LogSourceDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    node.backend = (LOG_BACKENDS as readonly string[]).includes(config.backend ?? '') ? config.backend as LogBackend : 'files';
    const mb = Number(config.maxResponseMb);
    const maxResponseBytes = (Number.isFinite(mb) && mb > 0 ? mb : 20) * 1024 * 1024;
    setupIntegrationConfig(RED, node, config, { rate: 5, maxResponseBytes });
    const url = (config.url ?? '').trim();
    node.settings = (): LogSourceSettings => {
      const creds = node.credentials ?? {};
      const username = (config.username ?? '').trim();
      switch (node.backend) {
        case 'elasticsearch':
          return {
            backend: 'elasticsearch',
            elasticsearch: {
              url, index: (config.index ?? '').trim(), timeField: (config.timeField ?? '').trim() || '@timestamp',
              ...(creds.apiKey ? { apiKey: creds.apiKey } : {}), ...(username ? { username, password: creds.password ?? '' } : {}),
            },
          };
        case 'loki':
          return {
            backend: 'loki',
            loki: {
              url, ...(config.selector?.trim() ? { selector: config.selector.trim() } : {}), ...(config.tenant?.trim() ? { tenant: config.tenant.trim() } : {}),
              ...(creds.token ? { token: creds.token } : {}), ...(username ? { username, password: creds.password ?? '' } : {}),
            },
          };
        case 'splunk':
          return {
            backend: 'splunk',
            splunk: { url, index: (config.index ?? '').trim(), mode: (config.splunkMode === 'oneshot' ? 'oneshot' : 'export') as SplunkMode, ...(creds.token ? { token: creds.token } : {}) },
          };
        default:
          return { backend: 'files', files: { paths: (config.paths ?? '').split(/\r?\n/).map((p) => p.trim()).filter(Boolean), baseDir: PACKAGE_DIR } };
      }
    };
  }
  RED.nodes.registerType<LogSourceNode, LogSourceDef, object, LogSourceCredentials>('ir-log-source', LogSource, {
    credentials: { apiKey: { type: 'password' }, password: { type: 'password' }, token: { type: 'password' } },
  });
};
