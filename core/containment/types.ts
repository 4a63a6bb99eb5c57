// The one interface every directory backend (Okta, Entra ID, Google Workspace, LDAP/AD)
// implements, and the errors they map their vendor's answers into.
import type { AccountRecord, DirectoryKind } from '../model/types';

export type { DirectoryKind };

/** An account as a directory shows it. */
export interface DirectoryAccount {
  /** The directory's own id: Okta user id, Graph object id, Google user id, LDAP DN. */
  id: string;
  /** Login / UPN / primary email / uid: what people recognise. */
  login: string;
  /** Every name protected-account patterns are matched against (login, email, DN, aliases, id). */
  names: string[];
  /** Already disabled (suspended, deactivated, accountEnabled false, ACCOUNTDISABLE, locked). */
  disabled: boolean;
  /** The directory-specific state restore needs, recorded in the incident as `previous`. */
  state: Record<string, unknown>;
}

/** A step that cannot be undone; each backend lists the ones it offers. */
export interface IrreversibleStep {
  id: string;
  label: string;
}

export interface DisableOutcome {
  /** e.g. okta.suspend, okta.deactivate, entra.accountEnabled, google.suspended, ldap.ppolicy. */
  method: string;
  /** false when the disabling itself cannot be undone (Okta deactivate). */
  reversible: boolean;
  /** Irreversible steps taken (ids), in order. */
  irreversible: string[];
}

export type RestoreOutcome = 'restored' | 'already-enabled';

export interface DirectoryBackend {
  readonly kind: DirectoryKind;
  /** Irreversible steps this directory offers (all off unless chosen). */
  readonly irreversibleSteps: readonly IrreversibleStep[];
  /** The account an identifier names; DirectoryError not-found / ambiguous otherwise. */
  find(identifier: string): Promise<DirectoryAccount>;
  /** Names (and DNs / emails) of the groups the account belongs to, for protected groups. */
  groups(account: DirectoryAccount): Promise<string[]>;
  /** Disables an enabled account and takes the chosen irreversible steps. */
  disable(account: DirectoryAccount, steps: readonly string[]): Promise<DisableOutcome>;
  /** Re-enables what `record` says this incident disabled, and only that. */
  restore(record: AccountRecord): Promise<RestoreOutcome>;
  /** Releases connections (LDAP). */
  close(): Promise<void>;
}

export type DirectoryErrorCode =
  | 'not-found' | 'ambiguous' | 'forbidden' | 'unauthorized' | 'unavailable' | 'rate-limited' | 'invalid' | 'conflict' | 'config';

/** A directory failure in words an analyst can act on; `transient` when a later run may succeed. */
export class DirectoryError extends Error {
  readonly code: DirectoryErrorCode;
  readonly transient: boolean;

  constructor(code: DirectoryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DirectoryError';
    this.code = code;
    this.transient = code === 'unavailable' || code === 'rate-limited';
  }
}

/**
 * What a failed disable() still did: `disabled` when the account was disabled before a later
 * step failed (restore must know), `irreversibleDone` for steps that cannot be undone.
 */
export interface PartialDisable {
  disabled?: DisableOutcome;
  irreversibleDone?: string[];
}

/** Attaches what was done before `err`, so the timeline and the incident record can say it. */
export function withPartial(err: unknown, partial: PartialDisable): unknown {
  if (err instanceof Error) Object.assign(err, { partial });
  return err;
}

export function partialOf(err: unknown): PartialDisable | undefined {
  return (err as { partial?: PartialDisable } | undefined)?.partial;
}
