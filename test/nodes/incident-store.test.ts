import assert from 'node:assert/strict';
import type { Incident } from '../../core/model/types';
import { activeStores } from '../../nodes/common/store';
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

// The retention sweep runs hourly; settings.incidentResponse.sweepIntervalMs makes it sooner
// (the soak benchmark needs it within its run).
describe('incident store retention sweep interval (settings)', () => {
  const defaults = { incidentResponse: { timerPollMs: 50 } };
  before(() => {
    helper.settings({ incidentResponse: { timerPollMs: 50, sweepIntervalMs: 50 } });
    return helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    helper.settings(defaults);
  });
  afterEach(() => helper.unload());

  it('evicts a closed incident once its retention has passed, on the configured interval', async () => {
    const flow: FlowNode[] = [
      { id: 'tab', type: 'tab' },
      // 0.3 s of retention, in days.
      { id: 'store', type: 'ir-incident-store', backend: 'context', contextStore: '', retentionDays: 0.3 / 86_400 },
      { id: 'in', type: 'ir-alert-in', z: 'tab', auth: 'none', store: 'store', wires: [['detect'], [], []] },
      { id: 'detect', type: 'ir-phase-gate', z: 'tab', framework: 'nist-800-61r2', phase: 'detection-analysis', closeIncident: false, store: 'store', wires: [['contain'], []] },
      { id: 'contain', type: 'ir-phase-gate', z: 'tab', framework: 'nist-800-61r2', phase: 'containment-eradication-recovery', closeIncident: false, store: 'store', wires: [['post'], []] },
      { id: 'post', type: 'ir-phase-gate', z: 'tab', framework: 'nist-800-61r2', phase: 'post-incident', closeIncident: true, store: 'store', wires: [['out'], []] },
      { id: 'out', type: 'helper', z: 'tab' },
    ];
    await helper.load(ALL_NODES, flow);
    const out = nextMessage<{ incident: Incident }>(helper.getNode('out'));
    helper.getNode('in').receive({ payload: wazuhAlert() });
    const { incident } = await out;
    assert.equal(incident.status, 'closed');
    const [store] = activeStores();
    // An hourly sweep would leave it for the rest of this test; the 50 ms one evicts it.
    for (let i = 0; (await store!.get(incident.id)) && i < 200; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(await store!.get(incident.id), undefined);
    assert.equal(await store!.getByDedupKey(incident.dedupKey), undefined);
  });
});
