import type { NodeAPI, NodeDef } from 'node-red';
import { domainSettingsFromConfig, type DomainLookupConfigFields } from '../../core/domain/config';
import { DomainLookupService, type DomainLookupCredentials } from '../../core/domain/service';
import type { DomainLookupConfigNode } from './types';

type DomainLookupConfigDef = NodeDef & DomainLookupConfigFields;

// Own domains, providers, keys and limits shared by domain-lookup nodes.
export = function (RED: NodeAPI): void {
  function DomainLookupConfig(this: DomainLookupConfigNode, config: DomainLookupConfigDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const settings = domainSettingsFromConfig(config, node.credentials);
    node.mode = settings.mode;
    node.service = new DomainLookupService(settings);
    for (const problem of node.service.problems) node.warn(problem);
    node.on('close', (done: () => void) => {
      node.service.close().catch(() => undefined).finally(() => done());
    });
  }
  RED.nodes.registerType<DomainLookupConfigNode, DomainLookupConfigDef, object, DomainLookupCredentials>('ir-domain-lookup-config', DomainLookupConfig, {
    credentials: { virustotalKey: { type: 'password' }, urlscanKey: { type: 'password' } },
  });
};
