import type { Node, NodeAPI, NodeDef } from 'node-red';
import { applyDomainLookup, selectDomainObservables } from '../../core/domain/incident';
import { DomainLookupService } from '../../core/domain/service';
import { OBSERVABLE_ROLES, type ObservableRole } from '../../core/model/types';
import type { DomainLookupConfigNode } from '../domain-lookup-config/types';
import { incidentOf, nodeRef, onInput, shortText, useStore } from '../common/node';

interface DomainLookupDef extends NodeDef {
  store: string;
  config?: string;
  /** 'all', 'domain' or 'url'. */
  types?: string;
  /** Comma-separated roles; empty: any. */
  roles?: string;
  /** Domains and URLs per incident at most. */
  max?: string | number;
}

// Glue: picks the incident's domain and URL observables, runs them through the config's engine
// (offline layer always, online providers as configured), writes verdicts and one timeline entry.
export = function (RED: NodeAPI): void {
  function DomainLookup(this: Node, config: DomainLookupDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const { store } = useStore(RED, node, config.store);
    const cfg = config.config ? (RED.nodes.getNode(config.config) as DomainLookupConfigNode | null) : null;
    // No config node: parsing only (no own domains, nothing online).
    const own = cfg ? undefined : new DomainLookupService({ mode: 'dry-run', ownDomains: [], providers: {} });
    const service = (cfg?.service ?? own) as DomainLookupService;
    const types = config.types === 'domain' ? ['domain' as const] : config.types === 'url' ? ['url' as const] : ['domain' as const, 'url' as const];
    const roles = (config.roles ?? '').split(',').map((r) => r.trim()).filter((r): r is ObservableRole => (OBSERVABLE_ROLES as readonly string[]).includes(r));
    const maxNum = Number(config.max);
    const max = config.max !== '' && config.max !== undefined && Number.isInteger(maxNum) && maxNum > 0 ? maxNum : 100;
    const problems = service.problems;
    node.status(problems.length ? { fill: 'red', shape: 'ring', text: shortText(problems[0]) }
      : cfg ? { fill: 'grey', shape: 'dot', text: `${cfg.mode}; ${service.own.domains.length} own domain${service.own.domains.length === 1 ? '' : 's'}` }
        : { fill: 'grey', shape: 'ring', text: 'parsing only (no config)' });

    onInput(node, async (msg, send) => {
      const given = incidentOf(msg);
      node.status({ fill: 'blue', shape: 'dot', text: 'looking up' });
      const selection = selectDomainObservables(given.observables, { types, roles, max });
      const run = await service.lookup(selection.targets);
      msg.incident = await store.update(given.id, (latest) => {
        applyDomainLookup(latest, run, { node: nodeRef(node), selection, problems });
      }, given);
      const counts = run.reports.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.verdict]: (acc[r.verdict] ?? 0) + 1 }), {});
      const errors = run.reports.filter((r) => r.error || Object.values(r.providers).some((o) => o?.status === 'error' || o?.status === 'timed-out')).length;
      const text = run.reports.length === 0 ? 'no domains or URLs' : `${run.mode === 'dry-run' && run.calls.length ? 'dry-run: ' : ''}${['malicious', 'suspicious', 'benign', 'unknown'].filter((v) => counts[v]).map((v) => `${counts[v]} ${v}`).join(', ')}${run.partial ? ' (partial)' : ''}`;
      if (problems.length) {
        send(msg); // the incident goes on with what could be looked up; the problem is catchable
        throw new Error(`domain-lookup: ${problems.join('; ')}`);
      }
      node.status({ fill: errors ? 'yellow' : counts.malicious ? 'red' : counts.suspicious ? 'yellow' : 'green', shape: 'dot', text: shortText(errors ? `${text}; ${errors} with errors` : text) });
      send(msg);
    });
    node.on('close', (done: () => void) => {
      if (!own) return done();
      own.close().catch(() => undefined).finally(() => done());
    });
  }
  RED.nodes.registerType('ir-domain-lookup', DomainLookup);
};
