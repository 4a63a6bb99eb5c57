// Collects the observables of one alert: canonical values, merged roles and tags, no duplicates.
// Every format parser feeds this one collector, so the cleaning rules live in one place.
import type { Observable, ObservableRole, ObservableType } from '../model/types';
import { addressTags } from '../ip/classify';
import { extractIocs, publicDomain, urlHost, urlHostIp } from './ioc';
import { isIgnorableIp, parseIp } from './ip';

// Placeholder values products write for "nobody" / "nothing".
const PLACEHOLDERS = new Set([
  '-', '--', 'n/a', 'na', 'none', 'null', 'nil', 'undefined', 'unknown', '(empty)', '(null)', 'empty', '?', '0',
]);
const HOSTNAME_RE = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})$/;
const EMAIL_RE = /^[^\s@]{1,64}@[^\s@]{1,253}\.[^\s@.]{2,63}$/;
const URL_RE = /^[A-Za-z][A-Za-z0-9+.-]{0,15}:\/\/\S+$/;

/** s.replace(/\.$/, ''), without a regex call. */
function withoutFinalDot(s: string): string {
  return s.endsWith('.') ? s.slice(0, -1) : s;
}

export type HashType = 'hash:md5' | 'hash:sha1' | 'hash:sha256';

export function hashType(hex: string): HashType | undefined {
  if (hex.length !== 32 && hex.length !== 40 && hex.length !== 64) return undefined;
  if (!/^[0-9a-f]+$/.test(hex) || /^0+$/.test(hex)) return undefined;
  return hex.length === 32 ? 'hash:md5' : hex.length === 40 ? 'hash:sha1' : 'hash:sha256';
}

function cleanText(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  if (t === '' || t.length > 4096 || (t.length <= 11 && PLACEHOLDERS.has(t.toLowerCase()))) return undefined;
  return t;
}

const NO_TAGS: readonly string[] = [];
// Past this many observables, look them up by key rather than by scanning the list.
const INDEX_FROM = 16;

export class ObservableCollector {
  // First-seen order; keys[i] is the compare key of items[i] (the value; lower-case for a host).
  // Most alerts have a handful of observables, for which a scan beats building string keys.
  private readonly items: Observable[] = [];
  private readonly keys: string[] = [];
  private index: Map<string, Observable> | undefined;
  // The last domain() input that was put, with its role: a URL's host comes again as the domain
  // the extractor read from the same URL, and putting it again would change nothing.
  private lastDomain: string | undefined;
  private lastDomainRole: ObservableRole | undefined;

  /**
   * Adds a canonicalized observable; returns false when the value is not a valid one of that type.
   * "hash" (or any hash type) takes its final type from the digest length.
   */
  add(type: ObservableType | 'hash', value: unknown, role?: ObservableRole): boolean {
    const t = cleanText(value);
    if (t === undefined) return false;
    switch (type) {
      case 'ip': return this.ip(t, role);
      case 'domain': return this.domain(t, role);
      case 'url': return this.url(t, role);
      case 'email': return this.email(t, role);
      case 'user': return this.user(t, role);
      case 'host': return this.host(t, role);
      case 'file': return this.file(t, role);
      default: return this.hash(t, role);
    }
  }

  private put(type: ObservableType, value: string, role: ObservableRole | undefined, tags: readonly string[] = NO_TAGS): true {
    // Host names compare case-insensitively; users and files keep case.
    const key = type === 'host' ? value.toLowerCase() : value;
    const found = this.find(type, key);
    if (found) {
      if (role && !found.roles.includes(role)) found.roles.push(role);
      for (const tag of tags) if (!found.tags.includes(tag)) found.tags.push(tag);
    } else {
      const item: Observable = { type, value, roles: role ? [role] : [], tags: tags.slice() };
      this.items.push(item);
      this.keys.push(key);
      if (this.index) this.index.set(type + '\u0000' + key, item);
      else if (this.items.length === INDEX_FROM) {
        this.index = new Map(this.items.map((o, i) => [o.type + '\u0000' + this.keys[i], o]));
      }
    }
    return true;
  }

  private find(type: ObservableType, key: string): Observable | undefined {
    if (this.index) return this.index.get(type + '\u0000' + key);
    for (let i = 0; i < this.items.length; i++) {
      if (this.keys[i] === key && this.items[i].type === type) return this.items[i];
    }
    return undefined;
  }

  ip(value: unknown, role?: ObservableRole): boolean {
    const t = cleanText(value);
    if (t === undefined) return false;
    const ip = parseIp(t);
    if (!ip || isIgnorableIp(ip)) return false;
    // Tagged from ip-lookup's classification table, so the tag and its reason always agree.
    return this.put('ip', ip.canonical, role, addressTags(ip));
  }

  /** A domain from a field that names one; IP literals are routed to ip(). */
  domain(value: unknown, role?: ObservableRole): boolean {
    if (value === this.lastDomain && role === this.lastDomainRole && value !== undefined) return true;
    const t = cleanText(value);
    if (t === undefined) return false;
    if (parseIp(t)) return this.ip(t, role);
    const d = withoutFinalDot(t.toLowerCase());
    if (!HOSTNAME_RE.test(d) || d.indexOf('.') === -1 || d.indexOf('..') !== -1) return false;
    if (typeof value === 'string') {
      this.lastDomain = value;
      this.lastDomainRole = role;
    }
    return this.put('domain', d, role);
  }

  /** A URL, and its host as ip / domain (public suffix) / host. */
  url(value: unknown, role?: ObservableRole): boolean {
    const t = cleanText(value);
    if (t === undefined || !URL_RE.test(t)) return false;
    const host = urlHost(t);
    if (host === '') return false;
    this.put('url', t, role);
    this.urlHostObservable(host, role);
    return true;
  }

  email(value: unknown, role?: ObservableRole): boolean {
    const t = cleanText(value);
    if (t === undefined || !EMAIL_RE.test(t)) return false;
    const at = t.lastIndexOf('@');
    return this.put('email', t.slice(0, at) + '@' + t.slice(at + 1).toLowerCase(), role);
  }

  user(value: unknown, role?: ObservableRole): boolean {
    const t = cleanText(value);
    return t === undefined ? false : this.put('user', t, role);
  }

  /** A host name; an IP literal goes to ip(). */
  host(value: unknown, role?: ObservableRole): boolean {
    const t = cleanText(value);
    if (t === undefined) return false;
    if (parseIp(t)) return this.ip(t, role);
    const h = withoutFinalDot(t);
    // A bare number is a counter or an id, never a host name.
    if (!HOSTNAME_RE.test(h) || /^[\d.]+$/.test(h)) return false;
    return this.put('host', h, role);
  }

  /**
   * A value that may be "host", "host:port", "ip", "ip:port", "[v6]:port" or a URL
   * (Prometheus instance labels, device names, syslog hosts): a URL adds url + its host,
   * an address adds ip, anything else is a host (an FQDN of a machine stays a host).
   */
  hostOrIp(value: unknown, role?: ObservableRole): boolean {
    const t = cleanText(value);
    if (t === undefined) return false;
    if (t.indexOf('://') !== -1) return this.url(t, role);
    if (parseIp(t)) return this.ip(t, role);
    let h = t;
    if (h.startsWith('[')) {
      const close = h.indexOf(']');
      if (close !== -1) return this.ip(h.slice(1, close), role);
    }
    const colon = h.lastIndexOf(':');
    if (colon !== -1 && h.indexOf(':') === colon && /^\d{1,5}$/.test(h.slice(colon + 1))) h = h.slice(0, colon);
    if (parseIp(h)) return this.ip(h, role);
    return this.host(h, role);
  }

  /** The host part of a URL: ip (hex and decimal IPv4 forms too), domain when it has a public suffix, else host. */
  private urlHostObservable(host: string, role?: ObservableRole): void {
    const ip = urlHostIp(host);
    if (ip) this.ip(ip.canonical, role);
    else if (publicDomain(host)) this.domain(host, role);
    else this.host(host, role);
  }

  /** A hex digest; the type follows the length, whatever field it came from. */
  hash(value: unknown, role?: ObservableRole): boolean {
    const t = cleanText(value);
    if (t === undefined) return false;
    const h = t.toLowerCase();
    const type = hashType(h);
    return type ? this.put(type, h, role) : false;
  }

  file(value: unknown, role?: ObservableRole): boolean {
    const t = cleanText(value);
    return t === undefined ? false : this.put('file', t, role);
  }

  /** Directory + name joined with the directory's own separator. */
  filePath(dir: unknown, name: unknown, role?: ObservableRole): boolean {
    const d = cleanText(dir);
    const n = cleanText(name);
    if (d === undefined) return n === undefined ? false : this.file(n, role);
    if (n === undefined) return this.file(d, role);
    if (d.endsWith(n)) return this.file(d, role);
    const sep = d.indexOf('\\') !== -1 || /^[A-Za-z]:/.test(d) ? '\\' : '/';
    return this.file(d.endsWith(sep) ? d + n : d + sep + n, role);
  }

  /** Indicators found in free text. */
  text(value: unknown, role: ObservableRole = 'related'): void {
    if (typeof value !== 'string' || value.length < 4) return;
    for (const ioc of extractIocs(value)) this.add(ioc.type, ioc.value, role);
  }

  get size(): number {
    return this.items.length;
  }

  toArray(): Observable[] {
    return this.items.slice();
  }
}
