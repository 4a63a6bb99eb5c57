import type { Node, NodeAPI, NodeDef } from 'node-red';
import type { StoreSettings } from '../common/store';

interface IncidentStoreDef extends NodeDef {
  backend: string;
  contextStore: string;
  retentionDays: string | number;
}

interface IncidentStoreNode extends Node {
  settings: StoreSettings;
}

// Config node: where incidents, the dedup index and approvals live. The nodes that use it
// share one store instance per context store (see common/store.ts).
export = function (RED: NodeAPI): void {
  function IncidentStoreConfig(this: IncidentStoreNode, config: IncidentStoreDef): void {
    RED.nodes.createNode(this, config);
    const retentionDays = Number(config.retentionDays);
    this.settings = {
      contextStore: (config.contextStore ?? '').trim(),
      retentionDays: Number.isFinite(retentionDays) && retentionDays > 0 ? retentionDays : 30,
    };
    if (config.backend && config.backend !== 'context') {
      this.error(`incident store backend "${config.backend}" is not available; using the Node-RED context store`);
    }
  }
  RED.nodes.registerType('ir-incident-store', IncidentStoreConfig);
};
