// The safety model of disable-account, independent of any directory: approval, protected
// accounts, the per-incident cap, idempotence, dry-run records, and restore of exactly what
// this incident disabled. Directory calls go through a DirectoryBackend; the node only adapts.
import type { AccountRecord, DirectoryKind, Incident, NodeRef, Observable, TimelineOutcome } from '../model/types';
import type { TimelineInput } from '../model/timeline';
import { globToRegExp } from './escape';
import { DirectoryError, partialOf, type DirectoryAccount, type DirectoryBackend, type DisableOutcome } from './types';

export interface ProtectedList {
  /** Account names, emails, DNs or glob patterns (`*`, `?`), case-insensitive. */
  names: string[];
  /** Group names, emails or DNs (globs too): members are never touched. */
  groups: string[];
}

/** One entry per line (or comma); `group:` marks a group. Blank lines and `#` comments are ignored. */
export function parseProtectedList(text: string): ProtectedList {
  const list: ProtectedList = { names: [], groups: [] };
  for (const raw of text.split(/[\n,]/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const group = /^group:\s*(.+)$/i.exec(line);
    if (group) list.groups.push(group[1]!.trim());
    else list.names.push(line);
  }
  return list;
}

/** The first pattern of `patterns` that any of `names` matches. */
export function matchAny(patterns: readonly string[], names: readonly string[]): { pattern: string; name: string } | undefined {
  for (const pattern of patterns) {
    const re = globToRegExp(pattern);
    const name = names.find((n) => re.test(n));
    if (name !== undefined) return { pattern, name };
  }
  return undefined;
}

export interface DisablePolicy {
  protected: ProtectedList;
  /** The incident must have an approved hold (a phase-gate approval) for its current phase. */
  requireApproval: boolean;
  /** How many accounts one incident may disable (all directories together). */
  maxAccounts: number;
  /** Irreversible steps chosen (ids the backend offers). */
  steps: string[];
}

export interface DirectoryRef {
  id: string;
  name?: string;
  kind: DirectoryKind;
}

export interface RunContext {
  directory: DirectoryRef;
  node: NodeRef;
  dryRun: boolean;
  /** The backend's operation log: each account's timeline entry gets its own operations. */
  log: unknown[];
  now?: () => Date;
}

export type AccountOutcome =
  | 'disabled' | 'would-disable' | 'already-disabled' | 'refused' | 'failed'
  | 'restored' | 'would-restore' | 'already-enabled' | 'not-reversible';

export interface AccountResult {
  identifier: string;
  outcome: AccountOutcome;
  message: string;
  login?: string;
  accountId?: string;
  /** DirectoryError code, or the refusal's reason: protected, cap, approval. */
  code?: string;
  /** Irreversible steps taken. */
  irreversible?: string[];
  /** Steps that restore cannot undo (restore). */
  notUndone?: string[];
}

/** What a run decided: results for msg.accounts, and the changes to apply to the store's latest incident. */
export interface RunResult {
  results: AccountResult[];
  /** Timeline entries, in order. */
  entries: TimelineInput[];
  /** New incident.accounts records (disable). */
  records: AccountRecord[];
  /** Records restored: index in incident.accounts → restoredAt (restore). */
  restored: Array<{ directoryId: string; accountId: string; restoredAt: string; dryRun: boolean }>;
}

/** The user names an incident offers: its observables of the chosen types (and roles), de-duplicated. */
export function identifiersFrom(observables: readonly Observable[], types: readonly string[] = ['user'], roles: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const o of observables) {
    if (!types.includes(o.type)) continue;
    if (roles.length && !o.roles.some((r) => roles.includes(r))) continue;
    const value = o.value.trim();
    if (value && !out.some((v) => v.toLowerCase() === value.toLowerCase())) out.push(value);
  }
  return out;
}

/** The approval that lets containment run: an approved hold of the incident's current phase. */
export function approvalOf(incident: Incident): { by?: string; phase: string; at?: string } | undefined {
  const hold = incident.holds.find((h) => h.state === 'approved' && h.phase === incident.phase);
  return hold ? { phase: hold.phase, ...(hold.decidedBy ? { by: hold.decidedBy } : {}), ...(hold.decidedAt ? { at: hold.decidedAt } : {}) } : undefined;
}

const STEP_WORDS: Record<string, string> = {
  'deactivate': 'deactivated (deprovisioned)', 'clear-sessions': 'sessions and tokens cleared', 'expire-password': 'password expired',
  'revoke-sessions': 'sign-in sessions revoked', 'sign-out': 'signed out of all sessions',
};
export function stepWords(steps: readonly string[]): string {
  return steps.map((s) => STEP_WORDS[s] ?? s).join(', ');
}

function entry(ctx: RunContext, action: string, outcome: TimelineOutcome, summary: string, details: Record<string, unknown>, from: number): TimelineInput {
  const operations = ctx.log.slice(from);
  return {
    node: ctx.node, action, outcome, summary,
    details: { directory: ctx.directory, mode: ctx.dryRun ? 'dry-run' : 'live', ...details, ...(operations.length ? { operations } : {}) },
    ...(ctx.now ? { at: ctx.now() } : {}),
  };
}

const where = (ctx: RunContext): string => `${ctx.directory.name || ctx.directory.kind}`;

/**
 * Disables the accounts `identifiers` name, one after another, each under the safety model.
 * Never throws for one account's failure: each result says what happened.
 */
export async function disableAccounts(backend: DirectoryBackend, incident: Incident, identifiers: readonly string[], policy: DisablePolicy, ctx: RunContext): Promise<RunResult> {
  const now = ctx.now ?? (() => new Date());
  const run: RunResult = { results: [], entries: [], records: [], restored: [] };
  const ACTION = 'disable-account';
  const unknownSteps = policy.steps.filter((s) => !backend.irreversibleSteps.some((o) => o.id === s));
  const steps = policy.steps.filter((s) => !unknownSteps.includes(s));

  const refuse = (identifier: string, code: string, message: string, from: number, extra: Partial<AccountResult> = {}): void => {
    run.results.push({ identifier, outcome: 'refused', code, message, ...extra });
    run.entries.push(entry(ctx, ACTION, 'skipped', `Refused to disable ${identifier}: ${message}`, { identifier, result: 'refused', reason: code, ...extra }, from));
  };

  if (!identifiers.length) {
    run.entries.push(entry(ctx, ACTION, 'skipped', 'No account to disable: the incident names no user', { result: 'nothing-to-do' }, ctx.log.length));
    return run;
  }
  if (policy.requireApproval && !approvalOf(incident)) {
    for (const id of identifiers) refuse(id, 'approval', `the incident has no approval for its phase "${incident.phase ?? '(none)'}" (this node requires an approving phase-gate before it acts)`, ctx.log.length);
    return run;
  }
  if (unknownSteps.length) {
    run.entries.push(entry(ctx, ACTION, 'skipped', `Ignored steps ${backend.kind} does not offer: ${unknownSteps.join(', ')}`, { ignored: unknownSteps }, ctx.log.length));
  }

  // Dry-run records count against dry-run runs only: a rehearsal must not use up the live cap.
  const mine = (incident.accounts ?? []).filter((r) => r.state === 'disabled' && (r.dryRun === true) === ctx.dryRun);
  let count = mine.length;

  for (const identifier of identifiers) {
    const from = ctx.log.length;
    // Refuse before asking the directory anything when the name itself is protected.
    const early = matchAny(policy.protected.names, [identifier]);
    if (early) {
      refuse(identifier, 'protected', `protected account (matches "${early.pattern}")`, from);
      continue;
    }
    let account: DirectoryAccount | undefined;
    try {
      account = await backend.find(identifier);
      const byName = matchAny(policy.protected.names, account.names);
      if (byName) {
        refuse(identifier, 'protected', `protected account ${account.login} (${byName.name} matches "${byName.pattern}")`, from, { login: account.login, accountId: account.id });
        continue;
      }
      if (policy.protected.groups.length) {
        const groups = await backend.groups(account).catch((err: unknown) => {
          // Fail closed: without the groups, protection cannot be checked.
          throw new DirectoryError(err instanceof DirectoryError ? err.code : 'invalid', `could not read the groups of ${account!.login} to check protected groups, so it was not touched: ${(err as Error).message}`);
        });
        const byGroup = matchAny(policy.protected.groups, groups);
        if (byGroup) {
          refuse(identifier, 'protected', `protected account ${account.login} (member of ${byGroup.name}, matches "group:${byGroup.pattern}")`, from, { login: account.login, accountId: account.id });
          continue;
        }
      }
      const ours = mine.find((r) => r.directory.id === ctx.directory.id && r.accountId === account!.id);
      if (ours || account.disabled) {
        const message = ours ? `${account.login} was already disabled by this incident (${ours.disabledAt})${ctx.dryRun ? ' (dry-run)' : ''}` : `${account.login} is already disabled in ${where(ctx)} (${JSON.stringify(account.state)}): nothing changed, and restore will leave it disabled`;
        run.results.push({ identifier, outcome: 'already-disabled', message, login: account.login, accountId: account.id });
        run.entries.push(entry(ctx, ACTION, 'ok', message, { identifier, account: account.login, accountId: account.id, result: 'already-disabled' }, from));
        continue;
      }
      if (count >= policy.maxAccounts) {
        refuse(identifier, 'cap', `this incident may disable at most ${policy.maxAccounts} account(s), and ${count} already are`, from, { login: account.login, accountId: account.id });
        continue;
      }
      const previous = { ...account.state };
      const outcome: DisableOutcome = await backend.disable(account, steps);
      count += 1;
      run.records.push(record(ctx, identifier, account, previous, outcome, now()));
      const verb = ctx.dryRun ? 'dry-run: would disable' : 'Disabled';
      const irreversible = outcome.irreversible.length ? `; cannot be undone: ${stepWords(outcome.irreversible)}` : '';
      const message = `${verb} ${account.login} in ${where(ctx)} (${outcome.method})${irreversible}`;
      run.results.push({ identifier, outcome: ctx.dryRun ? 'would-disable' : 'disabled', message, login: account.login, accountId: account.id, irreversible: outcome.irreversible });
      run.entries.push(entry(ctx, ACTION, ctx.dryRun ? 'dry-run' : 'ok', message, { identifier, account: account.login, accountId: account.id, result: ctx.dryRun ? 'would-disable' : 'disabled', method: outcome.method, previous, irreversible: outcome.irreversible }, from));
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      const code = err instanceof DirectoryError ? err.code : 'error';
      const partial = partialOf(err);
      if (partial?.disabled && account) {
        // Disabled, then a later step failed: restore must still know about it.
        count += 1;
        run.records.push(record(ctx, identifier, account, { ...account.state }, partial.disabled, now()));
      }
      const done = partial?.disabled?.irreversible ?? partial?.irreversibleDone ?? [];
      const message = `${e.message}${partial?.disabled ? ` (${account?.login ?? identifier} is disabled)` : ''}${done.length ? `; already done, cannot be undone: ${stepWords(done)}` : ''}`;
      run.results.push({ identifier, outcome: 'failed', code, message, ...(account ? { login: account.login, accountId: account.id } : {}), ...(done.length ? { irreversible: done } : {}) });
      run.entries.push(entry(ctx, ACTION, 'error', `Disabling ${identifier} failed: ${message}`, { identifier, result: 'failed', code, ...(done.length ? { irreversible: done } : {}) }, from));
    }
  }
  return run;
}

function record(ctx: RunContext, identifier: string, account: DirectoryAccount, previous: Record<string, unknown>, outcome: DisableOutcome, at: Date): AccountRecord {
  return {
    directory: { id: ctx.directory.id, ...(ctx.directory.name ? { name: ctx.directory.name } : {}), kind: ctx.directory.kind },
    identifier, accountId: account.id, login: account.login, state: 'disabled', ...(ctx.dryRun ? { dryRun: true } : {}),
    method: outcome.method, reversible: outcome.reversible, previous, irreversible: [...outcome.irreversible],
    disabledAt: at.toISOString(), node: ctx.node,
  };
}

/**
 * Re-enables what this incident disabled in this directory, and nothing else. Live restore
 * skips dry-run records (nothing was changed); dry-run restore records what it would do.
 */
export async function restoreAccounts(backend: DirectoryBackend, incident: Incident, ctx: RunContext): Promise<RunResult> {
  const now = ctx.now ?? (() => new Date());
  const run: RunResult = { results: [], entries: [], records: [], restored: [] };
  const ACTION = 'restore-account';
  const records = (incident.accounts ?? []).filter((r) => r.directory.id === ctx.directory.id && r.state === 'disabled');
  if (!records.length) {
    const restored = (incident.accounts ?? []).filter((r) => r.directory.id === ctx.directory.id && r.state === 'restored');
    const summary = restored.length
      ? `Nothing to restore: every account this incident disabled in ${where(ctx)} is restored already (${restored.map((r) => r.login || r.identifier).join(', ')})`
      : `Nothing to restore: this incident disabled no account in ${where(ctx)}`;
    run.entries.push(entry(ctx, ACTION, 'skipped', summary, { result: restored.length ? 'already-restored' : 'nothing-to-do' }, ctx.log.length));
    return run;
  }
  for (const rec of records) {
    const from = ctx.log.length;
    const base = { identifier: rec.identifier, login: rec.login, accountId: rec.accountId };
    const disabling = rec.method.endsWith('deactivate') ? 'deactivate' : rec.method;
    const notUndone = rec.reversible === false && !rec.irreversible.includes(disabling) ? [disabling, ...rec.irreversible] : [...rec.irreversible];
    if (rec.dryRun && !ctx.dryRun) {
      const message = `${rec.login}: only a dry-run record (nothing was disabled): nothing to restore`;
      run.results.push({ ...base, outcome: 'already-enabled', message });
      run.entries.push(entry(ctx, ACTION, 'skipped', message, { ...base, result: 'dry-run-record' }, from));
      continue;
    }
    if (rec.reversible === false) {
      const message = `${rec.login} cannot be restored here: ${stepWords(notUndone)} cannot be undone (re-create or reactivate it in ${where(ctx)})`;
      run.results.push({ ...base, outcome: 'not-reversible', message, notUndone });
      run.entries.push(entry(ctx, ACTION, 'skipped', message, { ...base, result: 'not-reversible', notUndone }, from));
      continue;
    }
    try {
      const outcome = await backend.restore(rec);
      const undo = notUndone.length ? `; cannot be undone: ${stepWords(notUndone)}` : '';
      const at = now().toISOString();
      if (outcome === 'already-enabled') {
        const message = `${rec.login} is already enabled again in ${where(ctx)}: nothing changed${undo}`;
        run.results.push({ ...base, outcome: 'already-enabled', message, ...(notUndone.length ? { notUndone } : {}) });
        run.entries.push(entry(ctx, ACTION, 'ok', message, { ...base, result: 'already-enabled', ...(notUndone.length ? { notUndone } : {}) }, from));
        if (!ctx.dryRun) run.restored.push({ directoryId: rec.directory.id, accountId: rec.accountId, restoredAt: at, dryRun: false });
        continue;
      }
      const message = `${ctx.dryRun ? 'dry-run: would restore' : 'Restored'} ${rec.login} in ${where(ctx)} (undid ${rec.method})${undo}`;
      run.results.push({ ...base, outcome: ctx.dryRun ? 'would-restore' : 'restored', message, ...(notUndone.length ? { notUndone } : {}) });
      run.entries.push(entry(ctx, ACTION, ctx.dryRun ? 'dry-run' : 'ok', message, { ...base, result: ctx.dryRun ? 'would-restore' : 'restored', method: rec.method, previous: rec.previous, ...(notUndone.length ? { notUndone } : {}) }, from));
      // A live record stays "disabled" after a dry-run restore: nothing was re-enabled.
      if (!ctx.dryRun || rec.dryRun) run.restored.push({ directoryId: rec.directory.id, accountId: rec.accountId, restoredAt: at, dryRun: ctx.dryRun });
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      const code = err instanceof DirectoryError ? err.code : 'error';
      run.results.push({ ...base, outcome: 'failed', code, message: e.message });
      run.entries.push(entry(ctx, ACTION, 'error', `Restoring ${rec.login} failed: ${e.message}`, { ...base, result: 'failed', code }, from));
    }
  }
  return run;
}

/** Applies a run to the store's latest incident (may run again on a revision conflict). */
export function applyRun(incident: Incident, run: RunResult, append: (incident: Incident, input: TimelineInput) => void): void {
  if (run.records.length) incident.accounts = [...(incident.accounts ?? []), ...run.records];
  for (const r of run.restored) {
    const rec = (incident.accounts ?? []).find((a) => a.directory.id === r.directoryId && a.accountId === r.accountId && a.state === 'disabled' && (a.dryRun === true) === r.dryRun);
    if (rec) {
      rec.state = 'restored';
      rec.restoredAt = r.restoredAt;
    }
  }
  for (const e of run.entries) append(incident, e);
}

/** One error for the catch node when any account failed: each failure named. */
export function runError(run: RunResult): DirectoryError | undefined {
  const failed = run.results.filter((r) => r.outcome === 'failed');
  if (!failed.length) return undefined;
  const first = failed[0]!;
  const code = failed.every((f) => f.code === first.code) && first.code ? first.code : 'invalid';
  const ok = run.results.length - failed.length;
  const text = failed.length === 1 && run.results.length === 1 ? first.message
    : `${failed.length} of ${run.results.length} account(s) failed${ok ? ` (${ok} handled)` : ''}: ${failed.map((f) => `${f.identifier}: ${f.message}`).join('; ')}`;
  return new DirectoryError(code as DirectoryError['code'], text);
}
