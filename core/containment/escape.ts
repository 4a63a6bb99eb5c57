// User names come from alerts: attacker-controlled. Every place an identifier enters a query
// language, a DN or a URL goes through one of these functions.

/** RFC 4515 §3: a value inside an LDAP filter. `*)(uid=*` stays one literal value. */
export function escapeFilterValue(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    // The specials (* ( ) \ NUL) must be escaped; everything outside printable ASCII is too,
    // so no byte sequence can be read back as filter syntax.
    const c = String.fromCharCode(byte);
    out += byte < 0x20 || byte > 0x7e || c === '*' || c === '(' || c === ')' || c === '\\' ? `\\${byte.toString(16).padStart(2, '0')}` : c;
  }
  return out;
}

/** RFC 4514 §2.4: an attribute value inside a DN (one RDN value). */
export function escapeDnValue(value: string): string {
  if (value === '') return '';
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const code = c.charCodeAt(0);
    if (code === 0) out += '\\00';
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(16).padStart(2, '0')}`;
    else if ('"+,;<>\\='.includes(c)) out += `\\${c}`;
    else if ((i === 0 && (c === ' ' || c === '#')) || (i === value.length - 1 && c === ' ')) out += `\\${c}`;
    else out += c;
  }
  return out;
}

/** Replaces each `{user}` of a filter template with the escaped value. */
export function fillFilter(template: string, value: string): string {
  if (!template.includes('{user}')) throw new Error(`LDAP search filter "${template}" has no {user} placeholder`);
  return template.split('{user}').join(escapeFilterValue(value));
}

/** Replaces `{user}` of a DN template (e.g. uid={user},ou=people,dc=example,dc=org) with the escaped value. */
export function fillDn(template: string, value: string): string {
  if (!template.includes('{user}')) throw new Error(`LDAP DN template "${template}" has no {user} placeholder`);
  return template.split('{user}').join(escapeDnValue(value));
}

/**
 * One URL path segment (Okta, Graph, Google user keys). Percent-encoded so `/`, `?`, `#` and
 * `%` stay inside the segment; dot-only values are refused because URL parsers resolve `..`
 * and `%2e%2e` as a step up the path.
 */
export function pathSegment(value: string): string {
  if (value === '' || /^(\.|%2e)+$/i.test(value)) throw new Error(`"${value}" cannot name an account`);
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A string literal in an OData $filter (Graph): single quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A string literal in an Okta search expression (SCIM filter syntax). */
export function oktaSearchString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Glob (`*`, `?`) to an anchored, case-insensitive RegExp. */
export function globToRegExp(glob: string): RegExp {
  const source = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i');
}
