import type { Node, NodeAPI, NodeDef } from 'node-red';
import { requireCredentials } from '../../core/integrations';
import { buildEvent, decideEvent, findIncident, sendEvent, type Decision, type FoundIncident, type PagerDutyRef, type SendResult } from '../../core/integrations/pagerduty';
import { SerialQueue } from '../../core/integrations/serial-queue';
import { appendRepeatable, appendTimeline } from '../../core/model/timeline';
import { SEVERITIES, type Severity } from '../../core/model/types';
import { showConfigStatus, type PagerDutyConfigNode } from '../common/integration-config';
import { followAnalystActions, incidentOf, nodeRef, onInput, shortText, useStore, type IncidentMessage, type Send } from '../common/node';

interface PagerDutyPageDef extends NodeDef {
  store: string;
  pagerduty: string;
  /** Severities that trigger a page, comma-separated; default high,critical. */
  severities?: string;
  /** payload.source; default the incident's first host. */
  source?: string;
  /** Phases, comma-separated, whose arrival counts as acknowledgement. */
  ackPhases?: string;
}

const ACTION = 'pagerduty-page';
const STATE = { trigger: 'triggered', acknowledge: 'acknowledged', resolve: 'resolved' } as const;

// Glue: decides trigger / acknowledge / resolve (core), sends it through the config's invoker
// one event at a time (a resolve never overtakes its trigger), records it in the timeline.
export = function (RED: NodeAPI): void {
  function PagerDutyPage(this: Node, config: PagerDutyPageDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const { store } = useStore(RED, node, config.store);
    const pd = config.pagerduty ? (RED.nodes.getNode(config.pagerduty) as PagerDutyConfigNode | null) : null;
    const queue = new SerialQueue();
    const listed = (config.severities ?? 'high,critical').split(',').map((s) => s.trim()).filter((s): s is Severity => (SEVERITIES as readonly string[]).includes(s));
    const ackPhases = (config.ackPhases ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    showConfigStatus(node, 'PagerDuty', pd, { credentials: ['routingKey'], urls: { 'events URL': pd?.eventsUrl ?? '', 'REST API URL': pd?.apiUrl ?? '' } });
    const showDepth = (depth: number): void => {
      if (depth > 1) node.status({ fill: 'blue', shape: 'dot', text: `queue: ${depth - 1}` });
    };

    const handle = async (msg: IncidentMessage, send: Send): Promise<void> => {
      const given = incidentOf(msg);
      const update = (msg as { update?: unknown }).update;
      await queue.run(async () => {
        if (!pd) throw new Error('pagerduty-page: choose a PagerDuty config node (ir-pagerduty-config)');
        const stored = (await store.get(given.id)) ?? given;
        // The message's incident unless the store is newer; refs (what was sent) from the store.
        const current = { ...(stored.revision > given.revision ? stored : given), refs: stored.refs };
        const decision: Decision = decideEvent(current, { triggerSeverities: listed, update, ackPhases });
        const invoker = pd.invoker();
        let missing: string[] = [];
        let sent: SendResult | undefined;
        let failure: Error | undefined;
        if (decision.action) {
          try {
            missing = requireCredentials(pd.mode, 'PagerDuty', pd.credentials, ['routingKey']);
            sent = await sendEvent(invoker, buildEvent(current, decision.action, { ...(config.source ? { source: config.source } : {}) }), {
              ...(pd.credentials.routingKey ? { routingKey: pd.credentials.routingKey } : {}), eventsUrl: pd.eventsUrl, missingCredentials: missing,
            });
          } catch (err) {
            failure = err instanceof Error ? err : new Error(String(err));
          }
        }
        // With the optional REST token: find the PagerDuty incident once, to link to it.
        const known = (current.refs.pagerduty as PagerDutyRef | undefined)?.incidentId;
        let found: FoundIncident | undefined;
        let lookupFailure: string | undefined;
        if (sent && decision.action !== 'resolve' && !known && pd.credentials.apiToken) {
          try {
            found = await findIncident(invoker, sent.dedupKey, { apiToken: pd.credentials.apiToken, apiUrl: pd.apiUrl });
          } catch (err) {
            lookupFailure = err instanceof Error ? err.message : String(err); // the page went out: a note, not a failure
          }
        }
        const action = decision.action;
        msg.incident = await store.update(given.id, (inc) => {
          const before = inc.refs.pagerduty as PagerDutyRef | undefined;
          const link = found ? { incidentId: found.id, ...(found.number !== undefined ? { incidentNumber: found.number } : {}), ...(found.htmlUrl ? { htmlUrl: found.htmlUrl } : {}) }
            : before?.incidentId ? { incidentId: before.incidentId, ...(before.incidentNumber !== undefined ? { incidentNumber: before.incidentNumber } : {}), ...(before.htmlUrl ? { htmlUrl: before.htmlUrl } : {}) } : {};
          if (sent && action) inc.refs.pagerduty = { dedupKey: sent.dedupKey, state: STATE[action], ...(sent.dryRun ? { dryRun: true } : {}), ...link } satisfies PagerDutyRef;
          const outcome = !action ? 'skipped' : failure ? 'error' : pd.mode === 'dry-run' ? 'dry-run' : 'ok';
          const summary = !action ? `no PagerDuty event: ${decision.reason ?? ''}`
            : failure ? `PagerDuty ${action} failed: ${failure.message}`
              : `${pd.mode === 'dry-run' ? 'dry-run: would have sent' : 'sent'} PagerDuty ${action} (dedup key ${sent?.dedupKey ?? ''})${missing.length ? ` (live mode lacks ${missing.join(', ')})` : ''}`
                + (found ? `; PagerDuty incident ${found.number !== undefined ? `#${found.number}` : found.id}` : '')
                + (lookupFailure ? `; finding the PagerDuty incident failed: ${lookupFailure}` : '');
          // A step with nothing to send (a storm of notices for a resolved page) folds into one entry.
          (outcome === 'skipped' ? appendRepeatable : appendTimeline)(inc, {
            node: nodeRef(node), action: ACTION, outcome, summary,
            details: { mode: pd.mode, ...(action ? { event: action } : {}), ...(sent ? { dedupKey: sent.dedupKey } : {}), ...(invoker.calls.length ? { calls: invoker.calls } : {}) },
          });
        }, stored);
        if (failure) {
          send(msg); // the playbook goes on; the failure is in the timeline and catchable
          throw failure;
        }
        node.status({ fill: action ? 'green' : 'grey', shape: 'dot', text: shortText(`${pd.mode === 'dry-run' ? 'dry-run: ' : ''}${action ?? 'no event'}`) });
        send(msg);
      }, showDepth);
    };
    onInput(node, handle);
    // An analyst's action in the incident sidebar (close, acknowledge...) reaches this node too.
    followAnalystActions(RED, node, store, handle);
  }
  RED.nodes.registerType('ir-pagerduty-page', PagerDutyPage);
};
