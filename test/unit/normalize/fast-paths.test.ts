// The hand-written fast paths of the normalizer against the plain definitions they replace:
// refang's single pass vs the chain of regex replacements, the hash probe vs a regex, the
// shallow path reader vs flattenPaths, key-filtered detection vs trying every format, and the
// ISO time reader vs Date arithmetic.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { detectFormat, extractIocs, FORMATS, ObservableCollector, refang } from '../../../core/normalize';
import { publicDomain, urlHost } from '../../../core/normalize/ioc';
import { parseTime } from '../../../core/normalize/time';
import { flattenPaths, ShallowPaths, type Obj } from '../../../core/normalize/util';
import { FIXTURES, NOW } from './helpers';

/** What refang() was: a chain of String.replace calls, skipped for text with no bracket, "xx", "XX" or "**". */
function refangByRegex(text: string): string {
  if (!/[[({]|xx|XX|\*\*/.test(text)) return text;
  return text
    .replace(/\b(?:hxxp|h\*\*p)(s?)(?=:|\[:)/gi, 'http$1')
    .replace(/\[:\/\/\]/g, '://').replace(/\[:\]/g, ':')
    .replace(/\s?(?:\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\})\s?/gi, '.')
    .replace(/\s?(?:\[@\]|\(@\)|\[at\]|\(at\))\s?/gi, '@');
}

const DEFANG_PARTS = [
  'hxxp', 'hxxps', 'HXXP', 'hXxP', 'h**p', 'h**ps', 'xhxxp', '_hxxp', 's', ':', '[:', '[:]', '[://]', '//', '[.]', '(.)', '{.}', '[dot]',
  '(DOT)', '{Dot}', '[@]', '(@)', '[at]', '(AT)', '{at}', '[@)', '(dot]', '[', ']', '(', ')', '{', '}', '.', '@', ' ', '  ', '\t', '\n',
  '\u00a0', '\u2003', '\u3000', '\ufeff', '\u180e', '\u212a', 'evil', 'example', 'com', 'a', 'é', '1', 'x',
];
const defangText = fc.array(fc.constantFrom(...DEFANG_PARTS), { maxLength: 24 }).map((parts) => parts.join(''));

describe('normalize: fast paths keep the meaning of the plain definitions', () => {
  it('refang: one pass gives what the chain of replacements gave', () => {
    fc.assert(fc.property(defangText, (t) => assert.equal(refang(t), refangByRegex(t), JSON.stringify(t))), { numRuns: 3000 });
    // Every UTF-16 unit on both sides of a defanged dot and at: white space exactly as \s sees it.
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      for (const t of [`a${ch}[.]${ch}b`, `a${ch}(at)${ch}b`, `${ch}hxxp://x`]) assert.equal(refang(t), refangByRegex(t), `U+${c.toString(16)}`);
    }
  });

  it('hashes: the one-in-32 probe finds every 32, 40 and 64 digit run a regex finds, at any offset', () => {
    const hashRe = /(?<![A-Za-z0-9])(?:[0-9a-fA-F]{64}|[0-9a-fA-F]{40}|[0-9a-fA-F]{32})(?![A-Za-z0-9])/g;
    const byRegex = (t: string): string[] => [...t.matchAll(hashRe)].map((m) => m[0].toLowerCase()).filter((h) => !/^0+$/.test(h));
    const found = (t: string): string[] => extractIocs(t).filter((i) => i.type.startsWith('hash:')).map((i) => i.value);
    for (const len of [31, 32, 33, 39, 40, 41, 63, 64, 65]) {
      const h = 'a1b2c3d4e5f60718'.repeat(5).slice(0, len);
      for (let at = 0; at < 70; at++) {
        for (const filler of ['x', ' ', 'dead beef ', 'Z']) {
          const t = filler.repeat(at).slice(0, at) + h + (at % 2 ? ' end' : 'g');
          assert.deepEqual(found(t), byRegex(t), JSON.stringify(t));
          assert.deepEqual(found(t + '.'), byRegex(t + '.'), JSON.stringify(t + '.'));
        }
      }
    }
    const hexish = fc.array(fc.constantFrom('a', 'F', '0', '9', 'g', ' ', '-', '_', '.', '/', 'é', 'deadbeef', '0123456789abcdef'), { maxLength: 60 }).map((p) => p.join(''));
    fc.assert(fc.property(hexish, (t) => assert.deepEqual([...new Set(found(t))], [...new Set(byRegex(t))], JSON.stringify(t))), { numRuns: 2000 });
  });

  it('domains: label and TLD limits, file-like names, versions and people words', () => {
    const has = (t: string, v: string): boolean => extractIocs(t).some((i) => i.value === v);
    const label63 = 'a'.repeat(63);
    assert.ok(has(`see ${label63}.example.com now`, `${label63}.example.com`));
    assert.ok(!has(`see a${label63}.example.com now`, `a${label63}.example.com`));
    assert.ok(has('via a.b.c.d.e.f.g.h.i.example.com', 'a.b.c.d.e.f.g.h.i.example.com')); // 11 labels
    assert.ok(!has('via a.b.c.d.e.f.g.h.i.j.example.com', 'a.b.c.d.e.f.g.h.i.j.example.com')); // 12
    assert.ok(!has('via -bad.example.com', '-bad.example.com'));
    assert.ok(!has('open invoice.zip', 'invoice.zip'));
    assert.ok(has('open evil.example.zip', 'evil.example.zip'));
    assert.ok(!has('agent version 1.2.3.4 up', '1.2.3.4'));
    assert.ok(!has('agent VERSION 1.2.3.4 up', '1.2.3.4'));
    assert.ok(has('agent versionx 1.2.3.4 up', '1.2.3.4'));
    assert.ok(!has('To: bob@evil-example.com', 'bob@evil-example.com'));
    assert.ok(has('xto: bob@evil-example.com', 'bob@evil-example.com'));
    // The Kelvin sign lower-cases to "k": "\u212Ato" is a word, not "to".
    assert.ok(has('\u212Ato: bob@evil-example.com', 'bob@evil-example.com'));
  });

  it('URL hosts and public domains answer the same when asked again', () => {
    for (const u of ['https://User@Portal.Example.com:8443/x?y#z', 'http://[2001:db8::1]:80/', 'http://:9093', 'ftp://a.example.org', 'https://h?q', 'x']) {
      const first = urlHost(u);
      assert.equal(urlHost(u), first);
      assert.equal(urlHost((' ' + u).slice(1)), first);
    }
    assert.equal(urlHost('https://User@Portal.Example.com:8443/x'), 'portal.example.com');
    assert.equal(urlHost('http://[2001:db8::1]:80/'), '2001:db8::1');
    for (let i = 0; i < 3; i++) {
      assert.equal(publicDomain('Login.Example.COM.'), 'login.example.com');
      assert.equal(publicDomain('printer.local'), undefined);
    }
  });

  it('collector: de-duplicates and keeps first-seen order past the size where it indexes', () => {
    const c = new ObservableCollector();
    const ips = Array.from({ length: 40 }, (_v, i) => `198.51.100.${i + 1}`);
    for (const ip of ips) c.ip(ip, 'source');
    for (const ip of ips) c.ip(ip, 'destination');
    c.host('WEB-01');
    c.host('web-01', 'target');
    const all = c.toArray();
    assert.equal(all.length, 41);
    assert.deepEqual(all.slice(0, 40).map((o) => o.value), ips);
    assert.ok(all.slice(0, 40).every((o) => o.roles.join() === 'source,destination'));
    assert.deepEqual(all[40], { type: 'host', value: 'WEB-01', roles: ['target'], tags: [] });
    // A URL's host and the extractor's domain for it are one observable.
    const d = new ObservableCollector();
    d.text('see hxxps://Evil[.]Example[.]com/a then evil.example.com', 'source');
    d.domain('evil.example.com', 'related');
    assert.deepEqual(d.toArray().filter((o) => o.type === 'domain'), [{ type: 'domain', value: 'evil.example.com', roles: ['source', 'related'], tags: [] }]);
  });

  it('ShallowPaths reads what flattenPaths(o, cap, 2) maps, dotted keys, caps and odd objects included', () => {
    const key = fc.constantFrom('a', 'b', 'a.b', 'b.c', 'c', 'a.b.c', 'rule', 'name', 'rule.name', '0', 'constructor', 'toString', 'title', '__proto__');
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, fc.string({ maxLength: 3 }), fc.constant(undefined), fc.constant(null), fc.integer(),
        fc.array(tie('v'), { maxLength: 2 }), fc.dictionary(key, tie('v'), { maxKeys: 5 }), fc.constant(new Date(0))),
    })).v;
    const known = ['a', 'b', 'a.b', 'b.c', 'rule.name', 'c', 'title', 'rule.id', 'constructor', 'toString', '0', 'a.constructor', '__proto__', 'name'];
    const paths = new ShallowPaths(known);
    fc.assert(fc.property(fc.dictionary(key, value, { maxKeys: 8 }), fc.integer({ min: 1, max: 14 }), fc.boolean(), (doc, cap, viaJson) => {
      const o = (viaJson ? JSON.parse(JSON.stringify(doc)) : doc) as Obj;
      const map = flattenPaths(o, cap, 2);
      const read = paths.read(o, cap);
      known.forEach((p, i) => assert.ok(Object.is(read[i], map.get(p)), `${p} with cap ${cap}`));
    }), { numRuns: 3000 });
    assert.throws(() => new ShallowPaths(['a.b.c']));
  });

  it('detection that skips formats by key picks what trying every format picks', () => {
    const keys = [
      'alerts', 'ruleName', 'sid', 'detail-type', 'type', 'SchemaVersion', 'eventVersion', 'schemaId', 'data', 'object', 'properties', '@odata.type',
      'serviceSource', 'alertCreationTime', 'metadata', 'threatInfo', 'uuid', 'rule', 'event_type', 'ts', 'class_uid', 'kibana.alert.rule.name', 'kibana',
      '@timestamp', 'orgId', 'state', 'title', 'evalMatches', 'groupKey', 'receiver', 'results_link', 'search_name', 'severity', 'service', 'arn',
      'ProductArn', 'eventSource', 'eventName', 'essentials', 'incidentNumber', 'detectionSource', 'createdDateTime', 'machineId', 'computerDnsName',
      'eventType', 'event', 'agentRealtimeInfo', 'agentDetectionInfo', 'published', 'level', 'agent', 'manager', 'full_log', 'decoder', 'src_ip',
      'flow_id', 'alert', 'note', 'uid', 'id.orig_h', 'id', 'orig_h', 'severity_id', 'category_uid', 'ecs', 'ecs.version', 'kind', 'event.kind',
      'name', 'message', 'serviceName', 'constructor', 'toString',
    ];
    const text = fc.constantFrom('GuardDuty Finding', 'Microsoft.SecurityInsights/Incidents', '#microsoft.graph.security.alert', 'azureMonitorCommonAlertSchema',
      'guardduty', 'arn:aws:guardduty:x', 'x', '');
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.constant(null), fc.array(tie('v'), { maxLength: 2 }), fc.dictionary(fc.constantFrom(...keys), tie('v'), { maxKeys: 4 })),
    })).v;
    const detect = (p: string | object): string => {
      try {
        return detectFormat(p);
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    };
    // Text payloads take the key filter; object payloads try every format. First every format's
    // own records (fixtures and examples), whole and with each top-level key left out in turn.
    const records: Obj[] = FORMATS.filter((f) => f.example.startsWith('{')).map((f) => JSON.parse(f.example) as Obj);
    for (const f of fs.readdirSync(FIXTURES)) {
      const t = fs.readFileSync(path.join(FIXTURES, f), 'utf8');
      if (!f.endsWith('.json') || f.endsWith('.expected.json')) continue;
      let docs: unknown[];
      try {
        docs = [JSON.parse(t)];
      } catch {
        docs = t.split('\n').filter((l) => l.trim()).map((l): unknown => JSON.parse(l)); // NDJSON
      }
      for (const d of docs.flat()) if (typeof d === 'object' && d !== null) records.push(d as Obj);
    }
    assert.ok(records.length > 20);
    for (const r of records) {
      for (const drop of [undefined, ...Object.keys(r)]) {
        const json = JSON.stringify(r, (k, v: unknown) => (k !== '' && k === drop ? undefined : v));
        assert.equal(detect(json), detect(JSON.parse(json) as object), json.slice(0, 200));
      }
    }
    fc.assert(fc.property(fc.dictionary(fc.constantFrom(...keys), value, { minKeys: 1, maxKeys: 10 }), (rec) => {
      const json = JSON.stringify(rec);
      assert.equal(detect(json), detect(JSON.parse(json) as object), json);
    }), { numRuns: 3000 });
  });

  it('ISO times with a zone offset land on the instant Date arithmetic gives, across day, month and year ends', () => {
    const two = (n: number): string => String(n).padStart(2, '0');
    const stamp = fc.record({
      y: fc.integer({ min: 1000, max: 9998 }), mo: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }), h: fc.constantFrom(0, 1, 12, 22, 23),
      mi: fc.constantFrom(0, 1, 30, 59), s: fc.constantFrom(0, 59, 60), frac: fc.constantFrom('', '.5', '.123456', '.1234567890123'),
      sign: fc.constantFrom('+', '-'), oh: fc.integer({ min: 0, max: 23 }), om: fc.constantFrom(0, 30, 45, 59), z: fc.boolean(),
    });
    fc.assert(fc.property(stamp, (t) => {
      const daysIn = new Date(Date.UTC(t.y, t.mo, 0)).getUTCDate();
      if (t.d > daysIn) return;
      const zone = t.z ? 'Z' : `${t.sign}${two(t.oh)}:${two(t.om)}`;
      const text = `${t.y}-${two(t.mo)}-${two(t.d)}T${two(t.h)}:${two(t.mi)}:${two(t.s)}${t.frac}${zone}`;
      const offset = t.z ? 0 : (t.sign === '-' ? -1 : 1) * (t.oh * 60 + t.om);
      const ms = Date.UTC(t.y, t.mo - 1, t.d, t.h, t.mi, t.s === 60 ? 59 : t.s) - offset * 60000;
      const frac = t.frac ? '.' + t.frac.slice(1, 10) : '';
      assert.equal(parseTime(text, 'f', NOW)?.iso, new Date(ms).toISOString().slice(0, 19) + frac + 'Z', text);
    }), { numRuns: 3000 });
    assert.equal(parseTime('2024-02-29T23:30:00-01:00', 'f', NOW)?.iso, '2024-03-01T00:30:00Z');
    assert.equal(parseTime('2024-03-01T00:10:00+01:00', 'f', NOW)?.iso, '2024-02-29T23:10:00Z');
    assert.equal(parseTime('2023-12-31T23:00:00-05:00', 'f', NOW)?.iso, '2024-01-01T04:00:00Z');
    assert.throws(() => parseTime('9999-12-31T23:00:00-05:00', 'f', NOW), /year out of range/);
    assert.throws(() => parseTime('0001-01-01T00:00:00+00:01', 'f', NOW), /year out of range/);
    assert.throws(() => parseTime('2024-01-01T00:00:00+24:00', 'f', NOW), /impossible zone offset/);
    assert.throws(() => parseTime('2024-02-30T00:00:00Z', 'f', NOW), /no such day/);
  });
});
