// ip-lookup and the incident: which IP observables to look up, and writing the results back
// (verdict, reasons, enrichment per source) with one timeline entry that sums them up.
import { failedProviders, providerStatuses, roleLeftOut, runOutcome, summaryTail, verdictCounts, writeObservable } from '../enrich/incident';
import { appendTimeline } from '../model/timeline';
import type { Incident, NodeRef, Observable, ObservableRole } from '../model/types';
import { parseIp } from '../normalize/ip';
import { classifyParsed } from './classify';
import type { IpReport, LookupRun } from './service';

export type LookupScope = 'all' | 'public';

export interface SelectOptions {
  scope?: LookupScope;
  /** Only observables with one of these roles; empty: any role. */
  roles?: readonly ObservableRole[];
  /** At most this many addresses per incident (cost bound). Default 100. */
  max?: number;
}

export interface Selection {
  addresses: string[];
  /** Left out by the scope/role rules or the cap, with why. */
  skipped: Array<{ value: string; reason: string }>;
}

export function selectIpObservables(observables: readonly Observable[], options: SelectOptions = {}): Selection {
  const out: Selection = { addresses: [], skipped: [] };
  const max = options.max ?? 100;
  const roles = options.roles ?? [];
  for (const o of observables) {
    if (o.type !== 'ip') continue;
    const leftOut = roleLeftOut(o, roles);
    if (leftOut) {
      out.skipped.push({ value: o.value, reason: leftOut });
      continue;
    }
    if (options.scope === 'public') {
      const ip = parseIp(o.value);
      const c = ip ? classifyParsed(ip) : undefined;
      if (c && !c.public) {
        out.skipped.push({ value: o.value, reason: `${c.category} address (public only)` });
        continue;
      }
    }
    if (out.addresses.length >= max) {
      out.skipped.push({ value: o.value, reason: `over the limit of ${max} addresses per incident` });
      continue;
    }
    out.addresses.push(o.value);
  }
  return out;
}

/** The observable's enrichment from a report: one key per source. */
export function enrichmentOf(report: IpReport, at: string, mode: string): Record<string, unknown> {
  const e: Record<string, unknown> = {};
  const off = report.offline;
  if (off) {
    e.classification = { ...off.classification, version: off.version, ...(off.mappedFrom ? { mappedFrom: off.mappedFrom } : {}) };
    if (off.geo) e.geoip = off.geo;
    if (off.asn) e.asn = off.asn;
    if (off.anonymity) e.anonymity = off.anonymity;
    if (off.blocklisted.length || off.allowlisted.length) e.lists = { blocklisted: off.blocklisted, allowlisted: off.allowlisted };
    if (off.errors?.length) e.errors = off.errors;
  }
  for (const [id, outcome] of Object.entries(report.providers)) e[id] = outcome;
  e.lookup = { at, mode, ...(report.partial ? { partial: true } : {}) };
  return e;
}

/** One line per address, e.g. "81.2.69.142: unknown (public; London, GB; AS1221 Telstra)". */
export function describeReport(r: IpReport): string {
  if (!r.address) return `${r.input}: ${r.error ?? 'invalid'}`;
  const off = r.offline;
  const bits: string[] = [off?.classification.category ?? '?'];
  if (off?.geo) bits.push([off.geo.city, off.geo.country].filter(Boolean).join(', '));
  if (off?.asn) bits.push(`AS${off.asn.number}${off.asn.organization ? ` ${off.asn.organization}` : ''}`);
  if (off?.blocklisted.length) bits.push(`blocklisted (${off.blocklisted.map((m) => m.list).join(', ')})`);
  if (off?.allowlisted.length) bits.push(`allowlisted (${off.allowlisted.map((m) => m.list).join(', ')})`);
  const failed = failedProviders(r);
  if (failed.length) bits.push(`no answer: ${failed.join(', ')}`);
  return `${r.address}: ${r.verdict} (${bits.filter(Boolean).join('; ')})${r.partial ? ' [partial]' : ''}`;
}

export interface ApplyOptions {
  node: NodeRef;
  selection: Selection;
  /** Configuration problems (bad files, missing keys): the entry's outcome is 'error'. */
  problems?: readonly string[];
  at?: Date;
}

/** Write the run into the incident: observables first, then one timeline entry. */
export function applyLookup(incident: Incident, run: LookupRun, options: ApplyOptions): void {
  const at = (options.at ?? new Date()).toISOString();
  const byInput = new Map<string, IpReport>();
  for (const r of run.reports) {
    byInput.set(r.input, r);
    if (r.address) byInput.set(r.address, r);
  }
  for (const o of incident.observables) {
    if (o.type !== 'ip') continue;
    const r = byInput.get(o.value) ?? (parseIp(o.value) ? byInput.get(parseIp(o.value)?.canonical ?? '') : undefined);
    if (!r) continue;
    writeObservable(o, r, enrichmentOf(r, at, run.mode));
  }
  const problems = options.problems ?? [];
  const outcome = runOutcome(run.mode, run.calls.length, problems);
  const n = run.reports.length;
  const summary = n === 0
    ? `IP lookup: no IP observables to look up${options.selection.skipped.length ? ` (${options.selection.skipped.length} left out by the scope)` : ''}`
    : `IP lookup of ${n} address${n === 1 ? '' : 'es'}: ${verdictCounts(run.reports)}${summaryTail(run.reports, describeReport, run.partial, problems)}`;
  appendTimeline(incident, {
    node: options.node, action: 'ip-lookup', outcome, summary,
    details: {
      mode: run.mode,
      durationMs: run.durationMs,
      ...(run.partial ? { partial: true } : {}),
      addresses: run.reports.map((r) => ({
        address: r.address ?? r.input, verdict: r.verdict,
        ...(r.offline ? { category: r.offline.classification.category } : {}),
        ...(r.error ? { error: r.error } : {}),
        providers: providerStatuses(r),
      })),
      ...(options.selection.skipped.length ? { skipped: options.selection.skipped.slice(0, 50) } : {}),
      ...(problems.length ? { problems } : {}),
      ...(run.calls.length ? { calls: run.calls.slice(0, 50) } : {}),
    },
    ...(options.at ? { at: options.at } : {}),
  });
}
