// Domain names and URLs, offline: the public suffix list (tldts, ICANN and private sections)
// says where the registrable part starts; node:url converts IDNs so both forms can be shown
// (an analyst reads "exаmple.com", the registry and DNS only know "xn--exmple-4nf.com").
import { domainToASCII, domainToUnicode } from 'node:url';
import { parse as parseSuffix } from 'tldts';
import { classify, type Classification } from '../ip/classify';
import { refang } from '../normalize/ioc';
import { parseIp } from '../normalize/ip';

export const MAX_NAME_LENGTH = 253;
export const MAX_LABEL_LENGTH = 63;
/** Longest URL taken apart (browsers go further; anything this long in an alert is noise). */
export const MAX_URL_LENGTH = 8192;

export class InvalidDomainError extends Error {
  readonly code = 'invalid-domain';
  constructor(readonly input: string, why: string) {
    super(`"${input.length > 60 ? `${input.slice(0, 60)}…` : input}" is not a valid domain name: ${why}`);
    this.name = 'InvalidDomainError';
  }
}

export class InvalidUrlError extends Error {
  readonly code = 'invalid-url';
  constructor(readonly input: string, why: string) {
    super(`"${input.length > 80 ? `${input.slice(0, 80)}…` : input}" is not a valid URL: ${why}`);
    this.name = 'InvalidUrlError';
  }
}

export interface ParsedDomain {
  /** Lower-case, no trailing dot, punycode (what DNS and registries use). */
  ascii: string;
  /** The same name in Unicode (differs from ascii for IDNs). */
  unicode: string;
  /** Some label is an IDN (xn--). */
  idn: boolean;
  /** The suffix under which names are registered, e.g. "co.uk", "github.io" (private section). */
  publicSuffix: string;
  /** The public suffix is in the list (ICANN or private), not the "unknown TLD" default rule. */
  knownSuffix: boolean;
  /** The suffix comes from the list's private section (github.io, blogspot.com): its owner hands out names. */
  privateSuffix: boolean;
  /** The registrable domain (suffix + one label), ascii; absent when the name is a suffix itself. */
  registrable?: string;
  registrableUnicode?: string;
  /** The registrable domain under the ICANN suffixes only: what the registry (RDAP) knows. */
  icannRegistrable?: string;
  /** The label left of the suffix ("example" in login.example.co.uk), unicode. */
  label?: string;
  /** Labels left of the registrable domain, ascii ("" when none). */
  subdomain: string;
}

function suffixInfo(host: string, privateDomains: boolean): ReturnType<typeof parseSuffix> {
  return parseSuffix(host, { allowPrivateDomains: privateDomains, extractHostname: false, validateHostname: false });
}

/** Parse and check a host name; throws InvalidDomainError (too long, bad labels, IP literal). */
export function parseDomain(input: string): ParsedDomain {
  // alert-in refangs what it extracts from text; a field copied as is may still read evil[.]com.
  const raw = refang(input.trim());
  if (!raw) throw new InvalidDomainError(input, 'empty');
  if (raw.length > 4 * MAX_NAME_LENGTH) throw new InvalidDomainError(raw, `longer than ${MAX_NAME_LENGTH} characters`);
  const trimmed = raw.endsWith('.') ? raw.slice(0, -1) : raw;
  if (parseIp(trimmed.replace(/^\[|\]$/g, ''))) throw new InvalidDomainError(raw, 'it is an IP address');
  // Lower-cases, maps full-width dots and IDNs to punycode; '' when it cannot be encoded.
  const ascii = domainToASCII(trimmed);
  if (!ascii) throw new InvalidDomainError(raw, 'it cannot be encoded as an internationalised domain name (bad characters)');
  if (ascii.length > MAX_NAME_LENGTH) throw new InvalidDomainError(raw, `${ascii.length} characters, the limit is ${MAX_NAME_LENGTH}`);
  const labels = ascii.split('.');
  if (labels.length < 2) throw new InvalidDomainError(raw, 'a single label, not a domain name');
  for (const label of labels) {
    if (!label) throw new InvalidDomainError(raw, 'an empty label (two dots in a row)');
    if (label.length > MAX_LABEL_LENGTH) throw new InvalidDomainError(raw, `label "${label.slice(0, 20)}…" has ${label.length} characters, the limit is ${MAX_LABEL_LENGTH}`);
    // Underscores appear in real names (_dmarc, SRV); anything else outside LDH does not.
    if (!/^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/.test(label)) throw new InvalidDomainError(raw, `label "${label}" has characters a host name cannot have`);
  }
  if (/^\d+$/.test(labels[labels.length - 1])) throw new InvalidDomainError(raw, 'the top-level label is numeric');
  const unicode = domainToUnicode(ascii) || ascii;

  const withPrivate = suffixInfo(ascii, true);
  const icann = suffixInfo(ascii, false);
  const publicSuffix = withPrivate.publicSuffix ?? labels[labels.length - 1];
  const knownSuffix = withPrivate.isIcann === true || withPrivate.isPrivate === true;
  const out: ParsedDomain = {
    ascii, unicode, idn: labels.some((l) => l.startsWith('xn--')), publicSuffix, knownSuffix,
    privateSuffix: withPrivate.isPrivate === true, subdomain: withPrivate.subdomain ?? '',
  };
  if (withPrivate.domain) {
    out.registrable = withPrivate.domain;
    out.registrableUnicode = domainToUnicode(withPrivate.domain) || withPrivate.domain;
    // The registrable domain is exactly one label on top of the suffix.
    out.label = out.registrableUnicode.split('.')[0];
  }
  if (icann.isIcann && icann.domain) out.icannRegistrable = icann.domain;
  return out;
}

export interface ParsedUrl {
  /** As given. */
  input: string;
  /** Normalised by the WHATWG URL parser (host in punycode). */
  href: string;
  scheme: string;
  /** ascii, no brackets for IPv6. */
  host: string;
  port?: number;
  path: string;
  /** Without "?"; absent when none. */
  query?: string;
  fragment?: string;
  /** Credentials before the host: "https://example.com@evil.net" puts a trusted name there. */
  userinfo?: string;
  /** The host as a domain (absent for IP literals). */
  domain?: ParsedDomain;
  /** The host is an IP literal: its class, not looked up as a domain. */
  ip?: Classification & { address: string; version: 4 | 6 };
  /** No scheme was given: read as http://. */
  schemeAssumed?: boolean;
}

/** Take a URL apart; throws InvalidUrlError (not a URL, no host, bad host name). */
/** Percent-decoding that keeps a malformed escape (`%@`) as written instead of throwing. */
function decodeLoosely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function parseUrl(input: string): ParsedUrl {
  const raw = refang(input.trim());
  if (!raw) throw new InvalidUrlError(input, 'empty');
  if (raw.length > MAX_URL_LENGTH) throw new InvalidUrlError(raw, `longer than ${MAX_URL_LENGTH} characters`);
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(raw) && !/^[^/:]+:\d+(?:\/|$)/.test(raw);
  let url: URL;
  try {
    url = new URL(hasScheme ? raw : `http://${raw}`);
  } catch {
    throw new InvalidUrlError(raw, 'the URL parser refuses it');
  }
  const bare = url.hostname.replace(/^\[|\]$/g, '');
  if (!bare) throw new InvalidUrlError(raw, `a ${url.protocol} URL without a host`);
  const out: ParsedUrl = {
    input, href: url.href, scheme: url.protocol.replace(/:$/, ''), host: bare, path: url.pathname || '/',
  };
  if (url.port) out.port = Number(url.port);
  if (url.search.length > 1) out.query = url.search.slice(1);
  if (url.hash.length > 1) out.fragment = url.hash.slice(1);
  if (url.username || url.password) out.userinfo = decodeLoosely(url.username) + (url.password ? ':…' : '');
  if (!hasScheme) out.schemeAssumed = true;
  // The WHATWG parser already turned 0x7f.1, 2130706433 and [::1] into canonical addresses.
  if (parseIp(bare)) out.ip = classify(bare);
  else {
    try {
      out.domain = parseDomain(bare);
    } catch (err) {
      throw new InvalidUrlError(raw, `its host ${(err as Error).message}`);
    }
  }
  return out;
}
