import type { Node, NodeAPI, NodeDef } from 'node-red';
import { applyLookup, selectIpObservables, type LookupScope } from '../../core/ip/incident';
import { IpLookupService } from '../../core/ip/service';
import { OBSERVABLE_ROLES, type ObservableRole } from '../../core/model/types';
import type { IpLookupConfigNode } from '../ip-lookup-config/types';
import { incidentOf, nodeRef, onInput, shortText, useStore } from '../common/node';

interface IpLookupDef extends NodeDef {
  store: string;
  config?: string;
  /** 'all' or 'public'. */
  scope?: string;
  /** Comma-separated roles; empty: any. */
  roles?: string;
  /** Addresses per incident at most. */
  max?: string | number;
}

// Glue: picks the incident's IP observables, runs them through the config's engine (offline
// layer always, online providers as configured), writes verdicts and one timeline entry.
export = function (RED: NodeAPI): void {
  function IpLookup(this: Node, config: IpLookupDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const { store } = useStore(RED, node, config.store);
    const cfg = config.config ? (RED.nodes.getNode(config.config) as IpLookupConfigNode | null) : null;
    // No config node: classification only, nothing online.
    let own: Promise<IpLookupService> | undefined;
    const service = (): Promise<IpLookupService> => cfg ? cfg.service() : (own ??= IpLookupService.create({ mode: 'dry-run', offline: { watchIntervalMs: 0 }, providers: {} }));
    const scope: LookupScope = config.scope === 'public' ? 'public' : 'all';
    const roles = (config.roles ?? '').split(',').map((r) => r.trim()).filter((r): r is ObservableRole => (OBSERVABLE_ROLES as readonly string[]).includes(r));
    const maxNum = Number(config.max);
    const max = config.max !== '' && config.max !== undefined && Number.isInteger(maxNum) && maxNum > 0 ? maxNum : 100;
    node.status(cfg ? { fill: 'grey', shape: 'dot', text: cfg.mode } : { fill: 'grey', shape: 'ring', text: 'offline classification only' });
    void service().then((s) => {
      if (s.problems.length) node.status({ fill: 'red', shape: 'ring', text: shortText(s.problems[0]) });
    }, () => undefined);

    onInput(node, async (msg, send) => {
      const given = incidentOf(msg);
      node.status({ fill: 'blue', shape: 'dot', text: 'looking up' });
      const engine = await service();
      const selection = selectIpObservables(given.observables, { scope, roles, max });
      const run = await engine.lookup(selection.addresses);
      const problems = engine.problems;
      msg.incident = await store.update(given.id, (latest) => {
        applyLookup(latest, run, { node: nodeRef(node), selection, problems });
      }, given);
      const counts = run.reports.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.verdict]: (acc[r.verdict] ?? 0) + 1 }), {});
      const errors = run.reports.filter((r) => Object.values(r.providers).some((o) => o?.status === 'error' || o?.status === 'timed-out')).length;
      const text = run.reports.length === 0 ? 'no IPs' : `${run.mode === 'dry-run' && run.calls.length ? 'dry-run: ' : ''}${['malicious', 'suspicious', 'benign', 'unknown'].filter((v) => counts[v]).map((v) => `${counts[v]} ${v}`).join(', ')}${run.partial ? ' (partial)' : ''}`;
      if (problems.length) {
        send(msg); // the incident goes on with what could be looked up; the problem is catchable
        throw new Error(`ip-lookup: ${problems.join('; ')}`);
      }
      node.status({ fill: errors ? 'yellow' : counts.malicious ? 'red' : 'green', shape: 'dot', text: shortText(errors ? `${text}; ${errors} with provider errors` : text) });
      send(msg);
    });
    node.on('close', (done: () => void) => {
      if (!own) return done();
      own.then((s) => s.close()).catch(() => undefined).finally(() => done());
    });
  }
  RED.nodes.registerType('ir-ip-lookup', IpLookup);
};
