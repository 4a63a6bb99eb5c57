// IP parsing without regex backtracking: canonical text (IPv6 compressed per RFC 5952, lower-case;
// IPv4-mapped IPv6 turned into IPv4) and the address-range tags the observables carry.

export interface ParsedIp {
  version: 4 | 6;
  canonical: string;
  /** 4 bytes or 16 bytes. */
  bytes: number[];
}

export function parseIPv4(s: string): number[] | undefined {
  const len = s.length;
  if (len < 7 || len > 15) return undefined;
  const out: number[] = [];
  let cur = -1;
  let digits = 0;
  for (let i = 0; i <= len; i++) {
    const c = i < len ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || out.length === 4) return undefined;
      out.push(cur);
      cur = -1;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      // A leading zero ("010") is octal in some parsers: refuse it rather than guess.
      if (digits === 1 && cur === 0) return undefined;
      cur = (cur < 0 ? 0 : cur * 10) + (c - 48);
      digits++;
      if (cur > 255) return undefined;
    } else {
      return undefined;
    }
  }
  return out.length === 4 ? out : undefined;
}

function parseHexGroup(g: string): number | undefined {
  if (g.length === 0 || g.length > 4) return undefined;
  let v = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else return undefined;
    v = v * 16 + d;
  }
  return v;
}

export function parseIPv6(input: string): number[] | undefined {
  let s = input;
  const pct = s.indexOf('%');
  if (pct !== -1) s = s.slice(0, pct); // zone id ("fe80::1%eth0") is local to the host
  if (s.length < 2 || s.length > 45) return undefined;
  const groups: number[] = [];
  let tail4: number[] | undefined;
  const dbl = s.indexOf('::');
  if (dbl !== -1 && s.indexOf('::', dbl + 1) !== -1) return undefined;
  const parseSide = (part: string, allowV4: boolean): number[] | undefined => {
    if (part === '') return [];
    const items = part.split(':');
    const res: number[] = [];
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (allowV4 && i === items.length - 1 && it.indexOf('.') !== -1) {
        tail4 = parseIPv4(it);
        if (!tail4) return undefined;
        res.push(tail4[0] * 256 + tail4[1], tail4[2] * 256 + tail4[3]);
        continue;
      }
      const g = parseHexGroup(it);
      if (g === undefined) return undefined;
      res.push(g);
    }
    return res;
  };
  if (dbl === -1) {
    const all = parseSide(s, true);
    if (!all || all.length !== 8) return undefined;
    groups.push(...all);
  } else {
    const head = parseSide(s.slice(0, dbl), false);
    const tail = parseSide(s.slice(dbl + 2), true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups.push(...head);
    for (let i = head.length + tail.length; i < 8; i++) groups.push(0);
    groups.push(...tail);
  }
  const bytes: number[] = [];
  for (const g of groups) bytes.push(g >> 8, g & 255);
  return bytes;
}

/** RFC 5952 text: longest run (>= 2) of zero groups compressed, first run on ties, lower-case. */
export function formatIPv6(bytes: number[]): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push(bytes[i] * 256 + bytes[i + 1]);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestStart === -1) return hex.join(':');
  return hex.slice(0, bestStart).join(':') + '::' + hex.slice(bestStart + bestLen).join(':');
}

/** Parse and canonicalize; "[v6]" brackets accepted; IPv4-mapped (::ffff:a.b.c.d) becomes IPv4. */
export function parseIp(raw: string): ParsedIp | undefined {
  let s = raw.trim();
  if (s.length > 2 && s.charCodeAt(0) === 91 && s.charCodeAt(s.length - 1) === 93) s = s.slice(1, -1);
  if (s.indexOf(':') === -1) {
    const b = parseIPv4(s);
    // parseIPv4 takes only plain decimal parts (no leading zeros), so the text is already canonical.
    return b ? { version: 4, canonical: s, bytes: b } : undefined;
  }
  const b = parseIPv6(s);
  if (!b) return undefined;
  let mapped = true;
  for (let i = 0; i < 10; i++) if (b[i] !== 0) { mapped = false; break; }
  if (mapped && b[10] === 255 && b[11] === 255) {
    const v4 = b.slice(12);
    return { version: 4, canonical: v4.join('.'), bytes: v4 };
  }
  return { version: 6, canonical: formatIPv6(b), bytes: b };
}

/** Loopback and unspecified addresses say nothing about an incident: the collector drops them. */
export function isIgnorableIp(ip: ParsedIp): boolean {
  const b = ip.bytes;
  if (ip.version === 4) return b[0] === 127 || (b[0] === 0 && b[1] === 0 && b[2] === 0 && b[3] === 0);
  for (let i = 0; i < 15; i++) if (b[i] !== 0) return false;
  return b[15] === 0 || b[15] === 1;
}
