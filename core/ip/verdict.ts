// One verdict per IP from every signal, with the reasons in words. The strongest signal wins
// (malicious > suspicious > benign > unknown), except an allowlist entry: the analyst's own
// list says "ours / trusted", and the other signals stay in the reasons.
import type { ProviderOutcome } from '../enrich/engine';
import type { Verdict } from '../model/types';
import type { AbuseIpdbData } from '../integrations/abuseipdb';
import type { GreyNoiseData } from '../integrations/greynoise';
import type { InternetDbData } from '../integrations/shodan-internetdb';
import type { VirusTotalData } from '../integrations/virustotal';
import type { IpProviderId } from '../integrations/ip-provider';
import type { OfflineResult } from './offline';

export type { ProviderOutcome };

export interface VerdictThresholds {
  /** AbuseIPDB confidence score from which an IP is malicious / suspicious. */
  abuseMalicious: number;
  abuseSuspicious: number;
  /** VirusTotal engines flagging the IP malicious from which it is malicious. */
  vtMalicious: number;
}

export const DEFAULT_THRESHOLDS: VerdictThresholds = { abuseMalicious: 75, abuseSuspicious: 25, vtMalicious: 3 };

const RANK: Record<Verdict, number> = { unknown: 0, benign: 1, suspicious: 2, malicious: 3 };
const SUSPICIOUS_TAGS = new Set(['malware', 'c2', 'compromised', 'botnet', 'scanner', 'tor', 'proxy']);

export interface VerdictResult {
  verdict: Verdict;
  reasons: string[];
}

export function decideVerdict(offline: OfflineResult, providers: Partial<Record<IpProviderId, ProviderOutcome>>, t: VerdictThresholds = DEFAULT_THRESHOLDS): VerdictResult {
  let verdict: Verdict = 'unknown';
  const reasons: string[] = [];
  const signal = (v: Verdict, reason: string): void => {
    if (RANK[v] > RANK[verdict]) verdict = v;
    reasons.push(`${v}: ${reason}`);
  };
  const c = offline.classification;
  if (!c.public) reasons.push(`${c.category} address${c.range ? ` in ${c.range}` : ''}: ${c.description}; no internet reputation`);
  else if (c.embeddedIpv4) reasons.push(`NAT64 address (${c.range}): lists, geo and reputation are those of the embedded IPv4 ${c.embeddedIpv4}`);
  for (const m of offline.blocklisted) signal('malicious', `on blocklist ${m.list} (${m.entry}${m.comment ? ` ; ${m.comment}` : ''}, line ${m.line})`);
  const anon = offline.anonymity;
  if (anon?.torExitNode) signal('suspicious', `Tor exit node (${anon.database})`);
  else if (anon?.publicProxy || anon?.vpn || anon?.residentialProxy) {
    signal('suspicious', `anonymising service: ${[anon.vpn && 'VPN', anon.publicProxy && 'public proxy', anon.residentialProxy && 'residential proxy'].filter(Boolean).join(', ')} (${anon.database})`);
  }

  const found = (id: IpProviderId): Record<string, unknown> | undefined => {
    const o = providers[id];
    return o?.status === 'found' ? o.data : undefined;
  };
  const abuse = found('abuseipdb') as AbuseIpdbData | undefined;
  if (abuse) {
    const what = `AbuseIPDB confidence ${abuse.abuseConfidenceScore}% from ${abuse.totalReports} reports`;
    if (abuse.isWhitelisted) signal('benign', 'AbuseIPDB lists it as whitelisted');
    else if (abuse.abuseConfidenceScore >= t.abuseMalicious) signal('malicious', what);
    else if (abuse.abuseConfidenceScore >= t.abuseSuspicious) signal('suspicious', what);
    else if (abuse.totalReports > 0) reasons.push(`${what} (below the suspicious threshold ${t.abuseSuspicious}%)`);
  }
  const gn = found('greynoise') as GreyNoiseData | undefined;
  if (gn) {
    if (gn.classification === 'malicious') signal('malicious', `GreyNoise classifies it malicious${gn.name ? ` (${gn.name})` : ''}`);
    else if (gn.riot) signal('benign', `GreyNoise RIOT: known business service${gn.name ? ` (${gn.name})` : ''}`);
    else if (gn.classification === 'benign') signal('benign', `GreyNoise classifies it benign${gn.name ? ` (${gn.name})` : ''}`);
    else if (gn.noise) signal('suspicious', 'GreyNoise sees it mass-scanning the internet');
  }
  const vt = found('virustotal') as VirusTotalData | undefined;
  if (vt) {
    const what = `VirusTotal: ${vt.malicious} engines malicious, ${vt.suspicious} suspicious`;
    if (vt.malicious >= t.vtMalicious) signal('malicious', what);
    else if (vt.malicious > 0 || vt.suspicious > 0) signal('suspicious', what);
  }
  const idb = found('internetdb') as InternetDbData | undefined;
  if (idb) {
    const bad = idb.tags.filter((tag) => SUSPICIOUS_TAGS.has(tag.toLowerCase()));
    if (bad.length) signal('suspicious', `Shodan tags it ${bad.join(', ')}`);
    if (idb.vulns.length) reasons.push(`Shodan lists ${idb.vulns.length} known vulnerabilit${idb.vulns.length === 1 ? 'y' : 'ies'} on open ports ${idb.ports.join(', ')}`);
  }
  if (offline.allowlisted.length) {
    const m = offline.allowlisted[0];
    verdict = 'benign';
    reasons.unshift(`benign: on allowlist ${m.list} (${m.entry}${m.comment ? ` ; ${m.comment}` : ''}, line ${m.line}), which overrides the other signals`);
  }
  const incomplete = Object.entries(providers).filter(([, o]) => o?.status === 'timed-out' || o?.status === 'error').map(([id]) => id);
  if (incomplete.length) reasons.push(`incomplete: no answer from ${incomplete.join(', ')}`);
  if (verdict === 'unknown' && c.public && !reasons.some((r) => !r.startsWith('incomplete'))) reasons.push('no source has anything against or for this address');
  return { verdict, reasons };
}
