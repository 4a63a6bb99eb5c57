// Secrets must never reach timelines, logs or flows. Anything under a key that names a secret
// is replaced, and bearer/basic credentials inside strings are masked.

const SECRET_KEY = /(pass(word|wd)?|secret|token|api[-_]?key|authorization|auth[-_]?header|cookie|credential|private[-_]?key|routing[-_]?key|signature)/i;
const INLINE_SECRET = /\b(Bearer|Basic|SSWS|Splunk)\s+([A-Za-z0-9._~+/=-]{6,})/g;

export const REDACTED = '[redacted]';

// Names of lists or facts about secrets ("missingCredentials", "hasToken", "tokenExpiresAt")
// hold no secret; "hashedPassword" does, so "has" must end a word.
const NOT_SECRET_KEY = /^(?:[Mm]issing|has(?=[A-Z_-])|token[-_]?(?:[Ee]xpires|[Tt]ype))/;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !NOT_SECRET_KEY.test(key);
}

// "Bearer" and "SSWS" are always followed by a token. After "Splunk" or "Basic" a plain word
// ("Splunk refused", "Basic authentication") is prose: a credential there has a digit or a
// symbol, mixed case (base64), or is long.
function looksLikeCredential(scheme: string, text: string): boolean {
  return scheme === 'Bearer' || scheme === 'SSWS' || /[0-9._~+/=-]/.test(text) || /.[A-Z]/.test(text) && /[a-z]/.test(text) || text.length >= 24;
}

// An approval link's token decides a hold (the incident keeps only its hash), so a recorded
// call that carries the link (the Slack message of a hold) must not keep it either. '/' may be
// percent-encoded where the link sits inside a form or URL.
const APPROVAL_TOKEN = /((?:\/|%2F)ir-approval(?:\/|%2F)[0-9A-Za-z]+(?:\/|%2F)[0-9A-Za-z]+(?:\/|%2F)(?:approve|deny)(?:\/|%2F))[A-Za-z0-9_-]+/gi;

export function redactString(value: string): string {
  const masked = value.replace(INLINE_SECRET, (match: string, scheme: string, credential: string) =>
    looksLikeCredential(scheme, credential) ? `${scheme} ${REDACTED}` : match);
  return masked.includes('ir-approval') ? masked.replace(APPROVAL_TOKEN, `$1${REDACTED}`) : masked;
}

/** Secret keys replaced and every string masked (by `text`: inline credentials by default). */
export function redact<T>(value: T, depth = 0, text: (value: string) => string = redactString): T {
  if (depth > 32) return REDACTED as unknown as T;
  if (typeof value === 'string') return text(value) as unknown as T;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, text)) as unknown as T;
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      out[key] = isSecretKey(key) && v !== undefined && v !== null && v !== '' ? REDACTED : redact(v, depth + 1, text);
    }
    return out as T;
  }
  return value;
}

// --- Outbound HTTP: headers, URLs and bodies (used by core/http and the dry-run recorder) ---

// Header and query names that carry credentials without saying so (AbuseIPDB `Key`, GreyNoise
// `key`, Google `?key=`, Azure SAS `sig`, OAuth `code`); everything SECRET_KEY matches is added.
const SECRET_HEADER_NAMES = new Set(['key', 'x-key', 'apikey', 'x-api-token', 'x-auth-token', 'private-token', 'proxy-authorization', 'set-cookie', 'cookie']);
const SECRET_QUERY_NAMES = new Set(['key', 'sig', 'code', 'apikey', 'auth']);
// Tokens recognisable by their shape wherever they appear (Slack, GitHub, AWS access keys, JWTs).
const TOKEN_SHAPES = /\b(xox[abposre]-[A-Za-z0-9-]{8,}|xapp-[A-Za-z0-9-]{8,}|gh[pousr]_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16}|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})\b/g;
// URLs whose path is itself the secret (incoming webhooks).
const SECRET_PATH_URL = /^https?:\/\/hooks\.slack\.com\/(services|workflows|triggers)\//i;

/** True when a header, query parameter or field of this name carries a credential. */
export function isSecretName(name: string): boolean {
  return isSecretKey(name) || SECRET_HEADER_NAMES.has(name.toLowerCase());
}

/** True when a URL query parameter of this name carries a credential (`?key=`, `?sig=`, `?access_token=` …). */
export function isSecretQueryName(name: string): boolean {
  return isSecretName(name) || SECRET_QUERY_NAMES.has(name.toLowerCase());
}

/** Free text: inline `Bearer …` credentials, token-shaped strings and URL user:password. */
export function redactText(value: string): string {
  return redactString(value)
    .replace(TOKEN_SHAPES, REDACTED)
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s/@]+@/gi, `$1${REDACTED}@`);
}

/** Header names lower-cased; values of credential headers replaced, other values text-redacted. */
export function redactHeaders(headers: Record<string, string | readonly string[] | number | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    out[name.toLowerCase()] = isSecretName(name) ? REDACTED : redactText(text);
  }
  return out;
}

/** A URL safe to log: password, secret query values and secret webhook paths replaced. */
export function redactUrl(url: string | URL): string {
  let u: URL;
  try {
    u = new URL(String(url));
  } catch {
    return redactText(String(url));
  }
  if (SECRET_PATH_URL.test(u.href)) return `${u.origin}/${u.pathname.split('/')[1]}/${REDACTED}`;
  const auth = u.username ? `${u.username}${u.password ? `:${REDACTED}` : ''}@` : '';
  // Rebuilt by hand so `[redacted]` stays readable and other values keep their encoding.
  const query = u.search
    ? '?' + u.search.slice(1).split('&').map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      let name = pair.slice(0, eq);
      try { name = decodeURIComponent(name.replace(/\+/g, ' ')); } catch { /* keep it raw */ }
      return isSecretQueryName(name) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    }).join('&')
    : '';
  return `${u.protocol}//${auth}${u.host}${u.pathname}${query}${u.hash}`;
}

/**
 * A request or response body made safe to record: JSON and form bodies are parsed and their
 * secret fields replaced (returned as values, so records stay structured); other text is
 * text-redacted. Buffers become a size note: binary is never recorded.
 */
export function redactBody(body: unknown, contentType?: string): unknown {
  if (body === undefined || body === null) return body;
  if (body instanceof Uint8Array) return `[${body.byteLength} bytes]`;
  if (typeof body !== 'string') return redact(body, 0, redactText);
  const trimmed = body.trim();
  if (/^[{[]/.test(trimmed)) {
    try { return redact(JSON.parse(trimmed) as unknown, 0, redactText); } catch { /* not JSON after all */ }
  }
  if (/application\/x-www-form-urlencoded/i.test(contentType ?? '') || /^[\w.%-]+=[^&\s]*(&[\w.%-]+=[^&\s]*)*$/.test(trimmed)) {
    const fields: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(trimmed)) fields[k] = v;
    return redact(fields, 0, redactText);
  }
  return redactText(body);
}

/** A short, redacted excerpt of a body for error messages. */
export function bodyExcerpt(body: string, contentType?: string, max = 300): string {
  const safe = redactBody(body, contentType);
  const text = typeof safe === 'string' ? safe : JSON.stringify(safe);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
