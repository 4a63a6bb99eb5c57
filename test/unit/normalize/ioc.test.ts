// IOC extraction from free text, IP canonicalization and the observable collector.
import * as assert from 'node:assert/strict';
import { extractIocs, ObservableCollector, refang } from '../../../core/normalize';
import { parseIp } from '../../../core/normalize/ip';
import { addressTags } from '../../../core/ip/classify';
import { urlHostIp } from '../../../core/normalize/ioc';

const values = (text: string): string[] => extractIocs(text).map((i) => `${i.type} ${i.value}`);

describe('normalize: IOC extractor', () => {
  it('finds IPv4, IPv6 (canonical), URLs, domains, e-mails, hashes and paths', () => {
    const got = values(
      'Beacon from 198.51.100.7:443 to 2001:0DB8:0000:0000:0000:0000:0000:0042 via https://cdn.evil-example.com/a/b.php?id=1, ' +
      'mail from Attacker.Bob@Evil-Example.com; dropper 44D88612FEA8A8F36DE82E1278ABB02F sha1 3395856ce81f2b7382dee72602f798b642f14140 ' +
      'sha256 275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f wrote C:\\Users\\bob\\AppData\\evil.dll and /tmp/.x/payload.sh; ' +
      'contacted update.badsite.co.uk.',
    );
    for (const want of [
      'ip 198.51.100.7', 'ip 2001:db8::42', 'url https://cdn.evil-example.com/a/b.php?id=1', 'domain cdn.evil-example.com',
      'email Attacker.Bob@evil-example.com', 'hash:md5 44d88612fea8a8f36de82e1278abb02f', 'hash:sha1 3395856ce81f2b7382dee72602f798b642f14140',
      'hash:sha256 275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f', 'file C:\\Users\\bob\\AppData\\evil.dll',
      'file /tmp/.x/payload.sh', 'domain update.badsite.co.uk',
    ]) assert.ok(got.includes(want), `${want} in ${JSON.stringify(got)}`);
  });

  it('refangs defanged indicators', () => {
    assert.equal(refang('hxxps://evil[.]example[.]com/x'), 'https://evil.example.com/x');
    const got = values('Visit hxxp://bad(dot)example(dot)net/login or mail ceo[@]bad[.]example[.]net from 203[.]0[.]113[.]5 and h**ps[:]//x[.]example[.]org');
    for (const want of ['url http://bad.example.net/login', 'domain bad.example.net', 'email ceo@bad.example.net', 'ip 203.0.113.5', 'url https://x.example.org']) {
      assert.ok(got.includes(want), `${want} in ${JSON.stringify(got)}`);
    }
  });

  it('no false positives: versions, CIDR, ranges, invalid addresses, times, file names, assignees', () => {
    const got = values(
      'agent version 1.2.3.4 build: 10.0.19041.1 Chrome/86.0.4240.198 v4.3.2.1; network 10.0.0.0/8 and range 192.168.1.1-192.168.1.9; ' +
      'bogus 888.99.100.1 and x.x.250.50 and 1.2.3.4.5 and 010.1.1.1; at 21:07:56 on 2024.01.02 (12:34:56.789); ' +
      'MAC 00:1a:2b:3c:4d:5e; open invoice.zip and readme.md; field user.name; std::vector; ' +
      'assigned to analyst@corp.example.com, notification sent to soc@corp.example.com, To: boss@corp.example.com; ' +
      'unresolved host printer.local and ACME.CORP',
    );
    assert.deepEqual(got, [], JSON.stringify(got));
  });

  it('loopback and unspecified addresses are not observables', () => {
    const c = new ObservableCollector();
    c.text('from 127.0.0.1 and ::1 and 0.0.0.0 and :: and ::ffff:127.0.0.2 to 198.51.100.1');
    assert.deepEqual(c.toArray().map((o) => o.value), ['198.51.100.1']);
  });

  it('never reads an e-mail inside a URL twice, nor a URL host as a separate e-mail', () => {
    assert.deepEqual(values('https://user@example.com/path'), ['url https://user@example.com/path', 'domain example.com']);
  });
});

describe('normalize: IP canonical form and tags', () => {
  it('canonicalizes IPv6 (RFC 5952) and IPv4-mapped addresses', () => {
    const c = (s: string): string | undefined => parseIp(s)?.canonical;
    assert.equal(c('fe80:0:0:0:495d:cc3c:db1a:de71'), 'fe80::495d:cc3c:db1a:de71');
    assert.equal(c('2001:DB8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
    assert.equal(c('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1');
    assert.equal(c('::ffff:192.0.2.128'), '192.0.2.128');
    assert.equal(c('[2001:db8::1]'), '2001:db8::1');
    assert.equal(c('fe80::1%eth0'), 'fe80::1');
    assert.equal(c('64:ff9b::192.0.2.33'), '64:ff9b::c000:221');
    for (const bad of ['888.99.100.1', 'x.x.250.50', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1::2::3', '12345::', 'g::1', '1:2:3:4:5:6:7:8:9']) {
      assert.equal(c(bad), undefined, bad);
    }
  });

  it('tags non-public ranges (with ip-lookup\'s own classes)', () => {
    const tag = (s: string): string[] => {
      const ip = parseIp(s);
      assert.ok(ip, s);
      return addressTags(ip);
    };
    assert.deepEqual(tag('10.1.2.3'), ['private']);
    assert.deepEqual(tag('172.31.255.1'), ['private']);
    assert.deepEqual(tag('192.168.0.1'), ['private']);
    assert.deepEqual(tag('fd12::1'), ['private']);
    assert.deepEqual(tag('192.0.2.1'), ['documentation']);
    assert.deepEqual(tag('198.51.100.1'), ['documentation']);
    assert.deepEqual(tag('203.0.113.1'), ['documentation']);
    assert.deepEqual(tag('2001:db8::1'), ['documentation']);
    assert.deepEqual(tag('169.254.1.1'), ['link-local']);
    assert.deepEqual(tag('fe80::1'), ['link-local']);
    assert.deepEqual(tag('100.64.0.1'), ['cgnat']);
    assert.deepEqual(tag('224.0.0.251'), ['multicast']);
    assert.deepEqual(tag('ff02::1'), ['multicast']);
    assert.deepEqual(tag('240.0.0.1'), ['reserved']);
    assert.deepEqual(tag('1.1.1.1'), []);
    assert.deepEqual(tag('2606:4700::1111'), []);
  });
});

describe('normalize: observable collector', () => {
  it('merges roles and tags, de-duplicates canonical values', () => {
    const c = new ObservableCollector();
    c.ip('198.51.100.1', 'source');
    c.ip('::ffff:198.51.100.1', 'actor');
    c.ip('2001:DB8::0:1', 'destination');
    c.ip('2001:db8::1', 'destination');
    c.hash('44D88612FEA8A8F36DE82E1278ABB02F');
    c.hash('44d88612fea8a8f36de82e1278abb02f', 'related');
    c.host('WEB-01', 'target');
    c.host('web-01', 'source');
    c.user('-');
    c.user('N/A');
    c.hash('not-a-hash');
    c.hash('0'.repeat(64));
    assert.deepEqual(c.toArray(), [
      { type: 'ip', value: '198.51.100.1', roles: ['source', 'actor'], tags: ['documentation'] },
      { type: 'ip', value: '2001:db8::1', roles: ['destination'], tags: ['documentation'] },
      { type: 'hash:md5', value: '44d88612fea8a8f36de82e1278abb02f', roles: ['related'], tags: [] },
      { type: 'host', value: 'WEB-01', roles: ['target', 'source'], tags: [] },
    ]);
  });

  it('reads host:port, [v6]:port and URLs', () => {
    const c = new ObservableCollector();
    c.hostOrIp('localhost:9090');
    c.hostOrIp('[2001:db8::5]:443');
    c.hostOrIp('198.51.100.9:22');
    c.hostOrIp('https://portal.example.com:8443/login');
    c.hostOrIp('http://:9093');
    assert.deepEqual(c.toArray().map((o) => `${o.type} ${o.value}`), [
      'host localhost', 'ip 2001:db8::5', 'ip 198.51.100.9', 'url https://portal.example.com:8443/login', 'domain portal.example.com',
    ]);
  });

  it('adds the IPv4 of a URL whose host is a hex, octal or one-number address, as a browser reads it', () => {
    const c = new ObservableCollector();
    c.url('http://0x51.0x2.0x45.0x8e/x', 'related');
    c.url('http://1359103374/y', 'destination');
    c.url('http://0121.0x2.69.142:8080/z', 'related');
    c.url('http://0x1g.2/w'); // not an address: a host name, as before
    assert.deepEqual(c.toArray().map((o) => `${o.type} ${o.value} ${o.roles.join('+')}`), [
      'url http://0x51.0x2.0x45.0x8e/x related', 'ip 81.2.69.142 related+destination',
      'url http://1359103374/y destination', 'url http://0121.0x2.69.142:8080/z related', 'url http://0x1g.2/w ', 'host 0x1g.2 ',
    ]);
    assert.deepEqual(urlHostIp('0x0a.0.0.1')?.canonical, '10.0.0.1');
    assert.equal(urlHostIp('3com.net'), undefined);
    assert.equal(urlHostIp('0xffffffffff'), undefined);
    // Small numbers read as 0.0.0.x ("this network"): a port or a cut IPv6, not an address.
    assert.equal(urlHostIp('64'), undefined);
    assert.equal(urlHostIp('8080'), undefined);
    assert.deepEqual(values('see http://64:ff9b::1 now'), ['url http://64:ff9b::1']);
  });

  it('finds the IPv4 of a hex or one-number URL host in free text', () => {
    const found = extractIocs('beacon to http://0x51.0x2.0x45.0x8e/x and hxxp://1359103374/gate.php').map((i) => `${i.type} ${i.value}`);
    assert.deepEqual(found, ['url http://0x51.0x2.0x45.0x8e/x', 'ip 81.2.69.142', 'url http://1359103374/gate.php']);
  });

  it('joins directory and file name with the directory separator', () => {
    const c = new ObservableCollector();
    c.filePath('C:\\Program Files\\temp', 'MsSense.exe');
    c.filePath('C:\\Users\\Public\\', 'a.exe');
    c.filePath('/usr/bin', 'sudo');
    c.filePath('/opt/x/tool', 'tool');
    assert.deepEqual(c.toArray().map((o) => o.value), ['C:\\Program Files\\temp\\MsSense.exe', 'C:\\Users\\Public\\a.exe', '/usr/bin/sudo', '/opt/x/tool']);
  });
});
