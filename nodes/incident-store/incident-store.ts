import type { ConnectionOptions } from 'node:tls';
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { DEFAULT_KEY_PREFIX, parseRedisUrl } from '../../core/store/redis';
import type { StoreSettings } from '../common/store';

interface IncidentStoreDef extends NodeDef {
  backend: string;
  contextStore: string;
  retentionDays: string | number;
  redisUrl?: string;
  /** A Node-RED tls-config node: CA, client certificate, server name. */
  tls?: string;
  keyPrefix?: string;
}

interface RedisCredentials {
  username?: string;
  password?: string;
}

interface IncidentStoreNode extends Node<RedisCredentials> {
  settings: StoreSettings;
}

/** Node-RED's core tls-config node, as the MQTT and HTTP request nodes use it. */
interface TlsConfigNode extends Node {
  addTLSOptions(options: ConnectionOptions): void;
}

// Config node: where incidents, the dedup index and approvals live. The nodes that use it
// share one store instance per context store or Redis (see common/store.ts).
export = function (RED: NodeAPI): void {
  function IncidentStoreConfig(this: IncidentStoreNode, config: IncidentStoreDef): void {
    RED.nodes.createNode(this, config);
    const retentionDays = Number(config.retentionDays);
    this.settings = {
      contextStore: (config.contextStore ?? '').trim(),
      retentionDays: Number.isFinite(retentionDays) && retentionDays > 0 ? retentionDays : 30,
    };
    if (config.backend === 'redis') {
      const url = (config.redisUrl ?? '').trim();
      try {
        if (!url) throw new Error('the Redis store needs a URL, e.g. redis://redis.example:6379/0');
        const target = parseRedisUrl(url);
        let tls: ConnectionOptions | undefined;
        if (config.tls) {
          const tlsNode = RED.nodes.getNode(config.tls) as TlsConfigNode | null;
          if (!tlsNode) throw new Error('the Redis store\'s TLS configuration is missing');
          tls = {};
          tlsNode.addTLSOptions(tls);
        } else if (target.tls) {
          tls = {};
        }
        const keyPrefix = config.keyPrefix === undefined || config.keyPrefix === '' ? DEFAULT_KEY_PREFIX : config.keyPrefix;
        this.settings.redis = {
          configId: this.id,
          url,
          keyPrefix,
          ...(tls ? { tls } : {}),
          ...(this.credentials?.username ? { username: this.credentials.username } : {}),
          ...(this.credentials?.password ? { password: this.credentials.password } : {}),
        };
      } catch (err) {
        // Never fall back to the local context store: instances would silently stop sharing.
        this.settings.unavailable = `incident store: ${(err as Error).message}`;
        this.error(this.settings.unavailable);
      }
    } else if (config.backend && config.backend !== 'context') {
      this.error(`incident store backend "${config.backend}" is not available; using the Node-RED context store`);
    }
  }
  RED.nodes.registerType<IncidentStoreNode, IncidentStoreDef, object, RedisCredentials>('ir-incident-store', IncidentStoreConfig, {
    credentials: { username: { type: 'text' }, password: { type: 'password' } },
  });
};
