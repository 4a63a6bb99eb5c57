// Severity scales of the supported products, all mapped onto the four incident levels.
// A mapper returns undefined when the source value is absent or means "unknown"; the caller
// then uses the product-wide default (DEFAULT_SEVERITY) and leaves severityRaw out.
import type { Severity } from '../model/types';

export const DEFAULT_SEVERITY: Severity = 'medium';

const RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export function maxSeverity(a: Severity, b: Severity): Severity {
  return RANK[a] >= RANK[b] ? a : b;
}

export function severityRank(s: Severity): number {
  return RANK[s];
}

const WORDS: Record<string, Severity> = {
  critical: 'critical', fatal: 'critical', emergency: 'critical', emerg: 'critical', crit: 'critical',
  alert: 'critical', 'very-high': 'critical', 'very high': 'critical', veryhigh: 'critical', disaster: 'critical',
  high: 'high', major: 'high', error: 'high', err: 'high', severe: 'high', important: 'high',
  medium: 'medium', moderate: 'medium', warning: 'medium', warn: 'medium', average: 'medium',
  low: 'low', minor: 'low', info: 'low', informational: 'low', information: 'low', notice: 'low', debug: 'low',
  trace: 'low',
};

const PRIORITIES = ['critical', 'high', 'medium', 'low', 'low'] as const;

/** Words of the README table, plus the syslog and CEF spellings. "unknown" and "" give undefined. */
export function severityFromWord(v: unknown): Severity | undefined {
  if (typeof v !== 'string') return undefined;
  const w = v.trim().toLowerCase();
  if (w === '') return undefined;
  // Own keys only: "constructor" or "__proto__" from an alert must not reach Object.prototype.
  const direct = Object.hasOwn(WORDS, w) ? WORDS[w] : undefined;
  if (direct) return direct;
  // Incident-tool priorities: P1 critical ... P4/P5 low.
  if (w.length === 2 && w[0] === 'p' && w[1] >= '1' && w[1] <= '5') return PRIORITIES[Number(w[1]) - 1];
  return undefined;
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && /^\s*-?\d+(?:\.\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

/**
 * A numeric scale cut into bands: a value within [min, max] is critical from `critical` up, high
 * from `high`, medium from `medium`, low below; anything else is unmapped.
 */
function banded(v: unknown, min: number, max: number, critical: number, high: number, medium: number): Severity | undefined {
  const n = toNumber(v);
  if (n === undefined || n < min || n > max) return undefined;
  if (n >= critical) return 'critical';
  if (n >= high) return 'high';
  if (n >= medium) return 'medium';
  return 'low';
}

/** CEF, LEEF, QRadar: 0-10. */
export function severityFrom0to10(v: unknown): Severity | undefined {
  return banded(v, 0, 10, 9, 7, 4);
}

/** GuardDuty: 1.0-10.0 with fractional bands, the same cuts as 0-10. */
export function severityGuardDuty(v: unknown): Severity | undefined {
  return banded(v, 0, 10, 9, 7, 4);
}

/** Wazuh / OSSEC rule.level 0-16 (higher levels still read as critical). */
export function severityWazuhLevel(v: unknown): Severity | undefined {
  return banded(v, 0, Infinity, 15, 12, 7);
}

/** Suricata alert.severity / fast.log Priority: 1 is the most severe. */
export function severitySuricata(v: unknown): Severity | undefined {
  const n = toNumber(v);
  if (n === undefined || n < 1) return undefined;
  if (n === 1) return 'high';
  if (n === 2) return 'medium';
  return 'low';
}

/** Elastic event.severity / risk_score, and other 0-100 scores. */
export function severityFrom0to100(v: unknown): Severity | undefined {
  return banded(v, 0, 100, 74, 48, 22);
}

/** CrowdStrike Severity 1-5. */
export function severityCrowdStrike(v: unknown): Severity | undefined {
  const n = toNumber(v);
  if (n === undefined || n < 1 || n > 5) return undefined;
  return (['low', 'low', 'medium', 'high', 'critical'] as const)[Math.round(n) - 1];
}

/** Azure Monitor Sev0 (critical) ... Sev4 (low). */
export function severityAzure(v: unknown): Severity | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^\s*sev\s*([0-4])\s*$/i.exec(v);
  if (!m) return severityFromWord(v);
  return (['critical', 'high', 'medium', 'low', 'low'] as const)[Number(m[1])];
}

/** Syslog PRI severity 0-7: emerg/alert/crit critical, err high, warning medium, notice/info/debug low. */
export function severitySyslog(code: number): Severity {
  if (code <= 2) return 'critical';
  if (code === 3) return 'high';
  if (code === 4) return 'medium';
  return 'low';
}

/** OCSF severity_id: 0 unknown, 1 informational, 2 low, 3 medium, 4 high, 5 critical, 6 fatal, 99 other. */
export function severityOcsf(v: unknown): Severity | undefined {
  const n = toNumber(v);
  switch (n) {
    case 1: case 2: return 'low';
    case 3: return 'medium';
    case 4: return 'high';
    case 5: case 6: return 'critical';
    default: return undefined;
  }
}
