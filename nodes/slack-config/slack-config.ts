import type { NodeAPI } from 'node-red';
import { SlackClients } from '../../core/integrations/slack';
import { setupIntegrationConfig, type IntegrationConfigDef, type SlackCredentials, type SlackConfigNode } from '../common/integration-config';

interface SlackConfigDef extends IntegrationConfigDef {
  channel?: string;
  apiUrl?: string;
}

// Slack workspace settings shared by slack-notify nodes: bot token (credential), default
// channel, live | dry-run, and the API URL (emulators, Enterprise Grid gateways).
export = function (RED: NodeAPI): void {
  function SlackConfig(this: SlackConfigNode, config: SlackConfigDef): void {
    RED.nodes.createNode(this, config);
    this.channel = (config.channel ?? '').trim();
    this.apiUrl = (config.apiUrl ?? '').trim();
    this.clients = new SlackClients();
    // chat.postMessage allows about one message per second per channel.
    setupIntegrationConfig(RED, this, config, { rate: 1 });
  }
  RED.nodes.registerType<SlackConfigNode, SlackConfigDef, object, SlackCredentials>('ir-slack-config', SlackConfig, { credentials: { token: { type: 'password' } } });
};
