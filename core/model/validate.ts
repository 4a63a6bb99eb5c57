import Ajv, { type ErrorObject } from 'ajv';
import schema from '../../schema/incident.schema.json';
import type { Incident } from './types';

export { schema as incidentSchema };

export class IncidentValidationError extends Error {
  readonly errors: string[];
  constructor(errors: string[]) {
    super(`invalid msg.incident: ${errors.slice(0, 5).join('; ')}${errors.length > 5 ? ` (and ${errors.length - 5} more)` : ''}`);
    this.name = 'IncidentValidationError';
    this.errors = errors;
  }
}

// Compiled once: every node validates msg.incident on entry, so this is on the hot path.
const ajv = new Ajv({ allErrors: true, strict: false });
const check = ajv.compile<Incident>(schema);

function describe(error: ErrorObject): string {
  const where = error.instancePath ? `incident${error.instancePath.replace(/\//g, '.')}` : 'incident';
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    return `${where} has unknown property "${extra}" (put user data under incident.custom)`;
  }
  if (error.keyword === 'enum') {
    return `${where} must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  }
  return `${where} ${error.message ?? 'is invalid'}`;
}

/** The incident's problems, one sentence each; empty when it is valid. */
export function incidentErrors(value: unknown): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [`incident must be an object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`];
  }
  return check(value) ? [] : (check.errors ?? []).map(describe);
}

/** Throws IncidentValidationError unless value is a valid incident. */
export function validateIncident(value: unknown): asserts value is Incident {
  const errors = incidentErrors(value);
  if (errors.length) throw new IncidentValidationError(errors);
}
