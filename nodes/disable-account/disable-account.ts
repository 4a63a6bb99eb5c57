import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { applyRun, disableAccounts, identifiersFrom, restoreAccounts, runError, type DisablePolicy, type RunResult } from '../../core/containment/contain';
import { DIRECTORY_LABELS, type OpenDirectory } from '../../core/containment/directory';
import { SerialQueue } from '../../core/integrations/serial-queue';
import { setStatus } from '../../core/model/incident';
import { appendTimeline } from '../../core/model/timeline';
import type { Incident, NodeRef } from '../../core/model/types';
import { incidentOf, nodeRef, onInput, shortText, useStore, type IncidentMessage, type Send } from '../common/node';
import { restorers } from '../common/restorers';
import type { DirectoryConfigNode } from '../directory/settings';

interface DisableAccountDef extends NodeDef {
  store: string;
  directory: string;
  /** disable | restore */
  action?: string;
  /** observables | typed */
  source?: string;
  /** Observable types that name accounts, comma-separated (default user). */
  observableTypes?: string;
  /** Only observables with one of these roles (comma-separated); empty: any role. */
  roles?: string;
  /** Typed input (source typed): a user name or an array of them. */
  user?: string;
  userType?: string;
  requireApproval?: boolean;
  maxAccounts?: string | number;
  /** Irreversible steps chosen, comma-separated ids (all off by default). */
  steps?: string;
  /** stop (default): a failure ends the message here, at the Catch; continue: it is sent on too. */
  onFailure?: string;
}

const list = (text: string | undefined): string[] => (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);

// Glue: picks the accounts (observables or a typed input), runs the safety model and the
// directory backend (core/containment), applies the result to the store's latest incident.
export = function (RED: NodeAPI): void {
  function DisableAccount(this: Node, config: DisableAccountDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const { store } = useStore(RED, node, config.store);
    const directory = config.directory ? (RED.nodes.getNode(config.directory) as DirectoryConfigNode | null) : null;
    const queue = new SerialQueue();
    const restore = config.action === 'restore';
    // A containment that failed must not let the playbook run on to recovery and resolve the
    // incident (and its page) while the account is still open: by default the message stops.
    const continueOnFailure = config.onFailure === 'continue';
    const policy: Omit<DisablePolicy, 'protected'> = {
      requireApproval: config.requireApproval !== false,
      maxAccounts: Number.isFinite(Number(config.maxAccounts)) && config.maxAccounts !== '' && config.maxAccounts !== undefined ? Math.max(0, Math.floor(Number(config.maxAccounts))) : 3,
      steps: list(config.steps),
    };
    const types = list(config.observableTypes).length ? list(config.observableTypes) : ['user'];
    const roles = list(config.roles);
    if (!directory) {
      node.status({ fill: 'red', shape: 'ring', text: 'no directory config' });
    } else if (directory.liveProblem) {
      // As the other integrations do (showConfigStatus): a red ring and one warning at deploy.
      node.status({ fill: 'red', shape: 'ring', text: shortText(`live: ${directory.liveProblem.short}`) });
      node.warn(`directory config "${directory.name || directory.id}" is live but cannot work: ${directory.liveProblem.message}`);
    } else {
      node.status({ fill: 'grey', shape: 'dot', text: `${directory.mode}: ${restore ? 'restore' : 'disable'}` });
    }

    const typedUsers = (msg: NodeMessage): string[] => {
      const value: unknown = RED.util.evaluateNodeProperty(config.user ?? '', config.userType ?? 'msg', node, msg);
      const values = Array.isArray(value) ? value : value === undefined || value === null || value === '' ? [] : [value];
      return values.map((v) => String(v).trim()).filter(Boolean);
    };

    const run = async (msg: IncidentMessage, send: Send): Promise<void> => {
      // Restore is often asked for later, by id (msg.incidentId): the store has the incident.
      const byId = (msg as { incidentId?: unknown }).incidentId;
      let given: Incident;
      if (restore && msg.incident === undefined && typeof byId === 'string' && byId.trim()) {
        const found = await store.get(byId.trim());
        if (!found) throw new Error(`disable-account (restore): no incident ${byId.trim()} in the incident store`);
        given = found;
        msg.incident = found;
      } else {
        given = incidentOf(msg);
      }
      await queue.run(async () => {
        if (!directory) throw new Error('disable-account: choose a directory config node (ir-directory)');
        // The store is authoritative for approvals and for what this incident already disabled.
        const stored = (await store.get(given.id)) ?? given;
        const me: NodeRef = nodeRef(node);
        const log: unknown[] = [];
        const dir = { id: directory.id, ...(directory.name ? { name: directory.name } : {}), kind: directory.kind };
        const ctx = { directory: dir, node: me, dryRun: directory.mode === 'dry-run', log };
        let run: RunResult;
        let opened: OpenDirectory | undefined;
        try {
          opened = directory.open(log);
          run = restore ? await restoreAccounts(opened.backend, stored, ctx)
            // Observables from the newer of message and store; approvals and records from the store.
            : await disableAccounts(opened.backend, stored, config.source === 'typed' ? typedUsers(msg) : identifiersFrom((stored.revision > given.revision ? stored : given).observables, types, roles), { ...policy, protected: directory.protectedList }, ctx);
        } catch (err) {
          // A configuration error (missing credentials, bad URL): nothing was touched.
          const error = err instanceof Error ? err : new Error(String(err));
          // The backends' messages name their directory already ("Okta: …"); others get its label.
          const named = (text: string): string => (/^[\w ./]{1,40}: /.test(text) ? text : `${DIRECTORY_LABELS[directory.kind]}: ${text}`);
          msg.incident = await store.update(given.id, (inc) => {
            appendTimeline(inc, { node: me, action: restore ? 'restore-account' : 'disable-account', outcome: 'error', summary: named(error.message), details: { directory: dir, mode: directory.mode } });
          }, stored);
          if (continueOnFailure) send(msg);
          throw error;
        } finally {
          await opened?.backend.close();
        }
        const missing = opened.missing.length ? { missingCredentials: opened.missing } : {};
        const contained = !restore && directory.mode === 'live' && run.results.some((r) => r.outcome === 'disabled');
        msg.incident = await store.update(given.id, (inc) => {
          applyRun(inc, run, (i, e) => appendTimeline(i, { ...e, details: { ...e.details, ...missing } }));
          // A containment that really ran makes the incident contained.
          if (contained && (inc.status === 'open' || inc.status === 'acknowledged')) setStatus(inc, 'contained');
        }, stored);
        (msg as { accounts?: unknown }).accounts = run.results;
        const error = runError(run);
        const count = (outcome: string): number => run.results.filter((r) => r.outcome === outcome).length;
        const done = restore ? count('restored') + count('would-restore') : count('disabled') + count('would-disable');
        const refused = count('refused');
        // Dry-run changed nothing: say what live would do, not what was done.
        const verb = directory.mode === 'dry-run' ? (restore ? 'dry-run: would restore' : 'dry-run: would disable') : restore ? 'restored' : 'disabled';
        const text = `${verb} ${done}${refused ? `, refused ${refused}` : ''}${error ? `, failed ${count('failed')}` : ''}`;
        node.status({ fill: error ? 'red' : refused ? 'yellow' : 'green', shape: 'dot', text: shortText(text) });
        // Failures are in the timeline and catchable; the playbook goes on only without one, or when asked to.
        if (!error || continueOnFailure) send(msg);
        if (error) throw error;
      });
    };
    onInput(node, run);

    if (restore && directory) {
      // The incident sidebar's "Restore accounts" (a person, behind the editor login) arrives
      // here as a message would; Catch nodes hear its failures as they hear the node's own.
      restorers.set(node.id, {
        store,
        directoryId: directory.id,
        restore: async (incidentId, by, reason) => {
          await store.update(incidentId, (inc) => {
            appendTimeline(inc, {
              node: { type: 'editor', id: 'sidebar', name: by }, action: 'restore-requested', outcome: 'ok',
              summary: `${by} asked to restore the accounts this incident disabled in ${directory.name || DIRECTORY_LABELS[directory.kind]}${reason ? `: ${reason}` : ''}`,
              details: { directory: { id: directory.id, kind: directory.kind }, restoreNode: nodeRef(node), reason: reason || null },
            });
          });
          const msg: IncidentMessage = { _msgid: RED.util.generateId(), incidentId, restoredBy: by } as IncidentMessage;
          try {
            await run(msg, (out) => node.send(out));
          } catch (err) {
            const error = err instanceof Error ? err : new Error(String(err));
            node.status({ fill: 'red', shape: 'dot', text: shortText(error.message) });
            node.error(error, msg);
            throw error;
          }
          return msg.incident as Incident;
        },
      });
      node.on('close', () => { restorers.delete(node.id); });
    }
  }
  RED.nodes.registerType('ir-disable-account', DisableAccount);
};
