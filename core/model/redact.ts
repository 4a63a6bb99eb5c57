// Secrets must never reach timelines, logs or flows. Anything under a key that names a secret
// is replaced, and bearer/basic credentials inside strings are masked.

const SECRET_KEY = /(pass(word|wd)?|secret|token|api[-_]?key|authorization|auth[-_]?header|cookie|credential|private[-_]?key|routing[-_]?key|signature)/i;
const INLINE_SECRET = /\b(Bearer|Basic|SSWS|Splunk)\s+[A-Za-z0-9._~+/=-]{6,}/g;

export const REDACTED = '[redacted]';

export function redactString(value: string): string {
  return value.replace(INLINE_SECRET, (_m, scheme: string) => `${scheme} ${REDACTED}`);
}

export function redact<T>(value: T, depth = 0): T {
  if (depth > 32) return REDACTED as unknown as T;
  if (typeof value === 'string') return redactString(value) as unknown as T;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1)) as unknown as T;
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      out[key] = SECRET_KEY.test(key) && v !== undefined && v !== null && v !== '' ? REDACTED : redact(v, depth + 1);
    }
    return out as T;
  }
  return value;
}
