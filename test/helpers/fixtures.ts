import { createIncident } from '../../core/model/incident';
import type { Incident, NormalizedAlert, Observable } from '../../core/model/types';

export function observable(type: Observable['type'], value: string, roles: Observable['roles'] = []): Observable {
  return { type, value, roles, tags: [] };
}

let counter = 0;

/** A normalized alert as the normalizer would emit it, with overridable fields. */
export function alert(overrides: Partial<NormalizedAlert> = {}): NormalizedAlert {
  counter += 1;
  return {
    id: `alert-${counter}`,
    source: 'wazuh',
    title: 'sshd: brute force trying to get access to the system',
    severity: 'high',
    severityRaw: 10,
    timestamp: '2026-03-01T10:00:00.000Z',
    timestampRule: 'source',
    rule: { id: '5712' },
    observables: [observable('ip', '198.51.100.7', ['source']), observable('host', 'web-01', ['target'])],
    raw: { rule: { id: '5712' } },
    ...overrides,
  };
}

export function incident(overrides: Partial<Incident> = {}): Incident {
  return { ...createIncident(alert(), 'wazuh|5712|ip:198.51.100.7', new Date('2026-03-01T10:00:01.000Z')), ...overrides };
}
