import assert from 'node:assert/strict';
import { checkLookalike, damerauLevenshtein, parseOwnDomains, scriptsOf, skeleton } from '../../../core/domain/lookalike';
import { InvalidDomainError, InvalidUrlError, parseDomain, parseUrl } from '../../../core/domain/parse';
import { DomainLookupService } from '../../../core/domain/service';
import { decideDomainVerdict } from '../../../core/domain/verdict';
import { applyDomainLookup } from '../../../core/domain/incident';
import { incident } from '../../helpers/fixtures';

const OWN = parseOwnDomains(['example.com', 'example.co.uk']);
const lookalike = (name: string) => checkLookalike(parseDomain(name), OWN);

describe('domain: parsing with the public suffix list', () => {
  it('splits ICANN multi-label suffixes (co.uk)', () => {
    const d = parseDomain('Login.Shop.Example.CO.UK.');
    assert.equal(d.ascii, 'login.shop.example.co.uk');
    assert.equal(d.publicSuffix, 'co.uk');
    assert.equal(d.registrable, 'example.co.uk');
    assert.equal(d.subdomain, 'login.shop');
    assert.equal(d.label, 'example');
    assert.equal(d.knownSuffix, true);
    assert.equal(d.privateSuffix, false);
  });

  it('treats private suffixes (github.io, blogspot.com) as suffixes, and keeps the ICANN registrable domain for the registry', () => {
    const gh = parseDomain('alice.github.io');
    assert.equal(gh.publicSuffix, 'github.io');
    assert.equal(gh.registrable, 'alice.github.io');
    assert.equal(gh.privateSuffix, true);
    assert.equal(gh.icannRegistrable, 'github.io');
    const blog = parseDomain('www.someblog.blogspot.com');
    assert.equal(blog.registrable, 'someblog.blogspot.com');
    assert.equal(blog.subdomain, 'www');
    assert.equal(blog.icannRegistrable, 'blogspot.com');
  });

  it('shows IDNs both ways', () => {
    const cyr = parseDomain('exаmple.com'); // Cyrillic а
    assert.equal(cyr.ascii, 'xn--exmple-4nf.com');
    assert.equal(cyr.unicode, 'exаmple.com');
    assert.equal(cyr.idn, true);
    const back = parseDomain('xn--exmple-4nf.com');
    assert.equal(back.unicode, 'exаmple.com');
    assert.equal(back.label, 'exаmple');
    const de = parseDomain('bücher.de');
    assert.equal(de.ascii, 'xn--bcher-kva.de');
  });

  it('marks names under unknown suffixes as not public (internal names)', () => {
    const d = parseDomain('fileserver.corp.internal');
    assert.equal(d.knownSuffix, false);
  });

  it('refuses invalid and overlong names with the reason', () => {
    const label64 = `${'a'.repeat(64)}.com`;
    assert.throws(() => parseDomain(label64), (e: Error) => e instanceof InvalidDomainError && /64 characters, the limit is 63/.test(e.message));
    const long = `${Array.from({ length: 60 }, () => 'abcd').join('.')}.com`; // 60*5+3 = 303
    assert.throws(() => parseDomain(long), /the limit is 253/);
    assert.throws(() => parseDomain('exa mple.com'), InvalidDomainError);
    assert.throws(() => parseDomain('a..b.com'), /empty label|not a valid domain/);
    assert.throws(() => parseDomain('localhost'), /single label/);
    assert.throws(() => parseDomain('-bad-.com'), /characters a host name cannot have/);
    assert.throws(() => parseDomain('192.0.2.1'), /IP address/);
    assert.throws(() => parseDomain(''), /empty/);
  });
});

describe('domain: URL parsing', () => {
  it('takes a URL apart', () => {
    const u = parseUrl('https://Login.Example.com:8443/a/b?x=1&y=2#frag');
    assert.equal(u.scheme, 'https');
    assert.equal(u.host, 'login.example.com');
    assert.equal(u.port, 8443);
    assert.equal(u.path, '/a/b');
    assert.equal(u.query, 'x=1&y=2');
    assert.equal(u.fragment, 'frag');
    assert.equal(u.domain?.registrable, 'example.com');
  });

  it('puts IDN hosts in punycode and keeps the Unicode form', () => {
    const u = parseUrl('http://exаmple.com/login');
    assert.equal(u.host, 'xn--exmple-4nf.com');
    assert.equal(u.domain?.unicode, 'exаmple.com');
  });

  it('classifies IP literal hosts with the ip-lookup classification instead of parsing them as domains', () => {
    const v4 = parseUrl('http://203.0.113.7/payload.exe');
    assert.equal(v4.domain, undefined);
    assert.equal(v4.ip?.address, '203.0.113.7');
    assert.equal(v4.ip?.category, 'documentation');
    const v6 = parseUrl('http://[::1]:8080/');
    assert.equal(v6.ip?.category, 'loopback');
    const dec = parseUrl('http://2130706433/'); // 127.0.0.1 in decimal, as browsers read it
    assert.equal(dec.ip?.address, '127.0.0.1');
  });

  it('reads defanged forms a field may still carry', () => {
    const u = parseUrl('hxxps://login.examp1e[.]com/verify');
    assert.equal(u.scheme, 'https');
    assert.equal(u.host, 'login.examp1e.com');
    assert.equal(parseDomain('evil[.]example[.]net').ascii, 'evil.example.net');
  });

  it('notes credentials before the host', () => {
    const u = parseUrl('https://example.com@evil.net/a');
    assert.equal(u.userinfo, 'example.com');
    assert.equal(u.domain?.registrable, 'evil.net');
  });

  it('refuses what is not a URL', () => {
    assert.throws(() => parseUrl('not a url'), InvalidUrlError);
    assert.throws(() => parseUrl('mailto:'), InvalidUrlError);
    assert.throws(() => parseUrl(`http://${'a'.repeat(70)}.com/`), /label/);
  });
});

describe('domain: look-alikes of own domains', () => {
  const imitates = (name: string, technique: string) => {
    const r = lookalike(name);
    const m = r.matches.find((x) => x.technique === technique);
    assert.ok(m, `${name}: no ${technique} match in ${JSON.stringify(r)}`);
    assert.equal(m.own, 'example.com');
    assert.match(m.detail, /example\.com/);
    return m;
  };

  it('digit for letter: examp1e.com', () => {
    assert.match(imitates('examp1e.com', 'homoglyph').detail, /"1" for "l"/);
  });

  it('Cyrillic a: exаmple.com, with mixed scripts', () => {
    const m = imitates('exаmple.com', 'homoglyph');
    assert.match(m.detail, /Cyrillic "а" \(U\+0430\) for "a"/);
    assert.deepEqual(lookalike('exаmple.com').mixedScripts, ['Latin', 'Cyrillic']);
  });

  it('rn for m: exarnple.com', () => {
    imitates('exarnple.com', 'homoglyph');
  });

  it('other suffix: example.co, example.net, example.github.io', () => {
    imitates('example.co', 'other-suffix');
    imitates('example.net', 'other-suffix');
    assert.match(imitates('example.github.io', 'other-suffix').detail, /platform/);
  });

  it('typos: exmaple.com (swap), exampel.com, exampe.com', () => {
    for (const name of ['exmaple.com', 'exampel.com', 'exampe.com', 'examples.com']) imitates(name, 'typo');
  });

  it('our name with other words: example-login.com, secure-example.net', () => {
    imitates('example-login.com', 'name-embedded');
    imitates('secure-example.net', 'name-embedded');
  });

  it('our domain as their subdomain: login.example.com.evil.net', () => {
    const m = imitates('login.example.com.evil.net', 'domain-as-subdomain');
    assert.match(m.detail, /evil\.net/);
    imitates('example.evil.net', 'name-as-subdomain');
  });

  it('names the right own domain when there are several', () => {
    const m = checkLookalike(parseDomain('examp1e.co.uk'), OWN).matches[0];
    assert.equal(m.own, 'example.co.uk');
  });

  it('names only the closest own domain; two only when imitated equally', () => {
    const two = parseOwnDomains(['example.com', 'example.org']);
    const owns = (name: string) => checkLookalike(parseDomain(name), two).matches.map((m) => `${m.own} ${m.technique}`);
    // A typo under .com is a typo of example.com, not a typo of example.org under another suffix.
    assert.deepEqual(owns('exampl.com'), ['example.com typo']);
    assert.deepEqual(owns('exampl.org'), ['example.org typo']);
    assert.deepEqual(owns('examp1e.org'), ['example.org homoglyph']);
    // Our whole domain in their subdomain beats our name under another suffix.
    assert.deepEqual(owns('example.org.example.net'), ['example.org domain-as-subdomain', 'example.org other-suffix']);
    // A one-edit typo beats a two-edit one.
    const near = parseOwnDomains(['example.com', 'exemplars.com']);
    assert.deepEqual(checkLookalike(parseDomain('exemplar.com'), near).matches.map((m) => m.own), ['exemplars.com']);
    // example.net is as far from example.com as from example.org: both stay.
    assert.deepEqual(owns('malware.example.net'), ['example.com other-suffix', 'example.org other-suffix']);
  });

  it('the verdict and the timeline name the imitated own domain only', async () => {
    const service = new DomainLookupService({ mode: 'dry-run', ownDomains: ['example.com', 'example.org'], providers: {} });
    try {
      const target = { type: 'domain' as const, value: 'exampl.com' };
      const run = await service.lookup([target]);
      const lookalikeReasons = run.reports[0].reasons.filter((r) => r.includes('look-alike'));
      assert.deepEqual(lookalikeReasons, ['suspicious: look-alike of our domain example.com (typo): exampl.com is 1 edit away from example.com (typo-squatting)']);
      const given = incident({ observables: [{ type: 'domain', value: 'exampl.com', roles: ['related'], tags: [] }] });
      applyDomainLookup(given, run, { node: { type: 'ir-domain-lookup', id: 'n1' }, selection: { targets: [target], skipped: [] } });
      const entry = given.timeline.at(-1);
      assert.match(entry?.summary ?? '', /; imitates our example\.com(?!, )/);
      assert.deepEqual((entry?.details as { names: Array<{ imitates?: string[] }> }).names[0].imitates, ['example.com']);
    } finally {
      await service.close();
    }
  });

  it('is no look-alike for our own domains and their subdomains', () => {
    for (const name of ['example.com', 'mail.example.com', 'a.b.example.co.uk']) {
      const r = lookalike(name);
      assert.deepEqual(r.matches, [], name);
      assert.ok(r.ownDomain, name);
    }
  });

  it('finds nothing for unrelated domains', () => {
    for (const name of ['wikipedia.org', 'github.com', 'alice.github.io', 'bbc.co.uk', 'sample.org', 'exemplary.com', 'xn--bcher-kva.de']) {
      const r = lookalike(name);
      assert.deepEqual(r.matches, [], `${name}: ${JSON.stringify(r.matches)}`);
      assert.equal(r.ownDomain, undefined);
    }
  });

  it('reports own domains that are not domains', () => {
    const own = parseOwnDomains(['example.com', 'co.uk', 'not a domain', '*.example.org']);
    assert.deepEqual(own.domains.map((d) => d.ascii), ['example.com', 'example.org']);
    assert.equal(own.problems.length, 2);
  });

  it('skeleton, scripts and edit distance', () => {
    assert.equal(skeleton('g00gle'), 'google');
    assert.equal(skeleton('раураl'), 'paypal'); // Cyrillic р а у а
    assert.deepEqual(scriptsOf('раураl'), ['Cyrillic', 'Latin']);
    assert.deepEqual(scriptsOf('bücher-24'), ['Latin']);
    assert.equal(damerauLevenshtein('example', 'exmaple'), 1);
    assert.equal(damerauLevenshtein('example', 'exampel'), 1);
    assert.equal(damerauLevenshtein('kitten', 'sitting'), 3);
    assert.equal(damerauLevenshtein('', 'abc'), 3);
  });
});

describe('domain: verdict (offline)', () => {
  const service = new DomainLookupService({ mode: 'dry-run', ownDomains: ['example.com'], providers: {} });
  after(() => service.close());

  it('look-alikes are suspicious and name the imitated domain; ours are benign; unrelated unknown', async () => {
    const run = await service.lookup([
      { type: 'domain', value: 'examp1e.com' }, { type: 'url', value: 'http://login.example.com.evil.net/verify?u=1' },
      { type: 'domain', value: 'mail.example.com' }, { type: 'domain', value: 'wikipedia.org' },
    ]);
    const [a, b, c, d] = run.reports;
    assert.equal(a.verdict, 'suspicious');
    assert.ok(a.reasons.some((r) => /^suspicious: look-alike of our domain example\.com/.test(r)), a.reasons.join('|'));
    assert.equal(b.verdict, 'suspicious');
    assert.ok(b.reasons.some((r) => /example\.com/.test(r)));
    assert.equal(c.verdict, 'benign');
    assert.equal(d.verdict, 'unknown');
    assert.equal(run.calls.length, 0);
  });

  it('a URL with our domain before "@" is suspicious and names it', async () => {
    const run = await service.lookup([{ type: 'url', value: 'https://example.com@evil.net/login' }]);
    const r = run.reports[0];
    assert.equal(r.verdict, 'suspicious');
    assert.equal(r.lookalike?.matches[0].technique, 'domain-as-userinfo');
    assert.equal(r.lookalike?.matches[0].own, 'example.com');
  });

  it('bad input gives an error report, not an exception', async () => {
    const run = await service.lookup([{ type: 'domain', value: `${'x'.repeat(64)}.com` }, { type: 'url', value: 'http://' }, { type: 'url', value: 'http://198.51.100.9/x' }]);
    assert.match(run.reports[0].error ?? '', /limit is 63/);
    assert.match(run.reports[1].error ?? '', /not a valid URL/);
    assert.equal(run.reports[2].error, undefined);
    assert.equal(run.reports[2].url?.ip?.category, 'documentation');
    assert.ok(run.reports[2].reasons.some((r) => /IP address, 198\.51\.100\.9 \(documentation/.test(r)));
  });

  it('newly registered is a reason under the configured age', () => {
    const now = Date.parse('2026-12-03T00:00:00Z');
    const providers = { rdap: { status: 'found' as const, data: { registered: '2026-11-28T10:00:00.000Z', status: [], nameservers: [], registrar: 'Cheap Names' } } };
    const young = decideDomainVerdict({ providers }, { now, newlyRegisteredDays: 30 });
    assert.equal(young.verdict, 'suspicious');
    assert.match(young.reasons.join('|'), /newly registered: 2026-11-28, 4 days ago \(under 30 days\) at Cheap Names/);
    const old = decideDomainVerdict({ providers }, { now, newlyRegisteredDays: 3 });
    assert.equal(old.verdict, 'unknown');
  });
});
