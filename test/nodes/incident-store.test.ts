import assert from 'node:assert/strict';
import { ALL_NODES, helper, nextError, nextMessage, type FlowNode } from '../helpers/node-red';
import { wazuhAlert } from '../helpers/payloads';
import { freePort } from '../helpers/runtime';

// The Redis backend's behaviour against a real Redis is in test/system/redis-*.test.ts; these
// need no Redis: configuration errors and an unreachable Redis.
function flow(store: Record<string, unknown>, credentials?: Record<string, string>): { nodes: FlowNode[]; credentials: Record<string, Record<string, string>> } {
  return {
    nodes: [
      { id: 'tab', type: 'tab' },
      { id: 'store', type: 'ir-incident-store', retentionDays: 30, ...store },
      { id: 'in', type: 'ir-alert-in', z: 'tab', store: 'store', format: 'auto', dedupKeyType: 'default', windowMinutes: 15, maxAlerts: 20, maxKilobytes: 1024, maxDepth: 64, auth: 'none', wires: [['new'], ['update'], ['rejected']] },
      { id: 'new', type: 'helper', z: 'tab' },
      { id: 'update', type: 'helper', z: 'tab' },
      { id: 'rejected', type: 'helper', z: 'tab' },
    ],
    credentials: credentials ? { store: credentials } : {},
  };
}

describe('incident-store config node: Redis backend', () => {
  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(() => helper.unload());

  it('refuses a password in the URL, and the nodes fail visibly instead of using another store', async () => {
    const { nodes, credentials } = flow({ backend: 'redis', redisUrl: 'redis://:hunter2@127.0.0.1:6379/0' });
    await helper.load(ALL_NODES, nodes, credentials);
    const alertIn = helper.getNode('in');
    const error = nextError(alertIn);
    alertIn.receive({ payload: wazuhAlert() });
    const err = await error;
    const message = err instanceof Error ? err.message : String(err);
    assert.match(message, /Password field/);
    assert.doesNotMatch(message, /hunter2/);
  });

  it('needs a URL', async () => {
    const { nodes, credentials } = flow({ backend: 'redis', redisUrl: '' });
    await helper.load(ALL_NODES, nodes, credentials);
    const alertIn = helper.getNode('in');
    const error = nextError(alertIn);
    alertIn.receive({ payload: wazuhAlert() });
    const err = await error;
    assert.match(err instanceof Error ? err.message : String(err), /needs a URL/);
  });

  it('an unreachable Redis fails the message with a catchable error, without hanging it', async function () {
    this.timeout(20_000);
    // A port that refuses connections: nothing listens there.
    const port = await freePort();
    const { nodes, credentials } = flow({ backend: 'redis', redisUrl: `redis://127.0.0.1:${port}/0`, keyPrefix: 'x:' }, { password: 'not-shown' });
    await helper.load(ALL_NODES, nodes, credentials);
    const alertIn = helper.getNode('in');
    const error = nextError(alertIn, 15_000);
    alertIn.receive({ payload: wazuhAlert() });
    const err = await error;
    const message = err instanceof Error ? err.message : String(err);
    assert.ok(message.length > 0);
    assert.doesNotMatch(message, /not-shown/);
  });

  it('keeps the context store when the backend is "context"', async () => {
    const { nodes, credentials } = flow({ backend: 'context', contextStore: '' });
    await helper.load(ALL_NODES, nodes, credentials);
    const created = nextMessage<{ incident: { revision: number } }>(helper.getNode('new'));
    helper.getNode('in').receive({ payload: wazuhAlert() });
    assert.equal((await created).incident.revision, 1);
  });
});

