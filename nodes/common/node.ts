import type { Node, NodeAPI, NodeMessage, NodeMessageInFlow } from 'node-red';
import { appendTimeline } from '../../core/model/timeline';
import { validateIncident } from '../../core/model/validate';
import type { IncidentStore } from '../../core/store/types';
import type { Incident, NodeRef } from '../../core/model/types';
import { followers, type Follower } from './followers';
import { acquireStore, DEFAULT_STORE_SETTINGS, type StoreHandle, type StoreSettings } from './store';

export type Send = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;
export type Done = (err?: Error) => void;

export interface IncidentMessage extends NodeMessageInFlow {
  incident?: Incident;
}

export function nodeRef(node: Node): NodeRef {
  return { type: node.type, id: node.id, ...(node.name ? { name: node.name } : {}) };
}

/** msg.incident, validated by the one shared validator; throws a clear error otherwise. */
export function incidentOf(msg: IncidentMessage): Incident {
  if (msg.incident === undefined) throw new Error('msg.incident is missing: wire this node after alert-in');
  validateIncident(msg.incident);
  return msg.incident;
}

/** Status text is short in the editor; cut long messages. */
export function shortText(text: string, max = 32): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Registers the input handler with Node-RED's 3-argument form (the only one done-tracking
 * counts) and routes every failure, sync or async, to done(err) and a red status: a rejected
 * promise in a handler would otherwise end the runtime.
 */
export function onInput(node: Node, handler: (msg: IncidentMessage, send: Send) => Promise<void>): void {
  let closed = false;
  node.on('close', () => {
    closed = true;
  });
  node.on('input', (msg: NodeMessageInFlow, send: Send, done: Done) => {
    // A redeploy closes this node while queued or running work still finishes here; what it
    // sends then reaches no node. Say so in each incident instead of losing the trail.
    const guardedSend: Send = (out) => {
      if (!closed) return send(out);
      for (const m of [out].flat(2)) {
        if (m && typeof m === 'object' && 'incident' in m) recordInterrupted(node, (m as IncidentMessage).incident);
      }
    };
    handler(msg as IncidentMessage, guardedSend).then(
      () => done(),
      (err: unknown) => {
        const error = err instanceof Error ? err : new Error(String(err));
        node.status({ fill: 'red', shape: 'dot', text: shortText(error.message) });
        done(error);
      },
    );
  });
}

const storeOfNode = new WeakMap<Node, IncidentStore>();

function recordInterrupted(node: Node, incident: Incident | undefined): void {
  if (!incident?.id) return;
  const summary = `The flows were redeployed while ${node.type.replace(/^ir-/, '')} handled this incident: its result reached no next step, so the playbook stopped here`;
  node.warn(`incident ${incident.id}: ${summary}`);
  const store = storeOfNode.get(node);
  if (!store) return;
  store.update(incident.id, (inc) => {
    appendTimeline(inc, { node: nodeRef(node), action: 'playbook-interrupted', outcome: 'error', summary });
  }).catch((err: Error) => node.warn(`incident ${incident.id}: could not record the interruption: ${err.message}`));
}

interface StoreConfigNode extends Node {
  settings: StoreSettings;
}

/**
 * The incident store this node uses: the one of its `ir-store` config node, or the default
 * (Node-RED's default context store). Released when the node closes.
 */
export function useStore(RED: NodeAPI, node: Node, storeConfigId: string | undefined): StoreHandle {
  const config = storeConfigId ? (RED.nodes.getNode(storeConfigId) as StoreConfigNode | null) : null;
  const handle = acquireStore(RED, node, config?.settings ?? DEFAULT_STORE_SETTINGS);
  storeOfNode.set(node, handle.store);
  node.on('close', (done: () => void) => {
    handle.release();
    done();
  });
  return handle;
}

/**
 * Lets the incident sidebar hand this node an incident an analyst changed (see followers.ts):
 * the handler runs as for a message whose outputs go nowhere. A failure is in the timeline
 * (the handler records it), on the status and in the log.
 */
export function followAnalystActions(RED: NodeAPI, node: Node, store: IncidentStore, handler: (msg: IncidentMessage, send: Send) => Promise<void>): void {
  const follower: Follower = {
    type: node.type,
    store,
    follow: async (incident) => {
      const msg = { _msgid: RED.util.generateId(), incident } as IncidentMessage;
      try {
        await handler(msg, () => undefined);
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        node.status({ fill: 'red', shape: 'dot', text: shortText(error.message) });
        node.warn(`incident ${incident.id}, after an analyst's action: ${error.message}`);
        throw error;
      }
    },
  };
  followers.set(node.id, follower);
  node.on('close', () => {
    if (followers.get(node.id) === follower) followers.delete(node.id);
  });
}
