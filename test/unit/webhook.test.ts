import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { verifyWebhook } from '../../core/intake/webhook';

const body = Buffer.from('{"alert":"x"}');
const sign = (secret: string, data: Buffer) => `sha256=${createHmac('sha256', secret).update(data).digest('hex')}`;

describe('webhook verification', () => {
  it('lets everything through when off', () => {
    assert.deepEqual(verifyWebhook('none', undefined, { headers: {}, rawBody: body }), { ok: true });
  });

  it('checks a bearer token', () => {
    assert.deepEqual(verifyWebhook('bearer', 's3cret', { headers: { authorization: 'Bearer s3cret' }, rawBody: body }), { ok: true });
    assert.deepEqual(verifyWebhook('bearer', 's3cret', { headers: { Authorization: 'bearer s3cret' }, rawBody: body }), { ok: true });
    assert.deepEqual(verifyWebhook('bearer', 's3cret', { headers: { authorization: 'Bearer s3cret2' }, rawBody: body }), { ok: false, reason: 'wrong bearer token' });
    assert.deepEqual(verifyWebhook('bearer', 's3cret', { headers: {}, rawBody: body }), { ok: false, reason: 'missing Authorization header' });
    assert.deepEqual(verifyWebhook('bearer', 's3cret', { headers: { authorization: 'Basic abc' }, rawBody: body }), { ok: false, reason: 'Authorization header is not a Bearer token' });
  });

  it('checks an HMAC-SHA256 signature of the raw body', () => {
    assert.deepEqual(verifyWebhook('hmac-sha256', 'k', { headers: { 'x-signature-256': sign('k', body) }, rawBody: body }), { ok: true });
    assert.deepEqual(verifyWebhook('hmac-sha256', 'k', { headers: { 'x-signature-256': sign('k', body).toUpperCase().replace('SHA256', 'sha256') }, rawBody: body }), { ok: true });
    const tampered = Buffer.from('{"alert":"y"}');
    assert.equal(verifyWebhook('hmac-sha256', 'k', { headers: { 'x-signature-256': sign('k', body) }, rawBody: tampered }).ok, false);
    assert.equal(verifyWebhook('hmac-sha256', 'k', { headers: { 'x-signature-256': sign('other', body) }, rawBody: body }).ok, false);
    assert.deepEqual(verifyWebhook('hmac-sha256', 'k', { headers: { 'x-signature-256': 'md5=abc' }, rawBody: body }), { ok: false, reason: 'X-Signature-256 is not "sha256=<64 hex digits>"' });
    assert.match((verifyWebhook('hmac-sha256', 'k', { headers: { 'x-signature-256': sign('k', body) }, rawBody: undefined }) as { reason: string }).reason, /raw body/);
  });

  it('refuses everything when verification is on without a secret', () => {
    assert.equal(verifyWebhook('bearer', '', { headers: { authorization: 'Bearer ' }, rawBody: body }).ok, false);
  });
});
