import { phaseLabel } from '../frameworks';
import type { FrameworkDefinition } from '../frameworks/types';
import type { Incident, IncidentReport, TimelineEntry } from '../model/types';

// The questions NIST SP 800-61 Rev. 2 (section 3.4.1, "Lessons Learned") asks of every major
// incident; they fit the closing step of the other frameworks as well.
export const LESSONS_LEARNED_QUESTIONS = [
  'Exactly what happened, and at what times?',
  'How well did staff and management perform in dealing with the incident? Were the documented procedures followed, and were they adequate?',
  'What information was needed sooner?',
  'Were any steps or actions taken that might have inhibited the recovery?',
  'What would staff and management do differently the next time a similar incident occurs?',
  'How could information sharing with other organizations have been improved?',
  'What corrective actions can prevent similar incidents in the future?',
  'What precursors or indicators should be watched for in the future to detect similar incidents?',
  'What additional tools or resources are needed to detect, analyze, and mitigate future incidents?',
];

// Timeline entries that record the playbook's own movement, approvals and alerts (each has its
// section); everything else is an action taken on the incident.
const BOOKKEEPING = new Set([
  'incident-opened', 'alert-joined', 'alert-redelivered', 'source-resolved', 'phase-entered', 'phase-refused', 'report-attached', 'incident-closed',
  'approval-requested', 'approval-granted', 'approval-denied', 'approval-expired', 'sla-breached',
]);

function duration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h ${m % 60} min` : `${Math.floor(h / 24)} d ${h % 24} h`;
}

/**
 * Alert text is attacker-controlled: in the Markdown it is plain text, never HTML, a link,
 * emphasis or a broken table or code span, wherever the report is rendered.
 */
function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|])/g, '\\$1')
    // Every line break Markdown or a browser honours (a bare CR too) would let alert text start
    // a heading or a list item of its own.
    .replace(/\r\n|[\r\n\u0085\u2028\u2029]/g, ' ')
    // Defanged, as incident reports write indicators: renderers turn bare URLs, www. names and
    // mail addresses into links (GFM autolinks) without any Markdown syntax.
    .replace(/:\/\//g, '[:]//')
    .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}[.]`)
    .replace(/([^\s@])@(?=[^\s@]+\.[^\s@])/g, '$1[@]');
}


function actionRow(e: TimelineEntry): string {
  const mark = e.outcome === 'dry-run' ? ' *(dry-run: nothing was changed)*' : e.outcome === 'skipped' ? ' *(skipped)*' : e.outcome === 'error' ? ' **(failed)**' : '';
  return `- ${e.at} — ${cell(e.node.name || e.node.type)}: ${cell(e.summary)}${mark}`;
}

/** The post-incident report: what an incident manager reads after the incident, as Markdown and JSON. */
export function buildReport(incident: Incident, framework: FrameworkDefinition | undefined, now: Date = new Date()): IncidentReport {
  const metrics = incident.metrics;
  const phases = incident.phases.map((p) => ({
    phase: p.phase,
    label: phaseLabel(framework, p.phase),
    enteredAt: p.enteredAt,
    leftAt: p.leftAt ?? null,
    durationMs: (p.leftAt ? Date.parse(p.leftAt) : now.getTime()) - Date.parse(p.enteredAt),
  }));
  const actions = incident.timeline.filter((e) => !BOOKKEEPING.has(e.action));
  const observables = incident.observables.map((o) => ({
    type: o.type, value: o.value, roles: o.roles, tags: o.tags, verdict: o.verdict ?? 'unknown', reasons: o.reasons ?? [],
  }));
  const sources = [...new Set(incident.alerts.map((a) => a.source))];
  // How it ended, when it has: the resolution and the reason of the newest close.
  const done = incident.status === 'resolved' || incident.status === 'closed';
  const closing = [...incident.timeline].reverse().find((e) => e.action === 'closed');
  const closeReason = incident.status === 'closed' && typeof closing?.details?.reason === 'string' && closing.details.reason ? closing.details.reason : undefined;
  const json = {
    summary: {
      id: incident.id, title: incident.title, severity: incident.severity, status: incident.status,
      resolution: incident.resolution ?? null, closeReason: closeReason ?? null, owner: incident.owner ?? null,
      framework: framework ? { id: framework.id, label: framework.label, revision: framework.revision } : incident.framework ?? null,
      createdAt: incident.createdAt, firstSeenAt: incident.firstSeenAt, lastSeenAt: incident.lastSeenAt,
      alertCount: incident.alertCount, sources,
    },
    metrics: {
      timeToAcknowledgeMs: metrics.timeToAcknowledgeMs ?? null,
      timeToContainMs: metrics.timeToContainMs ?? null,
      timeToResolveMs: metrics.timeToResolveMs ?? null,
      phaseDurationsMs: metrics.phaseDurationsMs ?? {},
    },
    phases,
    actions: actions.map((e) => ({ at: e.at, node: e.node, action: e.action, outcome: e.outcome, summary: e.summary, dryRun: e.outcome === 'dry-run' })),
    approvals: incident.holds.map((h) => ({ phase: h.phase, state: h.state, decidedBy: h.decidedBy ?? null, decidedAt: h.decidedAt ?? null, reason: h.reason ?? null })),
    accounts: (incident.accounts ?? []).map((a) => ({ login: a.login, directory: a.directory.name ?? a.directory.kind, state: a.state, dryRun: a.dryRun === true, disabledAt: a.disabledAt, restoredAt: a.restoredAt ?? null, irreversible: a.irreversible })),
    observables,
    // The incident keeps the full timeline (details, call records); the report lists it, once.
    timeline: incident.timeline.map((e) => ({ at: e.at, node: e.node, action: e.action, outcome: e.outcome, summary: e.summary })),
    lessonsLearned: LESSONS_LEARNED_QUESTIONS,
  };

  const lines: string[] = [];
  lines.push(`# Post-incident report: ${cell(incident.title)}`, '');
  lines.push(`| | |`, `|---|---|`);
  lines.push(`| Incident | ${incident.id} |`);
  lines.push(`| Severity | ${incident.severity} |`);
  lines.push(`| Status | ${incident.status}${incident.resolution ? ` (${incident.resolution === 'false-positive' ? 'a false positive' : 'resolved'})` : ''}${closeReason ? `: ${cell(closeReason)}` : ''} |`);
  if (incident.owner) lines.push(`| Owner | ${cell(incident.owner)} |`);
  lines.push(`| Framework | ${framework ? `${framework.label} (${framework.reference})` : incident.framework ?? '—'} |`);
  lines.push(`| Alerts | ${incident.alertCount} from ${sources.join(', ') || '—'}, first ${incident.firstSeenAt}, last ${incident.lastSeenAt} |`);
  lines.push(`| Opened | ${incident.createdAt} |`, '');
  const malicious = observables.filter((o) => o.verdict === 'malicious').length;
  const suspicious = observables.filter((o) => o.verdict === 'suspicious').length;
  const count = (outcome: string) => actions.filter((e) => e.outcome === outcome).length;
  lines.push(`A ${incident.severity} incident reported by ${sources.join(', ') || 'an unknown source'}` +
    `${framework ? `, handled under ${framework.label}` : ''}; now ${incident.status}` +
    `${incident.resolution === 'false-positive' ? ' as a false positive' : ''}` +
    // A reopened incident keeps its first resolution time: say it was the first, not the state.
    `${metrics.timeToResolveMs !== undefined ? `, ${done ? '' : 'reopened since, first '}resolved ${duration(metrics.timeToResolveMs)} after it was opened` : ''}. ` +
    `${observables.length} observable(s): ${malicious} malicious, ${suspicious} suspicious. ` +
    `${actions.length} playbook step(s): ${count('ok')} ran, ${count('dry-run')} in dry-run (nothing changed), ${count('skipped')} skipped, ${count('error')} failed.`, '');
  lines.push('## Response times', '');
  lines.push(`- Time to acknowledge (by a person): ${metrics.timeToAcknowledgeMs === undefined ? 'not acknowledged by a person' : duration(metrics.timeToAcknowledgeMs)}`);
  lines.push(`- Time to contain: ${metrics.timeToContainMs === undefined ? 'not contained (no containment step marked it contained)' : duration(metrics.timeToContainMs)}`);
  lines.push(`- Time to resolve: ${duration(metrics.timeToResolveMs)}${metrics.timeToResolveMs !== undefined && !done ? ' (the first resolution; reopened since)' : ''}`, '');
  lines.push('## Phases', '', '| Phase | Entered | Left | Time in phase |', '|---|---|---|---|');
  for (const p of phases) lines.push(`| ${cell(p.label)} | ${p.enteredAt} | ${p.leftAt ?? 'current'} | ${duration(p.durationMs)}${p.leftAt ? '' : ' so far'} |`);
  lines.push('', '## Playbook steps', '');
  lines.push(...(actions.length ? actions.map(actionRow) : ['- none']));
  if (incident.holds.length) {
    lines.push('', '## Approvals', '');
    for (const h of incident.holds) {
      lines.push(`- ${cell(phaseLabel(framework, h.phase))}: ${h.state}${h.decidedBy ? ` by ${cell(h.decidedBy)}` : ''}${h.decidedAt ? ` at ${h.decidedAt}` : ''}${h.reason ? ` — "${cell(h.reason)}"` : ''}`);
    }
  }
  if (incident.accounts?.length) {
    // Accounts still disabled are open work for recovery.
    lines.push('', '## Accounts', '');
    for (const a of incident.accounts) {
      const state = a.dryRun ? 'dry-run only, nothing was disabled' : a.state === 'restored' ? `disabled ${a.disabledAt}, restored ${a.restoredAt ?? ''}` : `disabled since ${a.disabledAt}, **not restored**`;
      lines.push(`- ${cell(a.login)} (${cell(a.directory.name ?? a.directory.kind)}, ${a.method}): ${state}${a.irreversible.length ? `; cannot be undone: ${a.irreversible.join(', ')}` : ''}`);
    }
  }
  lines.push('', '## Observables', '');
  if (observables.length) {
    lines.push('| Type | Value | Roles | Verdict | Notes |', '|---|---|---|---|---|');
    for (const o of observables) lines.push(`| ${o.type} | ${cell(o.value)} | ${o.roles.join(', ') || '—'} | ${o.verdict} | ${cell([...o.tags, ...o.reasons].join('; ')) || '—'} |`);
  } else {
    lines.push('- none');
  }
  lines.push('', '## Timeline', '');
  for (const e of incident.timeline) lines.push(`- ${e.at} — ${cell(e.node.name || e.node.type)} — ${e.action} (${e.outcome}): ${cell(e.summary)}`);
  lines.push('', '## Lessons learned', '', 'Questions for the lessons-learned meeting:', '');
  LESSONS_LEARNED_QUESTIONS.forEach((q, i) => lines.push(`${i + 1}. ${q}`));
  lines.push('');

  return { generatedAt: now.toISOString(), markdown: lines.join('\n'), json };
}
