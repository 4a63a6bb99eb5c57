import assert from 'node:assert/strict';
import type { Incident } from '../../core/model/types';
import { activeStores } from '../../nodes/common/store';
import { ALL_NODES, helper, nextMessage, type FlowNode } from '../helpers/node-red';
import { wazuhAlert } from '../helpers/payloads';

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
