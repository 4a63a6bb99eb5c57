import type { Node, NodeAPI, NodeDef } from 'node-red';
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../../core/http';
import { createInvoker, missingCredentials, parseMode, type Invoker, type Mode } from '../../core/integrations';
import type { SlackClients } from '../../core/integrations/slack';
import { shortText } from './node';

/** What a vendor config node (ir-slack-config, ir-pagerduty-config) offers the nodes using it. */
export interface IntegrationConfig<C extends object> extends Node<C> {
  mode: Mode;
  /** A fresh invoker for one message: its `calls` become that message's timeline record. */
  invoker(): Invoker;
}

export interface IntegrationConfigDef extends NodeDef {
  mode?: string;
  /** Requests per second per destination (Slack: per channel). */
  rate?: string | number;
  /** Retries after the first attempt. */
  retries?: string | number;
  /** Per-attempt timeout, seconds. */
  timeout?: string | number;
}

function num(value: string | number | undefined, fallback: number, min: number): number {
  const n = Number(value);
  return value === '' || value === undefined || !Number.isFinite(n) || n < min ? fallback : n;
}

/**
 * Mode and the shared HTTP client of a config node. The client (rate limit, queue, retries) is
 * made on first live use and shared by every node using this config, so they share one limit.
 */
export function setupIntegrationConfig<C extends object>(RED: NodeAPI, node: IntegrationConfig<C>, config: IntegrationConfigDef, defaults: { rate: number; maxResponseBytes?: number }): void {
  node.mode = parseMode(config.mode);
  const options: HttpClientOptions = {
    // Wait in our serial queues instead of being refused: a storm must lose nothing.
    rateLimit: { requestsPerSecond: num(config.rate, defaults.rate, 0.01), burst: 1, maxQueue: 10_000 },
    retry: { maxRetries: num(config.retries, 3, 0) },
    timeoutMs: num(config.timeout, 15, 0.1) * 1000,
    // Rate-limit and Retry-After waits count against this; a long storm queues before it.
    deadlineMs: 10 * 60 * 1000,
    ...(defaults.maxResponseBytes ? { maxResponseBytes: defaults.maxResponseBytes } : {}),
    onEvent: (e) => {
      if (e.kind !== 'response') node.debug(`${e.kind} ${e.method} ${e.url} attempt ${e.attempt}${e.reason ? `: ${e.reason}` : ''}`);
    },
  };
  let client: HttpClient | undefined;
  node.invoker = () => {
    if (node.mode === 'dry-run') return createInvoker({ mode: 'dry-run' });
    client ??= createHttpClient(options);
    return createInvoker({ mode: 'live', client });
  };
  node.on('close', (done: () => void) => {
    const c = client;
    client = undefined;
    if (!c) return done();
    c.close().then(() => done(), (err: Error) => {
      RED.log.warn(`[incident-response] closing the HTTP client of ${node.type} failed: ${err.message}`);
      done();
    });
  });
}

/** What live mode needs of a config: the credentials the node requires at run time, the URLs it calls. */
export interface LiveNeeds<C extends object> {
  credentials: ReadonlyArray<keyof C & string>;
  /** By the name the dialog shows; '' is the vendor's default unless listed in `required`. */
  urls?: Record<string, string>;
  /** URLs live mode cannot do without (a Jira site has no default). */
  requiredUrls?: readonly string[];
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** What a live config lacks, e.g. ['lacks token', 'invalid API URL']; dry-run needs nothing: []. */
export function liveProblems<C extends object>(config: IntegrationConfig<C>, needs: LiveNeeds<C>): string[] {
  if (config.mode !== 'live') return [];
  const problems: string[] = [];
  const missing = missingCredentials<C, keyof C & string>(config.credentials, needs.credentials);
  if (missing.length) problems.push(`lacks ${missing.join(', ')}`);
  for (const [name, url] of Object.entries(needs.urls ?? {})) {
    if (url ? !isHttpUrl(url) : needs.requiredUrls?.includes(name)) problems.push(`${url ? 'invalid' : 'lacks'} ${name}`);
  }
  return problems;
}

/**
 * The idle status of a node using a vendor config: its mode in grey, or, when live mode cannot
 * work, a red ring and one warning at deploy, rather than an error on the first alert.
 */
export function showConfigStatus<C extends object>(node: Node, vendor: string, config: IntegrationConfig<C> | null, needs: LiveNeeds<C>): void {
  if (!config) {
    node.status({ fill: 'red', shape: 'ring', text: `no ${vendor} config` });
    return;
  }
  const problems = liveProblems(config, needs);
  if (!problems.length) {
    node.status({ fill: 'grey', shape: 'dot', text: config.mode });
    return;
  }
  node.status({ fill: 'red', shape: 'ring', text: shortText(`live: ${problems.join('; ')}`) });
  node.warn(`${vendor} config "${config.name || config.id}" is live but ${problems.join('; ')}: fix it in the config node or switch it to dry-run; until then nothing reaches ${vendor}`);
}

export interface SlackCredentials {
  token?: string;
}

export interface SlackConfigNode extends IntegrationConfig<SlackCredentials> {
  channel: string;
  apiUrl: string;
  /** WebClients shared by every slack-notify node using this config. */
  clients: SlackClients;
}

export interface PagerDutyCredentials {
  routingKey?: string;
  /** REST API token (read-only is enough): optional; finds the PagerDuty incident to link to it. */
  apiToken?: string;
}

export interface PagerDutyConfigNode extends IntegrationConfig<PagerDutyCredentials> {
  eventsUrl: string;
  /** REST API base URL (EU region, emulators); empty = https://api.pagerduty.com. */
  apiUrl: string;
}
