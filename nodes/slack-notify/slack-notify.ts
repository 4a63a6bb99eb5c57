import type { Node, NodeAPI, NodeDef } from 'node-red';
import { requireCredentials } from '../../core/integrations';
import { SerialQueue } from '../../core/integrations/serial-queue';
import { approvalLinksOf, channelFor, notifyIncident, SlackApi, type NotifyResult } from '../../core/integrations/slack';
import { appendTimeline } from '../../core/model/timeline';
import type { Severity } from '../../core/model/types';
import { showConfigStatus, type SlackConfigNode } from '../common/integration-config';
import { followAnalystActions, incidentOf, nodeRef, onInput, shortText, useStore, type IncidentMessage, type Send } from '../common/node';

interface SlackNotifyDef extends NodeDef {
  store: string;
  slack: string;
  /** Typed input: '' / 'severity' uses the severity map and the config's default channel. */
  channel?: string;
  channelType?: string;
  channelLow?: string;
  channelMedium?: string;
  channelHigh?: string;
  channelCritical?: string;
  /** User group id (S…) mentioned for high and critical incidents. */
  mentionGroup?: string;
}

const ACTION = 'slack-notify';

// Glue: picks the channel, runs core/integrations/slack through the config's invoker, one
// message at a time (order, threading), and records the outcome in the timeline.
export = function (RED: NodeAPI): void {
  function SlackNotify(this: Node, config: SlackNotifyDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const { store } = useStore(RED, node, config.store);
    const slack = config.slack ? (RED.nodes.getNode(config.slack) as SlackConfigNode | null) : null;
    const queue = new SerialQueue();
    const map: Partial<Record<Severity, string>> = { low: config.channelLow, medium: config.channelMedium, high: config.channelHigh, critical: config.channelCritical };
    showConfigStatus(node, 'Slack', slack, { credentials: ['token'], urls: { 'API URL': slack?.apiUrl ?? '' } });
    const showDepth = (depth: number): void => {
      if (depth > 1) node.status({ fill: 'blue', shape: 'dot', text: `queue: ${depth - 1}` });
    };

    const handle = async (msg: IncidentMessage, send: Send): Promise<void> => {
      const given = incidentOf(msg);
      await queue.run(async () => {
        if (!slack) throw new Error('slack-notify: choose a Slack config node (ir-slack-config)');
        // The latest revision: refs.slack set by an earlier message of this incident counts.
        const stored = (await store.get(given.id)) ?? given;
        // The message's incident unless the store is newer; refs (the Slack ts) from the store.
        const latest = { ...(stored.revision > given.revision ? stored : given), refs: stored.refs };
        const typed = config.channelType && config.channelType !== 'severity' && config.channel
          ? String(RED.util.evaluateNodeProperty(config.channel, config.channelType, node, msg) ?? '').trim() : '';
        const channel = typed || channelFor(latest.severity, map, slack.channel);
        const invoker = slack.invoker();
        let missing: string[] = [];
        let result: NotifyResult | undefined;
        let failure: Error | undefined;
        try {
          if (!channel) throw new Error('slack-notify: no channel: set a default channel in the Slack config node, a severity map or a channel on this node');
          missing = requireCredentials(slack.mode, 'Slack', slack.credentials, ['token']);
          const api = new SlackApi(invoker, { ...(slack.credentials.token ? { token: slack.credentials.token } : {}), apiUrl: slack.apiUrl, missingCredentials: missing }, slack.clients);
          // A fresh hold's message carries its links (they are never stored in the incident).
          const approval = approvalLinksOf(msg.approval);
          result = await notifyIncident(api, latest, channel, {
            dryRun: slack.mode === 'dry-run',
            ...(config.mentionGroup ? { mentionGroup: config.mentionGroup.trim() } : {}),
            ...(approval ? { approval } : {}),
          });
        } catch (err) {
          failure = err instanceof Error ? err : new Error(String(err));
        }
        msg.incident = await store.update(given.id, (inc) => {
          if (result) inc.refs.slack = result.ref;
          const outcome = failure ? 'error' : result?.action === 'unchanged' ? 'skipped' : slack.mode === 'dry-run' ? 'dry-run' : 'ok';
          const where = result ? `${result.ref.channel} ts ${result.ref.ts}` : channel ?? '(no channel)';
          const summary = failure ? `Slack notification failed: ${failure.message}`
            : result?.action === 'unchanged' ? `Slack message in ${where} already up to date`
              : `${slack.mode === 'dry-run' ? 'dry-run: would have ' : ''}${result?.action === 'posted' ? 'posted the incident to' : 'updated the message and replied in the thread of'} ${where}${missing.length ? ` (live mode lacks ${missing.join(', ')})` : ''}`;
          appendTimeline(inc, {
            node: nodeRef(node), action: ACTION, outcome, summary,
            details: { mode: slack.mode, channel, ...(result ? { result: result.action, ts: result.ref.ts, changes: result.changes } : {}), calls: invoker.calls },
          });
        }, stored);
        if (failure) {
          send(msg); // the playbook goes on; the failure is in the timeline and catchable
          throw failure;
        }
        node.status({ fill: 'green', shape: 'dot', text: shortText(`${slack.mode === 'dry-run' ? 'dry-run: ' : ''}${result?.action ?? ''} ${channel ?? ''}`) });
        send(msg);
      }, showDepth);
    };
    onInput(node, handle);
    // An analyst's action in the incident sidebar (close, acknowledge...) reaches this node too.
    followAnalystActions(RED, node, store, handle);
  }
  RED.nodes.registerType('ir-slack-notify', SlackNotify);
};
