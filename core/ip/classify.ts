// What kind of address an IP is, from the IANA special-purpose registries (RFC 6890 and
// successors): the first triage question, answered offline, for IPv4 and IPv6 alike.
import { parseIp, type ParsedIp } from '../normalize/ip';

export const ADDRESS_CATEGORIES = [
  'public', 'private', 'loopback', 'link-local', 'cgnat', 'documentation', 'multicast', 'reserved', 'bogon',
] as const;
export type AddressCategory = (typeof ADDRESS_CATEGORIES)[number];

export interface Classification {
  category: AddressCategory;
  /** Routable on the public internet: only then do geo, ASN and reputation mean anything. */
  public: boolean;
  /** The special-purpose block that matched, e.g. "10.0.0.0/8"; absent for plain public addresses. */
  range?: string;
  /** Which registry entry, e.g. "RFC 1918 private network". */
  description: string;
  /** The IPv4 a NAT64 address (64:ff9b::/96) stands for: lists, geo and reputation are about it. */
  embeddedIpv4?: string;
}

interface Special4 { start: number; end: number; range: string; category: AddressCategory; description: string }
interface Special6 { prefix: number[]; bits: number; range: string; category: AddressCategory; description: string }

function v4(range: string, category: AddressCategory, description: string): Special4 {
  const [net, len] = range.split('/');
  const b = net.split('.').map(Number);
  const start = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  const size = 2 ** (32 - Number(len));
  return { start, end: start + size - 1, range, category, description };
}

function v6(range: string, category: AddressCategory, description: string): Special6 {
  const [net, len] = range.split('/');
  const parsed = parseIp(net);
  if (!parsed || parsed.version !== 6) throw new Error(`bad table entry ${range}`);
  return { prefix: parsed.bytes, bits: Number(len), range, category, description };
}

// Most specific first: the first match wins.
const SPECIAL_V4: readonly Special4[] = [
  v4('0.0.0.0/8', 'bogon', 'RFC 791 "this network" (never a real source or destination)'),
  v4('10.0.0.0/8', 'private', 'RFC 1918 private network'),
  v4('100.64.0.0/10', 'cgnat', 'RFC 6598 shared address space (carrier-grade NAT)'),
  v4('127.0.0.0/8', 'loopback', 'RFC 1122 loopback'),
  v4('169.254.0.0/16', 'link-local', 'RFC 3927 link-local'),
  v4('172.16.0.0/12', 'private', 'RFC 1918 private network'),
  v4('192.0.0.0/24', 'reserved', 'RFC 6890 IETF protocol assignments'),
  v4('192.0.2.0/24', 'documentation', 'RFC 5737 documentation (TEST-NET-1)'),
  v4('192.88.99.0/24', 'reserved', 'RFC 7526 deprecated 6to4 relay anycast'),
  v4('192.168.0.0/16', 'private', 'RFC 1918 private network'),
  v4('198.18.0.0/15', 'bogon', 'RFC 2544 benchmarking (never routed on the internet)'),
  v4('198.51.100.0/24', 'documentation', 'RFC 5737 documentation (TEST-NET-2)'),
  v4('203.0.113.0/24', 'documentation', 'RFC 5737 documentation (TEST-NET-3)'),
  v4('224.0.0.0/4', 'multicast', 'RFC 5771 multicast'),
  v4('255.255.255.255/32', 'reserved', 'RFC 919 limited broadcast'),
  v4('240.0.0.0/4', 'reserved', 'RFC 1112 reserved for future use (class E)'),
];

const SPECIAL_V6: readonly Special6[] = [
  v6('::1/128', 'loopback', 'RFC 4291 loopback'),
  v6('::/128', 'bogon', 'RFC 4291 unspecified address'),
  v6('64:ff9b:1::/48', 'reserved', 'RFC 8215 local-use NAT64 prefix (not globally reachable)'),
  v6('100::/64', 'bogon', 'RFC 6666 discard-only prefix'),
  v6('2001:2::/48', 'bogon', 'RFC 5180 benchmarking (never routed on the internet)'),
  v6('2001:10::/28', 'bogon', 'RFC 4843 deprecated ORCHID'),
  v6('2001:db8::/32', 'documentation', 'RFC 3849 documentation'),
  v6('3fff::/20', 'documentation', 'RFC 9637 documentation'),
  v6('fc00::/7', 'private', 'RFC 4193 unique local address'),
  v6('fe80::/10', 'link-local', 'RFC 4291 link-local'),
  v6('fec0::/10', 'reserved', 'RFC 3879 deprecated site-local'),
  v6('ff00::/8', 'multicast', 'RFC 4291 multicast'),
];

const PUBLIC: Classification = { category: 'public', public: true, description: 'public (globally routable) address' };
// Not one block, so no range: the description says where it is.
const OUTSIDE_GLOBAL_UNICAST: Classification = { category: 'reserved', public: false, description: 'IANA reserved IPv6 space, outside the global unicast 2000::/3' };
const NAT64_PREFIX = [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];

function matches6(bytes: readonly number[], s: Special6): boolean {
  const whole = s.bits >> 3;
  for (let i = 0; i < whole; i++) if (bytes[i] !== s.prefix[i]) return false;
  const rest = s.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (bytes[whole] & mask) === (s.prefix[whole] & mask);
}

function toClassification(s: Special4 | Special6): Classification {
  return { category: s.category, public: false, range: s.range, description: s.description };
}

/** IPv4 as an unsigned 32-bit number. */
export function ipv4ToNumber(bytes: readonly number[]): number {
  return ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
}

function classifyV4(bytes: readonly number[]): Classification {
  const n = ipv4ToNumber(bytes);
  for (const s of SPECIAL_V4) if (n >= s.start && n <= s.end) return toClassification(s);
  return PUBLIC;
}

/**
 * 64:ff9b::/96 (RFC 6052) is a public IPv4 address seen through a NAT64 gateway: globally
 * reachable in the IANA registry, and only as good or bad as the IPv4 it embeds.
 */
function classifyNat64(bytes: readonly number[]): Classification | undefined {
  for (let i = 0; i < NAT64_PREFIX.length; i++) if (bytes[i] !== NAT64_PREFIX[i]) return undefined;
  const v4 = bytes.slice(12);
  const embeddedIpv4 = v4.join('.');
  const inner = classifyV4(v4);
  const range = '64:ff9b::/96';
  if (inner.public) return { category: 'public', public: true, range, description: `RFC 6052 NAT64 well-known prefix, embedding the IPv4 ${embeddedIpv4}`, embeddedIpv4 };
  // RFC 6052 forbids the well-known prefix for non-global IPv4: it is what the embedded one is.
  return { category: inner.category, public: false, range, description: `RFC 6052 NAT64 well-known prefix, embedding the IPv4 ${embeddedIpv4} (${inner.range}: ${inner.description})`, embeddedIpv4 };
}

/** Classify a parsed address (IPv4-mapped IPv6 is already IPv4 after parseIp). */
export function classifyParsed(ip: ParsedIp): Classification {
  if (ip.version === 4) return classifyV4(ip.bytes);
  const nat64 = classifyNat64(ip.bytes);
  if (nat64) return nat64;
  for (const s of SPECIAL_V6) if (matches6(ip.bytes, s)) return toClassification(s);
  if ((ip.bytes[0] & 0xe0) !== 0x20) return OUTSIDE_GLOBAL_UNICAST;
  return PUBLIC;
}

export class InvalidAddressError extends Error {
  readonly code = 'invalid-address';
  constructor(readonly input: string) {
    super(`"${input.length > 60 ? `${input.slice(0, 60)}…` : input}" is not an IPv4 or IPv6 address`);
    this.name = 'InvalidAddressError';
  }
}

/**
 * The observable tag of an address: its category when it is not public, so the tag alert-in
 * puts on it and the reason ip-lookup gives come from the same table.
 */
export function addressTags(ip: ParsedIp): string[] {
  const c = classifyParsed(ip);
  return c.public ? [] : [c.category];
}

/** Parse and classify; throws InvalidAddressError for anything that is not an address. */
export function classify(address: string): Classification & { address: string; version: 4 | 6 } {
  const ip = parseIp(address);
  if (!ip) throw new InvalidAddressError(address);
  return { address: ip.canonical, version: ip.version, ...classifyParsed(ip) };
}
