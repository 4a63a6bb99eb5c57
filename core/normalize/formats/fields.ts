// Observables from the key=value dictionaries of CEF and LEEF: standard keys by name,
// vendor keys and custom-string labels by a hint in their name.
import type { ObservableCollector } from '../observables';

const HASH_HINT = /md5|sha1|sha256|sha-1|sha-256|hash/i;

/** What a vendor key or csNLabel text suggests the value is. */
export function addByHint(hint: string, value: string, obs: ObservableCollector): void {
  if (HASH_HINT.test(hint)) { obs.hash(value, 'related'); return; }
  const h = hint.toLowerCase();
  // "Host ID", "User ID", "File ID" label identifiers, not the named things.
  if (/\bid$|[a-z]id$/.test(h) && !/ip$/.test(h)) return;
  if (/url|uri$/.test(h)) obs.url(value, 'related');
  else if (/(?:^|[^a-z])ip(?:v[46])?(?:[^a-z]|$)|ipaddr|address$|addr$|ip$/.test(h)) obs.ip(value, 'related');
  else if (/e-?mail/.test(h)) obs.email(value, 'related');
  else if (/user/.test(h)) obs.user(value, 'related');
  else if (/host/.test(h)) obs.hostOrIp(value, 'related');
  else if (/domain/.test(h)) obs.domain(value, 'related');
  else if (/file ?path|^path$|filepath/.test(h)) obs.file(value, 'related');
}
