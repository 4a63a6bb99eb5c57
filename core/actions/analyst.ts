// What an analyst does to an incident from the editor's incident sidebar. Each function checks
// its input and the incident's state, changes the incident (the store's latest revision: these
// run inside store.update, possibly again after a revision conflict, so they depend only on
// their arguments) and records who did what in the timeline.

import { recordDecision, WITHDRAWN_ON_CLOSE } from '../approval/holds';
import { getFramework } from '../frameworks';
import { isDone, markAcknowledged, setStatus } from '../model/incident';
import { appendTimeline } from '../model/timeline';
import { buildReport } from '../report/report';
import { SEVERITIES, type Incident, type NodeRef, type Severity, type TimelineEntry } from '../model/types';

export const RESOLUTIONS = ['resolved', 'false-positive'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** Longest accepted texts: notes are free text, reasons a sentence or two, owners a name. */
export const MAX_NOTE_LENGTH = 10_000;
export const MAX_REASON_LENGTH = 2_000;
export const MAX_OWNER_LENGTH = 200;

/**
 * `invalid`: the input is wrong (HTTP 400). `conflict`: the input is fine but the incident's
 * state does not allow it, e.g. closing a closed incident (HTTP 409).
 */
export class AnalystActionError extends Error {
  constructor(readonly code: 'invalid' | 'conflict', message: string) {
    super(message);
    this.name = 'AnalystActionError';
  }
}

export interface ActionContext {
  /** The editor user (their login name, or "editor" when the editor has no login). */
  user: string;
  now?: Date;
}

/** Timeline entries of the sidebar name the editor user, not a node. */
export function editorActor(user: string): NodeRef {
  return { type: 'editor', id: 'sidebar', name: user };
}

/** A trimmed, non-empty text of at most `max` characters, or an `invalid` error naming `what`. */
export function requireText(value: unknown, what: string, max: number): string {
  if (value !== undefined && value !== null && typeof value !== 'string') throw new AnalystActionError('invalid', `${what} must be text, not ${Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`}`);
  if (typeof value !== 'string' || !value.trim()) throw new AnalystActionError('invalid', `${what} is empty`);
  const text = value.trim();
  if (text.length > max) throw new AnalystActionError('invalid', `${what} is longer than ${max} characters`);
  return text;
}

/** Like requireText, but absent or blank gives ''. */
export function optionalText(value: unknown, what: string, max: number): string {
  if (value === undefined || value === null || (typeof value === 'string' && !value.trim())) return '';
  return requireText(value, what, max);
}

function actor(context: ActionContext): string {
  return requireText(context.user, 'the user name', MAX_OWNER_LENGTH);
}

function record(incident: Incident, context: ActionContext, action: string, summary: string, details?: Record<string, unknown>): TimelineEntry {
  return appendTimeline(incident, { node: editorActor(actor(context)), action, outcome: 'ok', summary, details, at: context.now });
}

/**
 * The post-incident report is a snapshot taken when the closing phase was entered: after an
 * analyst closes or reopens the incident it is built again, so it tells the closure (or the
 * reopening), its reason and the status as they are now.
 */
function refreshReport(incident: Incident, context: ActionContext): void {
  rebuildReport(incident, context.now);
}

/** Builds an attached report again (after a close, a reopening or a restore); none attached, none built. */
export function rebuildReport(incident: Incident, now?: Date): void {
  if (incident.report) buildReportOf(incident, now);
}

function buildReportOf(incident: Incident, now?: Date): void {
  incident.report = buildReport(incident, incident.framework ? getFramework(incident.framework) : undefined, now);
}

function notClosed(incident: Incident, what: string): void {
  if (incident.status === 'closed') throw new AnalystActionError('conflict', `cannot ${what}: the incident is closed (reopen it first)`);
}

/** The analyst's acknowledgement, if one was recorded. */
function acknowledgedByPerson(incident: Incident): TimelineEntry | undefined {
  return incident.timeline.find((e) => e.action === 'acknowledged' && e.node.type === 'editor');
}

/**
 * Whether a person may acknowledge: a framework sets 'acknowledged' on entering its first phase,
 * before anyone looked, so a person still may then (it acknowledges the page). A later status
 * (contained, resolved) or a person's earlier acknowledgement already says someone is on it.
 */
export function canAcknowledge(incident: Incident): boolean {
  return incident.status === 'open' || (incident.status === 'acknowledged' && !acknowledgedByPerson(incident));
}

/** An analyst has seen the incident and works on it: open → acknowledged. */
export function acknowledge(incident: Incident, context: ActionContext): TimelineEntry {
  const user = actor(context);
  notClosed(incident, 'acknowledge');
  const byPerson = acknowledgedByPerson(incident);
  if (incident.status === 'acknowledged' && byPerson) throw new AnalystActionError('conflict', `the incident is already acknowledged (by ${byPerson.node.name ?? 'an analyst'})`);
  if (incident.status !== 'open' && incident.status !== 'acknowledged') throw new AnalystActionError('conflict', `the incident is already ${incident.status}`);
  setStatus(incident, 'acknowledged', context.now);
  markAcknowledged(incident, context.now);
  return record(incident, context, 'acknowledged', `Acknowledged by ${user}`);
}

export function assignOwner(incident: Incident, owner: unknown, context: ActionContext): TimelineEntry {
  const user = actor(context);
  const name = requireText(owner, 'the owner', MAX_OWNER_LENGTH);
  notClosed(incident, 'assign an owner');
  if (incident.owner === name) throw new AnalystActionError('conflict', `the incident is already owned by ${name}`);
  const previous = incident.owner;
  incident.owner = name;
  markAcknowledged(incident, context.now);
  return record(incident, context, 'owner-assigned', `${user} assigned the incident to ${name}${previous ? ` (was ${previous})` : ''}`, { owner: name, previous: previous ?? null });
}

/** Notes are allowed on closed incidents too: findings often come after closing. */
export function addNote(incident: Incident, text: unknown, context: ActionContext): TimelineEntry {
  const user = actor(context);
  const note = requireText(text, 'the note', MAX_NOTE_LENGTH);
  return record(incident, context, 'note-added', `Note by ${user}: ${note}`, { note });
}

function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

export function changeSeverity(incident: Incident, severity: unknown, reason: unknown, context: ActionContext): TimelineEntry {
  const user = actor(context);
  if (!isSeverity(severity)) throw new AnalystActionError('invalid', `unknown severity ${JSON.stringify(severity)}: use one of ${SEVERITIES.join(', ')}`);
  const why = requireText(reason, 'the reason', MAX_REASON_LENGTH);
  notClosed(incident, 'change the severity');
  if (incident.severity === severity) throw new AnalystActionError('conflict', `the severity is already ${severity}`);
  const from = incident.severity;
  incident.severity = severity;
  return record(incident, context, 'severity-changed', `${user} changed the severity from ${from} to ${severity}: ${why}`, { from, to: severity, reason: why });
}

function isResolution(value: unknown): value is Resolution {
  return typeof value === 'string' && (RESOLUTIONS as readonly string[]).includes(value);
}

/** Closes the incident as a real incident dealt with ('resolved') or as a false positive. */
export function closeIncident(incident: Incident, resolution: unknown, reason: unknown, context: ActionContext): TimelineEntry {
  const user = actor(context);
  if (!isResolution(resolution)) throw new AnalystActionError('invalid', `unknown resolution ${JSON.stringify(resolution)}: use one of ${RESOLUTIONS.join(', ')}`);
  const why = optionalText(reason, 'the reason', MAX_REASON_LENGTH);
  if (incident.status === 'closed') throw new AnalystActionError('conflict', 'the incident is already closed');
  const from = incident.status;
  setStatus(incident, 'closed', context.now);
  // A person looked at it, if only to close it.
  markAcknowledged(incident, context.now);
  incident.resolution = resolution;
  // Steps still waiting for a person are withdrawn: their links must not run them later.
  const withdrawn = incident.holds.filter((h) => h.state === 'pending');
  for (const hold of withdrawn) recordDecision(hold, 'deny', user, WITHDRAWN_ON_CLOSE, context.now);
  const as = resolution === 'false-positive' ? 'a false positive' : 'resolved';
  const also = withdrawn.length ? `; withdrew the pending approval${withdrawn.length > 1 ? 's' : ''} before ${withdrawn.map((h) => h.phase).join(', ')}` : '';
  const entry = record(incident, context, 'closed', `${user} closed the incident as ${as}${why ? `: ${why}` : ''}${also}`,
    { resolution, reason: why || null, from, ...(withdrawn.length ? { withdrawnHolds: withdrawn.map((h) => h.id) } : {}) });
  // Built again, or, closed before the framework's closing phase, built now rather than never.
  buildReportOf(incident, context.now);
  return entry;
}

/** Opens a closed (or playbook-resolved) incident again; the first-time metrics stay. */
export function reopenIncident(incident: Incident, reason: unknown, context: ActionContext): TimelineEntry {
  const user = actor(context);
  const why = optionalText(reason, 'the reason', MAX_REASON_LENGTH);
  if (!isDone(incident)) throw new AnalystActionError('conflict', `the incident is not closed (it is ${incident.status})`);
  const from = incident.status;
  setStatus(incident, 'open', context.now);
  delete incident.resolution;
  const entry = record(incident, context, 'reopened', `${user} reopened the incident${why ? `: ${why}` : ''}`, { from, reason: why || null });
  refreshReport(incident, context);
  return entry;
}

/** The actions an incident itself takes; approving or denying a hold belongs to its phase-gate. */
export const ANALYST_ACTIONS = ['acknowledge', 'assign', 'note', 'severity', 'close', 'reopen'] as const;
export type AnalystActionName = (typeof ANALYST_ACTIONS)[number];

export function isAnalystAction(name: string): name is AnalystActionName {
  return (ANALYST_ACTIONS as readonly string[]).includes(name);
}

/** The request body of each action, as the sidebar sends it (untrusted: checked by the actions). */
export interface ActionInput {
  owner?: unknown;
  text?: unknown;
  severity?: unknown;
  resolution?: unknown;
  reason?: unknown;
}

/** Runs one named action with its input: the one entry point of the sidebar's routes. */
export function applyAnalystAction(incident: Incident, action: AnalystActionName, input: ActionInput, context: ActionContext): TimelineEntry {
  switch (action) {
    case 'acknowledge': return acknowledge(incident, context);
    case 'assign': return assignOwner(incident, input.owner, context);
    case 'note': return addNote(incident, input.text, context);
    case 'severity': return changeSeverity(incident, input.severity, input.reason, context);
    case 'close': return closeIncident(incident, input.resolution, input.reason, context);
    case 'reopen': return reopenIncident(incident, input.reason, context);
  }
}
