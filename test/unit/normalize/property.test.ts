// Property-based tests: escape/parse round trips for CEF, LEEF and syslog; the IOC extractor finds
// every generated address in canonical form and never throws; the normalizer only ever throws
// AlertFormatError.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { AlertFormatError, extractIocs, normalizeAlerts } from '../../../core/normalize';
import { escapeCefHeader, escapeCefValue, parseCefExtension, parseCefRecord } from '../../../core/normalize/formats/cef';
import { parseLeefRecord } from '../../../core/normalize/formats/leef';
import { parseSyslogHeader } from '../../../core/normalize/formats/syslog';
import { parseIp } from '../../../core/normalize/ip';
import { NOW } from './helpers';

const RUNS = { numRuns: 300 };
const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,15}$/);
const anyText = fc.string({ unit: 'binary', maxLength: 80 });

describe('normalize: properties', () => {
  it('CEF: any extension values survive escape -> parse', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.tuple(key, anyText), { selector: ([k]) => k, minLength: 1, maxLength: 8 }), (pairs) => {
      const ext = pairs.map(([k, v]) => `${k}=${escapeCefValue(v)}`).join(' ');
      assert.deepEqual(parseCefExtension(ext), Object.fromEntries(pairs));
    }), RUNS);
  });

  it('CEF: any header fields survive escape -> parse, behind an optional syslog prefix', () => {
    const field = fc.string({ unit: 'binary', maxLength: 30 }).filter((s) => !/[\r\n]/.test(s));
    fc.assert(fc.property(fc.array(field, { minLength: 6, maxLength: 6 }), fc.boolean(), (f, prefixed) => {
      const line = `${prefixed ? '<134>Sep 19 08:26:10 host ' : ''}CEF:0|${f.map(escapeCefHeader).join('|')}|src=198.51.100.1`;
      const r = parseCefRecord(line);
      assert.deepEqual([r.vendor, r.product, r.deviceVersion, r.signatureId, r.name, r.severity], [f[0], f[1], f[2], f[3], f[4], f[5].trim()]);
      assert.deepEqual(r.extension, { src: '198.51.100.1' });
    }), RUNS);
  });

  it('LEEF 1.0 and 2.0: attributes survive for any delimiter that is not in the values', () => {
    const delim = fc.constantFrom('\t', '^', '|', ';', '#', '\u0001');
    fc.assert(fc.property(delim, fc.boolean(), fc.uniqueArray(fc.tuple(key, anyText), { selector: ([k]) => k, minLength: 1, maxLength: 8 }), (d, v2, pairs) => {
      const clean = pairs.map(([k, v]) => [k, v.split(d).join('').replace(/[\r\n]/g, '')] as [string, string]);
      const attrs = clean.map(([k, v]) => `${k}=${v}`).join(v2 ? d : '\t');
      const hex = `x${d.charCodeAt(0).toString(16).padStart(2, '0')}`;
      const line = v2 ? `LEEF:2.0|V|P|1.0|E1|${d === '|' ? hex : d}|${attrs}` : `LEEF:1.0|V|P|1.0|E1|${attrs}`;
      if (!v2 && clean.some(([, v]) => v.includes('\t'))) return;
      const r = parseLeefRecord(line);
      assert.deepEqual(r.attributes, Object.fromEntries(clean));
      assert.equal(r.eventId, 'E1');
    }), RUNS);
  });

  it('syslog: PRI, host, tag and message survive formatting -> parse (RFC 3164 and 5424)', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9.-]{0,20}$/);
    const msg = fc.string({ maxLength: 60 }).filter((s) => !/[\r\n]/.test(s));
    fc.assert(fc.property(fc.integer({ min: 0, max: 191 }), word, word, msg, fc.boolean(), (pri, host, app, text, rfc5424) => {
      const line = rfc5424
        ? `<${pri}>1 2024-05-01T10:00:00.123Z ${host} ${app} 42 ID7 - ${text}`
        : `<${pri}>May  1 10:00:00 ${host} ${app}[42]: ${text}`;
      const h = parseSyslogHeader(line, NOW);
      assert.deepEqual([h.pri, h.host, h.app, h.procId, h.msg], [pri, host, app, '42', text]);
      assert.equal(h.time?.iso, rfc5424 ? '2024-05-01T10:00:00.123Z' : '2026-05-01T10:00:00Z');
    }), RUNS);
  });

  it('IOC: any IPv4 in text is found, canonical', () => {
    fc.assert(fc.property(fc.ipV4(), fc.constantFrom('src ', 'from ', '(', '"', 'ip='), fc.constantFrom('', ' ', ':443', '.', ')', ','), (ip, before, after) => {
      const found = extractIocs(`connection ${before}${ip}${after} seen`).filter((i) => i.type === 'ip').map((i) => i.value);
      const canonical = parseIp(ip);
      const ignorable = ip.startsWith('127.') || ip === '0.0.0.0';
      assert.ok(canonical);
      if (!ignorable) assert.ok(found.includes(canonical.canonical), `${ip} -> ${JSON.stringify(found)}`);
    }), RUNS);
  });

  it('IOC: any IPv6 in text is found in RFC 5952 form', () => {
    fc.assert(fc.property(fc.ipV6(), (ip) => {
      const p = parseIp(ip);
      assert.ok(p, ip);
      // The WHATWG URL parser writes the same compressed lower-case text (IPv4-mapped aside).
      const expected = p.version === 6 ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : p.canonical;
      assert.equal(p.canonical, expected);
      const found = extractIocs(`peer ${ip} closed`).map((i) => i.value);
      if (p.canonical !== '::' && p.canonical !== '::1') assert.ok(found.includes(p.canonical), `${ip} -> ${JSON.stringify(found)}`);
    }), RUNS);
  });

  it('IOC: never throws, and is fast, on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => {
      const out = extractIocs(s);
      assert.ok(Array.isArray(out));
    }), { numRuns: 500 });
    const hostile = ['a.'.repeat(50000), '1.'.repeat(50000), ':'.repeat(100000), 'f'.repeat(100000), 'a@'.repeat(50000), 'http://' + 'a'.repeat(100000), 'C:\\' + 'a\\'.repeat(30000)];
    const t0 = Date.now();
    for (const h of hostile) extractIocs(h);
    assert.ok(Date.now() - t0 < 3000, `hostile inputs took ${Date.now() - t0} ms`);
  });

  it('normalizeAlerts throws nothing but AlertFormatError on arbitrary text and JSON', () => {
    const check = (payload: string | object): void => {
      try {
        normalizeAlerts(payload, { now: NOW });
      } catch (e) {
        assert.ok(e instanceof AlertFormatError, `${e instanceof Error ? e.stack : String(e)}\npayload: ${JSON.stringify(payload).slice(0, 200)}`);
      }
    };
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), check), { numRuns: 300 });
    fc.assert(fc.property(fc.json({ maxDepth: 4 }), check), { numRuns: 300 });
    const prefixes = ['CEF:0|', 'LEEF:2.0|', 'LEEF:1.0|', '<13>', '** Alert 1714557600.1:', '#fields\t', '01/01/2024-00:00:00 [**] '];
    fc.assert(fc.property(fc.constantFrom(...prefixes), fc.string({ unit: 'binary', maxLength: 120 }), (p, s) => check(p + s)), { numRuns: 400 });
    // Known shapes with random values in their fields.
    const shapes: Array<(v: unknown) => object> = [
      (v) => ({ receiver: 'r', groupKey: 'g', alerts: [{ labels: v, startsAt: v }] }),
      (v) => ({ schemaId: 'azureMonitorCommonAlertSchema', data: { essentials: { alertRule: 'x', severity: v, firedDateTime: v } } }),
      (v) => ({ metadata: { eventType: 'x' }, event: { Severity: v, NetworkAccesses: v, ComputerName: v } }),
      (v) => ({ threatInfo: { threatName: 'x', createdAt: v }, agentRealtimeInfo: { networkInterfaces: v } }),
      (v) => ({ title: 'x', severity: v, src_ip: v, details: v }),
      (v) => ({ event_type: 'alert', src_ip: v, alert: v, dns: v }),
      (v) => ({ '@odata.type': '#microsoft.graph.security.alert', title: 'x', evidence: v, createdDateTime: v }),
    ];
    fc.assert(fc.property(fc.constantFrom(...shapes), fc.jsonValue({ maxDepth: 3 }), (shape, v) => check(shape(v))), { numRuns: 400 });
  });
});
