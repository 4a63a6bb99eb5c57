// Jira Cloud REST API v3 on loopback, answering like Jira: basic auth (email + API token, 401
// otherwise), create issue (field checks as on a create screen: unknown or off-screen fields,
// invalid priority, component, assignee, labels with spaces, summary over 255 characters or
// with newlines, descriptions that are not ADF), get issue, search/jql paged by nextPageToken
// (labels and project clauses), comments, and transitions through a small workflow. Error
// bodies are Jira's {errorMessages, errors}. 429 + Retry-After and 5xx via script() / faults.
import { startEmulator, type Emulator, type RecordedRequest, type ScriptedResponse } from './server';

export const JIRA_EMAIL = 'soc-bot@example.com';
export const JIRA_TOKEN = 'ATATT3xFfGF0-test-token-0123456789';

export interface JiraComment { id: string; body: unknown; created: string }

export interface JiraIssue {
  id: string;
  key: string;
  project: string;
  fields: Record<string, unknown>;
  status: string;
  comments: JiraComment[];
  /** Names of the transitions applied, in order. */
  transitions: string[];
  created: number;
}

interface WorkflowTransition { id: string; name: string; to: string }

/** To Do → In Progress → Done, with shortcuts; Done can only be reopened. */
export const WORKFLOW: Record<string, WorkflowTransition[]> = {
  'To Do': [{ id: '11', name: 'Start work', to: 'In Progress' }, { id: '31', name: 'Resolve', to: 'Done' }],
  'In Progress': [{ id: '21', name: 'Stop work', to: 'To Do' }, { id: '31', name: 'Resolve', to: 'Done' }],
  Done: [{ id: '41', name: 'Reopen', to: 'To Do' }],
};

export interface JiraProject {
  issueTypes: string[];
  /** Fields on the create screen (beside project, issuetype, summary). */
  screen: string[];
  components: string[];
}

export interface JiraEmulatorOptions {
  /** Default SEC (Task, Incident; everything on screen; components SOC, Network) and OPS (Task; no priority on screen). */
  projects?: Record<string, JiraProject>;
  /** Accounts that can be assigned. */
  accountIds?: string[];
  /** Issues per search page (tests of nextPageToken). Default: maxResults. */
  searchPageSize?: number;
}

export interface JiraEmulator extends Emulator {
  issues: JiraIssue[];
  issue(key: string): JiraIssue | undefined;
  /** Issues carrying a label. */
  withLabel(label: string): JiraIssue[];
  /** Make an issue as someone else would (e.g. left by an earlier run). */
  seed(project: string, fields: Record<string, unknown>): JiraIssue;
}

const PRIORITIES = ['Highest', 'High', 'Medium', 'Low', 'Lowest'];

const err = (status: number, errorMessages: string[], errors: Record<string, string> = {}): ScriptedResponse => ({ status, body: { errorMessages, errors } });

/** A structural check of Atlassian Document Format, as strict as Jira on the parts we use. */
export function adfProblem(doc: unknown): string | undefined {
  const d = doc as { type?: unknown; version?: unknown; content?: unknown };
  if (!d || typeof d !== 'object' || d.type !== 'doc' || d.version !== 1 || !Array.isArray(d.content)) return 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
  const walk = (node: unknown): string | undefined => {
    const n = node as { type?: unknown; text?: unknown; content?: unknown };
    if (!n || typeof n.type !== 'string') return 'ADF node without a type';
    if (n.type === 'text' && (typeof n.text !== 'string' || n.text.length === 0)) return 'ADF text nodes must have non-empty text';
    if (n.content !== undefined) {
      if (!Array.isArray(n.content)) return 'ADF content must be an array';
      for (const c of n.content) {
        const p = walk(c);
        if (p) return p;
      }
    }
    return undefined;
  };
  for (const c of d.content) {
    const p = walk(c);
    if (p) return p;
  }
  return undefined;
}

/** Jira's 32,767-character limit on a rich-text field, counted on the stored document. */
export function tooLong(doc: unknown): string | undefined {
  return JSON.stringify(doc).length > 32_767 ? 'The entered text is too long. It exceeds the allowed limit of 32,767 characters.' : undefined;
}

/** The JQL the node sends: `field = "string"` clauses joined by AND, optional ORDER BY. */
export function parseJql(jql: string): Array<{ field: string; value: string }> | string {
  const body = jql.replace(/\s+ORDER BY\s+[\w, ]+(ASC|DESC)?\s*$/i, '');
  const clauses: Array<{ field: string; value: string }> = [];
  const re = /\s*(\w+)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(AND\b|$)/iy;
  let pos = 0;
  while (pos < body.length) {
    re.lastIndex = pos;
    const m = re.exec(body);
    if (!m) return `Error in the JQL Query: expecting a clause at character ${pos}.`;
    clauses.push({ field: m[1].toLowerCase(), value: m[2].replace(/\\(.)/g, '$1') });
    pos = re.lastIndex;
    if (!m[3]) break;
  }
  if (pos < body.length) return `Error in the JQL Query: unexpected text at character ${pos}.`;
  return clauses;
}

export async function startJira(options: JiraEmulatorOptions = {}): Promise<JiraEmulator> {
  const projects: Record<string, JiraProject> = options.projects ?? {
    SEC: { issueTypes: ['Task', 'Incident'], screen: ['description', 'labels', 'priority', 'assignee', 'components', 'customfield_10042'], components: ['SOC', 'Network'] },
    OPS: { issueTypes: ['Task'], screen: ['description', 'labels', 'assignee'], components: [] },
  };
  const accounts = new Set(options.accountIds ?? ['5b10ac8d82e05b22cc7d4ef5', '5b10ac8d82e05b22cc7d4ef6', '5b10ac8d82e05b22cc7d4ef7']);
  const issues: JiraIssue[] = [];
  const counters = new Map<string, number>();
  let ids = 10000;
  let commentIds = 20000;
  const auth = `Basic ${Buffer.from(`${JIRA_EMAIL}:${JIRA_TOKEN}`).toString('base64')}`;

  const denied = (req: RecordedRequest): ScriptedResponse | undefined =>
    req.headers.authorization === auth ? undefined : { status: 401, headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: 'Client must be authenticated to access this resource.' };
  const find = (key: string): JiraIssue | undefined => issues.find((i) => i.key === decodeURIComponent(key) || i.id === decodeURIComponent(key));
  const notFound = (): ScriptedResponse => err(404, ['Issue does not exist or you do not have permission to see it.']);
  const view = (i: JiraIssue) => ({ id: i.id, key: i.key, self: `/rest/api/3/issue/${i.id}`, fields: { ...i.fields, status: { name: i.status } } });

  const store = (project: string, fields: Record<string, unknown>): JiraIssue => {
    const n = (counters.get(project) ?? 0) + 1;
    counters.set(project, n);
    ids += 1;
    const issue: JiraIssue = { id: String(ids), key: `${project}-${n}`, project, fields, status: 'To Do', comments: [], transitions: [], created: Date.now() + issues.length };
    issues.push(issue);
    return issue;
  };

  const create = (req: RecordedRequest): ScriptedResponse => {
    const fields = (req.json as { fields?: Record<string, unknown> } | undefined)?.fields;
    if (!fields) return err(400, ['No fields were given.']);
    const errors: Record<string, string> = {};
    const projectKey = (fields.project as { key?: unknown } | undefined)?.key;
    const project = typeof projectKey === 'string' ? projects[projectKey] : undefined;
    if (!project) return err(400, [], { project: 'valid project is required' });
    const type = (fields.issuetype as { name?: unknown } | undefined)?.name;
    if (typeof type !== 'string' || !project.issueTypes.includes(type)) errors.issuetype = 'Specify a valid issue type';
    const summary = fields.summary;
    if (typeof summary !== 'string' || !summary.trim()) errors.summary = 'You must specify a summary of the issue.';
    else if (summary.length > 255) errors.summary = 'Summary must be less than 255 characters.';
    else if (/[\r\n]/.test(summary)) errors.summary = 'The summary is invalid because it contains newline characters.';
    for (const id of Object.keys(fields)) {
      if (['project', 'issuetype', 'summary'].includes(id)) continue;
      if (!project.screen.includes(id)) errors[id] = `Field '${id}' cannot be set. It is not on the appropriate screen, or unknown.`;
    }
    if (fields.description !== undefined && !errors.description) {
      const p = adfProblem(fields.description) ?? tooLong(fields.description);
      if (p) errors.description = p;
    }
    if (Array.isArray(fields.labels) && !errors.labels) {
      const bad = fields.labels.find((l) => typeof l !== 'string' || /\s/.test(l) || l.length > 255);
      if (bad !== undefined) errors.labels = `The label '${String(bad)}' contains spaces which is invalid.`;
    }
    const priority = (fields.priority as { name?: unknown } | undefined)?.name;
    if (fields.priority !== undefined && !errors.priority && (typeof priority !== 'string' || !PRIORITIES.includes(priority))) errors.priority = `Specify the Priority (id or name) in the string format`;
    const accountId = (fields.assignee as { accountId?: unknown } | undefined)?.accountId;
    if (fields.assignee !== undefined && !errors.assignee && (typeof accountId !== 'string' || !accounts.has(accountId))) errors.assignee = `User '${String(accountId)}' cannot be assigned issues.`;
    if (Array.isArray(fields.components) && !errors.components) {
      for (const c of fields.components as Array<{ name?: unknown }>) {
        if (typeof c.name !== 'string' || !project.components.includes(c.name)) errors.components = `Component name '${String(c.name)}' is not valid`;
      }
    }
    if (Object.keys(errors).length) return err(400, [], errors);
    const issue = store(String(projectKey), fields);
    return { status: 201, body: { id: issue.id, key: issue.key, self: `/rest/api/3/issue/${issue.id}` } };
  };

  const search = (req: RecordedRequest): ScriptedResponse => {
    const jql = req.query.jql;
    if (!jql) return err(400, ['The JQL query is required (jql).']);
    const clauses = parseJql(jql);
    if (typeof clauses === 'string') return err(400, [clauses]);
    for (const c of clauses) if (c.field !== 'labels' && c.field !== 'project') return err(400, [`Field '${c.field}' is not supported by this emulator.`]);
    const matching = issues.filter((i) => clauses.every((c) => (c.field === 'project'
      ? i.project === c.value
      : Array.isArray(i.fields.labels) && (i.fields.labels as string[]).includes(c.value))))
      .sort((a, b) => a.created - b.created);
    const max = Math.min(Number(req.query.maxResults ?? 50) || 50, options.searchPageSize ?? Infinity);
    const start = req.query.nextPageToken ? Number(Buffer.from(req.query.nextPageToken, 'base64url').toString('utf8')) : 0;
    if (!Number.isInteger(start) || start < 0) return err(400, ['Invalid nextPageToken.']);
    const page = matching.slice(start, start + max);
    const isLast = start + max >= matching.length;
    const fieldsWanted = (req.query.fields ?? '').split(',').filter(Boolean);
    return {
      body: {
        // Without `fields`, search/jql returns ids only (as Jira Cloud does).
        issues: page.map((i) => (fieldsWanted.length ? { id: i.id, key: i.key, fields: Object.fromEntries(fieldsWanted.map((f) => [f, f === 'status' ? { name: i.status } : i.fields[f]])) } : { id: i.id })),
        ...(isLast ? { isLast: true } : { nextPageToken: Buffer.from(String(start + max)).toString('base64url'), isLast: false }),
      },
    };
  };

  const keyOf = (req: RecordedRequest): string => /\/issue\/([^/]+)/.exec(req.path)?.[1] ?? '';

  const emulator = await startEmulator({
    routes: [
      { method: 'POST', path: '/rest/api/3/issue', respond: (req) => denied(req) ?? create(req) },
      { method: 'GET', path: '/rest/api/3/search/jql', respond: (req) => denied(req) ?? search(req) },
      { method: 'GET', path: '/rest/api/3/search', respond: err(410, ['The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.']) },
      {
        method: 'POST', path: /^\/rest\/api\/3\/issue\/[^/]+\/comment$/, respond: (req) => {
          const d = denied(req);
          if (d) return d;
          const issue = find(keyOf(req));
          if (!issue) return notFound();
          const body = (req.json as { body?: unknown } | undefined)?.body;
          const p = adfProblem(body) ?? tooLong(body);
          if (p) return err(400, [], { comment: p });
          commentIds += 1;
          const comment = { id: String(commentIds), body, created: new Date().toISOString() };
          issue.comments.push(comment);
          return { status: 201, body: comment };
        },
      },
      {
        method: 'GET', path: /^\/rest\/api\/3\/issue\/[^/]+\/transitions$/, respond: (req) => {
          const issue = find(keyOf(req));
          return denied(req) ?? (issue ? { body: { expand: 'transitions', transitions: (WORKFLOW[issue.status] ?? []).map((t) => ({ id: t.id, name: t.name, to: { name: t.to, id: String(t.to.length) } })) } } : notFound());
        },
      },
      {
        method: 'POST', path: /^\/rest\/api\/3\/issue\/[^/]+\/transitions$/, respond: (req) => {
          const d = denied(req);
          if (d) return d;
          const issue = find(keyOf(req));
          if (!issue) return notFound();
          const id = (req.json as { transition?: { id?: unknown } } | undefined)?.transition?.id;
          const t = (WORKFLOW[issue.status] ?? []).find((w) => w.id === String(id));
          if (!t) return err(400, [`Transition id '${String(id)}' is not valid for this issue.`]);
          issue.status = t.to;
          issue.transitions.push(t.name);
          return { status: 204 };
        },
      },
      {
        method: 'GET', path: /^\/rest\/api\/3\/issue\/[^/]+$/, respond: (req) => {
          const issue = find(keyOf(req));
          return denied(req) ?? (issue ? { body: view(issue) } : notFound());
        },
      },
    ],
    fallback: (req) => err(404, [`No route for ${req.method} ${req.path} in the Jira emulator.`]),
  });
  const reset = emulator.reset;
  return Object.assign(emulator, {
    issues,
    issue: (key: string) => find(key),
    withLabel: (label: string) => issues.filter((i) => Array.isArray(i.fields.labels) && (i.fields.labels as string[]).includes(label)),
    seed: (project: string, fields: Record<string, unknown>) => store(project, fields),
    reset() {
      reset();
      issues.length = 0;
      counters.clear();
    },
  });
}
