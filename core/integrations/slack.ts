// Slack: the incident as one Block Kit message, kept up to date, with a thread of changes.
// Every HTTP call goes through SlackApi below, i.e. @slack/web-api with its own retries and
// queue off and its fetch set to the invoker's (live: the HTTP policy; dry-run: recorded).
import { WITHDRAWN_ON_CLOSE } from '../approval/holds';
import {
  LogLevel, WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError, WebClient,
  type FetchFunction,
} from '@slack/web-api';
import { AsyncLocalStorage } from 'node:async_hooks';
import { phaseLabel } from '../frameworks';
import type { Hold, Incident, Severity } from '../model/types';
import type { CallRecord, Invoker } from './dry-run';
import { createInvokerFetch } from './dry-run';

export const SLACK_API_URL = 'https://slack.com/api/';

// Block Kit limits (docs.slack.dev/reference/block-kit): header text 150, section text 3000,
// field 2000, fields 10, blocks 50; top-level text is truncated by Slack past 40,000 (we keep 3000).
export const LIMITS = { header: 150, section: 3000, field: 2000, text: 3000, observables: 10, value: 200 } as const;
const MARKER = '… (truncated)';

/** mrkdwn escaping: alert text can then never form `<!channel>`, `<@U…>` or `<url|disguise>`. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cut to `max` characters with a visible marker, never inside an escape sequence. */
export function truncate(text: string, max: number, marker = MARKER): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - marker.length));
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp); // half an &amp;
  return cut + marker;
}

/** Escape, then truncate: limits count the characters Slack receives. */
function safe(text: string, max: number): string {
  return truncate(escapeMrkdwn(text), max);
}

/** A link only for http(s) URLs we produced (Jira, approval page); the label is ours too. */
function link(url: string, label: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
  return `<${escapeMrkdwn(u.href).replace(/\|/g, '%7C')}|${escapeMrkdwn(label)}>`;
}

/** A phase of the incident's framework as people read it. */
function phaseOf(incident: Incident, phaseId: string): string {
  return phaseLabel(incident.framework, phaseId);
}

const RESOLUTION_WORDS: Record<NonNullable<Incident['resolution']>, { short: string; as: string }> = {
  resolved: { short: 'resolved', as: 'resolved' },
  'false-positive': { short: 'false positive', as: 'a false positive' },
};

/** The resolution of a done incident, unless the status already says it ("resolved — resolved"). */
function resolutionOf(incident: Incident): (typeof RESOLUTION_WORDS)[keyof typeof RESOLUTION_WORDS] | undefined {
  if (!incident.resolution || (incident.status !== 'closed' && incident.status !== 'resolved')) return undefined;
  if (incident.resolution === incident.status) return undefined;
  return RESOLUTION_WORDS[incident.resolution];
}

/** Status with how it ended, unescaped: "closed — false positive". */
function statusText(incident: Incident): string {
  const r = resolutionOf(incident);
  return r ? `${incident.status} — ${r.short}` : incident.status;
}

/** The reason given when the incident was last closed (newest 'closed' entry), if any. */
function closingReason(incident: Incident): string | undefined {
  for (let i = incident.timeline.length - 1; i >= 0; i--) {
    const entry = incident.timeline[i];
    if (entry.action !== 'closed') continue;
    const reason = entry.details?.reason;
    return typeof reason === 'string' && reason.trim() ? reason : undefined;
  }
  return undefined;
}

/** How a decided hold ended, escaped: "denied by bob — false alarm", "expired", "withdrawn (incident closed)". */
function holdOutcome(hold: Hold): string {
  // Closing the incident denies its pending holds with this reason: nobody decided them.
  if (hold.state === 'denied' && hold.reason === WITHDRAWN_ON_CLOSE) return 'withdrawn (incident closed)';
  if (hold.state === 'expired') return 'expired';
  const by = hold.decidedBy ? ` by ${safe(hold.decidedBy, LIMITS.value)}` : '';
  const why = hold.reason ? ` — ${safe(hold.reason, LIMITS.value)}` : '';
  return `${escapeMrkdwn(hold.state)}${by}${why}`;
}

/** Decided holds, oldest first. */
function decidedHolds(incident: Incident): Hold[] {
  return incident.holds.filter((h) => h.state !== 'pending' && h.decidedAt)
    .sort((a, b) => (a.decidedAt! < b.decidedAt! ? -1 : 1));
}

/** Decided holds the message lists, newest first: a long approval history would crowd it. */
const SHOWN_DECISIONS = 3;

const SEVERITY_EMOJI: Record<Severity, string> = { low: ':large_blue_circle:', medium: ':large_yellow_circle:', high: ':large_orange_circle:', critical: ':red_circle:' };

export interface TextObject { type: 'mrkdwn' | 'plain_text'; text: string; emoji?: boolean }
export type Block =
  | { type: 'header'; text: TextObject }
  | { type: 'section'; text?: TextObject; fields?: TextObject[] }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' };

export interface SlackMessage {
  /** Notification and fallback text. */
  text: string;
  blocks: Block[];
}

/** The links of a fresh hold (msg.approval): anyone with them may decide. */
export interface ApprovalLinks {
  approve?: string;
  deny?: string;
}

export interface MessageOptions {
  /** A user-group id (S…) mentioned for high and critical incidents. */
  mentionGroup?: string;
  /** A fresh hold's approve and deny links (never stored in the incident). */
  approval?: ApprovalLinks;
}

/**
 * The shared links of the phase-gate's "awaiting approval" message. Personal links of an
 * approvers list (msg.approval.approvers) are left out: whoever reads the channel could use
 * them in the approver's name.
 */
export function approvalLinksOf(approval: unknown): ApprovalLinks | undefined {
  if (!approval || typeof approval !== 'object') return undefined;
  const { approve, deny } = approval as { approve?: unknown; deny?: unknown };
  const out: ApprovalLinks = {
    ...(typeof approve === 'string' ? { approve } : {}),
    ...(typeof deny === 'string' ? { deny } : {}),
  };
  return out.approve || out.deny ? out : undefined;
}

/** The incident as one Block Kit message. Everything from the alert is escaped and bounded. */
export function buildIncidentMessage(incident: Incident, options: MessageOptions = {}): SlackMessage {
  const title = safe(incident.title, LIMITS.header);
  const sev = incident.severity.toUpperCase();
  const fields: TextObject[] = [
    { type: 'mrkdwn', text: `*Severity*\n${SEVERITY_EMOJI[incident.severity]} ${sev}` },
    { type: 'mrkdwn', text: `*Status*\n${safe(statusText(incident), LIMITS.field - 20)}` },
    { type: 'mrkdwn', text: `*Phase*\n${safe(incident.phase !== undefined ? phaseOf(incident, incident.phase) : '(none)', LIMITS.field - 20)}` },
    { type: 'mrkdwn', text: `*Alerts*\n${incident.alertCount}` },
  ];
  if (incident.owner) fields.push({ type: 'mrkdwn', text: `*Owner*\n${safe(incident.owner, LIMITS.field - 20)}` });
  const blocks: Block[] = [{ type: 'header', text: { type: 'plain_text', text: title, emoji: false } }];
  const mention = options.mentionGroup && /^S[A-Z0-9]{2,}$/.test(options.mentionGroup) && (incident.severity === 'high' || incident.severity === 'critical')
    ? `<!subteam^${options.mentionGroup}> ` : '';
  if (mention) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `${mention}${sev} incident needs attention` } });
  blocks.push({ type: 'section', fields });

  const obs = incident.observables.slice(0, LIMITS.observables).map((o) => {
    const verdict = o.verdict ? ` — _${o.verdict}_` : '';
    return `• ${escapeMrkdwn(o.type)} \`${safe(o.value, LIMITS.value)}\`${verdict}`;
  });
  if (incident.observables.length > LIMITS.observables) obs.push(`… and ${incident.observables.length - LIMITS.observables} more`);
  if (obs.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(`*Key observables*\n${obs.join('\n')}`, LIMITS.section) } });

  const links = incidentLinks(incident, options.approval).map((l) => link(l.href, l.text)).filter((l): l is string => l !== undefined);
  if (links.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: links.join('  ·  ') } });
  // A decided hold's links are gone from the message: say how it ended instead.
  const decisions = decidedHolds(incident).slice(-SHOWN_DECISIONS).reverse()
    .map((h) => `Approval before *${safe(phaseOf(incident, h.phase), LIMITS.value)}*: ${holdOutcome(h)}`);
  if (decisions.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(decisions.join('\n'), LIMITS.section) } });
  // Approvers decide with links of their own, which name them: the channel only learns who decides.
  const personal = incident.holds.find((h) => h.state === 'pending' && h.approvers?.length);
  if (personal) {
    const who = personal.approvers!.join(', ');
    const text = `Approval before *${safe(phaseOf(incident, personal.phase), 200)}* is up to ${safe(who, LIMITS.section - 400)}, with the personal approval links they were sent or in the incident sidebar of the Node-RED editor.`;
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text } });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `incident ${escapeMrkdwn(incident.id)} · updated ${escapeMrkdwn(incident.updatedAt)}` }] });

  const text = truncate(`${mention}[${sev}] ${escapeMrkdwn(incident.title)} (${escapeMrkdwn(statusText(incident))}, ${escapeMrkdwn(incident.phase !== undefined ? phaseOf(incident, incident.phase) : 'no phase')})`, LIMITS.text);
  return { text, blocks };
}

/**
 * The Jira issue and the approval page, when there are (shared with PagerDuty). Approval links
 * are not stored in the incident: only the message of a fresh hold carries them.
 */
export function incidentLinks(incident: Incident, approval?: ApprovalLinks): Array<{ href: string; text: string }> {
  const out: Array<{ href: string; text: string }> = [];
  const jira = incident.refs.jira;
  if (jira && typeof jira.url === 'string') out.push({ href: jira.url, text: `Jira ${jira.key}` });
  const pd = incident.refs.pagerduty;
  if (pd && typeof pd.htmlUrl === 'string') out.push({ href: pd.htmlUrl, text: `PagerDuty incident${typeof pd.incidentNumber === 'number' ? ` #${pd.incidentNumber}` : ''}` });
  const hold = incident.holds.find((h) => h.state === 'pending');
  const phase = hold && phaseOf(incident, hold.phase);
  if (phase && approval?.approve) out.push({ href: approval.approve, text: `Approve (${phase})` });
  if (phase && approval?.deny) out.push({ href: approval.deny, text: `Deny (${phase})` });
  return out;
}

/** What refs.slack keeps: where the message is, and what it last showed (to describe changes). */
export interface SlackRef {
  channel: string;
  ts: string;
  severity: Severity;
  status: string;
  phase?: string;
  alertCount: number;
  /** Absent in refs written before owners were tracked: read as "no owner". */
  owner?: string;
  /** Holds waiting for a person when the message was last updated. */
  pendingApprovals?: number;
  /** Ids of those holds: a hold decided and another held between two updates still shows. */
  pendingHolds?: string[];
  /** Posted in dry-run: the ts is made up, so live mode posts anew. */
  dryRun?: boolean;
  [key: string]: unknown;
}

/** What changed since the message was last updated, one short line each (escaped). */
export function describeChanges(previous: SlackRef, incident: Incident): string[] {
  const out: string[] = [];
  const phase = (id: string | undefined): string => (id === undefined ? '(none)' : safe(phaseOf(incident, id), LIMITS.value));
  if (previous.severity !== incident.severity) out.push(`Severity ${previous.severity} → *${incident.severity}*`);
  if (previous.status !== incident.status) {
    // Say how it ended: the status alone does not tell a real incident from a false positive.
    const r = resolutionOf(incident);
    const reason = incident.status === 'closed' ? closingReason(incident) : undefined;
    const how = `${r ? ` as ${r.as}` : ''}${reason ? `: ${safe(reason, LIMITS.value)}` : ''}`;
    out.push(`Status ${safe(previous.status, LIMITS.value)} → *${safe(incident.status, LIMITS.value)}*${how}`);
  }
  if ((previous.owner ?? '') !== (incident.owner ?? '')) out.push(incident.owner ? `Owner → *${safe(incident.owner, LIMITS.value)}*` : 'Owner removed');
  if ((previous.phase ?? '') !== (incident.phase ?? '')) out.push(`Phase ${phase(previous.phase)} → *${phase(incident.phase)}*`);
  if (incident.alertCount > previous.alertCount) out.push(`${incident.alertCount - previous.alertCount} more alert(s), ${incident.alertCount} in all`);
  const pending = incident.holds.filter((h) => h.state === 'pending');
  if (previous.pendingHolds) {
    // By id: what is held now and was not, and what was held and is decided now.
    const before = new Set(previous.pendingHolds);
    for (const hold of pending.filter((h) => !before.has(h.id))) out.push(`Waiting for approval before *${phase(hold.phase)}*`);
    for (const hold of decidedHolds(incident).filter((h) => before.has(h.id))) out.push(`Approval before *${phase(hold.phase)}* ${holdOutcome(hold)}`);
    return out;
  }
  // A ref from an earlier release keeps only the count.
  if (pending.length > (previous.pendingApprovals ?? 0)) out.push(`Waiting for approval before *${phase(pending[pending.length - 1].phase)}*`);
  // Decided since: the message's approval link is dead now, say how it ended.
  const decidedSince = (previous.pendingApprovals ?? 0) - pending.length;
  if (decidedSince > 0) {
    for (const hold of decidedHolds(incident).slice(-decidedSince)) out.push(`Approval before *${phase(hold.phase)}* ${holdOutcome(hold)}`);
  }
  return out;
}

/** A Slack failure in words a user can act on; `slackError` is Slack's own code when it gave one. */
export class SlackNotifyError extends Error {
  readonly code: string;
  readonly slackError?: string;
  readonly transient: boolean;

  constructor(message: string, code: string, transient: boolean, slackError?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SlackNotifyError';
    this.code = code;
    this.transient = transient;
    if (slackError !== undefined) this.slackError = slackError;
  }
}

const HINTS: Record<string, string> = {
  channel_not_found: 'channel {channel} not found: use the channel ID (C…) or an existing name, and invite the app if the channel is private',
  not_in_channel: 'the Slack app is not a member of {channel}: type /invite @<app> in that channel (or give the app the chat:write.public scope)',
  is_archived: 'channel {channel} is archived: unarchive it or choose another channel',
  invalid_auth: 'Slack rejected the bot token (invalid_auth): copy the Bot User OAuth Token (xoxb-…) into the Slack config node',
  not_authed: 'no Slack token was sent (not_authed): set the bot token in the Slack config node',
  token_revoked: 'the Slack bot token was revoked: reinstall the app and paste the new token',
  token_expired: 'the Slack bot token expired: reinstall the app or refresh the token',
  account_inactive: 'the Slack app or its workspace is deactivated (account_inactive)',
  missing_scope: 'the Slack app lacks a scope (missing_scope{needed}): add it under OAuth & Permissions and reinstall the app',
  restricted_action: 'the workspace does not let this app post in {channel} (restricted_action)',
  msg_too_long: 'Slack refused the message as too long (msg_too_long)',
  invalid_blocks: 'Slack refused the message blocks (invalid_blocks)',
  message_not_found: 'the Slack message to update no longer exists (message_not_found)',
  cant_update_message: 'this app may not update that Slack message (cant_update_message)',
  edit_window_closed: 'the Slack message can no longer be edited (edit_window_closed)',
  ratelimited: 'Slack rate limit reached (ratelimited): lower the rate in the Slack config node',
};

/** Slack's errors (platform `ok:false`, 429, HTTP, network) as SlackNotifyError. */
export function mapSlackError(err: unknown, channel: string): SlackNotifyError {
  if (err instanceof SlackNotifyError) return err;
  if (err instanceof WebAPIPlatformError) {
    const code = String(err.data.error);
    const neededScope = (err.data as { needed?: unknown }).needed;
    const needed = typeof neededScope === 'string' ? `: needs ${neededScope}` : '';
    const hint = (HINTS[code] ?? `Slack refused the call (${code})`).replace('{channel}', channel).replace('{needed}', needed);
    return new SlackNotifyError(hint, code, code === 'ratelimited', code, { cause: err });
  }
  if (err instanceof WebAPIRateLimitedError) {
    return new SlackNotifyError(`Slack rate limit: still limited after the retries (retry after ${err.retryAfter} s); lower the rate in the Slack config node`, 'rate_limited', true, undefined, { cause: err });
  }
  if (err instanceof WebAPIHTTPError) {
    return new SlackNotifyError(`Slack answered HTTP ${err.statusCode} ${err.statusMessage}${err.statusCode >= 500 ? ' (Slack outage? retried without success)' : ''}`, `http_${err.statusCode}`, err.statusCode >= 500, undefined, { cause: err });
  }
  if (err instanceof WebAPIRequestError) {
    return new SlackNotifyError(`Slack unreachable: ${err.original.message}`, 'request_failed', true, undefined, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new SlackNotifyError(`Slack call failed: ${message}`, 'unknown', false, undefined, { cause: err });
}

export interface SlackApiOptions {
  token?: string;
  /** Default https://slack.com/api/ (emulators: http://127.0.0.1:PORT/api/). */
  apiUrl?: string;
  timeoutMs?: number;
  /** Noted in dry-run records: what live mode would lack. */
  missingCredentials?: readonly string[];
}

export interface Posted {
  channel: string;
  ts: string;
}

let simulatedSeq = 0;

/** Slack's answer in dry-run, from the recorded call: ts made up, channel echoed. */
function simulatedAnswer(record: CallRecord): { status: number; json: unknown } {
  const body = (record.body ?? {}) as Record<string, unknown>;
  const channel = typeof body.channel === 'string' ? body.channel : 'C0DRYRUN';
  if (record.operation === 'slack.chat.update') return { status: 200, json: { ok: true, channel, ts: body.ts, text: body.text } };
  const ts = `${Math.floor(Date.now() / 1000)}.${String(++simulatedSeq % 1e6).padStart(6, '0')}`;
  return { status: 200, json: { ok: true, channel, ts, message: { type: 'message', text: body.text, ts } } };
}

/** The one place that calls Slack: chat.postMessage and chat.update through a WebClient on the invoker. */
/**
 * WebClients shared across messages (one per channel and token): building one binds some 250
 * API methods, too slow to do per message. The invoker is per message, so the clients' fetch
 * finds it in async context; p-queue runs a call synchronously only below its concurrency, so
 * that is unbounded here (the policy queues).
 */
export class SlackClients {
  private readonly clients = new Map<string, WebClient>();
  private readonly current = new AsyncLocalStorage<Invoker>();

  /** Run `call` with `invoker` as the transport of every WebClient call made inside it. */
  run<T>(invoker: Invoker, call: () => Promise<T>): Promise<T> {
    return this.current.run(invoker, call);
  }

  // One WebClient per channel: Slack limits chat.postMessage per channel, so each channel is
  // its own rate-limit destination in the policy.
  client(channel: string, options: SlackApiOptions): WebClient {
    const missing = options.missingCredentials ?? [];
    const key = JSON.stringify([channel, options.token ?? '', options.apiUrl ?? '', options.timeoutMs ?? null, missing]);
    let c = this.clients.get(key);
    if (c) return c;
    const current = this.current;
    const invoker: Invoker = {
      get mode() { return active().mode; },
      get calls() { return active().calls; },
      // Dry-run records say what live mode would lack; createInvokerFetch does not carry it.
      invoke: (call) => active().invoke(missing.length ? { ...call, missingCredentials: missing } : call),
    };
    function active(): Invoker {
      const found = current.getStore();
      if (!found) throw new Error('Slack call made outside SlackClients.run(): no invoker for it');
      return found;
    }
    const fetch = createInvokerFetch(invoker, {
      operation: (url) => `slack.${url.pathname.split('/').pop() ?? 'call'}`,
      simulated: simulatedAnswer,
      destination: `slack:${channel}`,
      // At-least-once: a 5xx from Slack means the message was not posted; losing an alert is worse than a rare duplicate.
      idempotent: true,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    c = new WebClient(options.token || undefined, {
      slackApiUrl: options.apiUrl || SLACK_API_URL,
      // The policy retries and queues; two retry loops would multiply waits and hide 429s.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      maxRequestConcurrency: Number.POSITIVE_INFINITY,
      // Node's Response satisfies the SDK's narrower FetchResponse at runtime; only the typings differ.
      fetch: fetch as unknown as FetchFunction,
      logLevel: LogLevel.ERROR,
      allowAbsoluteUrls: false,
    });
    this.clients.set(key, c);
    return c;
  }
}

export class SlackApi {
  private readonly clients: SlackClients;

  /** `clients`: share one cache per Slack config; by default this SlackApi has its own. */
  constructor(private readonly invoker: Invoker, private readonly options: SlackApiOptions = {}, clients?: SlackClients) {
    this.clients = clients ?? new SlackClients();
  }

  async postMessage(channel: string, message: SlackMessage, threadTs?: string): Promise<Posted> {
    const args = { channel, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false, ...(threadTs ? { thread_ts: threadTs } : {}) };
    try {
      const res = await this.clients.run(this.invoker, () => this.clients.client(channel, this.options).chat.postMessage(args));
      return { channel: res.channel ?? channel, ts: String(res.ts) };
    } catch (err) {
      throw mapSlackError(err, channel);
    }
  }

  async update(channel: string, ts: string, message: SlackMessage): Promise<Posted> {
    try {
      const res = await this.clients.run(this.invoker, () => this.clients.client(channel, this.options).chat.update({ channel, ts, text: message.text, blocks: message.blocks }));
      return { channel: res.channel ?? channel, ts: String(res.ts ?? ts) };
    } catch (err) {
      throw mapSlackError(err, channel);
    }
  }
}

export type NotifyAction = 'posted' | 'updated' | 'unchanged';

export interface NotifyResult {
  action: NotifyAction;
  ref: SlackRef;
  /** Thread reply ts, when a change was posted in the thread. */
  replyTs?: string;
  changes: string[];
}

/**
 * First event of an incident: post the message. Later ones: update it and reply in its thread
 * with what changed (nothing changed: nothing sent). A message gone from Slack is posted anew.
 */
export async function notifyIncident(api: SlackApi, incident: Incident, channel: string, options: MessageOptions & { dryRun: boolean }): Promise<NotifyResult> {
  const message = buildIncidentMessage(incident, options);
  const previous = incident.refs.slack as SlackRef | undefined;
  const snapshot = (posted: Posted): SlackRef => ({
    channel: posted.channel, ts: posted.ts, severity: incident.severity, status: incident.status, alertCount: incident.alertCount,
    pendingApprovals: incident.holds.filter((h) => h.state === 'pending').length,
    pendingHolds: incident.holds.filter((h) => h.state === 'pending').map((h) => h.id),
    ...(incident.owner !== undefined ? { owner: incident.owner } : {}),
    ...(incident.phase !== undefined ? { phase: incident.phase } : {}), ...(options.dryRun ? { dryRun: true } : {}),
  });
  const usable = previous && typeof previous.ts === 'string' && (options.dryRun || !previous.dryRun);
  if (!usable) {
    const posted = await api.postMessage(channel, message);
    return { action: 'posted', ref: snapshot(posted), changes: [] };
  }
  const changes = describeChanges(previous, incident);
  if (!changes.length) return { action: 'unchanged', ref: previous, changes };
  try {
    await api.update(previous.channel, previous.ts, message);
  } catch (err) {
    if (err instanceof SlackNotifyError && (err.slackError === 'message_not_found' || err.slackError === 'cant_update_message' || err.slackError === 'edit_window_closed')) {
      const posted = await api.postMessage(previous.channel, message);
      return { action: 'posted', ref: snapshot(posted), changes };
    }
    throw err;
  }
  const reply = await api.postMessage(previous.channel, { text: truncate(changes.join('\n'), LIMITS.text), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(changes.join('\n'), LIMITS.section) } }] }, previous.ts);
  return { action: 'updated', ref: { ...snapshot({ channel: previous.channel, ts: previous.ts }) }, replyTs: reply.ts, changes };
}

/** The channel for an incident: the severity map first, then the default. */
export function channelFor(severity: Severity, map: Partial<Record<Severity, string>>, fallback: string | undefined): string | undefined {
  const c = map[severity]?.trim();
  return c || fallback?.trim() || undefined;
}
