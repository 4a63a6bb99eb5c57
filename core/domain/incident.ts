// domain-lookup and the incident: which domain and URL observables to look up, and writing the
// results back (verdict, reasons, enrichment per source) with one timeline entry summing up.
import { failedProviders, providerStatuses, roleLeftOut, runOutcome, summaryTail, verdictCounts, writeObservable } from '../enrich/incident';
import { appendTimeline } from '../model/timeline';
import type { Incident, NodeRef, ObservableRole, Observable } from '../model/types';
import type { DomainLookupRun, DomainReport, DomainTarget } from './service';

export interface DomainSelectOptions {
  /** Which observable types. Default both. */
  types?: ReadonlyArray<'domain' | 'url'>;
  roles?: readonly ObservableRole[];
  /** At most this many per incident. Default 100. */
  max?: number;
}

export interface DomainSelection {
  targets: DomainTarget[];
  skipped: Array<{ value: string; reason: string }>;
}

export function selectDomainObservables(observables: readonly Observable[], options: DomainSelectOptions = {}): DomainSelection {
  const out: DomainSelection = { targets: [], skipped: [] };
  const types = options.types ?? ['domain', 'url'];
  const roles = options.roles ?? [];
  const max = options.max ?? 100;
  for (const o of observables) {
    if (o.type !== 'domain' && o.type !== 'url') continue;
    if (!types.includes(o.type)) continue;
    const leftOut = roleLeftOut(o, roles);
    if (leftOut) {
      out.skipped.push({ value: o.value, reason: leftOut });
      continue;
    }
    if (out.targets.length >= max) {
      out.skipped.push({ value: o.value, reason: `over the limit of ${max} domains and URLs per incident` });
      continue;
    }
    out.targets.push({ type: o.type, value: o.value });
  }
  return out;
}

/** The observable's enrichment from a report: one key per source. */
export function enrichmentOf(r: DomainReport, at: string, mode: string): Record<string, unknown> {
  const e: Record<string, unknown> = {};
  if (r.url) {
    const { domain: _d, input: _i, ...url } = r.url;
    e.url = url;
  }
  if (r.domain) e.domain = { ...r.domain };
  if (r.lookalike) {
    e.lookalike = {
      ...(r.lookalike.ownDomain ? { ownDomain: r.lookalike.ownDomain } : {}),
      matches: r.lookalike.matches,
      ...(r.lookalike.mixedScripts ? { mixedScripts: r.lookalike.mixedScripts } : {}),
    };
  }
  if (r.error) e.error = r.error;
  for (const [id, outcome] of Object.entries(r.providers)) e[id] = outcome;
  e.lookup = { at, mode, ...(r.partial ? { partial: true } : {}) };
  return e;
}

/** One line per name, e.g. "exаmple.com: suspicious (look-alike of example.com: homoglyph)". */
export function describeDomainReport(r: DomainReport): string {
  if (r.error) return `${r.input}: ${r.error}`;
  const name = r.type === 'url' ? r.input : (r.domain?.unicode ?? r.input);
  const bits: string[] = [];
  if (r.domain?.idn) bits.push(r.domain.ascii);
  if (r.url?.ip) bits.push(`IP host, ${r.url.ip.category}`);
  for (const m of r.lookalike?.matches ?? []) bits.push(`look-alike of ${m.own}: ${m.technique}`);
  if (r.lookalike?.ownDomain) bits.push(`ours (${r.lookalike.ownDomain})`);
  const strong = r.reasons.filter((x) => /^(malicious|suspicious): /.test(x) && !/look-alike of our domain/.test(x)).map((x) => x.replace(/^\w+: /, ''));
  bits.push(...strong.slice(0, 2));
  const failed = failedProviders(r);
  if (failed.length) bits.push(`no answer: ${failed.join(', ')}`);
  return `${name}: ${r.verdict}${bits.length ? ` (${bits.join('; ')})` : ''}${r.partial ? ' [partial]' : ''}`;
}

export interface DomainApplyOptions {
  node: NodeRef;
  selection: DomainSelection;
  problems?: readonly string[];
  at?: Date;
}

/** Write the run into the incident: observables first, then one timeline entry. */
export function applyDomainLookup(incident: Incident, run: DomainLookupRun, options: DomainApplyOptions): void {
  const at = (options.at ?? new Date()).toISOString();
  const byKey = new Map<string, DomainReport>();
  for (const r of run.reports) byKey.set(`${r.type}:${r.input}`, r);
  for (const o of incident.observables) {
    if (o.type !== 'domain' && o.type !== 'url') continue;
    const r = byKey.get(`${o.type}:${o.value}`);
    if (!r) continue;
    writeObservable(o, r, enrichmentOf(r, at, run.mode));
  }
  const inputErrors = run.reports.filter((r) => r.error).map((r) => r.error as string);
  const problems = options.problems ?? [];
  const outcome = runOutcome(run.mode, run.calls.length, problems);
  const n = run.reports.length;
  const imitated = [...new Set(run.reports.flatMap((r) => (r.lookalike?.matches ?? []).map((m) => m.own)))];
  const summary = n === 0
    ? `Domain lookup: no domain or URL observables to look up${options.selection.skipped.length ? ` (${options.selection.skipped.length} left out)` : ''}`
    : `Domain lookup of ${n} domain${n === 1 ? '' : 's'}/URL${n === 1 ? '' : 's'}: ${verdictCounts(run.reports)}`
      + `${imitated.length ? `; imitates our ${imitated.join(', ')}` : ''}${summaryTail(run.reports, describeDomainReport, run.partial, problems)}`;
  appendTimeline(incident, {
    node: options.node, action: 'domain-lookup', outcome, summary,
    details: {
      mode: run.mode,
      durationMs: run.durationMs,
      ...(run.partial ? { partial: true } : {}),
      names: run.reports.map((r) => ({
        type: r.type, value: r.input, verdict: r.verdict,
        ...(r.domain ? { domain: r.domain.ascii, ...(r.domain.idn ? { unicode: r.domain.unicode } : {}) } : {}),
        ...(r.url?.ip ? { ip: r.url.ip.address, category: r.url.ip.category } : {}),
        ...(r.lookalike?.matches.length ? { imitates: [...new Set(r.lookalike.matches.map((m) => m.own))] } : {}),
        ...(r.error ? { error: r.error } : {}),
        providers: providerStatuses(r),
      })),
      ...(inputErrors.length ? { invalid: inputErrors.length } : {}),
      ...(options.selection.skipped.length ? { skipped: options.selection.skipped.slice(0, 50) } : {}),
      ...(problems.length ? { problems } : {}),
      ...(run.calls.length ? { calls: run.calls.slice(0, 50) } : {}),
    },
    ...(options.at ? { at: options.at } : {}),
  });
}
