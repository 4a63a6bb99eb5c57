// Live or dry-run, and the "missing credentials" rule, in one place for every config node.
// Dry-run needs no account: a playbook can be wired and tried before anyone has credentials.

export type Mode = 'live' | 'dry-run';

export const MODES: readonly Mode[] = ['live', 'dry-run'];

/** A config node's stored mode; anything unknown is dry-run, the side without effects. */
export function parseMode(value: unknown): Mode {
  return value === 'live' ? 'live' : 'dry-run';
}

export class MissingCredentialsError extends Error {
  readonly code = 'missing-credentials';
  readonly integration: string;
  /** Names of the missing fields, never values. */
  readonly missing: readonly string[];

  constructor(integration: string, missing: readonly string[]) {
    super(`${integration}: live mode needs ${missing.join(', ')} (missing or empty); set ${missing.length === 1 ? 'it' : 'them'} in the configuration or switch to dry-run`);
    this.name = 'MissingCredentialsError';
    this.integration = integration;
    this.missing = [...missing];
  }
}

/**
 * Check that the credentials `required` are present (non-empty after trimming). Live: throws
 * MissingCredentialsError naming the integration and the missing fields. Dry-run: returns the
 * missing names (possibly empty) so the dry-run record can say what live mode would lack.
 */
export function requireCredentials<C extends object, K extends keyof C & string>(
  mode: Mode,
  integration: string,
  creds: Partial<C> | undefined,
  required: readonly K[],
): K[] {
  const missing = missingCredentials(creds, required);
  if (mode === 'live' && missing.length) throw new MissingCredentialsError(integration, missing);
  return missing;
}

/** The names of the `required` credentials that are absent or blank (never their values). */
export function missingCredentials<C extends object, K extends keyof C & string>(creds: Partial<C> | undefined, required: readonly K[]): K[] {
  return required.filter((name) => {
    const value: unknown = creds?.[name];
    return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
  });
}
