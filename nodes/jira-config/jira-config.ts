import type { NodeAPI } from 'node-red';
import { setupIntegrationConfig, type IntegrationConfigDef } from '../common/integration-config';
import type { JiraConfigNode, JiraCredentials } from './types';

interface JiraConfigDef extends IntegrationConfigDef {
  siteUrl?: string;
  project?: string;
}

// Jira Cloud site settings shared by jira-ticket nodes: site URL, account email and API token
// (credentials), default project, live | dry-run. REST API v3 only (Data Center is not supported).
export = function (RED: NodeAPI): void {
  function JiraConfig(this: JiraConfigNode, config: JiraConfigDef): void {
    RED.nodes.createNode(this, config);
    this.siteUrl = (config.siteUrl ?? '').trim().replace(/\/+$/, '');
    this.project = (config.project ?? '').trim();
    // Jira Cloud limits by cost per account; a few calls a second stays well inside it.
    setupIntegrationConfig(RED, this, config, { rate: 5 });
  }
  RED.nodes.registerType<JiraConfigNode, JiraConfigDef, object, JiraCredentials>('ir-jira-config', JiraConfig, {
    credentials: { email: { type: 'text' }, apiToken: { type: 'password' } },
  });
};
