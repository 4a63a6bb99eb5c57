import * as assert from 'node:assert/strict';
import {
  AlertFormatError, FORMATS, detectFormat, normalizeAlert, normalizeAlerts,
} from '../../../core/normalize';
import { OBSERVABLE_TYPES, SEVERITIES } from '../../../core/model/types';
import { NOW, fixture, throwsFormat } from './helpers';

describe('normalize: API', () => {
  it('FORMATS lists unique ids with a label and an example that detects as that id', () => {
    const ids = FORMATS.map((f) => f.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ['alertmanager', 'grafana', 'splunk', 'suricata', 'zeek', 'wazuh', 'ossec', 'aws.guardduty', 'aws.securityhub',
      'aws.cloudtrail', 'microsoft.defender', 'microsoft.sentinel', 'azure.monitor', 'crowdstrike', 'sentinelone', 'okta', 'elastic',
      'cef', 'leef', 'ocsf', 'syslog', 'generic']) {
      assert.ok(ids.includes(id), id);
    }
    for (const f of FORMATS) {
      assert.ok(f.label.length > 3);
      assert.ok(f.example.length < 700, `${f.id} example is short`);
      assert.equal(detectFormat(f.example), f.id, `example of ${f.id}`);
      const alerts = normalizeAlerts(f.example, { now: NOW });
      assert.equal(alerts[0].source, f.id);
    }
  });

  it('returns well-formed alerts', () => {
    for (const f of FORMATS) {
      for (const a of normalizeAlerts(f.example, { now: NOW })) {
        assert.ok(a.id.length > 0);
        assert.ok(a.title.length > 0 && a.title === a.title.trim());
        assert.ok(SEVERITIES.includes(a.severity));
        assert.match(a.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/);
        for (const o of a.observables) {
          assert.ok(OBSERVABLE_TYPES.includes(o.type));
          assert.ok(Array.isArray(o.roles) && Array.isArray(o.tags));
        }
        assert.ok(a.raw !== undefined);
      }
    }
  });

  it('accepts Buffer, string and object payloads alike', () => {
    const text = fixture('okta-mfa.json').toString('utf8');
    const a = normalizeAlert(Buffer.from(text), { now: NOW });
    const b = normalizeAlert(text, { now: NOW });
    const c = normalizeAlert(JSON.parse(text) as object, { now: NOW });
    assert.deepEqual({ ...a, id: '' }, { ...b, id: '' });
    assert.deepEqual({ ...b, id: '' }, { ...c, id: '' });
    assert.equal(a.id, '7f3e2d1c-0b9a-4e8d-8c7b-6a5f4e3d2c1b');
  });

  it('keeps the parsed record (object) or the text line as raw', () => {
    const cef = 'CEF:0|a|b|1|sig|Name|3|src=198.51.100.1';
    assert.equal(normalizeAlert(cef, { now: NOW }).raw, cef);
    assert.deepEqual(normalizeAlert('{"title":"x"}', { now: NOW }).raw, { title: 'x' });
  });

  it('generates unique ids when the source has none', () => {
    const line = 'CEF:0|a|b|1|sig|Name|3|src=198.51.100.1';
    const [x, y] = normalizeAlerts(`${line}\n${line}`, { now: NOW });
    assert.notEqual(x.id, y.id);
  });

  it('gives one alert per line for CEF / LEEF / syslog / fast.log bodies, mixed formats allowed', () => {
    const body = [
      'CEF:0|Acme|FW|1|100|Blocked|5|src=203.0.113.1',
      '',
      'LEEF:2.0|Acme|IDS|1|7|^|src=203.0.113.2^sev=2',
      '<13>Feb  5 17:32:18 host-a app: hello 203.0.113.3',
      '06/01/2024-10:00:00.000001  [**] [1:1:1] Test [**] [Priority: 3] {UDP} 203.0.113.4:53 -> 10.0.0.1:5353',
    ].join('\r\n');
    const alerts = normalizeAlerts(body, { now: NOW });
    assert.deepEqual(alerts.map((a) => a.source), ['cef', 'leef', 'syslog', 'suricata']);
    assert.deepEqual(alerts.map((a) => a.observables[0].value), ['203.0.113.1', '203.0.113.2', 'host-a', '203.0.113.4']);
    throwsFormat(() => normalizeAlert(body, { now: NOW }), 'several-records', /4 alert records/);
  });

  it('gives one alert per OSSEC record and per Zeek TSV row', () => {
    const one = fixture('ossec-login.txt').toString();
    const two = one + '\n' + one.replace('1717236000.551234', '1717236060.551999');
    const alerts = normalizeAlerts(two, { now: NOW });
    assert.deepEqual(alerts.map((a) => a.id), ['1717236000.551234', '1717236060.551999']);
    const zeek = fixture('zeek-notice.txt').toString().replace('#close', '1704448801.5\tCdef\t198.51.100.9\t1\t10.1.1.6\t2\tSSH::Password_Guessing\tguessing\t-\t-\t-\t-\t-\n#close');
    assert.deepEqual(normalizeAlerts(zeek, { now: NOW }).map((a) => a.title), ['SSL::Invalid_Server_Cert', 'SSH::Password_Guessing']);
  });

  it('gives one alert per element of a JSON array, NDJSON line and container record', () => {
    const okta = JSON.parse(fixture('okta-mfa.json').toString()) as Record<string, unknown>;
    const eve = JSON.parse(fixture('suricata-eve-dns.json').toString()) as Record<string, unknown>;
    assert.deepEqual(normalizeAlerts([okta, eve], { now: NOW }).map((a) => a.source), ['okta', 'suricata']);
    const ndjson = `${JSON.stringify(eve)}\n${JSON.stringify(eve)}\n`;
    assert.equal(normalizeAlerts(ndjson, { now: NOW }).length, 2);
    const trail = JSON.parse(fixture('cloudtrail-assumed.json').toString()) as Record<string, unknown>;
    assert.deepEqual(normalizeAlerts({ Records: [trail, trail] }, { now: NOW }).map((a) => a.source), ['aws.cloudtrail', 'aws.cloudtrail']);
    const hub = JSON.parse(fixture('securityhub-iam.json').toString()) as Record<string, unknown>;
    const imported = { 'detail-type': 'Security Hub Findings - Imported', source: 'aws.securityhub', detail: { findings: [hub, hub] } };
    assert.equal(normalizeAlerts(imported, { now: NOW }).length, 2);
    assert.equal(normalizeAlerts({ Findings: [hub] }, { now: NOW })[0].source, 'aws.securityhub');
  });

  it('merges an Alertmanager group into ONE alert', () => {
    const alerts = normalizeAlerts(fixture('alertmanager-resolved.json'), { now: NOW });
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0].status, 'resolved');
    assert.deepEqual(alerts[0].rule, { name: 'SSHBruteForce' });
  });

  it('honours an explicit format and refuses a payload that does not fit it', () => {
    const line = '<13>Feb  5 17:32:18 host-a CEF:0|a|b|1|s|Name|3|src=203.0.113.1';
    assert.equal(normalizeAlert(line, { now: NOW }).source, 'cef');
    assert.equal(normalizeAlert(line, { now: NOW, format: 'syslog' }).source, 'syslog');
    assert.equal(normalizeAlert(line, { now: NOW, format: 'auto' }).source, 'cef');
    assert.equal(normalizeAlert({ title: 'x', ts: 1714557600, note: 'n' }, { format: 'generic', now: NOW }).source, 'generic');
    throwsFormat(() => normalizeAlert('hello', { format: 'cef' }), 'bad-record', /not a CEF/);
    throwsFormat(() => normalizeAlert('hello', { format: 'okta' }), 'bad-record', /expects a JSON payload/);
    throwsFormat(() => normalizeAlert('{"a":1}', { format: 'leef' }), 'bad-record', /text format/);
    throwsFormat(() => normalizeAlert('{"a":1}', { format: 'nope' }), 'unknown-format', /unknown format "nope".*cef/);
  });

  it('detectFormat names the format of the first record', () => {
    assert.equal(detectFormat(fixture('zeek-notice.txt')), 'zeek');
    assert.equal(detectFormat(fixture('ossec-login.txt')), 'ossec');
    assert.equal(detectFormat(fixture('guardduty-eventbridge.json')), 'aws.guardduty');
    assert.equal(detectFormat('[{"title":"a"}]'), 'generic');
    throwsFormat(() => detectFormat('{"foo": 1}'), 'unknown-format');
  });

  it('uses the injected clock for ingest times, and the current time by default', () => {
    const a = normalizeAlert('CEF:0|a|b|1|s|Name|3|src=203.0.113.1', { now: NOW });
    assert.equal(a.timestamp, NOW.toISOString());
    assert.equal(a.timestampRule, 'ingest');
    const before = Date.now();
    const b = normalizeAlert('CEF:0|a|b|1|s|Name|3|src=203.0.113.1');
    assert.ok(Date.parse(b.timestamp) >= before - 1000 && Date.parse(b.timestamp) <= Date.now() + 1000);
  });

  it('keeps the outcome of an event in the description', () => {
    const okta = normalizeAlert(fixture('okta-mfa.json'), { now: NOW });
    assert.match(okta.description ?? '', /SUCCESS/);
    const trail = normalizeAlert(fixture('cloudtrail-assumed.json'), { now: NOW });
    assert.match(trail.description ?? '', /AccessDenied/);
  });

  it('is an AlertFormatError with code and statusCode', () => {
    const e = new AlertFormatError('too-large', 'x');
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'AlertFormatError');
    assert.equal(e.statusCode, 413);
    assert.equal(new AlertFormatError('empty', 'x').statusCode, 400);
  });
});
