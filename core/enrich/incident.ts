// What ip-lookup and domain-lookup do alike when they write a run into the incident: the role
// filter of the selection, the observable's verdict/reasons/enrichment, and the parts of the
// timeline entry that sum up any lookup run (counts, outcome, problems, provider errors).
import type { Observable, ObservableRole, TimelineOutcome, Verdict } from '../model/types';
import type { Mode } from '../integrations/mode';
import type { ProviderOutcome } from './engine';

/** An observable's role is not among `roles` (empty: any role): why it is left out, else undefined. */
export function roleLeftOut(o: Observable, roles: readonly ObservableRole[]): string | undefined {
  if (!roles.length || o.roles.some((r) => roles.includes(r))) return undefined;
  return `role ${o.roles.join('/') || 'none'} not in ${roles.join(', ')}`;
}

interface ReportLike {
  verdict: Verdict;
  reasons: string[];
  error?: string;
  providers: Partial<Record<string, ProviderOutcome>>;
}

/** The report's verdict on the observable; its enrichment merged over what was there. */
export function writeObservable(o: Observable, r: ReportLike, enrichment: Record<string, unknown>): void {
  o.verdict = r.verdict;
  o.reasons = r.error ? [r.error] : r.reasons;
  o.enrichment = { ...(o.enrichment ?? {}), ...enrichment };
}

/** Each provider's status, for the timeline details. */
export function providerStatuses(r: ReportLike): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(r.providers).map(([id, o]) => [id, o?.status]));
}

/** Providers that failed or did not answer in time. */
export function failedProviders(r: ReportLike): string[] {
  return Object.entries(r.providers).filter(([, o]) => o?.status === 'error' || o?.status === 'timed-out').map(([id]) => id);
}

/** "2 malicious, 1 unknown": the run's verdicts, strongest first. */
export function verdictCounts(reports: readonly ReportLike[]): string {
  const counts: Record<string, number> = {};
  for (const r of reports) counts[r.verdict] = (counts[r.verdict] ?? 0) + 1;
  return ['malicious', 'suspicious', 'benign', 'unknown'].filter((v) => counts[v]).map((v) => `${counts[v]} ${v}`).join(', ');
}

/** Configuration problems make the entry an error; a dry run that would have called out is 'dry-run'. */
export function runOutcome(mode: Mode, callCount: number, problems: readonly string[]): TimelineOutcome {
  return problems.length ? 'error' : mode === 'dry-run' && callCount ? 'dry-run' : 'ok';
}

/** The end of a summary: the first reports described, then configuration problems and provider errors. */
export function summaryTail<R extends ReportLike>(reports: readonly R[], describe: (r: R) => string, partial: boolean, problems: readonly string[]): string {
  const n = reports.length;
  const providerErrors = reports.flatMap((r) => Object.values(r.providers).filter((o) => o?.status === 'error').map((o) => (o as { error: string }).error));
  return `${partial ? ' (partial: deadline passed)' : ''}. ${reports.slice(0, 10).map(describe).join('; ')}${n > 10 ? `; … ${n - 10} more` : ''}`
    + `${problems.length ? `. Configuration problems: ${problems.join('; ')}` : ''}`
    + `${providerErrors.length ? `. Provider errors: ${[...new Set(providerErrors)].slice(0, 3).join('; ')}` : ''}`;
}
