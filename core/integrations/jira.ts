// Jira Cloud (REST API v3): one issue per incident, found again by its key or its label and
// never created twice, kept in step with comments (new timeline entries) and transitions
// (incident status → workflow status). Every HTTP call goes through JiraApi below: jira.js 5
// (axios) with its fetch adapter set to the invoker's fetch (live: the HTTP policy, which
// retries; dry-run: recorded). jira.js has no retry loop of its own; axios's timeout is off.
import { createHash } from 'node:crypto';
import { HttpException, Version3Client, type Version3Models, type Version3Parameters } from 'jira.js';
import { HttpClientError } from '../http/errors';
import { redactText } from '../model/redact';
import type { Incident, IncidentStatus, Severity, TimelineEntry } from '../model/types';
import type { CallRecord, Invoker, SimulatedResponse } from './dry-run';
import { createInvokerFetch } from './dry-run';

export const ACTION = 'jira-ticket';
/** Where a dry-run without a site URL says it would have called. */
export const PLACEHOLDER_SITE = 'https://your-site.atlassian.net';

// Jira Cloud field limits: summary 255 characters; descriptions and comments 32,767, counted
// on the stored document, so ADF documents are kept below `document` in JSON.
export const LIMITS = { summary: 255, label: 255, cell: 200, line: 300, observables: 50, excerpt: 15, commentEntries: 30, document: 30_000 } as const;

const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low'];
export const DEFAULT_PRIORITIES: Readonly<Record<Severity, string>> = { critical: 'Highest', high: 'High', medium: 'Medium', low: 'Low' };
export const DEFAULT_TRANSITIONS: Readonly<Partial<Record<IncidentStatus, string>>> = { resolved: 'Done', closed: 'Done' };

// ---------------------------------------------------------------------------------------------
// Plain values: JQL, labels, summary

/** A JQL string literal: quoted, `\` and `"` escaped, control characters as spaces. Alert text can never end the literal. */
export function jqlString(value: string): string {
  // eslint-disable-next-line no-control-regex
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/[\u0000-\u001f\u007f]/g, ' ')}"`;
}

/** The label that marks this incident's issue: derived from the incident id alone. */
export function incidentLabel(incidentId: string): string {
  const label = `ir-incident-${incidentId.replace(/[^A-Za-z0-9_.-]/g, '-')}`;
  return label.length <= LIMITS.label ? label : `ir-incident-sha256-${createHash('sha256').update(incidentId).digest('hex')}`;
}

/** Jira labels hold no spaces; empty ones are dropped. */
export function labelOf(value: string): string | undefined {
  const label = value.trim().replace(/\s+/g, '-').slice(0, LIMITS.label);
  return label || undefined;
}

/** The JQL that finds this incident's issue (oldest first). */
export function searchJql(incidentId: string, project?: string): string {
  const parts = [`labels = ${jqlString(incidentLabel(incidentId))}`];
  if (project) parts.push(`project = ${jqlString(project)}`);
  return `${parts.join(' AND ')} ORDER BY created ASC`;
}

/**
 * One line, at most `max` UTF-16 units (Jira counts Java string length), cut with an ellipsis
 * and never inside a surrogate pair.
 */
export function oneLine(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  let cut = '';
  for (const ch of flat) {
    if (cut.length + ch.length > max - 1) break;
    cut += ch;
  }
  return `${cut}…`;
}

/** "[HIGH] title", one line, within Jira's 255 characters. */
export function buildSummary(incident: Incident): string {
  return oneLine(`[${incident.severity.toUpperCase()}] ${incident.title}`, LIMITS.summary);
}

/** Priority name for a severity: the configured map, else Jira's default scheme. '' means "do not set". */
export function priorityFor(severity: Severity, map: Partial<Record<Severity, string>> = {}): string | undefined {
  const name = (map[severity] ?? DEFAULT_PRIORITIES[severity]).trim();
  return name || undefined;
}

/**
 * The assignee: a fixed account id, else the rota for the severity (the nearest more severe
 * level with people when the level has none). Several people per level share the load; the
 * pick depends on the incident id only, so a re-run assigns the same person.
 */
export function assigneeFor(incident: Incident, fixed?: string, rota: Partial<Record<Severity, readonly string[]>> = {}): string | undefined {
  if (fixed?.trim()) return fixed.trim();
  const start = SEVERITY_ORDER.indexOf(incident.severity);
  for (let i = start; i >= 0; i--) {
    const people = (rota[SEVERITY_ORDER[i]] ?? []).map((p) => p.trim()).filter(Boolean);
    if (people.length) return people[createHash('sha256').update(incident.id).digest().readUInt32BE(0) % people.length];
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Atlassian Document Format

export interface AdfMark { type: string; attrs?: Record<string, unknown> }
export interface AdfNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
  text?: string;
  marks?: AdfMark[];
}
export interface AdfDoc { type: 'doc'; version: 1; content: AdfNode[] }

// ADF refuses empty text nodes.
const text = (t: string, marks?: AdfMark[]): AdfNode => ({ type: 'text', text: t === '' ? ' ' : t, ...(marks ? { marks } : {}) });
const strong = (t: string): AdfNode => text(t, [{ type: 'strong' }]);
const paragraph = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });
const heading = (t: string): AdfNode => ({ type: 'heading', attrs: { level: 3 }, content: [text(t)] });
const bulletList = (items: AdfNode[][]): AdfNode => ({ type: 'bulletList', content: items.map((c) => ({ type: 'listItem', content: [paragraph(...c)] })) });
const cell = (type: 'tableHeader' | 'tableCell', t: string): AdfNode => ({ type, attrs: {}, content: [paragraph(type === 'tableHeader' ? strong(t) : text(t))] });
const row = (type: 'tableHeader' | 'tableCell', cells: string[]): AdfNode => ({ type: 'tableRow', content: cells.map((c) => cell(type, c)) });

/** A link only to an http(s) URL; anything else stays text. */
function linkOrText(label: string, href: unknown): AdfNode {
  if (typeof href === 'string') {
    try {
      const u = new URL(href);
      if (u.protocol === 'https:' || u.protocol === 'http:') return text(label, [{ type: 'link', attrs: { href: u.href } }]);
    } catch {
      // not a URL: shown as text
    }
  }
  return text(label);
}

function entryLine(e: TimelineEntry): AdfNode[] {
  return [strong(`${e.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')} ${e.action}`), text(` (${e.outcome}): ${oneLine(e.summary, LIMITS.line)}`)];
}

/** Slack and PagerDuty (and any other integration) as links where their refs carry one. */
function refLinks(incident: Incident): AdfNode[][] {
  const out: AdfNode[][] = [];
  const slack = incident.refs.slack;
  if (slack && typeof slack.channel === 'string') {
    const href = slack.permalink ?? slack.url ?? `https://slack.com/app_redirect?channel=${encodeURIComponent(slack.channel)}`;
    out.push([text('Slack: '), linkOrText(`message ${slack.ts} in ${slack.channel}`, href)]);
  }
  const pd = incident.refs.pagerduty;
  if (pd && typeof pd.dedupKey === 'string') {
    const href = pd.htmlUrl ?? pd.url;
    out.push([text('PagerDuty: '), linkOrText(`dedup key ${pd.dedupKey}${typeof pd.state === 'string' ? ` (${pd.state})` : ''}`, href)]);
  }
  return out;
}

/** Halve the rows until the document fits Jira's limit (a few rows always stay). */
function fitted(build: (rows: number) => AdfDoc, rows: number): AdfDoc {
  let doc = build(rows);
  while (JSON.stringify(doc).length > LIMITS.document && rows > 2) {
    rows = Math.floor(rows / 2);
    doc = build(rows);
  }
  return doc;
}

/** The issue description: the incident as found so far, every alert value bounded. */
export function buildDescription(incident: Incident): AdfDoc {
  return fitted((rows) => describeIncident(incident, rows), LIMITS.observables);
}

function describeIncident(incident: Incident, maxRows: number): AdfDoc {
  const content: AdfNode[] = [
    paragraph(
      strong('Severity: '), text(incident.severity.toUpperCase()),
      strong('  Status: '), text(incident.status),
      strong('  Phase: '), text(incident.phase ?? '(none)'),
      strong('  Alerts: '), text(String(incident.alertCount)),
    ),
    paragraph(strong('Incident: '), text(incident.id), strong('  First seen: '), text(incident.firstSeenAt), strong('  Last seen: '), text(incident.lastSeenAt)),
  ];
  const latest = incident.alerts.at(-1);
  if (latest?.description) content.push(paragraph(text(oneLine(latest.description, 2000))));

  if (incident.observables.length) {
    content.push(heading('Observables'));
    const rows = incident.observables.slice(0, maxRows).map((o) => row('tableCell', [
      o.type, oneLine(o.value, LIMITS.cell), o.roles.join(', ') || '-', o.verdict ?? 'not assessed',
    ]));
    content.push({ type: 'table', attrs: { isNumberColumnEnabled: false, layout: 'default' }, content: [row('tableHeader', ['Type', 'Value', 'Roles', 'Verdict']), ...rows] });
    if (incident.observables.length > maxRows) content.push(paragraph(text(`… and ${incident.observables.length - maxRows} more observables`)));
  }

  const entries = incident.timeline.filter((e) => e.action !== ACTION);
  if (entries.length) {
    content.push(heading(`Timeline (latest ${Math.min(entries.length, LIMITS.excerpt)} of ${entries.length})`));
    content.push(bulletList(entries.slice(-LIMITS.excerpt).map(entryLine)));
  }
  const links = refLinks(incident);
  if (links.length) {
    content.push(heading('Links'));
    content.push(bulletList(links));
  }
  return { type: 'doc', version: 1, content };
}

/** A comment with timeline entries the issue has not seen yet. */
export function buildComment(entries: readonly TimelineEntry[], incident: Incident): AdfDoc {
  return fitted((rows) => commentOn(entries, incident, rows), LIMITS.commentEntries);
}

function commentOn(entries: readonly TimelineEntry[], incident: Incident, maxEntries: number): AdfDoc {
  const shown = entries.slice(-maxEntries);
  const content: AdfNode[] = [paragraph(strong(`Incident update: ${incident.status}, phase ${incident.phase ?? '(none)'}, severity ${incident.severity}`))];
  if (entries.length > shown.length) content.push(paragraph(text(`(${entries.length - shown.length} earlier entries left out)`)));
  content.push(bulletList(shown.map(entryLine)));
  return { type: 'doc', version: 1, content };
}

// ---------------------------------------------------------------------------------------------
// Create fields

export interface IssueSettings {
  /** Project key (e.g. SEC). */
  project: string;
  /** Issue type name (e.g. Task, Incident, Bug). */
  issueType: string;
  /** Severity → priority name; '' leaves priority unset. Default Highest/High/Medium/Low. */
  priorities?: Partial<Record<Severity, string>>;
  labels?: readonly string[];
  components?: readonly string[];
  /** Fixed assignee account id; overrides the rota. */
  assignee?: string;
  rota?: Partial<Record<Severity, readonly string[]>>;
  /** Field id → value, merged last (e.g. {"customfield_10042": "SOC"}). */
  customFields?: Record<string, unknown>;
}

export interface IssueFields {
  project: { key: string };
  issuetype: { name: string };
  summary: string;
  description: AdfDoc;
  labels: string[];
  priority?: { name: string };
  assignee?: { accountId: string };
  components?: Array<{ name: string }>;
  [customField: string]: unknown;
}

export function buildIssueFields(incident: Incident, settings: IssueSettings): IssueFields {
  const labels = [...new Set([incidentLabel(incident.id), ...(settings.labels ?? []).map(labelOf).filter((l): l is string => l !== undefined)])];
  const fields: IssueFields = {
    project: { key: settings.project },
    issuetype: { name: settings.issueType },
    summary: buildSummary(incident),
    description: buildDescription(incident),
    labels,
  };
  const priority = priorityFor(incident.severity, settings.priorities);
  if (priority) fields.priority = { name: priority };
  const assignee = assigneeFor(incident, settings.assignee, settings.rota);
  if (assignee) fields.assignee = { accountId: assignee };
  const components = (settings.components ?? []).map((c) => c.trim()).filter(Boolean);
  if (components.length) fields.components = components.map((name) => ({ name }));
  for (const [id, value] of Object.entries(settings.customFields ?? {})) {
    // The issue's identity is ours: a custom field map cannot move it to another project or drop the incident label.
    if (id === 'project' || id === 'labels') throw new JiraTicketError(`custom fields may not set '${id}' (it identifies the incident's issue); use the node's ${id === 'project' ? 'project' : 'labels'} setting`, 'bad-custom-fields', false);
    fields[id] = value;
  }
  return fields;
}

/** The custom-field map from a typed input: a JSON object (or its text) of field id to value. */
export function parseCustomFields(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null || value === '') return {};
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value) as unknown;
    } catch (err) {
      throw new JiraTicketError(`custom fields are not valid JSON: ${(err as Error).message}`, 'bad-custom-fields', false);
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new JiraTicketError('custom fields must be a JSON object of field id to value, e.g. {"customfield_10042": "SOC"}', 'bad-custom-fields', false);
  }
  return parsed as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Errors

/** A Jira failure in words a user can act on. */
export class JiraTicketError extends Error {
  readonly code: string;
  readonly transient: boolean;
  readonly status?: number;

  constructor(message: string, code: string, transient: boolean, status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JiraTicketError';
    this.code = code;
    this.transient = transient;
    if (status !== undefined) this.status = status;
  }
}

interface JiraErrorBody { errorMessages?: unknown; errors?: unknown }

function policyError(err: unknown): HttpClientError | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 6; depth++) {
    if (e instanceof HttpClientError) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** One field error in words: Jira's "cannot be set … not on the appropriate screen" is the usual one. */
function fieldProblem(field: string, message: string, during: string): string {
  if (/cannot be set|not on the appropriate screen/i.test(message)) {
    const screen = /transition/i.test(during) ? 'transition screen' : /comment/i.test(during) ? 'screen' : 'create screen';
    return `field '${field}' cannot be set: it is not on the ${screen} (or unknown to this project and issue type); add it to the screen in Jira or clear it in the jira-ticket node`;
  }
  return `field '${field}': ${message}`;
}

/** Jira's `errorMessages` and `errors` as one sentence. */
export function describeJiraErrorBody(body: unknown, during = ''): string {
  if (typeof body === 'string') return oneLine(body, 300);
  const b = (body ?? {}) as JiraErrorBody;
  const messages = Array.isArray(b.errorMessages) ? b.errorMessages.map(String) : [];
  const fields = b.errors && typeof b.errors === 'object' ? Object.entries(b.errors as Record<string, unknown>).map(([f, m]) => fieldProblem(f, String(m), during)) : [];
  return [...messages, ...fields].join('; ');
}

/** Any failure of a Jira call (jira.js HttpException, the policy's typed errors) as JiraTicketError. */
export function mapJiraError(err: unknown, during: string, repeatable = true): JiraTicketError {
  if (err instanceof JiraTicketError) return err;
  const policy = policyError(err);
  // jira.js's errors carry axios's request config, Authorization header included: never keep
  // them as the cause (Node-RED logs and debug nodes print causes). The policy's own error
  // is redacted and may stay.
  if (policy) return new JiraTicketError(`Jira ${during} failed: Jira unreachable (${policy.message})`, policy.code, true, undefined, { cause: policy });
  if (err instanceof HttpException && typeof err.response === 'object' && typeof err.response.status === 'number') {
    const status = err.response.status as number;
    const detail = describeJiraErrorBody(err.response.data, during);
    const said = detail ? `: ${detail}` : '';
    let message: string;
    if (status === 401) message = `Jira rejected the credentials (401): check the account email and API token in the Jira config node (an API token from id.atlassian.com, not a password)${said}`;
    else if (status === 403) message = `Jira refused the call (403): the account lacks a permission for this project (Browse projects, Create issues, Add comments, Transition issues, Assign issues)${said}`;
    else if (status === 404) message = `not found (404)${said || ': check the site URL, the project key and the issue key'}`;
    else if (status === 429) message = `Jira rate limit: still limited after the retries (429); lower the rate in the Jira config node${said}`;
    else if (status >= 500) message = `Jira answered HTTP ${status} (Jira outage? ${repeatable ? 'retried without success' : 'sent once: this call is not repeated, it could act twice'})${said}`;
    else message = detail || `Jira answered HTTP ${status}`;
    return new JiraTicketError(`Jira ${during} failed: ${message}`, `http_${status}`, status === 429 || status >= 500, status);
  }
  const message = redactText(err instanceof Error ? err.message : String(err));
  return new JiraTicketError(`Jira ${during} failed: ${message}`, 'unknown', false);
}

// ---------------------------------------------------------------------------------------------
// The one place that calls Jira

export interface JiraApiOptions {
  /** https://<site>.atlassian.net (emulators: http://127.0.0.1:PORT). */
  siteUrl: string;
  email?: string;
  apiToken?: string;
  timeoutMs?: number;
  /** Noted in dry-run records: what live mode would lack. */
  missingCredentials?: readonly string[];
}

export interface FoundIssue {
  id: string;
  key: string;
  /** The workflow status name, when known. */
  status?: string;
  labels?: string[];
}

export interface Transition {
  id: string;
  name: string;
  /** The status the transition leads to. */
  to?: string;
}

/** REST v3 operation names for records and timelines. */
export function operationOf(url: URL, method: string): string {
  const p = url.pathname.replace(/^.*\/rest\/api\/3/, '');
  const m = method.toUpperCase();
  if (p === '/issue' && m === 'POST') return 'jira.createIssue';
  if (p === '/search/jql') return 'jira.search';
  if (/^\/issue\/[^/]+\/comment$/.test(p)) return 'jira.addComment';
  if (/^\/issue\/[^/]+\/transitions$/.test(p)) return m === 'POST' ? 'jira.doTransition' : 'jira.getTransitions';
  if (/^\/issue\/[^/]+$/.test(p)) return 'jira.getIssue';
  return `jira.${m.toLowerCase()}${p.replace(/\//g, '.')}`;
}

let simulatedSeq = 0;

/** The transitions of Jira's default workflow (ids as Jira Cloud gives them), offered in dry-run. */
export const SIMULATED_TRANSITIONS: readonly Transition[] = [
  { id: '11', name: 'To Do', to: 'To Do' },
  { id: '21', name: 'In Progress', to: 'In Progress' },
  { id: '31', name: 'Done', to: 'Done' },
];
/** The id recorded for a dry-run transition to a status the default workflow lacks. */
export const SIMULATED_TRANSITION_ID = '0';

/** Jira's answer in dry-run, shaped like the real one; nothing is created, so nothing is found. */
export function simulatedAnswer(record: CallRecord): SimulatedResponse {
  const key = decodeURIComponent(/\/issue\/([^/]+)/.exec(new URL(record.url).pathname)?.[1] ?? 'DRYRUN-0');
  switch (record.operation) {
    case 'jira.createIssue': {
      const project = ((record.body as { fields?: { project?: { key?: unknown } } } | undefined)?.fields?.project?.key);
      simulatedSeq += 1;
      return { status: 201, json: { id: String(90000 + simulatedSeq), key: `${typeof project === 'string' ? project : 'DRYRUN'}-DRYRUN`, self: record.url } };
    }
    case 'jira.search': return { json: { issues: [], isLast: true } };
    case 'jira.getIssue': return { json: { id: '0', key, fields: { labels: [] } } };
    case 'jira.addComment': return { status: 201, json: { id: String(80000 + ++simulatedSeq) } };
    // Jira's default workflow, so a dry-run transition is recorded as the POST live would make.
    case 'jira.getTransitions': return { json: { transitions: SIMULATED_TRANSITIONS.map((t) => ({ id: t.id, name: t.name, to: { name: t.to } })) } };
    case 'jira.doTransition': return { status: 204 };
    default: return { json: {} };
  }
}

/** jira.js 5 Version3Client on the invoker. */
export class JiraApi {
  readonly siteUrl: string;
  private readonly client: Version3Client;

  constructor(invoker: Invoker, options: JiraApiOptions) {
    this.siteUrl = options.siteUrl.replace(/\/+$/, '');
    const missing = options.missingCredentials ?? [];
    // Dry-run records say what live mode would lack; createInvokerFetch does not carry it.
    const recording: Invoker = missing.length
      ? { mode: invoker.mode, get calls() { return invoker.calls; }, invoke: (call) => invoker.invoke({ ...call, missingCredentials: missing }) }
      : invoker;
    const fetch = createInvokerFetch(recording, {
      operation: operationOf,
      simulated: simulatedAnswer,
      destination: `jira:${new URL(this.siteUrl).host}`,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    this.client = new Version3Client({
      host: this.siteUrl,
      ...(options.email && options.apiToken ? { authentication: { basic: { email: options.email, apiToken: options.apiToken } } } : {}),
      // axios's fetch adapter on our fetch: the policy does timeouts, retries and Retry-After.
      baseRequestConfig: { adapter: 'fetch', env: { fetch }, timeout: 0 },
    });
  }

  issueUrl(key: string): string {
    return `${this.siteUrl}/browse/${encodeURIComponent(key)}`;
  }

  /** The issue, or undefined when it no longer exists (404). */
  async getIssue(key: string): Promise<FoundIssue | undefined> {
    try {
      const issue = await this.client.issues.getIssue({ issueIdOrKey: key, fields: ['status', 'labels'] });
      return found(issue);
    } catch (err) {
      if (err instanceof HttpException && err.status === 404) return undefined;
      throw mapJiraError(err, `get issue ${key}`);
    }
  }

  /** Every issue with the label (oldest first), through /rest/api/3/search/jql page by page. */
  async findByLabel(incidentId: string, project?: string, maxPages = 20): Promise<FoundIssue[]> {
    const jql = searchJql(incidentId, project);
    const out: FoundIssue[] = [];
    let nextPageToken: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      let res: Version3Models.SearchAndReconcileResults & { isLast?: boolean };
      try {
        res = await this.client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql, fields: ['status', 'labels'], maxResults: 50, ...(nextPageToken ? { nextPageToken } : {}) });
      } catch (err) {
        throw mapJiraError(err, 'search for the incident\'s issue');
      }
      for (const issue of res.issues ?? []) {
        const f = found(issue);
        if (f) out.push(f);
      }
      nextPageToken = res.nextPageToken;
      if (!nextPageToken || res.isLast === true) break;
    }
    return out;
  }

  async createIssue(fields: IssueFields): Promise<{ id: string; key: string }> {
    try {
      const created = await this.client.issues.createIssue({ fields: fields as unknown as Version3Parameters.CreateIssue['fields'] });
      if (!created.key) throw new Error('the answer has no issue key');
      return { id: String(created.id), key: created.key };
    } catch (err) {
      throw mapJiraError(err, `create issue in ${fields.project.key}`, false);
    }
  }

  async addComment(key: string, body: AdfDoc): Promise<string | undefined> {
    try {
      const comment = await this.client.issueComments.addComment({ issueIdOrKey: key, comment: body as Version3Models.Document });
      return comment.id;
    } catch (err) {
      throw mapJiraError(err, `comment on ${key}`, false);
    }
  }

  async getTransitions(key: string): Promise<Transition[]> {
    try {
      const res = await this.client.issues.getTransitions({ issueIdOrKey: key });
      return (res.transitions ?? []).filter((t) => t.id !== undefined).map((t) => ({ id: String(t.id), name: t.name ?? '', ...(t.to?.name ? { to: t.to.name } : {}) }));
    } catch (err) {
      throw mapJiraError(err, `get the transitions of ${key}`);
    }
  }

  async doTransition(key: string, transition: Transition): Promise<void> {
    try {
      await this.client.issues.doTransition({ issueIdOrKey: key, transition: { id: transition.id } });
    } catch (err) {
      throw mapJiraError(err, `transition ${key} (${transition.name})`, false);
    }
  }
}

function found(issue: Version3Models.Issue | undefined): FoundIssue | undefined {
  if (!issue?.key) return undefined;
  const fields = (issue.fields ?? {}) as { status?: { name?: string }; labels?: string[] };
  return { id: String(issue.id), key: issue.key, ...(fields.status?.name ? { status: fields.status.name } : {}), ...(Array.isArray(fields.labels) ? { labels: fields.labels } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Keep the issue in step with the incident

/** What refs.jira keeps: the issue, and how far it has been kept in step. */
export interface JiraRef {
  key: string;
  id?: string;
  /** The issue in the browser (live only). */
  url?: string;
  /** Timeline entries up to this index are in the issue (description or comments). */
  timelineSynced: number;
  /** The incident status last applied as a transition (or found in place). */
  syncedStatus?: IncidentStatus;
  /** The issue's workflow status, as last seen or set. */
  issueStatus?: string;
  /** Made in dry-run: the key is made up, so live mode looks again. */
  dryRun?: boolean;
  [key: string]: unknown;
}

export interface SyncSettings extends IssueSettings {
  /** Incident status → target workflow status name ('' or absent: no transition). */
  transitions?: Partial<Record<IncidentStatus, string>>;
  /** Severities that open an issue (default all); an existing issue is kept in step whatever the severity. */
  createFor?: readonly Severity[];
  dryRun: boolean;
}

export interface SyncResult {
  /** skipped: no call made; `ref` is then the incident's ref as it was (empty key when none): nothing to save. */
  action: 'created' | 'updated' | 'unchanged' | 'skipped';
  /** Why nothing was done (skipped). */
  reason?: string;
  ref: JiraRef;
  /** How an existing issue was found. */
  foundBy?: 'ref' | 'search';
  commented: number;
  transition?: { from?: string; to: string; via?: string; dryRun?: boolean };
  /** Things worth a line in the timeline (a duplicate found, a vanished issue). */
  notes: string[];
  /** A step after the issue was known failed (comment, transition): refs are still saved. */
  failure?: JiraTicketError;
}

const sameName = (a: string | undefined, b: string): boolean => a !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * One issue per incident: the key in refs.jira, else the incident label (JQL), else a new
 * issue; then new timeline entries as one comment and the status as a transition. Callers
 * serialise calls per incident (two at once would both search before either created).
 */
export async function syncIncident(api: JiraApi, incident: Incident, settings: SyncSettings): Promise<SyncResult> {
  const notes: string[] = [];
  const previous = incident.refs.jira as JiraRef | undefined;
  const usable = previous && typeof previous.key === 'string' && (settings.dryRun || !previous.dryRun);
  // Not worth an issue (yet): no call at all. A later, more severe message still escalates.
  if (!usable) {
    const why = incident.resolution === 'false-positive' ? 'resolved as a false positive'
      : settings.createFor && !settings.createFor.includes(incident.severity) ? `severity ${incident.severity} is not escalated (${settings.createFor.join(', ') || 'none'})` : undefined;
    if (why) return { action: 'skipped', reason: `no Jira issue: ${why}`, ref: previous ?? { key: '', timelineSynced: 0 }, commented: 0, notes };
  }
  let issue: FoundIssue | undefined;
  let foundBy: SyncResult['foundBy'];
  if (usable && previous.dryRun) {
    issue = { id: previous.id ?? '0', key: previous.key, ...(previous.issueStatus ? { status: previous.issueStatus } : {}) };
    foundBy = 'ref';
  } else if (usable) {
    issue = await api.getIssue(previous.key);
    if (issue) foundBy = 'ref';
    else notes.push(`issue ${previous.key} no longer exists (deleted or moved)`);
  }
  if (!issue) {
    const hits = await api.findByLabel(incident.id, settings.project || undefined);
    if (hits.length) {
      issue = hits[0];
      foundBy = 'search';
      if (hits.length > 1) notes.push(`${hits.length} issues carry the label ${incidentLabel(incident.id)} (${hits.map((h) => h.key).join(', ')}): keeping the oldest, ${issue.key}`);
    }
  }

  const timelineLength = incident.timeline.length;
  let action: SyncResult['action'] = 'unchanged';
  let ref: JiraRef;
  if (!issue) {
    const created = await api.createIssue(buildIssueFields(incident, settings));
    action = 'created';
    ref = { key: created.key, id: created.id, timelineSynced: timelineLength, ...(settings.dryRun ? { dryRun: true } : { url: api.issueUrl(created.key) }) };
  } else {
    const synced = foundBy === 'ref' && previous ? previous.timelineSynced : undefined;
    // Found by its label only: what was commented before is unknown; carry on from now.
    const from = typeof synced === 'number' && synced >= 0 && synced <= timelineLength ? synced : timelineLength;
    ref = {
      ...(foundBy === 'ref' && previous ? previous : {}),
      key: issue.key, id: issue.id, timelineSynced: from,
      ...(issue.status ? { issueStatus: issue.status } : {}),
      ...(settings.dryRun ? { dryRun: true } : { url: api.issueUrl(issue.key) }),
    };
    if (!settings.dryRun) delete ref.dryRun;
    if (foundBy === 'search') notes.push(`found the incident's issue ${issue.key} by its label`);
  }

  const result: SyncResult = { action, ref, commented: 0, notes, ...(foundBy ? { foundBy } : {}) };
  try {
    if (action !== 'created') {
      const fresh = incident.timeline.slice(ref.timelineSynced).filter((e) => e.action !== ACTION);
      if (fresh.length) {
        await api.addComment(ref.key, buildComment(fresh, incident));
        result.commented = fresh.length;
        result.action = 'updated';
      }
      ref.timelineSynced = timelineLength;
    }
    await transitionIfNeeded(api, incident, settings, result);
  } catch (err) {
    result.failure = mapJiraError(err, 'update');
  }
  // A dry-run on an issue live mode made: recorded, but the live ref stays as it was (nothing was sent).
  if (settings.dryRun && usable && !previous.dryRun) result.ref = previous;
  return result;
}

async function transitionIfNeeded(api: JiraApi, incident: Incident, settings: SyncSettings, result: SyncResult): Promise<void> {
  const { ref } = result;
  const target = (settings.transitions ?? DEFAULT_TRANSITIONS)[incident.status]?.trim();
  if (!target) {
    ref.syncedStatus = incident.status;
    return;
  }
  if (sameName(ref.issueStatus, target)) {
    ref.syncedStatus = incident.status;
    return;
  }
  const transitions = await api.getTransitions(ref.key);
  let chosen = transitions.find((t) => sameName(t.to, target)) ?? transitions.find((t) => sameName(t.name, target));
  // Dry-run knows only the default workflow: a custom status is still recorded as the POST
  // live would make, with a placeholder id (the real one comes from the project's workflow).
  if (!chosen && settings.dryRun) chosen = { id: SIMULATED_TRANSITION_ID, name: target, to: target };
  if (!chosen) {
    const offered = transitions.map((t) => (t.to && t.to !== t.name ? `${t.name} → ${t.to}` : t.name)).join(', ') || 'none';
    throw new JiraTicketError(`Jira transition of ${ref.key} failed: no transition to '${target}' from its status${ref.issueStatus ? ` '${ref.issueStatus}'` : ''} (available: ${offered}); adjust the target status for '${incident.status}' in the jira-ticket node or the workflow`, 'no-transition', false);
  }
  await api.doTransition(ref.key, chosen);
  result.transition = { ...(ref.issueStatus ? { from: ref.issueStatus } : {}), to: chosen.to ?? target, via: chosen.name, ...(settings.dryRun ? { dryRun: true } : {}) };
  ref.issueStatus = chosen.to ?? target;
  ref.syncedStatus = incident.status;
  if (result.action === 'unchanged') result.action = 'updated';
}
