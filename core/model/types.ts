// The incident model shared by every node. The JSON Schema in schema/incident.schema.json
// describes the same shape; test/unit/schema.test.ts keeps the two in step.

export const SCHEMA_VERSION = 1;

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const INCIDENT_STATUSES = ['open', 'acknowledged', 'contained', 'resolved', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const OBSERVABLE_TYPES = [
  'ip', 'domain', 'url', 'email', 'user', 'host', 'hash:md5', 'hash:sha1', 'hash:sha256', 'file',
] as const;
export type ObservableType = (typeof OBSERVABLE_TYPES)[number];

export const OBSERVABLE_ROLES = ['source', 'destination', 'actor', 'target', 'related'] as const;
export type ObservableRole = (typeof OBSERVABLE_ROLES)[number];

export const VERDICTS = ['malicious', 'suspicious', 'benign', 'unknown'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const TIMELINE_OUTCOMES = ['ok', 'dry-run', 'error', 'skipped'] as const;
export type TimelineOutcome = (typeof TIMELINE_OUTCOMES)[number];

/** Tags the normalizer puts on IP observables so later nodes can skip them. */
export type AddressTag = 'private' | 'documentation' | 'link-local' | 'cgnat' | 'multicast' | 'reserved';

/** An observable as a normalizer emits it: roles and tags may be empty. */
export interface Observable {
  type: ObservableType;
  value: string;
  roles: ObservableRole[];
  tags: string[];
  /** Combined verdict of the enrichment nodes (ip-lookup, domain-lookup). */
  verdict?: Verdict;
  /** Why the verdict is what it is, one short sentence each. */
  reasons?: string[];
  /** Results keyed by provider id (e.g. "geoip", "rdap", "abuseipdb"). */
  enrichment?: Record<string, unknown>;
}

/** What a source says about the lifecycle of the alert. */
export type AlertStatus = 'firing' | 'resolved';

export interface NormalizedAlert {
  /** Unique id of this alert (the source's own id when it has one, else generated). */
  id: string;
  /** Stable product id: "wazuh", "aws.guardduty", "cef", "generic", ... */
  source: string;
  title: string;
  description?: string;
  severity: Severity;
  /** The source's own severity value; absent when the default was used. */
  severityRaw?: string | number;
  /** ISO-8601 UTC ending in Z; fractional seconds as the source gives them (up to 9 digits). */
  timestamp: string;
  /** How the timestamp was found: from the payload, the receipt time, or the receipt year. */
  timestampRule?: 'source' | 'ingest' | 'ingest-year';
  status?: AlertStatus;
  /** Rule or signature that fired; part of the default dedup key. */
  rule?: { id?: string; name?: string };
  observables: Observable[];
  raw: unknown;
}

export interface NodeRef {
  type: string;
  id: string;
  name?: string;
}

export interface TimelineEntry {
  at: string;
  node: NodeRef;
  action: string;
  outcome: TimelineOutcome;
  summary: string;
  details?: Record<string, unknown>;
}

export interface PhaseRecord {
  phase: string;
  enteredAt: string;
  leftAt?: string;
}

export const HOLD_STATES = ['pending', 'approved', 'denied', 'expired'] as const;
export type HoldState = (typeof HOLD_STATES)[number];

export interface HoldToken {
  decision: 'approve' | 'deny';
  hash: string;
  approver?: string;
}

/** An approval a phase-gate waits for before it lets the incident into its phase. */
export interface Hold {
  id: string;
  gate: NodeRef;
  phase: string;
  state: HoldState;
  createdAt: string;
  expiresAt: string;
  /**
   * SHA-256 of each link's token. The links themselves are handed out once (the gate's
   * "awaiting approval" message) and never stored: whoever reads the incident cannot decide.
   * With an approvers list each approver has tokens of their own, so the link says who decides.
   */
  tokens: HoldToken[];
  /** When set, only these people may decide. */
  approvers?: string[];
  decidedAt?: string;
  decidedBy?: string;
  reason?: string;
}

export interface IncidentRefs {
  slack?: { channel: string; ts: string; [key: string]: unknown };
  pagerduty?: { dedupKey: string; [key: string]: unknown };
  jira?: { key: string; [key: string]: unknown };
  [provider: string]: unknown;
}

export interface IncidentMetrics {
  /**
   * Milliseconds from creation to the first time a person took the incident on: an analyst's
   * acknowledge, assign or close, an approval granted or denied, or a containment. A framework
   * entering its first phase (status 'acknowledged') does not count: nobody looked yet.
   */
  timeToAcknowledgeMs?: number;
  timeToContainMs?: number;
  timeToResolveMs?: number;
  /** Milliseconds spent in each phase so far. */
  phaseDurationsMs?: Record<string, number>;
  [key: string]: unknown;
}

export interface Incident {
  /** Unique and time-sortable (ULID). */
  id: string;
  schemaVersion: number;
  /** Increases by one on every save; the store refuses a save made from an old revision. */
  revision: number;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  /** How a resolved or closed incident ended: a real incident, or a false positive. */
  resolution?: 'resolved' | 'false-positive';
  /** The analyst who owns the incident. */
  owner?: string;
  framework?: string;
  phase?: string;
  phases: PhaseRecord[];
  /** The newest normalized alerts, capped; alertCount counts them all. */
  alerts: NormalizedAlert[];
  alertCount: number;
  firstSeenAt: string;
  lastSeenAt: string;
  dedupKey: string;
  observables: Observable[];
  timeline: TimelineEntry[];
  refs: IncidentRefs;
  holds: Hold[];
  metrics: IncidentMetrics;
  createdAt: string;
  updatedAt: string;
  /** The post-incident report, attached by the framework's final gate. */
  report?: IncidentReport;
  /** The log events log-fetch found around the incident (its latest search). */
  logs?: IncidentLogs;
  /** Accounts disable-account disabled for this incident, with what restore puts back. */
  accounts?: AccountRecord[];
  /** The user's own data; the only place for properties the schema does not name. */
  custom?: Record<string, unknown>;
}

export const DIRECTORY_KINDS = ['okta', 'entra', 'google', 'ldap'] as const;
export type DirectoryKind = (typeof DIRECTORY_KINDS)[number];

/** One account a disable-account node disabled (or, dry-run, would have disabled). */
export interface AccountRecord {
  /** The ir-directory config node. */
  directory: { id: string; name?: string; kind: DirectoryKind };
  /** What the incident named: the user observable's value or the typed input. */
  identifier: string;
  /** The directory's own id: Okta user id, Graph object id, Google user id, LDAP DN. */
  accountId: string;
  login: string;
  /** disabled by this incident; restored once restore re-enabled it. */
  state: 'disabled' | 'restored';
  /** Recorded in dry-run: nothing was changed. */
  dryRun?: boolean;
  /** How it was disabled, e.g. okta.suspend, entra.accountEnabled, ldap.ppolicy. */
  method: string;
  /** false when the disabling itself cannot be undone (Okta deactivate). */
  reversible?: boolean;
  /** The account's state before the incident changed it: what restore puts back. */
  previous: Record<string, unknown>;
  /** Steps taken that restore cannot undo (sessions revoked, password expired, deactivated). */
  irreversible: string[];
  disabledAt: string;
  restoredAt?: string;
  node: NodeRef;
}

export interface IncidentReport {
  generatedAt: string;
  markdown: string;
  json: Record<string, unknown>;
}

/** One log event, the same shape from every log backend. */
export interface LogEvent {
  /** ISO-8601 UTC; null when the line carries no time that could be read (the key is always there). */
  time: string | null;
  /** A file path, an index/id, a Loki stream, a Splunk source. */
  source: string;
  host?: string;
  message: string;
  /** Structured fields (JSON keys, stream labels, Splunk fields), bounded. */
  fields?: Record<string, unknown>;
}

/** What log-fetch attached: the newest events (capped), how many matched, and the query. */
export interface IncidentLogs {
  fetchedAt: string;
  /** files, elasticsearch, loki or splunk. */
  backend: string;
  /** The query the backend received, as text. */
  query: string;
  /** The search window. */
  from: string;
  to: string;
  events: LogEvent[];
  /** Events that matched; with totalExact false, at least this many. */
  total: number;
  totalExact: boolean;
  /** More matched than `events` holds. */
  truncated: boolean;
  /** Matches per observable value, over the same matches as `total` (so they may exceed the events attached). */
  counts: Record<string, number>;
  /** Why the result is less than the whole picture: window moved to now, values not searched, files or lines not read. */
  notes?: string[];
  /** Dry-run: the query was recorded, not sent. */
  dryRun?: boolean;
}

export interface NormalizeOptions {
  /** Receipt time, for payloads with no time or no year. Defaults to the current time. */
  now?: Date;
  /** Skip detection and parse as this format id (e.g. "cef", "wazuh"); "auto" or absent detects. */
  format?: string;
  /** Largest accepted payload in bytes (default 1 MiB); larger gives AlertFormatError code "too-large". */
  maxBytes?: number;
  /** Deepest accepted JSON nesting (default 64); deeper gives AlertFormatError code "too-deep". */
  maxDepth?: number;
}
