import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { checkTransition, enterPhase, FRAMEWORKS, getFramework, getPhase } from '../../core/frameworks';
import { setStatus } from '../../core/model/incident';
import { appendTimeline } from '../../core/model/timeline';
import { incidentOf, nodeRef, onInput, shortText, useStore } from '../common/node';

interface PhaseGateDef extends NodeDef {
  framework: string;
  phase: string;
  closeIncident: boolean;
  store: string;
}

// Output order is a contract of the flows: 1 passed, 2 refused; the approval, denied/expired
// and SLA outputs come after these and only when configured.
const OUTPUT_PASSED = 0;
const OUTPUT_REFUSED = 1;

export = function (RED: NodeAPI): void {
  function PhaseGate(this: Node, config: PhaseGateDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const framework = getFramework(config.framework);
    const phase = framework ? getPhase(framework, config.phase) : undefined;
    const closeIncident = config.closeIncident === true;
    if (!framework) {
      node.status({ fill: 'red', shape: 'ring', text: 'unknown framework' });
      node.error(`unknown framework "${config.framework}"`);
    } else if (!phase) {
      node.status({ fill: 'red', shape: 'ring', text: 'unknown phase' });
      node.error(`${framework.label} has no phase "${config.phase}"`);
    }
    const { store } = useStore(RED, node, config.store);

    onInput(node, async (msg, send) => {
      if (!framework || !phase) throw new Error(`phase-gate is misconfigured: framework "${config.framework}", phase "${config.phase}"`);
      const given = incidentOf(msg);
      let refusal: string | undefined;
      // The change runs on the store's latest revision (it may run again after a conflict).
      const incident = await store.update(given.id, (latest) => {
        const now = new Date();
        const check = checkTransition(latest, framework, phase.id);
        refusal = check.allowed ? undefined : check.reason;
        if (!check.allowed) {
          appendTimeline(latest, {
            node: nodeRef(node), action: 'phase-refused', outcome: 'skipped', at: now,
            summary: `Refused to enter ${phase.label}: ${check.reason}`,
            details: { framework: framework.id, from: latest.phase ?? null, to: phase.id },
          });
          return;
        }
        if (!check.same) {
          const from = latest.phase;
          enterPhase(latest, framework, phase.id, now);
          appendTimeline(latest, {
            node: nodeRef(node), action: 'phase-entered', outcome: 'ok', at: now,
            summary: `Entered ${framework.label} phase "${phase.label}"`,
            details: { framework: framework.id, from: from ?? null, to: phase.id, status: latest.status },
          });
        }
        if (closeIncident && latest.status !== 'closed') {
          setStatus(latest, 'closed', now);
          appendTimeline(latest, {
            node: nodeRef(node), action: 'incident-closed', outcome: 'ok', at: now,
            summary: `Incident closed at the end of ${framework.label}`,
          });
        }
      }, given);
      msg.incident = incident;
      const outputs: Array<NodeMessage | null> = [null, null];
      if (refusal) {
        msg.reason = refusal;
        outputs[OUTPUT_REFUSED] = msg;
        node.status({ fill: 'yellow', shape: 'ring', text: shortText(`refused: ${refusal}`) });
      } else {
        outputs[OUTPUT_PASSED] = msg;
        node.status({ fill: 'green', shape: 'dot', text: shortText(phase.label) });
      }
      send(outputs);
    });
  }

  RED.nodes.registerType('ir-phase-gate', PhaseGate);

  // The editor dialog offers the phases of the chosen framework from this one definition.
  RED.httpAdmin.get('/ir-phase-gate/frameworks', RED.auth.needsPermission('ir-phase-gate.read'), (_req, res) => {
    res.json(FRAMEWORKS);
  });
};
