import assert from 'node:assert/strict';
import { incidentErrors, validateIncident, IncidentValidationError, incidentSchema } from '../../core/model/validate';
import { INCIDENT_STATUSES, OBSERVABLE_TYPES, SEVERITIES, SCHEMA_VERSION } from '../../core/model/types';
import { incident } from '../helpers/fixtures';

describe('incident schema and validator', () => {
  it('accepts an incident made by the model', () => {
    assert.deepEqual(incidentErrors(incident()), []);
    validateIncident(incident());
  });

  it('agrees with the TypeScript enums', () => {
    const props = incidentSchema.properties;
    assert.deepEqual(props.status.enum, [...INCIDENT_STATUSES]);
    assert.deepEqual(incidentSchema.definitions.severity.enum, [...SEVERITIES]);
    assert.deepEqual(incidentSchema.definitions.observable.properties.type.enum, [...OBSERVABLE_TYPES]);
    assert.equal(props.schemaVersion.const, SCHEMA_VERSION);
  });

  it('rejects unknown top-level properties and points to custom', () => {
    const errors = incidentErrors({ ...incident(), ticket: 'X-1' });
    assert.equal(errors.length, 1);
    assert.match(errors[0], /unknown property "ticket".*incident\.custom/);
    assert.deepEqual(incidentErrors({ ...incident(), custom: { ticket: 'X-1' } }), []);
  });

  it('names each problem of a malformed incident', () => {
    const bad = { ...incident(), severity: 'urgent', revision: -1, timeline: [{ at: 'yesterday' }] };
    const errors = incidentErrors(bad);
    assert.ok(errors.some((e) => /incident\.severity must be one of low, medium, high, critical/.test(e)), errors.join('\n'));
    assert.ok(errors.some((e) => /incident\.revision/.test(e)));
    assert.ok(errors.some((e) => /incident\.timeline\.0/.test(e)));
  });

  it('rejects non-objects and missing fields with a clear error', () => {
    assert.deepEqual(incidentErrors('incident'), ['incident must be an object, got string']);
    assert.deepEqual(incidentErrors(null), ['incident must be an object, got null']);
    const { title: _title, ...untitled } = incident();
    assert.throws(() => validateIncident(untitled), (err: unknown) => err instanceof IncidentValidationError && /must have required property 'title'/.test(err.message));
  });

  it('requires UTC ISO-8601 times', () => {
    assert.equal(incidentErrors({ ...incident(), createdAt: '2026-03-01 10:00:00' }).length, 1);
    assert.deepEqual(incidentErrors({ ...incident(), firstSeenAt: '2026-03-01T10:00:00.123456789Z' }), []);
  });
});
