import type { Node, NodeAPI, NodeDef } from 'node-red';
import { appendTimeline } from '../../core/model/timeline';
import { incidentOf, nodeRef, onInput, useStore } from './node';

interface StepDef extends NodeDef {
  store: string;
}

/**
 * A playbook step whose integration this release does not ship yet: it validates the
 * incident, records in the timeline that the step was skipped and why, and passes the
 * incident on, so a flow built today keeps its wiring when the integration arrives.
 */
export function registerSkippedStep(RED: NodeAPI, type: string, action: string, what: string): void {
  function SkippedStep(this: Node, config: StepDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const { store } = useStore(RED, node, config.store);
    node.status({ fill: 'grey', shape: 'ring', text: 'skipped: no integration yet' });
    onInput(node, async (msg, send) => {
      const given = incidentOf(msg);
      msg.incident = await store.update(given.id, (latest) => {
        appendTimeline(latest, {
          node: nodeRef(node), action, outcome: 'skipped',
          summary: `${what} skipped: this release has no ${action} integration yet`,
        });
      }, given);
      send(msg);
    });
  }
  RED.nodes.registerType(type, SkippedStep);
}
