// What an ir-log-source config node offers log-fetch nodes.
import type { LogBackend, LogSourceSettings } from '../../core/logs';
import type { IntegrationConfig } from './integration-config';

export interface LogSourceCredentials {
  /** Elasticsearch API key (the base64 "id:api_key" form). */
  apiKey?: string;
  /** Elasticsearch / Loki basic-auth password. */
  password?: string;
  /** Splunk authentication token, Loki bearer token. */
  token?: string;
}

export interface LogSourceNode extends IntegrationConfig<LogSourceCredentials> {
  backend: LogBackend;
  /** The backend's settings with this node's credentials. */
  settings(): LogSourceSettings;
}

