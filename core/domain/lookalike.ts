// Does a domain imitate one of the organisation's own? The tricks phishing kits use: a
// character that looks the same (Cyrillic "а", digit "1" for "l", "rn" for "m"), a one-key
// typo, our name under another suffix (example.co), our name with a word added
// (example-login.com), or our whole domain as a subdomain of theirs (example.com.evil.net).
// Each match names the own domain it imitates, so the analyst can see at once which brand.
import { parseDomain, type ParsedDomain } from './parse';

/** Characters that render like a Latin letter, to that letter (a subset of Unicode's confusables.txt that matters for domains). */
const CONFUSABLES: Record<string, string> = {
  // Cyrillic
  'а': 'a', 'в': 'b', 'ь': 'b', 'с': 'c', 'ԁ': 'd', 'е': 'e', 'ё': 'e', 'ғ': 'f', 'һ': 'h', 'і': 'i', 'ї': 'i', 'ј': 'j',
  'к': 'k', 'ӏ': 'l', 'м': 'm', 'п': 'n', 'о': 'o', 'р': 'p', 'ԛ': 'q', 'г': 'r', 'ѕ': 's', 'т': 't', 'ц': 'u', 'ѵ': 'v',
  'ԝ': 'w', 'ш': 'w', 'х': 'x', 'у': 'y', 'ү': 'y', 'з': '3',
  // Greek
  'α': 'a', 'β': 'b', 'ϲ': 'c', 'δ': 'd', 'ε': 'e', 'η': 'n', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'τ': 't',
  'υ': 'u', 'χ': 'x', 'γ': 'y', 'ω': 'w', 'ϳ': 'j',
  // Latin look-alikes and letterlike symbols
  'ı': 'i', 'ɩ': 'i', 'ł': 'l', 'ɫ': 'l', 'ƚ': 'l', 'ɡ': 'g', 'ɑ': 'a', 'ꮃ': 'w', 'ո': 'n', 'օ': 'o', 'ս': 'u', 'ց': 'g',
  // Digits and signs read as letters
  '0': 'o', '1': 'l', '3': 'e', '5': 's', '|': 'l',
};

/** Letter pairs that read as one letter in most fonts. */
const DIGRAPHS: Array<[RegExp, string]> = [[/rn/g, 'm'], [/vv/g, 'w'], [/cl/g, 'd']];

/** One character's confusable replacement, or itself (accents dropped: é → e). */
function skeletonChar(ch: string): string {
  const mapped = CONFUSABLES[ch];
  if (mapped) return mapped;
  if (ch.charCodeAt(0) < 128) return ch; // plain ASCII has no accents to drop
  const base = ch.normalize('NFD').replace(/\p{M}+/gu, '');
  return CONFUSABLES[base] ?? base;
}

/** What a label looks like, reduced to plain Latin: equal skeletons look alike. */
export function skeleton(label: string): string {
  let s = '';
  for (const ch of label.toLowerCase()) s += skeletonChar(ch);
  for (const [re, to] of DIGRAPHS) s = s.replace(re, to);
  return s;
}

export type Script = 'Latin' | 'Cyrillic' | 'Greek' | 'Armenian' | 'other';

function scriptOf(ch: string): Script | undefined {
  if (/[\p{Script=Common}\p{Script=Inherited}]/u.test(ch)) return undefined; // digits, hyphen, marks
  if (/\p{Script=Latin}/u.test(ch)) return 'Latin';
  if (/\p{Script=Cyrillic}/u.test(ch)) return 'Cyrillic';
  if (/\p{Script=Greek}/u.test(ch)) return 'Greek';
  if (/\p{Script=Armenian}/u.test(ch)) return 'Armenian';
  return 'other';
}

/** Scripts used in a label (Unicode form), in order of appearance. */
export function scriptsOf(label: string): Script[] {
  const seen: Script[] = [];
  for (const ch of label) {
    const s = scriptOf(ch);
    if (s && !seen.includes(s)) seen.push(s);
  }
  return seen;
}

/** Optimal string alignment distance (Damerau-Levenshtein with adjacent swaps), by code point. */
export function damerauLevenshtein(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const rows = x.length + 1;
  const cols = y.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (__, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[x.length][y.length];
}

export type LookalikeTechnique = 'homoglyph' | 'typo' | 'other-suffix' | 'name-embedded' | 'domain-as-subdomain' | 'name-as-subdomain' | 'domain-as-userinfo';

export interface LookalikeMatch {
  /** The own domain imitated (as configured, ascii). */
  own: string;
  technique: LookalikeTechnique;
  /** In words, naming the own domain. */
  detail: string;
}

export interface OwnDomains {
  domains: ParsedDomain[];
  /** Skeleton of each own domain's label, by ascii name (computed once). */
  skeletons: Map<string, string>;
  /** Entries that are not domain names, with why. */
  problems: string[];
}

/** The configured own domains (one per line or comma-separated), parsed once. */
export function parseOwnDomains(list: readonly string[]): OwnDomains {
  const out: OwnDomains = { domains: [], skeletons: new Map(), problems: [] };
  for (const entry of list) {
    const v = entry.trim().replace(/^\*\./, '');
    if (!v) continue;
    try {
      const d = parseDomain(v);
      if (!d.registrable) out.problems.push(`own domain "${v}" is a public suffix, not a domain`);
      else if (!out.domains.some((o) => o.ascii === d.ascii)) {
        out.domains.push(d);
        out.skeletons.set(d.ascii, skeleton(d.label as string));
      }
    } catch (err) {
      out.problems.push(`own domain: ${(err as Error).message}`);
    }
  }
  return out;
}

export interface LookalikeResult {
  /** The own domain this name is, or is under: not a look-alike. */
  ownDomain?: string;
  matches: LookalikeMatch[];
  /** Scripts mixed in one label of the registrable name (e.g. Latin + Cyrillic). */
  mixedScripts?: Script[];
}

const MIN_LABEL = 4; // shorter names collide by chance

function describeSwaps(candidate: string, own: string): string {
  const a = [...candidate];
  const b = [...own];
  if (a.length !== b.length) return `"${candidate}" reads as "${own}"`;
  const swaps: string[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    const s = scriptOf(a[i]);
    const cp = a[i].codePointAt(0) ?? 0;
    swaps.push(cp > 127 ? `${s && s !== 'Latin' ? `${s} ` : ''}"${a[i]}" (U+${cp.toString(16).toUpperCase().padStart(4, '0')}) for "${b[i]}"` : `"${a[i]}" for "${b[i]}"`);
  }
  return swaps.join(', ');
}

function typoLimit(length: number): number {
  return length >= 9 ? 2 : length >= MIN_LABEL ? 1 : 0;
}

/** Labels of a name as tokens split on hyphens ("example-login" → example, login). */
function tokens(label: string): string[] {
  return label.split('-').filter(Boolean);
}

/** Compare one name with the own domains. */
export function checkLookalike(candidate: ParsedDomain, own: OwnDomains): LookalikeResult {
  const result: LookalikeResult = { matches: [] };
  for (const o of own.domains) {
    if (candidate.ascii === o.ascii || candidate.ascii.endsWith(`.${o.ascii}`)) {
      result.ownDomain = o.ascii;
      return result;
    }
  }
  const label = candidate.label;
  if (label) {
    const scripts = scriptsOf(label);
    if (scripts.length > 1) result.mixedScripts = scripts;
  }
  const suffixOf = new Map(own.domains.map((o) => [o.ascii, o.publicSuffix]));
  // How close each own domain is imitated (lower is closer): only the closest is named.
  const closeness = new Map<string, number>();
  const add = (m: LookalikeMatch, distance = 0): void => {
    if (result.matches.some((x) => x.own === m.own && x.technique === m.technique)) return;
    result.matches.push(m);
    const score = closenessOf(m.technique, suffixOf.get(m.own) === candidate.publicSuffix, distance);
    closeness.set(m.own, Math.min(closeness.get(m.own) ?? Infinity, score));
  };
  const subTokens = new Set(candidate.subdomain ? candidate.subdomain.split('.').flatMap(tokens) : []);
  const labelTokenSkeletons = new Set(label ? tokens(label).map(skeleton) : []);
  const candSkeleton = label ? skeleton(label) : '';
  const candLength = [...candSkeleton].length;
  for (const o of own.domains) {
    const ownLabel = o.label as string;
    const ownAscii = (o.registrable as string).split('.')[0];
    const name = o.unicode;
    // Our whole domain in their subdomain: login.example.com.evil.net, example.com-secure.evil.net.
    const sub = candidate.subdomain;
    if (sub && (sub === o.ascii || sub.endsWith(`.${o.ascii}`) || sub.includes(`${o.ascii}.`) || sub.includes(`${o.ascii}-`) || sub.includes(`${ownAscii}-${o.publicSuffix.replace(/\./g, '-')}`))) {
      add({ own: o.ascii, technique: 'domain-as-subdomain', detail: `puts our domain ${name} in front of another registrable domain, ${candidate.registrableUnicode ?? candidate.unicode}` });
    } else if (ownLabel.length >= MIN_LABEL && subTokens.has(ownAscii)) {
      add({ own: o.ascii, technique: 'name-as-subdomain', detail: `uses our name "${ownLabel}" (${name}) as a subdomain of ${candidate.registrableUnicode ?? candidate.unicode}` });
    }
    if (!label) continue;
    const sameSuffix = candidate.publicSuffix === o.publicSuffix;
    const where = sameSuffix ? '' : ` under .${candidate.publicSuffix} instead of .${o.publicSuffix}`;
    if (label === ownLabel) {
      if (!sameSuffix) {
        add({ own: o.ascii, technique: 'other-suffix', detail: `our name "${ownLabel}" under another suffix: ${candidate.registrableUnicode} imitates ${name}${candidate.privateSuffix ? ` (.${candidate.publicSuffix} is a platform where anyone can get a name)` : ''}` });
      }
      continue;
    }
    const ownSkeleton = own.skeletons.get(o.ascii) ?? skeleton(ownLabel);
    if (candSkeleton === ownSkeleton) {
      add({ own: o.ascii, technique: 'homoglyph', detail: `${candidate.registrableUnicode} looks like ${name}: ${describeSwaps(label, ownLabel)}${where}${candidate.idn ? ` (punycode ${candidate.registrable})` : ''}` });
      continue;
    }
    if (ownLabel.length >= MIN_LABEL) {
      const limit = typoLimit([...ownLabel].length);
      // The distance is at least the difference in length: most names are rejected without it.
      const distance = Math.abs(candLength - [...ownSkeleton].length) > limit ? limit + 1 : damerauLevenshtein(candSkeleton, ownSkeleton);
      if (distance > 0 && distance <= limit) {
        add({ own: o.ascii, technique: 'typo', detail: `${candidate.registrableUnicode} is ${distance} edit${distance === 1 ? '' : 's'} away from ${name} (typo-squatting)${where}` }, distance);
        continue;
      }
      // Our name with words around it: example-login.com, secure-example.net, exampleshop.com.
      if (labelTokenSkeletons.has(ownSkeleton) || (candSkeleton.includes(ownSkeleton) && ownSkeleton.length >= 5)) {
        add({ own: o.ascii, technique: 'name-embedded', detail: `${candidate.registrableUnicode} contains our name "${ownLabel}" (${name}) with other words` });
      }
    }
  }
  // exampl.com is a typo of example.com, not also of example.org: name only the closest own
  // domain(s); two stay only when imitated equally (example.net against example.com and .org).
  if (closeness.size < 2) return result;
  const best = Math.min(...closeness.values());
  result.matches = result.matches.filter((m) => closeness.get(m.own) === best);
  return result;
}

// Closer techniques first: our whole domain spelled out, then our name looking the same, then
// typos by edit count, then our name among other words.
const TECHNIQUE_RANK: Record<LookalikeTechnique, number> = {
  'domain-as-subdomain': 0, 'domain-as-userinfo': 0, homoglyph: 1, 'other-suffix': 1, typo: 2, 'name-as-subdomain': 5, 'name-embedded': 6,
};

/** Lower is closer; under our own suffix beats under another one for the same technique. */
function closenessOf(technique: LookalikeTechnique, sameSuffix: boolean, distance: number): number {
  return (TECHNIQUE_RANK[technique] + distance) * 2 + (sameSuffix ? 0 : 1);
}

/** A URL's "user@" part naming one of our domains: https://example.com@evil.net goes to evil.net. */
export function checkUserinfo(userinfo: string, host: string, own: OwnDomains): LookalikeMatch[] {
  const name = userinfo.split(':')[0].toLowerCase();
  const hit = own.domains.find((o) => name === o.ascii || name.endsWith(`.${o.ascii}`) || name.includes(o.ascii));
  return hit ? [{ own: hit.ascii, technique: 'domain-as-userinfo', detail: `the URL starts with our domain ${hit.unicode} before an "@", but leads to ${host}` }] : [];
}
