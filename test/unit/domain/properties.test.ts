import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkLookalike, damerauLevenshtein, parseOwnDomains, skeleton } from '../../../core/domain/lookalike';
import { InvalidDomainError, InvalidUrlError, parseDomain, parseUrl } from '../../../core/domain/parse';

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/);
const OWN = parseOwnDomains(['example.com', 'example.co.uk']);

describe('domain: properties', () => {
  it('any string is a parsed domain or an InvalidDomainError, never another exception', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 80 }), fc.domain()), (s) => {
      try {
        const d = parseDomain(s);
        assert.ok(d.ascii.length <= 253);
        assert.ok(d.ascii.split('.').every((l) => l.length >= 1 && l.length <= 63));
      } catch (err) {
        assert.ok(err instanceof InvalidDomainError, String(err));
      }
    }), { numRuns: 2000 });
  });

  it('any string is a parsed URL or an InvalidUrlError', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 80 }), fc.webUrl()), (s) => {
      try {
        const u = parseUrl(s);
        assert.ok(u.domain || u.ip);
      } catch (err) {
        assert.ok(err instanceof InvalidUrlError, String(err));
      }
    }), { numRuns: 2000 });
  });

  it('our domains and anything under them are never look-alikes', () => {
    // Labels with "--" in 3rd-4th place are reserved (xn-- is punycode, and "xn--a" is refused as invalid).
    const ordinary = label.filter((l) => !/^..--/.test(l));
    fc.assert(fc.property(fc.array(ordinary, { maxLength: 4 }), fc.constantFrom('example.com', 'example.co.uk'), (subs, own) => {
      const r = checkLookalike(parseDomain([...subs, own].join('.')), OWN);
      assert.equal(r.ownDomain, own);
      assert.deepEqual(r.matches, []);
    }));
  });

  it('swapping a letter for its look-alike keeps the skeleton; edit distance is symmetric, zero for equal names, at most the longer length', () => {
    fc.assert(fc.property(label, label, label, (a, b, c) => {
      assert.equal(skeleton(a.replace(/o/g, '0').replace(/l/g, '1')), skeleton(a));
      assert.equal(skeleton(skeleton(a)), skeleton(a));
      assert.equal(damerauLevenshtein(a, b), damerauLevenshtein(b, a));
      assert.equal(damerauLevenshtein(a, a), 0);
      assert.ok(damerauLevenshtein(a, c) <= Math.max(a.length, c.length));
    }));
  });
});
