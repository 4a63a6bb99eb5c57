import type { NodeAPI } from 'node-red';
import { setupIntegrationConfig, type IntegrationConfigDef, type PagerDutyCredentials, type PagerDutyConfigNode } from '../common/integration-config';

interface PagerDutyConfigDef extends IntegrationConfigDef {
  eventsUrl?: string;
  apiUrl?: string;
}

// PagerDuty service settings shared by pagerduty-page nodes: Events API v2 routing key and
// optional REST token (credentials), live | dry-run, and the events URL (emulators, EU region).
export = function (RED: NodeAPI): void {
  function PagerDutyConfig(this: PagerDutyConfigNode, config: PagerDutyConfigDef): void {
    RED.nodes.createNode(this, config);
    this.eventsUrl = (config.eventsUrl ?? '').trim();
    this.apiUrl = (config.apiUrl ?? '').trim();
    // Events API v2: about 120 events per minute per routing key.
    setupIntegrationConfig(RED, this, config, { rate: 2 });
  }
  RED.nodes.registerType<PagerDutyConfigNode, PagerDutyConfigDef, object, PagerDutyCredentials>('ir-pagerduty-config', PagerDutyConfig, {
    credentials: { routingKey: { type: 'password' }, apiToken: { type: 'password' } },
  });
};
