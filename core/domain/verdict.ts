// One verdict per domain or URL from every signal, with the reasons in words, by the ip-lookup
// rule: the strongest signal wins (malicious > suspicious > benign > unknown). A look-alike of
// an own domain is suspicious and names the domain it imitates.
import type { ProviderOutcome } from '../enrich/engine';
import { DEFAULT_THRESHOLDS } from '../ip/verdict';
import type { RdapDomain } from '../integrations/rdap-domain';
import type { UrlscanData } from '../integrations/urlscan';
import type { VirusTotalReport } from '../integrations/virustotal-domain';
import type { Verdict } from '../model/types';
import type { LookalikeResult } from './lookalike';
import type { ParsedDomain, ParsedUrl } from './parse';

export type { ProviderOutcome };

/** Outcomes by source: dns, rdap, virustotal, urlscan, and virustotal-url for URLs. */
export type DomainOutcomes = Partial<Record<string, ProviderOutcome>>;

export interface DomainVerdictOptions {
  /** A domain registered fewer days ago than this is "newly registered". Default 30. */
  newlyRegisteredDays: number;
  /** VirusTotal engines saying malicious from which it is malicious. Default as ip-lookup (3). */
  vtMalicious: number;
  now: number;
}

export const DEFAULT_NEWLY_REGISTERED_DAYS = 30;

const RANK: Record<Verdict, number> = { unknown: 0, benign: 1, suspicious: 2, malicious: 3 };
const BAD_CATEGORY = /phish|malware|malicious|spam|scam|fraud|command and control|c2|botnet|crypto ?min/i;
const HOLD_STATUS = /^(client|server) ?hold$/i;
const DAY = 24 * 60 * 60 * 1000;

export interface DomainVerdictInput {
  domain?: ParsedDomain;
  url?: ParsedUrl;
  lookalike?: LookalikeResult;
  providers: DomainOutcomes;
}

export interface VerdictResult {
  verdict: Verdict;
  reasons: string[];
}

export function decideDomainVerdict(input: DomainVerdictInput, options: Partial<DomainVerdictOptions> = {}): VerdictResult {
  const o: DomainVerdictOptions = { newlyRegisteredDays: DEFAULT_NEWLY_REGISTERED_DAYS, vtMalicious: DEFAULT_THRESHOLDS.vtMalicious, now: Date.now(), ...options };
  let verdict: Verdict = 'unknown';
  const reasons: string[] = [];
  const signal = (v: Verdict, reason: string): void => {
    if (RANK[v] > RANK[verdict]) verdict = v;
    reasons.push(`${v}: ${reason}`);
  };
  const { domain, url, lookalike, providers } = input;

  if (url?.ip) reasons.push(`the URL's host is an IP address, ${url.ip.address} (${url.ip.category}: ${url.ip.description}); it is not looked up as a domain`);
  if (url?.userinfo && /\./.test(url.userinfo)) signal('suspicious', `the URL puts "${url.userinfo}" before the "@": the browser goes to ${url.domain?.unicode ?? url.host}, not to ${url.userinfo}`);
  if (domain?.idn) reasons.push(`internationalised name: ${domain.unicode} is ${domain.ascii} in DNS`);
  if (domain && !domain.knownSuffix) reasons.push(`.${domain.publicSuffix} is not a public suffix: an internal or unregistered name, not looked up online`);
  else if (domain?.privateSuffix) reasons.push(`.${domain.publicSuffix} is a platform suffix (public suffix list, private section): anyone can get a name under it, the platform's reputation says nothing about ${domain.registrableUnicode ?? domain.unicode}`);

  if (lookalike?.ownDomain) signal('benign', `one of our own domains (${lookalike.ownDomain})`);
  for (const m of lookalike?.matches ?? []) signal('suspicious', `look-alike of our domain ${m.own} (${m.technique}): ${m.detail}`);
  if (lookalike?.mixedScripts) signal('suspicious', `mixes ${lookalike.mixedScripts.join(' and ')} letters in one label (IDN homograph)`);

  const found = <T>(id: string): T | undefined => {
    const out = providers[id];
    return out?.status === 'found' ? (out.data as T | undefined) : undefined;
  };
  const dnsOutcome = providers.dns;
  if (dnsOutcome?.status === 'not-found' && dnsOutcome.data?.nxdomain) reasons.push(`${domain?.ascii ?? 'the name'} does not resolve (NXDOMAIN)`);

  const rdap = found<RdapDomain>('rdap');
  if (rdap) {
    if (rdap.registered) {
      const ageDays = Math.floor((o.now - Date.parse(rdap.registered)) / DAY);
      if (ageDays < o.newlyRegisteredDays) signal('suspicious', `newly registered: ${rdap.registered.slice(0, 10)}, ${Math.max(ageDays, 0)} day${ageDays === 1 ? '' : 's'} ago (under ${o.newlyRegisteredDays} days)${rdap.registrar ? ` at ${rdap.registrar}` : ''}`);
      else reasons.push(`registered ${rdap.registered.slice(0, 10)} (${Math.round(ageDays / 36.5) / 10} years ago)${rdap.registrar ? ` at ${rdap.registrar}` : ''}`);
    }
    const hold = rdap.status.filter((s) => HOLD_STATUS.test(s));
    if (hold.length) signal('suspicious', `the registry status is ${hold.join(', ')}: taken out of DNS, often for abuse`);
  } else if (providers.rdap?.status === 'not-found' && domain?.knownSuffix) {
    reasons.push(`${domain.icannRegistrable ?? domain.registrable ?? domain.ascii}: ${String(providers.rdap.data?.message ?? 'no RDAP record')}`);
  }

  for (const [id, label] of [['virustotal', 'VirusTotal (domain)'], ['virustotal-url', 'VirusTotal (URL)']] as const) {
    const vt = found<VirusTotalReport>(id);
    if (!vt) continue;
    const what = `${label}: ${vt.malicious} engines malicious, ${vt.suspicious} suspicious${vt.flaggedBy?.length ? ` (${vt.flaggedBy.slice(0, 3).join(', ')})` : ''}`;
    if (vt.malicious >= o.vtMalicious) signal('malicious', what);
    else if (vt.malicious > 0 || vt.suspicious > 0) signal('suspicious', what);
    const bad = Object.entries(vt.categories ?? {}).filter(([, c]) => BAD_CATEGORY.test(c));
    if (bad.length) signal('suspicious', `${label} categories: ${bad.slice(0, 3).map(([vendor, c]) => `${c} (${vendor})`).join(', ')}`);
    if (vt.created && rdap?.registered === undefined) {
      const ageDays = Math.floor((o.now - Date.parse(vt.created)) / DAY);
      if (ageDays < o.newlyRegisteredDays) signal('suspicious', `newly registered: ${vt.created.slice(0, 10)}, ${Math.max(ageDays, 0)} days ago (VirusTotal's WHOIS)`);
    }
  }

  const scan = found<UrlscanData>('urlscan');
  if (scan) {
    if (scan.malicious > 0) signal('suspicious', `urlscan.io judged ${scan.malicious} of ${scan.total} scans malicious`);
    else reasons.push(`urlscan.io: ${scan.total} scan${scan.total === 1 ? '' : 's'}${scan.lastSeen ? `, last ${scan.lastSeen.slice(0, 10)}` : ''}`);
  }

  const incomplete = Object.entries(providers).filter(([, out]) => out?.status === 'timed-out' || out?.status === 'error').map(([id]) => id);
  if (incomplete.length) reasons.push(`incomplete: no answer from ${incomplete.join(', ')}`);
  if (verdict === 'unknown' && !reasons.some((r) => !r.startsWith('incomplete'))) reasons.push('no source has anything against or for this name');
  return { verdict, reasons };
}
