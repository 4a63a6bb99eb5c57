// Source times to ISO-8601 UTC ("...Z"), keeping the fractional digits the source gives (up to 9).
// Absent or "unset" values give undefined; present but impossible values throw AlertFormatError
// "bad-date", so a broken clock never turns silently into the receipt time.
import { AlertFormatError } from './errors';

export interface TimeResult {
  iso: string;
  rule: 'source' | 'ingest-year';
}

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

// Fixed-offset zone names seen in CEF/syslog stamps; anything else is refused, not guessed.
const ZONES: Record<string, number> = {
  z: 0, utc: 0, gmt: 0, ut: 0, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360,
  pst: -480, pdt: -420, cet: 60, cest: 120, eet: 120, eest: 180, wet: 0, west: 60,
};

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)?$/;
// "Oct 15 2019 21:07:56.123 UTC" (CEF rt, Cisco) and "Oct 15 21:07:56" (BSD syslog, no year).
const MONTH_FIRST_RE =
  /^([A-Za-z]{3})\s+(\d{1,2})\s+(?:(\d{4})\s+)?(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(?:\s+([A-Za-z]{1,5}|[+-]\d{2}:?\d{2}))?$/;
// RFC 2822 / HTTP dates: "Tue, 15 Nov 1994 08:12:31 GMT".
const RFC2822_RE =
  /^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s*([A-Za-z]{1,5}|[+-]\d{4})?$/;
const EPOCH_RE = /^\d{9,19}(?:\.\d{1,9})?$/;

function bad(field: string, value: unknown, why: string): AlertFormatError {
  const shown = typeof value === 'string' ? JSON.stringify(value.length > 60 ? value.slice(0, 60) + '...' : value) : String(value);
  return new AlertFormatError('bad-date', `bad date in ${field}: ${shown} (${why})`);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(y: number, m: number): number {
  return m === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : MONTH_DAYS[m - 1];
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y0: number, m: number, d: number): number {
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Milliseconds since the epoch for a civil UTC time (pure arithmetic; no Date objects). */
function civilMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  return daysFromCivil(y, mo, d) * 86400000 + ((h * 60 + mi) * 60 + s) * 1000;
}

/** "YYYY-MM-DDTHH:MM:SS" + fraction + "Z" for a whole-second epoch value. */
export function formatUtc(ms: number, fraction = ''): string {
  const days = Math.floor(ms / 86400000);
  let secs = Math.floor((ms - days * 86400000) / 1000);
  // civil_from_days
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const h = Math.floor(secs / 3600);
  secs -= h * 3600;
  const mi = Math.floor(secs / 60);
  const s = secs - mi * 60;
  return `${pad(y, 4)}-${pad2(m)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(s)}${fraction ? '.' + fraction : ''}Z`;
}

function offsetMinutes(zone: string | undefined, field: string, value: unknown): number {
  if (!zone) return 0;
  const z = zone.trim();
  if (z.length === 6 && z.charCodeAt(3) === 58 && (z[0] === '+' || z[0] === '-')) {
    // "+hh:mm", the usual form, without slicing (same checks as below).
    const h = digitPair(z, 1);
    const m = digitPair(z, 4);
    if (h >= 0 && m >= 0) {
      if (h > 23 || m > 59) throw bad(field, value, 'impossible zone offset');
      return (z[0] === '-' ? -1 : 1) * (h * 60 + m);
    }
  }
  if (z[0] === '+' || z[0] === '-') {
    const digits = z.slice(1).replace(':', '');
    const h = Number(digits.slice(0, 2));
    const m = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (h > 23 || m > 59) throw bad(field, value, 'impossible zone offset');
    return (z[0] === '-' ? -1 : 1) * (h * 60 + m);
  }
  const known = ZONES[z.toLowerCase()];
  if (known === undefined) throw bad(field, value, `unknown time zone "${z}"`);
  return known;
}

/** The two-digit number at i, or -1. */
function digitPair(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_v, i) => (i < 10 ? '0' : '') + i);

/** pad(n, 2) from a table: month, day, hour, minute and second fields. */
function pad2(n: number): string {
  return TWO_DIGITS[n] ?? pad(n, 2);
}

function pad(n: number, width: number): string {
  const t = String(n);
  return t.length >= width ? t : '0000'.slice(0, width - t.length) + t;
}

interface Civil {
  y: number; mo: number; d: number; h: number; mi: number; s: number;
  frac: string; offset: number;
}

function checkCivil(c: Civil, field: string, value: unknown): void {
  if (c.y < 1 || c.y > 9999) throw bad(field, value, 'year out of range');
  if (c.mo < 1 || c.mo > 12) throw bad(field, value, 'month out of range');
  if (c.d < 1 || c.d > daysInMonth(c.y, c.mo)) throw bad(field, value, 'no such day in that month');
  if (c.h > 23 || c.mi > 59 || c.s > 60) throw bad(field, value, 'time of day out of range');
}

function civilToIso(c: Civil, field: string, value: unknown): string {
  checkCivil(c, field, value);
  const sec = c.s === 60 ? 59 : c.s; // a leap second stays inside its minute
  if (c.offset === 0) {
    // Already UTC: write the fields back without a Date round trip (the common case).
    return `${pad(c.y, 4)}-${pad2(c.mo)}-${pad2(c.d)}T${pad2(c.h)}:${pad2(c.mi)}:${pad2(sec)}${c.frac ? '.' + c.frac.slice(0, 9) : ''}Z`;
  }
  if (Number.isInteger(c.offset) && c.offset > -1440 && c.offset < 1440) {
    // Shifted on the fields: under a day either way, so at most one day carries (cheaper than
    // the epoch round trip below, same instant; the year bounds are the same as the ms ones).
    let minutes = c.h * 60 + c.mi - c.offset;
    let { y, mo, d } = c;
    if (minutes < 0) {
      minutes += 1440;
      if (--d < 1) {
        if (--mo < 1) {
          mo = 12;
          y--;
        }
        d = daysInMonth(y, mo);
      }
    } else if (minutes >= 1440) {
      minutes -= 1440;
      if (++d > daysInMonth(y, mo)) {
        d = 1;
        if (++mo > 12) {
          mo = 1;
          y++;
        }
      }
    }
    if (y < 1 || y > 9999) throw bad(field, value, 'year out of range');
    const h = Math.floor(minutes / 60);
    return `${pad(y, 4)}-${pad2(mo)}-${pad2(d)}T${pad2(h)}:${pad2(minutes - h * 60)}:${pad2(sec)}${c.frac ? '.' + c.frac.slice(0, 9) : ''}Z`;
  }
  const ms = civilMs(c.y, c.mo, c.d, c.h, c.mi, sec) - c.offset * 60000;
  if (!Number.isFinite(ms) || ms < -62135596800000 || ms > 253402300799000) throw bad(field, value, 'year out of range');
  return formatUtc(ms, c.frac.slice(0, 9));
}

/** Epoch seconds/ms/us/ns by magnitude. Keeps the fractional digits of seconds given as text. */
function fromEpoch(text: string, field: string, value: unknown): string | undefined {
  const dot = text.indexOf('.');
  const intPart = dot === -1 ? text : text.slice(0, dot);
  const fracPart = dot === -1 ? '' : text.slice(dot + 1);
  const n = Number(intPart);
  if (n === 0) return undefined; // 0 is the usual "unset" value (e.g. ProcessEndTime)
  let ms: number;
  let frac: string;
  if (n < 1e11) { ms = n * 1000; frac = fracPart; }
  else if (n < 1e14) { ms = n; frac = String(n % 1000).padStart(3, '0') + fracPart; ms -= n % 1000; }
  else if (n < 1e17) {
    const big = BigInt(intPart);
    ms = Number(big / 1000000n) * 1000;
    frac = String(big % 1000000n).padStart(6, '0');
  } else {
    const big = BigInt(intPart);
    ms = Number(big / 1000000000n) * 1000;
    frac = String(big % 1000000000n).padStart(9, '0');
  }
  if (ms > 253402300799000) throw bad(field, value, 'epoch value out of range');
  return formatUtc(ms, frac.slice(0, 9));
}

/**
 * A source time as ISO UTC. Returns undefined for absent values (null, "", "-", 0);
 * throws AlertFormatError "bad-date" for present values that are impossible or unreadable.
 * `now` gives the year of year-less BSD syslog stamps (rule "ingest-year").
 */
export function parseTime(value: unknown, field: string, now: Date): TimeResult | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw bad(field, value, 'not a valid epoch time');
    if (value === 0) return undefined;
    // Number -> text keeps the digits a JSON float carried (1427726759.303199).
    const t = Number.isInteger(value) ? value.toFixed(0) : String(value);
    if (!EPOCH_RE.test(t)) throw bad(field, value, 'not a valid epoch time');
    const iso = fromEpoch(t, field, value);
    return iso === undefined ? undefined : { iso, rule: 'source' };
  }
  if (typeof value !== 'string') throw bad(field, value, 'not a time value');
  const s = value.trim();
  if (s === '' || s === '-' || s === '0') return undefined;
  const c0 = s.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) {
    const common = commonIso(s, field, value);
    if (common !== undefined) return { iso: common, rule: 'source' };
    const m = isoGroups(ISO_RE.exec(s));
    if (m) return { iso: isoFromGroups(m, field, value), rule: 'source' };
    if (EPOCH_RE.test(s)) {
      const iso = fromEpoch(s, field, value);
      return iso === undefined ? undefined : { iso, rule: 'source' };
    }
    const r = RFC2822_RE.exec(s);
    if (r) return { iso: fromMonthName(r[2], +r[1], +r[3], +r[4], +r[5], r[6] ? +r[6] : 0, '', r[7], field, value), rule: 'source' };
    throw bad(field, value, 'unrecognized date format');
  }
  const mf = MONTH_FIRST_RE.exec(s);
  if (mf) {
    if (mf[3]) {
      return { iso: fromMonthName(mf[1], +mf[2], +mf[3], +mf[4], +mf[5], +mf[6], mf[7] ?? '', mf[8], field, value), rule: 'source' };
    }
    return { iso: yearless(mf[1], +mf[2], +mf[4], +mf[5], +mf[6], mf[7] ?? '', now, field, value), rule: 'ingest-year' };
  }
  const r = RFC2822_RE.exec(s);
  if (r) return { iso: fromMonthName(r[2], +r[1], +r[3], +r[4], +r[5], r[6] ? +r[6] : 0, '', r[7], field, value), rule: 'source' };
  throw bad(field, value, 'unrecognized date format');
}

/** The groups of ISO_RE: date, optional time, fraction and zone. */
interface IsoGroups {
  y: string; mo: string; d: string; h?: string; mi?: string; s?: string; frac?: string; zone?: string;
}

function isoGroups(m: RegExpExecArray | null): IsoGroups | undefined {
  return m ? { y: m[1], mo: m[2], d: m[3], h: m[4], mi: m[5], s: m[6], frac: m[7], zone: m[8] } : undefined;
}

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/**
 * The usual shape "YYYY-MM-DDTHH:MM:SS[.fff](Z|+hh:mm)" read by hand, as ISO_RE and isoFromGroups
 * would read it (same checks, same errors in the same order): the regex call and the number
 * conversions of its groups cost more than the rest of the parse. Undefined for any other shape.
 */
function commonIso(s: string, field: string, value: unknown): string | undefined {
  const n = s.length;
  if (n < 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  const century = digitPair(s, 0);
  const year = digitPair(s, 2);
  const mo = digitPair(s, 5);
  const d = digitPair(s, 8);
  const h = digitPair(s, 11);
  const mi = digitPair(s, 14);
  const sec = digitPair(s, 17);
  if (century < 0 || year < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return undefined;
  const y = century * 100 + year;
  let i = 19;
  let frac = '';
  if (s.charCodeAt(i) === 46) {
    const from = ++i;
    while (i < n && isDigitAt(s, i)) i++;
    if (i === from) return undefined;
    frac = s.slice(from, i);
  }
  let offset = 0;
  if (i === n - 6 && s.charCodeAt(i + 3) === 58 && (s[i] === '+' || s[i] === '-')) {
    const oh = digitPair(s, i + 1);
    const om = digitPair(s, i + 4);
    if (oh < 0 || om < 0) return undefined;
    if (oh > 23 || om > 59) throw bad(field, value, 'impossible zone offset');
    offset = (s[i] === '-' ? -1 : 1) * (oh * 60 + om);
  } else if (i !== n - 1 || s.charCodeAt(i) !== 90) {
    return undefined;
  }
  const c: Civil = { y, mo, d, h, mi, s: sec, frac, offset };
  if (offset !== 0) return civilToIso(c, field, value);
  checkCivil(c, field, value);
  return (sec === 60 ? s.slice(0, 17) + '59' : s.slice(0, 19)) + (frac ? '.' + frac.slice(0, 9) : '') + 'Z';
}

/** ISO_RE's groups as ISO UTC. */
function isoFromGroups(m: IsoGroups, field: string, value: unknown): string {
  const zone = m.zone;
  const c: Civil = {
    y: +m.y, mo: +m.mo, d: +m.d, h: m.h ? +m.h : 0, mi: m.mi ? +m.mi : 0, s: m.s ? +m.s : 0,
    frac: m.frac ?? '', offset: zone === undefined || zone === 'Z' || zone === 'z' ? 0 : offsetMinutes(zone, field, value),
  };
  if (c.offset !== 0) return civilToIso(c, field, value);
  // Already UTC: the fixed-width digit groups are the output's own (what civilToIso writes).
  checkCivil(c, field, value);
  const sec = m.s === undefined ? '00' : m.s === '60' ? '59' : m.s;
  return `${m.y}-${m.mo}-${m.d}T${m.h ?? '00'}:${m.mi ?? '00'}:${sec}${c.frac ? '.' + c.frac.slice(0, 9) : ''}Z`;
}

function monthNumber(name: string, field: string, value: unknown): number {
  const mo = MONTHS[name.toLowerCase()];
  if (mo === undefined) throw bad(field, value, `unknown month "${name}"`);
  return mo;
}

function fromMonthName(
  mon: string, d: number, y: number, h: number, mi: number, s: number, frac: string, zone: string | undefined,
  field: string, value: unknown,
): string {
  return civilToIso({ y, mo: monthNumber(mon, field, value), d, h, mi, s, frac, offset: offsetMinutes(zone, field, value) }, field, value);
}

/**
 * A stamp without a year (BSD syslog "Apr 19 10:29:53"): the year of the receipt time, UTC.
 * A stamp more than a month in the future belongs to the previous year (December logs read in January).
 */
export function yearless(
  mon: string, d: number, h: number, mi: number, s: number, frac: string, now: Date, field: string, value: unknown,
): string {
  const mo = monthNumber(mon, field, value);
  let y = now.getUTCFullYear();
  if (mo === 2 && d === 29 && daysInMonth(y, 2) === 28) y -= 1; // only a leap year has Feb 29
  let iso = civilToIso({ y, mo, d, h, mi, s, frac, offset: 0 }, field, value);
  if (Date.parse(iso) - now.getTime() > 31 * 86400000) {
    iso = civilToIso({ y: y - 1, mo, d, h, mi, s, frac, offset: 0 }, field, value);
  }
  return iso;
}

/** A civil time from numeric parts (e.g. Suricata fast.log MM/DD/YYYY-HH:MM:SS.ffffff), UTC. */
export function civilUtc(
  y: number, mo: number, d: number, h: number, mi: number, s: number, frac: string, field: string, value: unknown,
): string {
  return civilToIso({ y, mo, d, h, mi, s, frac, offset: 0 }, field, value);
}

/** Milliseconds for ordering ISO strings made by this module (fraction beyond ms ignored). */
export function isoMs(iso: string): number {
  return Date.parse(iso.length > 24 ? iso.slice(0, 23) + 'Z' : iso);
}
