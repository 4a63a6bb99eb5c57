import assert from 'node:assert/strict';
import { createHttpClient, type HttpClient } from '../../../core/http';
import { createInvoker } from '../../../core/integrations';
import { ProviderError } from '../../../core/integrations/ip-provider';
import { lookupRdap, parseRdapNetwork, RdapBootstrap } from '../../../core/integrations/rdap';
import { startEmulator, type Emulator } from '../../emulators/server';

describe('ip: RDAP bootstrap and answers', () => {
  let registry: Emulator;
  let client: HttpClient;
  before(async () => {
    registry = await startEmulator({
      routes: [{ method: 'GET', path: /^\/v6\/ip\//, respond: () => ({ status: 404, body: { errorCode: 404, title: 'Not Found' } }) }],
    });
    client = createHttpClient({ rateLimit: false, retry: false, proxy: 'none' });
  });
  after(async () => {
    await client.close();
    await registry.close();
  });

  it('picks the longest matching prefix of the IANA bootstrap file, https first', async () => {
    const b = new RdapBootstrap('http://unused.invalid/');
    b.load(4, { version: '1.0', services: [
      [['41.0.0.0/8', '102.0.0.0/8'], ['https://rdap.afrinic.net/rdap/', 'http://rdap.afrinic.net/rdap/']],
      [['81.0.0.0/8'], ['http://rdap.db.ripe.net/', 'https://rdap.db.ripe.net/']],
      [['81.2.0.0/16'], ['https://rdap.more-specific.example/']],
      [['not-a-cidr'], ['https://broken.example/']],
    ] });
    b.load(6, { version: '1.0', services: [[['2001:4200::/23'], ['https://rdap.afrinic.net/rdap/']], [['2a00::/12'], ['https://rdap.db.ripe.net/']]] });
    const inv = { invoker: createInvoker({ mode: 'live', client }) };
    assert.equal(await b.baseFor(inv, '81.2.69.142'), 'https://rdap.more-specific.example/');
    assert.equal(await b.baseFor(inv, '81.3.0.1'), 'https://rdap.db.ripe.net/');
    assert.equal(await b.baseFor(inv, '102.1.2.3'), 'https://rdap.afrinic.net/rdap/');
    assert.equal(await b.baseFor(inv, '2a01:4f8::1'), 'https://rdap.db.ripe.net/');
    assert.equal(await b.baseFor(inv, '9.9.9.9'), undefined);
    assert.equal(inv.invoker.calls.length, 0, 'loaded files are not fetched again');
  });

  it('an address no registry serves is "not found", not an error; an IPv6 404 too', async () => {
    const b = new RdapBootstrap('http://unused.invalid/');
    b.load(4, { services: [[['81.0.0.0/8'], [`${registry.url}/v4/`]]] });
    b.load(6, { services: [[['2000::/3'], [`${registry.url}/v6/`]]] });
    const invoker = createInvoker({ mode: 'live', client });
    assert.deepEqual(await lookupRdap({ invoker, bootstrap: b }, '9.9.9.9'), { found: false, data: { message: 'no RDAP registry serves this address (IANA bootstrap)' } });
    assert.deepEqual(await lookupRdap({ invoker, bootstrap: b }, '2a01:4f8::1'), { found: false });
    assert.equal(registry.requests.at(-1)?.path, '/v6/ip/2a01:4f8::1');
  });

  it('refuses an answer that is not an ip network, and a bootstrap file without services', () => {
    assert.throws(() => parseRdapNetwork({ objectClassName: 'entity', handle: 'X' }), (e: ProviderError) => e.code === 'invalid-response' && /"entity" object, not an "ip network"/.test(e.message));
    assert.throws(() => new RdapBootstrap().load(4, { version: '1.0' }), /no services list/);
  });

  it('reads holder, abuse contact and range from a RIPE-style answer', () => {
    const net = parseRdapNetwork({
      objectClassName: 'ip network', handle: '81.2.69.0 - 81.2.69.255', startAddress: '81.2.69.0', endAddress: '81.2.69.255', name: 'EXAMPLE-NET', country: 'GB',
      entities: [
        { handle: 'ORG-EX1-RIPE', roles: ['registrant'], vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['fn', {}, 'text', 'Example Ltd']]] },
        { handle: 'AR1-RIPE', roles: ['abuse'], vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['email', { type: 'abuse' }, 'text', 'abuse@example.co.uk']]] },
      ],
    });
    assert.deepEqual(net, { handle: '81.2.69.0 - 81.2.69.255', name: 'EXAMPLE-NET', country: 'GB', range: '81.2.69.0 - 81.2.69.255', owner: 'Example Ltd', abuseEmail: 'abuse@example.co.uk' });
  });
});
