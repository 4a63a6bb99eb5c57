import path from 'node:path';
import type { NodeAPI, NodeDef } from 'node-red';
import { settingsFromConfig, type IpLookupConfigFields } from '../../core/ip/config';
import { IpLookupService, type IpLookupCredentials } from '../../core/ip/service';
import type { IpLookupConfigNode } from './types';

type IpLookupConfigDef = NodeDef & IpLookupConfigFields;

// dist/nodes/ip-lookup-config/ → the package root, where geoip/ holds MaxMind's test databases.
const PACKAGE_ROOT = path.resolve(__dirname, '..', '..', '..');

// Files, providers and limits shared by ip-lookup nodes. One engine per config node, so its
// caches, rate limits and quota brakes are shared by every node using it.
export = function (RED: NodeAPI): void {
  function IpLookupConfig(this: IpLookupConfigNode, config: IpLookupConfigDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const userDir = (RED.settings as { userDir?: string }).userDir;
    const settings = settingsFromConfig(config, node.credentials, { ...(userDir ? { userDir } : {}), packageRoot: PACKAGE_ROOT });
    node.mode = settings.mode;
    settings.offline.onReload = (e) => {
      if (e.ok) node.log(`reloaded ${e.path}`);
      else node.warn(`reloading ${e.path} failed: ${e.error ?? 'unknown error'}`);
    };
    const ready = IpLookupService.create(settings);
    ready.then((service) => {
      // A configured file that cannot be used is an error; a provider without a key a warning.
      for (const problem of service.offline.problems) node.error(problem);
      for (const problem of service.problems.slice(service.offline.problems.length)) node.warn(problem);
      // Lines of a list that are not entries are skipped; say so once, with the first of them.
      for (const l of service.offline.summary().lists) {
        if (l.badLines) node.warn(`${l.kind}list ${l.path}: ${l.badLines} line${l.badLines === 1 ? ' is' : 's are'} not an address, CIDR or range and ${l.badLines === 1 ? 'was' : 'were'} skipped (first: ${l.firstBadLine ?? '?'})`);
      }
    }, (err: Error) => node.error(`IP lookup engine failed to start: ${err.message}`));
    node.service = () => ready;
    node.on('close', (done: () => void) => {
      ready.then((s) => s.close()).catch(() => undefined).finally(() => done());
    });
  }
  RED.nodes.registerType<IpLookupConfigNode, IpLookupConfigDef, object, IpLookupCredentials>('ir-ip-lookup-config', IpLookupConfig, {
    credentials: { abuseipdbKey: { type: 'password' }, greynoiseKey: { type: 'password' }, virustotalKey: { type: 'password' } },
  });
};
