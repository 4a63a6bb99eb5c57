import assert from 'node:assert/strict';
import { bodyExcerpt, redact, redactBody, redactHeaders, redactText, redactUrl, REDACTED } from '../../../core/model/redact';

describe('redaction of outbound requests', () => {
  it('redacts credential headers by name, including ones that do not say so', () => {
    assert.deepEqual(redactHeaders({
      Authorization: 'SSWS 00abcdef', 'Proxy-Authorization': 'Basic eHg6eXk=', Cookie: 'sid=1', Key: 'abuse', 'x-apikey': 'vt', 'DD-API-KEY': 'dd',
      'X-Scope-OrgID': 'tenant-1', Accept: 'application/json', 'x-note': 'Bearer abcdefghijk', 'set-cookie': ['a=1', 'b=2'], skipped: undefined,
    }), {
      authorization: REDACTED, 'proxy-authorization': REDACTED, cookie: REDACTED, key: REDACTED, 'x-apikey': REDACTED, 'dd-api-key': REDACTED,
      'x-scope-orgid': 'tenant-1', accept: 'application/json', 'x-note': `Bearer ${REDACTED}`, 'set-cookie': REDACTED,
    });
  });

  it('redacts secret query values, passwords and webhook paths in URLs, keeping the rest as written', () => {
    assert.equal(redactUrl('https://api.abuseipdb.com/api/v2/check?ipAddress=1.2.3.4&maxAgeInDays=90&key=K&access_token=T&sig=S&q=a%20b'),
      `https://api.abuseipdb.com/api/v2/check?ipAddress=1.2.3.4&maxAgeInDays=90&key=${REDACTED}&access_token=${REDACTED}&sig=${REDACTED}&q=a%20b`);
    assert.equal(redactUrl('http://user:hunter2@proxy:3128'), `http://user:${REDACTED}@proxy:3128/`);
    assert.equal(redactUrl('https://hooks.slack.com/services/T000/B000/XXXXSECRET'), `https://hooks.slack.com/services/${REDACTED}`);
    assert.equal(redactUrl('not a url, token xoxb-12345678-abcdef'), `not a url, token ${REDACTED}`);
  });

  it('parses JSON and form bodies and redacts their secret fields, at any depth', () => {
    assert.deepEqual(redactBody('{"routing_key":"R0UT1NG","event_action":"trigger","payload":{"summary":"s","custom_details":{"password":"p"}}}'),
      { routing_key: REDACTED, event_action: 'trigger', payload: { summary: 's', custom_details: { password: REDACTED } } });
    assert.deepEqual(redactBody('grant_type=client_credentials&client_id=app&client_secret=CS&scope=x', 'application/x-www-form-urlencoded'),
      { grant_type: 'client_credentials', client_id: 'app', client_secret: REDACTED, scope: 'x' });
    assert.deepEqual(redactBody({ note: 'use xoxb-1234567890-abcdefgh now', list: ['AKIAABCDEFGHIJKLMNOP'] }), { note: `use ${REDACTED} now`, list: [REDACTED] });
    assert.equal(redactBody(new Uint8Array(12)), '[12 bytes]');
    assert.equal(redactBody('search index=main | head 10'), 'search index=main | head 10');
  });

  it('masks token-shaped strings and URL passwords in free text', () => {
    assert.equal(redactText('jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end'), `jwt ${REDACTED} end`);
    assert.equal(redactText('via https://u:p4ss@proxy.corp:8080 failed'), `via https://u:${REDACTED}@proxy.corp:8080 failed`);
  });

  it('masks approval link tokens, plain or percent-encoded, keeping the rest of the link', () => {
    const token = 'AbC-d_'.repeat(7) + 'x';
    const link = `http://127.0.0.1:1880/ir-approval/01KB0000000000000000000000/01KB0000000000000000000001/approve/${token}`;
    assert.equal(redactText(`Approve: <${link}|approve>`), `Approve: <${link.replace(token, REDACTED)}|approve>`);
    assert.deepEqual(redactBody(`blocks=${encodeURIComponent(JSON.stringify([{ text: link }]))}`, 'application/x-www-form-urlencoded'),
      { blocks: JSON.stringify([{ text: link.replace(token, REDACTED) }]) });
    assert.equal(redactText(encodeURIComponent(link)), encodeURIComponent(link).replace(token, REDACTED));
    assert.equal(redact({ deny: link.replace('/approve/', '/deny/') }).deny, link.replace('/approve/', '/deny/').replace(token, REDACTED));
  });

  it('makes short excerpts for error messages', () => {
    assert.equal(bodyExcerpt('{"error":"bad","token":"t0k3n"}'), `{"error":"bad","token":"${REDACTED}"}`);
    assert.equal(bodyExcerpt('x'.repeat(400)).length, 301);
  });
});
