import assert from 'node:assert/strict';
import { parseLine, parseTime } from '../../../core/logs/parse';
import { boundEvent, EVENT_LIMITS } from '../../../core/logs/types';

describe('log-fetch line parsing', () => {
  const near = Date.parse('2026-01-01T00:30:00Z');

  it('gives RFC 3164 lines (no year) the year that puts them just before the window', () => {
    assert.equal(new Date(parseLine('Dec 31 23:59:58 fw-1 kernel: DROP SRC=198.51.100.23', near).time!).toISOString(), '2025-12-31T23:59:58.000Z');
    assert.equal(new Date(parseLine('Jan  1 00:10:00 fw-1 kernel: DROP', near).time!).toISOString(), '2026-01-01T00:10:00.000Z');
    assert.equal(parseLine('<34>Oct 11 22:14:15 mymachine su: su root failed', near).host, 'mymachine');
  });

  it('reads RFC 5424 headers, including a nil time and structured data with escapes', () => {
    const p = parseLine('<165>1 2026-01-01T00:10:00.123+01:00 host.example app 1 ID47 [ex@1 a="x\\]y"] BOMmessage', near);
    assert.equal(new Date(p.time!).toISOString(), '2025-12-31T23:10:00.123Z');
    assert.equal(p.host, 'host.example');
    assert.equal(p.message, 'BOMmessage');
    assert.equal(p.fields?.structuredData, '[ex@1 a="x\\]y"]');
    assert.equal(parseLine('<165>1 - - - - - - no time', near).time, undefined);
  });

  it('reads epoch seconds and milliseconds, ISO with and without zone, and keeps odd JSON as text', () => {
    assert.equal(parseTime(1767225600), Date.parse('2026-01-01T00:00:00Z'));
    assert.equal(parseTime('1767225600123'), Date.parse('2026-01-01T00:00:00.123Z'));
    assert.equal(parseTime('2026-01-01 00:00:00'), Date.parse('2026-01-01T00:00:00Z'));
    assert.equal(parseTime('2026-01-01T02:00:00+0200'), Date.parse('2026-01-01T00:00:00Z'));
    assert.equal(parseLine('{not json', near).message, '{not json');
    assert.equal(parseLine('[1,2]', near).time, undefined);
  });

  it('bounds what one event may weigh', () => {
    const fields = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`f${i}`, 'v'.repeat(2000)]));
    const e = boundEvent({ time: null, source: 's', message: 'm'.repeat(10_000), fields: { nested: { deep: 'x'.repeat(5000) }, ...fields } });
    assert.equal(e.message.length, EVENT_LIMITS.message);
    assert.equal(Object.keys(e.fields!).length, EVENT_LIMITS.fields);
    assert.ok(JSON.stringify(e).length < 40 * 600 + 3000);
  });
});
