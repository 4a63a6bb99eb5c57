// Severity scales and timestamp rules.
import * as assert from 'node:assert/strict';
import { normalizeAlert } from '../../../core/normalize';
import {
  severityAzure, severityCrowdStrike, severityFrom0to10, severityFrom0to100, severityFromWord, severityGuardDuty,
  severityOcsf, severitySuricata, severitySyslog, severityWazuhLevel,
} from '../../../core/normalize/severity';
import { formatUtc, parseTime } from '../../../core/normalize/time';
import { NOW, throwsFormat } from './helpers';

describe('normalize: severity scales', () => {
  it('words, case-insensitive', () => {
    const table: Record<string, string> = {
      critical: 'critical', FATAL: 'critical', Emergency: 'critical', crit: 'critical', 'Very-High': 'critical',
      high: 'high', MAJOR: 'high', error: 'high', severe: 'high',
      medium: 'medium', Moderate: 'medium', WARNING: 'medium', warn: 'medium',
      low: 'low', minor: 'low', INFO: 'low', informational: 'low', notice: 'low', debug: 'low', P1: 'critical', p4: 'low',
    };
    for (const [w, s] of Object.entries(table)) assert.equal(severityFromWord(w), s, w);
    for (const w of ['unknown', '', 'banana', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) assert.equal(severityFromWord(w), undefined, w);
  });

  it('numeric scales at their boundaries', () => {
    const cases: Array<[(v: unknown) => string | undefined, unknown, string | undefined]> = [
      [severityFrom0to10, 0, 'low'], [severityFrom0to10, 3, 'low'], [severityFrom0to10, 4, 'medium'], [severityFrom0to10, 6, 'medium'],
      [severityFrom0to10, 7, 'high'], [severityFrom0to10, 8, 'high'], [severityFrom0to10, '9', 'critical'], [severityFrom0to10, 10, 'critical'], [severityFrom0to10, 11, undefined],
      [severityGuardDuty, 3.9, 'low'], [severityGuardDuty, 4, 'medium'], [severityGuardDuty, 6.9, 'medium'], [severityGuardDuty, 7, 'high'], [severityGuardDuty, 8.9, 'high'], [severityGuardDuty, 9, 'critical'],
      [severityWazuhLevel, 6, 'low'], [severityWazuhLevel, 7, 'medium'], [severityWazuhLevel, 11, 'medium'], [severityWazuhLevel, 12, 'high'], [severityWazuhLevel, 14, 'high'], [severityWazuhLevel, 15, 'critical'],
      [severitySuricata, 1, 'high'], [severitySuricata, 2, 'medium'], [severitySuricata, 3, 'low'], [severitySuricata, 4, 'low'],
      [severityFrom0to100, 21, 'low'], [severityFrom0to100, 22, 'medium'], [severityFrom0to100, 47, 'medium'], [severityFrom0to100, 48, 'high'], [severityFrom0to100, 73, 'high'], [severityFrom0to100, 74, 'critical'],
      [severityCrowdStrike, 1, 'low'], [severityCrowdStrike, 2, 'low'], [severityCrowdStrike, 3, 'medium'], [severityCrowdStrike, 4, 'high'], [severityCrowdStrike, 5, 'critical'],
      [severityAzure, 'Sev0', 'critical'], [severityAzure, 'Sev1', 'high'], [severityAzure, 'Sev2', 'medium'], [severityAzure, 'Sev3', 'low'], [severityAzure, 'Sev4', 'low'],
      [severityOcsf, 0, undefined], [severityOcsf, 1, 'low'], [severityOcsf, 2, 'low'], [severityOcsf, 3, 'medium'], [severityOcsf, 4, 'high'], [severityOcsf, 5, 'critical'], [severityOcsf, 6, 'critical'], [severityOcsf, 99, undefined],
    ];
    for (const [fn, v, want] of cases) assert.equal(fn(v), want, `${fn.name}(${String(v)})`);
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map(severitySyslog), ['critical', 'critical', 'critical', 'high', 'medium', 'low', 'low', 'low']);
  });

  it('defaults to medium without severityRaw when the source has none or says Unknown', () => {
    for (const p of ['CEF:0|a|b|1|s|n|Unknown|src=198.51.100.1', '{"title": "x", "severity": null}', 'Feb  5 17:32:18 host app: no pri']) {
      const a = normalizeAlert(p, { now: NOW });
      assert.equal(a.severity, 'medium', p);
      assert.equal(a.severityRaw, undefined, p);
    }
    const cef = normalizeAlert('CEF:0|a|b|1|s|n|Very-High|', { now: NOW });
    assert.deepEqual([cef.severity, cef.severityRaw], ['critical', 'Very-High']);
    assert.equal(normalizeAlert('{"title":"x","risk_score":80}', { now: NOW }).severity, 'critical');
    assert.equal(normalizeAlert('{"title":"x","severity":8}', { now: NOW }).severity, 'high');
  });
});

describe('normalize: timestamps', () => {
  const t = (v: unknown): string | undefined => parseTime(v, 'test', NOW)?.iso;

  it('ISO-8601 to UTC keeping the fractional digits (up to 9)', () => {
    assert.equal(t('2018-08-03T09:52:26.739266876+02:00'), '2018-08-03T07:52:26.739266876Z');
    assert.equal(t('2019-10-15T19:07:57.741+0000'), '2019-10-15T19:07:57.741Z');
    assert.equal(t('2020-11-25 21:27:03.496000000'), '2020-11-25T21:27:03.496000000Z');
    assert.equal(t('2009-11-24T21:27:09.534255'), '2009-11-24T21:27:09.534255Z');
    assert.equal(t('2024-01-01T00:00:00.1234567891234Z'), '2024-01-01T00:00:00.123456789Z');
    assert.equal(t('2024-03-01T00:30:00+05:30'), '2024-02-29T19:00:00Z');
    assert.equal(t('2024-01-01T00:00:00-10'), '2024-01-01T10:00:00Z');
    assert.equal(t('2024-02-29'), '2024-02-29T00:00:00Z');
    assert.equal(t('0099-01-01T00:00:00Z'), '0099-01-01T00:00:00Z');
  });

  it('epoch seconds, milliseconds, micro- and nanoseconds', () => {
    assert.equal(t(1427726759.303199), '2015-03-30T14:45:59.303199Z');
    assert.equal(t('1427726759.303199'), '2015-03-30T14:45:59.303199Z');
    assert.equal(t(1571166477), '2019-10-15T19:07:57Z');
    assert.equal(t(1396328238937), '2014-04-01T04:57:18.937Z');
    assert.equal(t('1396328238937123'), '2014-04-01T04:57:18.937123Z');
    assert.equal(t('1396328238937123456'), '2014-04-01T04:57:18.937123456Z');
    assert.equal(t(0), undefined);
    assert.equal(t(null), undefined);
    assert.equal(t('-'), undefined);
  });

  it('formats epoch values like Date.toISOString over years 1-9999', () => {
    for (let i = 0; i < 20000; i++) {
      const ms = Math.floor((-62135596800 + Math.random() * (253402300799 + 62135596800)) ) * 1000;
      assert.equal(formatUtc(ms), new Date(ms).toISOString().slice(0, 19) + 'Z');
    }
    assert.equal(formatUtc(0, '5'), '1970-01-01T00:00:00.5Z');
  });

  it('month-name and RFC 2822 forms', () => {
    assert.equal(t('Apr 01 2014 04:57:18.937 UTC'), '2014-04-01T04:57:18.937Z');
    assert.equal(t('Apr 01 2014 06:57:18 +02:00'), '2014-04-01T04:57:18Z');
    assert.equal(t('Apr 01 2014 00:57:18 EDT'), '2014-04-01T04:57:18Z');
    assert.equal(t('Tue, 01 Apr 2014 04:57:18 GMT'), '2014-04-01T04:57:18Z');
  });

  it('BSD stamps take the receipt year (ingest-year), the previous one when far in the future', () => {
    assert.deepEqual(parseTime('Apr 19 10:29:53', 'x', NOW), { iso: '2026-04-19T10:29:53Z', rule: 'ingest-year' });
    assert.equal(t('Jul  2 00:00:00'), '2026-07-02T00:00:00Z');
    assert.equal(t('Dec 31 23:59:59'), '2025-12-31T23:59:59Z');
    assert.equal(parseTime('Feb 29 10:00:00', 'x', new Date('2025-03-01T00:00:00Z'))?.iso, '2024-02-29T10:00:00Z');
  });

  it('impossible or unreadable values throw bad-date naming the field', () => {
    throwsFormat(() => t('2023-02-29T00:00:00Z'), 'bad-date', /in test/);
    throwsFormat(() => t('2024-04-31'), 'bad-date');
    throwsFormat(() => t('2024-01-01T12:60:00Z'), 'bad-date');
    throwsFormat(() => t('Foo 12 2024 10:00:00'), 'bad-date', /month/);
    throwsFormat(() => t('Apr 01 2014 04:57:18 XYZ'), 'bad-date', /zone "XYZ"/);
    throwsFormat(() => t('not a date'), 'bad-date');
    throwsFormat(() => t({}), 'bad-date');
    throwsFormat(() => t(Number.NaN), 'bad-date');
  });

  it('timestampRule per payload: source, ingest, ingest-year', () => {
    assert.equal(normalizeAlert('CEF:0|a|b|1|s|n|3|rt=1396328238937', { now: NOW }).timestampRule, 'source');
    assert.equal(normalizeAlert('CEF:0|a|b|1|s|n|3|src=198.51.100.1', { now: NOW }).timestampRule, 'ingest');
    const leef = normalizeAlert('<13>Apr 19 10:29:53 203.0.113.3 LEEF:2.0|V|P|1|41|^|src=192.0.2.9', { now: NOW });
    assert.deepEqual([leef.timestamp, leef.timestampRule], ['2026-04-19T10:29:53Z', 'ingest-year']);
  });
});
