import type { Node, NodeAPI, NodeDef } from 'node-red';
import { requireCredentials } from '../../core/integrations';
import { ACTION, JiraApi, parseCustomFields, PLACEHOLDER_SITE, syncIncident, type SyncResult, type SyncSettings } from '../../core/integrations/jira';
import { KeyedSerialQueue } from '../../core/integrations/keyed-queue';
import { appendRepeatable, appendTimeline } from '../../core/model/timeline';
import { SEVERITIES, type IncidentStatus, type Severity } from '../../core/model/types';
import { showConfigStatus } from '../common/integration-config';
import type { JiraConfigNode } from '../jira-config/types';
import { followAnalystActions, incidentOf, nodeRef, onInput, shortText, useStore, type IncidentMessage, type Send } from '../common/node';

interface JiraTicketDef extends NodeDef {
  store: string;
  jira: string;
  /** Project key; '' uses the config's default project. */
  project?: string;
  issueType?: string;
  /** Severities that open an issue, comma-separated; default all. */
  severities?: string;
  priorityLow?: string;
  priorityMedium?: string;
  priorityHigh?: string;
  priorityCritical?: string;
  labels?: string;
  components?: string;
  /** Fixed assignee account id. */
  assignee?: string;
  /** Account ids per severity, comma-separated (a rota). */
  rotaLow?: string;
  rotaMedium?: string;
  rotaHigh?: string;
  rotaCritical?: string;
  /** Typed input: a JSON map of field id to value. */
  customFields?: string;
  customFieldsType?: string;
  /** Target workflow status per incident status ('' = no transition). */
  statusAcknowledged?: string;
  statusContained?: string;
  statusResolved?: string;
  statusClosed?: string;
}

// Every jira-ticket node of this process shares one queue per site and incident: two
// deliveries of the same incident at once (two branches, a re-delivery) never both create.
const perIncident = new KeyedSerialQueue();

const list = (value: string | undefined): string[] => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

// Glue: reads the settings, runs core/integrations/jira's syncIncident through the config's
// invoker, one message per incident at a time, and records the outcome in the timeline.
export = function (RED: NodeAPI): void {
  function JiraTicket(this: Node, config: JiraTicketDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const { store } = useStore(RED, node, config.store);
    const jira = config.jira ? (RED.nodes.getNode(config.jira) as JiraConfigNode | null) : null;
    const severities = config.severities === undefined || config.severities.trim() === '' ? [...SEVERITIES]
      : list(config.severities).filter((s): s is Severity => (SEVERITIES as readonly string[]).includes(s));
    const transitions: Partial<Record<IncidentStatus, string>> = {
      acknowledged: config.statusAcknowledged ?? '', contained: config.statusContained ?? '',
      resolved: config.statusResolved ?? 'Done', closed: config.statusClosed ?? 'Done',
    };
    const base: Omit<SyncSettings, 'project' | 'dryRun' | 'customFields'> = {
      issueType: (config.issueType ?? '').trim() || 'Task',
      createFor: severities,
      priorities: { low: config.priorityLow, medium: config.priorityMedium, high: config.priorityHigh, critical: config.priorityCritical } as Partial<Record<Severity, string>>,
      labels: list(config.labels),
      components: list(config.components),
      ...(config.assignee?.trim() ? { assignee: config.assignee.trim() } : {}),
      rota: { low: list(config.rotaLow), medium: list(config.rotaMedium), high: list(config.rotaHigh), critical: list(config.rotaCritical) },
      transitions,
    };
    // Unset severities fall back to the default scheme, not to "no priority".
    for (const s of SEVERITIES) if (base.priorities?.[s] === undefined) delete base.priorities?.[s];
    showConfigStatus(node, 'Jira', jira, { credentials: ['email', 'apiToken'], urls: { 'site URL': jira?.siteUrl ?? '' }, requiredUrls: ['site URL'] });
    const showDepth = (depth: number): void => {
      if (depth > 1) node.status({ fill: 'blue', shape: 'dot', text: `queue: ${depth - 1}` });
    };

    const handle = async (msg: IncidentMessage, send: Send): Promise<void> => {
      const given = incidentOf(msg);
      await perIncident.run(`${jira?.siteUrl ?? ''}|${given.id}`, async () => {
        if (!jira) throw new Error('jira-ticket: choose a Jira config node (ir-jira-config)');
        // The latest revision: refs.jira set by an earlier message of this incident counts.
        const stored = (await store.get(given.id)) ?? given;
        const current = { ...(stored.revision > given.revision ? stored : given), refs: stored.refs };
        const dryRun = jira.mode === 'dry-run';
        const invoker = jira.invoker();
        let missing: string[] = [];
        let result: SyncResult | undefined;
        let failure: Error | undefined;
        try {
          missing = requireCredentials(jira.mode, 'Jira', jira.credentials, ['email', 'apiToken']);
          if (!jira.siteUrl && !dryRun) throw new Error('Jira: live mode needs the site URL (https://<your-site>.atlassian.net); set it in the Jira config node or switch to dry-run');
          const project = (config.project ?? '').trim() || jira.project;
          if (!project) throw new Error('jira-ticket: no project: set a default project in the Jira config node or a project on this node');
          const typed = config.customFieldsType && config.customFields !== undefined
            ? RED.util.evaluateNodeProperty(config.customFields, config.customFieldsType, node, msg) as unknown : undefined;
          const api = new JiraApi(invoker, {
            siteUrl: jira.siteUrl || PLACEHOLDER_SITE,
            ...(jira.credentials.email && jira.credentials.apiToken ? { email: jira.credentials.email.trim(), apiToken: jira.credentials.apiToken.trim() } : {}),
            missingCredentials: missing,
          });
          result = await syncIncident(api, current, { ...base, project, dryRun, customFields: parseCustomFields(typed) });
          failure = result.failure;
        } catch (err) {
          failure = err instanceof Error ? err : new Error(String(err));
        }
        msg.incident = await store.update(given.id, (inc) => {
          if (result && result.action !== 'skipped') inc.refs.jira = result.ref;
          const outcome = failure ? 'error' : !result || result.action === 'skipped' || result.action === 'unchanged' ? 'skipped' : dryRun ? 'dry-run' : 'ok';
          // Nothing new to say (a storm of notices): one folded entry, not one per message.
          (outcome === 'skipped' ? appendRepeatable : appendTimeline)(inc, {
            node: nodeRef(node), action: ACTION, outcome,
            summary: summarize(result, failure, dryRun, missing),
            details: {
              mode: jira.mode,
              ...(result && result.action !== 'skipped' ? { result: result.action, key: result.ref.key, ...(result.ref.url ? { url: result.ref.url } : {}) } : {}),
              ...(result?.foundBy ? { foundBy: result.foundBy } : {}),
              ...(result?.commented ? { commented: result.commented } : {}),
              ...(result?.transition ? { transition: result.transition } : {}),
              ...(result?.notes.length ? { notes: result.notes } : {}),
              ...(invoker.calls.length ? { calls: invoker.calls } : {}),
            },
          });
        }, stored);
        if (failure) {
          send(msg); // the playbook goes on; the failure is in the timeline and catchable
          throw failure;
        }
        const key = result && result.action !== 'skipped' ? result.ref.key : '';
        node.status({ fill: result?.action === 'skipped' ? 'grey' : 'green', shape: 'dot', text: shortText(`${dryRun ? 'dry-run: ' : ''}${result?.action ?? ''} ${key}`) });
        send(msg);
      }, showDepth);
    };
    onInput(node, handle);
    // An analyst's action in the incident sidebar (close, acknowledge...) reaches this node too.
    followAnalystActions(RED, node, store, handle);
  }
  RED.nodes.registerType('ir-jira-ticket', JiraTicket);
};

function summarize(result: SyncResult | undefined, failure: Error | undefined, dryRun: boolean, missing: readonly string[]): string {
  const lacks = missing.length ? ` (live mode lacks ${missing.join(', ')})` : '';
  if (!result) return `Jira ticket failed: ${failure?.message ?? 'unknown error'}`;
  if (result.action === 'skipped') return result.reason ?? 'no Jira issue';
  const { key } = result.ref;
  const parts: string[] = [];
  if (result.action === 'created') parts.push(`created Jira issue ${key}`);
  if (result.commented) parts.push(`commented ${result.commented} new timeline entr${result.commented === 1 ? 'y' : 'ies'} on ${key}`);
  if (result.transition) parts.push(`moved ${key} to '${result.transition.to}'`);
  const done = parts.length ? `${dryRun ? 'dry-run: would have ' : ''}${parts.join('; ')}` : `Jira issue ${key} already up to date`;
  return failure ? `${done}; then failed: ${failure.message}` : `${done}${lacks}`;
}
