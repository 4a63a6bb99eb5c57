// Bad input gives AlertFormatError with the right code, a clear message, and no hang.
import * as assert from 'node:assert/strict';
import { gzipSync } from 'zlib';
import { normalizeAlert, normalizeAlerts } from '../../../core/normalize';
import { jsonErrorPosition } from '../../../core/normalize/input';
import { NOW, throwsFormat } from './helpers';

describe('normalize: bad input', () => {
  it('empty bodies', () => {
    for (const p of ['', '   \n\t ', Buffer.alloc(0), '{}', '[]', ' [ ] ', {}, []] as Array<string | Buffer | object>) {
      throwsFormat(() => normalizeAlerts(p), 'empty');
    }
    throwsFormat(() => normalizeAlerts(null as unknown as string), 'empty');
    throwsFormat(() => normalizeAlerts(undefined as unknown as string), 'empty');
  });

  it('invalid JSON names the position and the reason', () => {
    throwsFormat(() => normalizeAlerts('{"title": "x", }'), 'invalid-json', /^invalid JSON at position 15 \(line 1, column 16\): /);
    throwsFormat(() => normalizeAlerts('{"a":1'), 'invalid-json', /position 6/);
    throwsFormat(() => normalizeAlerts('[1,\n2,,3]'), 'invalid-json', /position 6 \(line 2, column 3\)/);
    throwsFormat(() => normalizeAlerts('{"a": "\\q"}'), 'invalid-json', /position 8/);
    // The message does not echo the payload.
    const e = throwsFormat(() => normalizeAlerts('{"secret": "hunter2" oops}'), 'invalid-json');
    assert.doesNotMatch(e.message, /hunter2/);
  });

  it('locates JSON syntax errors itself when V8 does not', () => {
    assert.equal(jsonErrorPosition('{"a":1}'), -1);
    assert.equal(jsonErrorPosition('{"a": }'), 6);
    assert.equal(jsonErrorPosition('[1,2,,]'), 5);
    assert.equal(jsonErrorPosition('{"a":1} x'), 8);
    assert.equal(jsonErrorPosition('{"a":tru}'), 5);
    assert.equal(jsonErrorPosition('"abc'), 4);
  });

  it('binary payloads', () => {
    throwsFormat(() => normalizeAlerts(Buffer.from([0x7b, 0x00, 0x7d])), 'binary', /NUL/);
    throwsFormat(() => normalizeAlerts(gzipSync(Buffer.from('{"title":"x"}'))), 'binary', /gzip/);
    throwsFormat(() => normalizeAlerts(Buffer.from(Array.from({ length: 200 }, (_v, i) => (i % 7) + 1))), 'binary');
    throwsFormat(() => normalizeAlerts('abc\u0000def'), 'binary');
    throwsFormat(() => normalizeAlerts(Buffer.from(Array.from({ length: 300 }, (_v, i) => 0x80 + (i % 60)))), 'binary');
  });

  it('too large: 413, for Buffer, string and object payloads', () => {
    const big = JSON.stringify({ title: 'x', pad: 'y'.repeat(2048) });
    const e = throwsFormat(() => normalizeAlerts(big, { maxBytes: 1024 }), 'too-large', /exceeds the limit of 1024 bytes/);
    assert.equal(e.statusCode, 413);
    throwsFormat(() => normalizeAlerts(Buffer.from(big), { maxBytes: 1024 }), 'too-large');
    throwsFormat(() => normalizeAlerts(JSON.parse(big) as object, { maxBytes: 1024 }), 'too-large');
    // Multi-byte characters count as UTF-8 bytes.
    throwsFormat(() => normalizeAlerts('\u00e9'.repeat(600), { maxBytes: 1000 }), 'too-large');
    throwsFormat(() => normalizeAlerts('x'.repeat(1024 * 1024 + 1)), 'too-large');
  });

  it('too deep: checked without recursion, even 100000 levels', () => {
    const deep = '['.repeat(100000) + ']'.repeat(100000);
    const t0 = Date.now();
    throwsFormat(() => normalizeAlerts(deep), 'too-deep', /deeper than 64 levels/);
    throwsFormat(() => normalizeAlerts('{"a":'.repeat(100000) + '1' + '}'.repeat(100000)), 'too-deep');
    assert.ok(Date.now() - t0 < 2000);
    throwsFormat(() => normalizeAlerts('{"a":[[["x"]]]}', { maxDepth: 3 }), 'too-deep');
    // Brackets inside strings do not count.
    assert.equal(normalizeAlerts(JSON.stringify({ title: '[[[[[[[[[[{{{{{{' }), { maxDepth: 2 }).length, 1);
    let obj: Record<string, unknown> = { title: 'x' };
    for (let i = 0; i < 100000; i++) obj = { a: obj };
    throwsFormat(() => normalizeAlerts(obj), 'too-deep');
  });

  it('unknown shapes', () => {
    throwsFormat(() => normalizeAlerts({ foo: 1, bar: { baz: 2 } }), 'unknown-format', /keys: foo, bar/);
    throwsFormat(() => normalizeAlerts('just some words'), 'unknown-format', /"just some words"/);
    throwsFormat(() => normalizeAlerts('CEF:0|a|b|1|s|n|3|\nhello'), 'unknown-format', /^line 2: /);
    throwsFormat(() => normalizeAlerts('null'), 'unknown-format', /JSON value null, not an alert/);
    throwsFormat(() => normalizeAlerts('42'), 'unknown-format', /JSON value 42, not an alert/);
    throwsFormat(() => normalizeAlerts('"an alert"'), 'unknown-format', /JSON value "an alert", not an alert/);
    throwsFormat(() => normalizeAlerts([{ title: 'ok' }, { nope: true }]), 'unknown-format', /record 2/);
  });

  it('impossible dates', () => {
    throwsFormat(() => normalizeAlerts({ title: 'x', timestamp: '2023-02-30T10:00:00Z' }), 'bad-date', /timestamp.*no such day/);
    throwsFormat(() => normalizeAlerts({ title: 'x', timestamp: '2023-13-01T10:00:00Z' }), 'bad-date', /month/);
    throwsFormat(() => normalizeAlerts({ title: 'x', timestamp: '2023-01-01T25:00:00Z' }), 'bad-date', /time of day/);
    throwsFormat(() => normalizeAlerts({ title: 'x', timestamp: '2023-01-01T10:00:00+25:00' }), 'bad-date', /zone/);
    throwsFormat(() => normalizeAlerts('CEF:0|a|b|1|s|n|3|rt=Feb 30 2024 10:00:00'), 'bad-date', /rt/);
    throwsFormat(() => normalizeAlerts('02/30/2024-10:00:00.1  [**] [1:1:1] x [**] {TCP} 1.2.3.4:1 -> 5.6.7.8:2'), 'bad-date', /fast.log/);
    throwsFormat(() => normalizeAlerts({ event_type: 'alert', src_ip: '10.0.0.1', timestamp: 'yesterday', alert: { signature: 'x' } }), 'bad-date', /unrecognized/);
    throwsFormat(() => normalizeAlerts({ title: 'x', timestamp: -5 }), 'bad-date');
    throwsFormat(() => normalizeAlerts('LEEF:1.0|a|b|1|e|devTime=13/2024\tdevTimeFormat=dd-MM-yyyy'), 'bad-date', /devTimeFormat/);
  });

  it('malformed records', () => {
    throwsFormat(() => normalizeAlerts('CEF:0|a|b|c'), 'bad-record', /CEF header has 4 of its 8/);
    throwsFormat(() => normalizeAlerts('LEEF:2.0|a|b'), 'bad-record', /LEEF header/);
    throwsFormat(() => normalizeAlerts('[1, 2]'), 'bad-record', /record 1 is a number/);
    throwsFormat(() => normalizeAlerts('[null]'), 'bad-record', /null/);
    throwsFormat(() => normalizeAlerts(42 as unknown as string), 'bad-record', /number/);
    throwsFormat(() => normalizeAlerts('** Alert 1717236000.5: - x\n2024 Jun 01 12:00:00 h->x\nno rule line'), 'bad-record', /Rule:/);
    throwsFormat(() => normalizeAlerts({ schemaId: 'azureMonitorCommonAlertSchema', data: { essentials: { severity: 'Sev1' } } }), 'bad-record', /azure.monitor record has no title/);
    throwsFormat(() => normalizeAlerts('1.5\t-\tx\n'), 'unknown-format');
    throwsFormat(() => normalizeAlerts('#fields\tts\tnote\n'), 'empty', /no records/);
  });

  it('several records for the single-record form', () => {
    throwsFormat(() => normalizeAlert([{ title: 'a' }, { title: 'b' }]), 'several-records', /2 alert records/);
  });

  it('never throws another type: cyclic objects and odd values', () => {
    const cyclic: Record<string, unknown> = { title: 'loop' };
    cyclic.self = cyclic;
    assert.equal(normalizeAlerts(cyclic, { now: NOW })[0].title, 'loop');
    throwsFormat(() => normalizeAlerts({ title: { nested: true } }), 'unknown-format');
    throwsFormat(() => normalizeAlerts({ alerts: 'x', receiver: 'r' }), 'unknown-format');
    // Known shapes with wrong value types still give an alert or an AlertFormatError.
    const odd = normalizeAlerts({ sid: 's-1', results_link: 5, result: 'not-an-object' }, { now: NOW });
    assert.equal(odd[0].title, 's-1');
  });
});
