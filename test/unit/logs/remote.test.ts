import assert from 'node:assert/strict';
import { createHttpClient, type HttpClient } from '../../../core/http';
import { createInvoker } from '../../../core/integrations';
import { buildSearchBody, searchElasticsearch } from '../../../core/integrations/elasticsearch';
import { buildLogQL, escapeRegex, logqlString, searchLoki } from '../../../core/integrations/loki';
import { buildSpl, searchSplunk, splQuote } from '../../../core/integrations/splunk';
import { LogFetchError, type LogQuery } from '../../../core/logs';
import { esError, startElasticsearch, type ElasticsearchEmulator } from '../../emulators/elasticsearch';
import { parseLogQL, startLoki, type LokiEmulator } from '../../emulators/loki';
import { faults } from '../../emulators/server';
import { startSplunk, type SplunkEmulator } from '../../emulators/splunk';

const FROM = '2026-02-10T08:00:00.000Z';
const TO = '2026-02-10T09:00:00.000Z';
const at = (minute: number): string => new Date(Date.parse(FROM) + minute * 60_000).toISOString();

function query(over: Partial<LogQuery> = {}): LogQuery {
  return { from: FROM, to: TO, observables: [{ type: 'ip', value: '198.51.100.23' }, { type: 'user', value: 'admin' }], terms: [], limit: 100, ...over };
}

/** Values an attacker could put in an alert to widen a search or run a command. */
const HOSTILE = ['" OR *', '*', '") OR ("', '| delete', 'x" | delete index=main "', '.*', '"} |= "', '\\', 'a\\" OR "b', ']] | outputlookup x', '*:*', 'line\nbreak'];

describe('log-fetch remote backends', () => {
  let client: HttpClient;
  beforeEach(() => { client = createHttpClient({ retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5 }, rateLimit: false, timeoutMs: 5000 }); });
  afterEach(() => client.close());
  const live = () => createInvoker({ mode: 'live', client });

  describe('Elasticsearch / OpenSearch', () => {
    let es: ElasticsearchEmulator;
    before(async () => { es = await startElasticsearch({ apiKey: 'a2V5aWQ6c2VjcmV0LWtleQ==', user: { name: 'elastic', password: 'changeme-pass' } }); });
    after(() => es.close());
    beforeEach(() => {
      es.reset();
      es.index('logs-auth', [
        { '@timestamp': at(1), host: { name: 'web-01' }, message: 'Failed password for invalid user admin from 198.51.100.23 port 51234 ssh2' },
        { '@timestamp': at(2), host: { name: 'web-01' }, message: 'Accepted publickey for deploy from 10.0.0.4' },
        { '@timestamp': at(3), host: { name: 'web-02' }, user: { name: 'admin' }, source: { ip: '203.0.113.9' }, message: 'session opened' },
        { '@timestamp': at(90), host: { name: 'web-01' }, message: 'Failed password for admin from 198.51.100.23' },
        { '@timestamp': at(4), host: { name: 'web-01' }, message: 'literal " OR * in a line' },
      ]);
    });
    const opts = { url: '', index: 'logs-*', apiKey: 'a2V5aWQ6c2VjcmV0LWtleQ==' };

    it('searches with a range filter and a phrase per observable, counts per observable, sorts by time', async () => {
      const r = await searchElasticsearch(live(), query(), { ...opts, url: es.url });
      assert.deepEqual(r.events.map((e) => e.time), [at(1), at(3)]);
      assert.equal(r.events[0].host, 'web-01');
      assert.match(r.events[0].message, /Failed password/);
      assert.match(r.events[0].source, /^logs-auth\//);
      assert.deepEqual(r.counts, { '198.51.100.23': 1, admin: 2 });
      assert.equal(r.total, 2);
      assert.equal(r.truncated, false);
      const sent = es.requests[0];
      assert.equal(sent.path, '/logs-*/_search');
      assert.equal(sent.headers.authorization, 'ApiKey a2V5aWQ6c2VjcmV0LWtleQ==');
      assert.deepEqual((sent.json as { query: { bool: { filter: Array<Record<string, unknown>> } } }).query.bool.filter[0], { range: { '@timestamp': { gte: FROM, lte: TO, format: 'strict_date_optional_time' } } });
      assert.match(r.query, /^POST \/logs-\*\/_search \{/);
    });

    it('uses basic auth, reports the total and truncation at the limit', async () => {
      const r = await searchElasticsearch(live(), query({ limit: 1 }), { url: es.url, index: 'logs-auth', username: 'elastic', password: 'changeme-pass' });
      assert.equal(r.events.length, 1);
      assert.equal(r.total, 2);
      assert.equal(r.truncated, true);
    });

    it('never turns an alert value into query syntax', async () => {
      for (const value of HOSTILE) {
        const body = JSON.stringify(buildSearchBody(query({ observables: [{ type: 'user', value }] })));
        assert.ok(!/query_string|simple_query_string|wildcard|regexp/.test(body), body);
      }
      const r = await searchElasticsearch(live(), query({ observables: [{ type: 'user', value: '*' }, { type: 'user', value: '*:*' }] }), { ...opts, url: es.url });
      assert.equal(r.total, 0, 'a wildcard value matched documents');
    });

    it('reports refused credentials, parse errors and missing indices in words', async () => {
      await assert.rejects(searchElasticsearch(live(), query(), { url: es.url, index: 'logs-*', apiKey: 'd3Jvbmc=' }),
        (e: unknown) => e instanceof LogFetchError && e.code === 'unauthorized' && /refused the credentials \(401: security_exception: unable to authenticate/.test(e.message) && !e.message.includes('d3Jvbmc='));
      es.script('POST', '/logs-*/_search', esError(400, 'parsing_exception', '[multi_match] unknown token [START_OBJECT] after [query]', { line: 1, col: 142 }));
      await assert.rejects(searchElasticsearch(live(), query(), { ...opts, url: es.url }), /could not run the search \(400\): parsing_exception: \[multi_match\] unknown token/);
      await assert.rejects(searchElasticsearch(live(), query(), { ...opts, url: es.url, index: 'nope' }), (e: unknown) => e instanceof LogFetchError && e.code === 'index-not-found' && /no such index \[nope\]/.test(e.message));
    });

    it('retries 429 and 5xx through the HTTP policy, and says so when they persist', async () => {
      es.script('POST', '/logs-*/_search', faults.tooManyRequests(0), faults.serverError(503));
      const r = await searchElasticsearch(live(), query(), { ...opts, url: es.url });
      assert.equal(r.total, 2);
      assert.equal(es.requests.length, 3);
      es.script('POST', '/logs-*/_search', faults.serverError(502), faults.serverError(502), faults.serverError(502));
      await assert.rejects(searchElasticsearch(live(), query(), { ...opts, url: es.url }), /Elasticsearch answered 502 after the retries/);
      es.script('POST', '/logs-*/_search', faults.tooManyRequests(0), faults.tooManyRequests(0), faults.tooManyRequests(0));
      await assert.rejects(searchElasticsearch(live(), query(), { ...opts, url: es.url }), /kept answering 429/);
    });

    it('caps a huge answer instead of filling memory', async () => {
      const small = createHttpClient({ retry: false, rateLimit: false, maxResponseBytes: 2048 });
      try {
        es.index('logs-auth', Array.from({ length: 50 }, (_, i) => ({ '@timestamp': at(5), message: `admin ${'x'.repeat(200)} ${i}` })));
        await assert.rejects(searchElasticsearch(createInvoker({ mode: 'live', client: small }), query(), { ...opts, url: es.url }), (e: unknown) => e instanceof LogFetchError && e.code === 'too-large' && /lower the limit/.test(e.message));
      } finally {
        await small.close();
      }
    });

    it('dry-run records the query and sends nothing', async () => {
      const invoker = createInvoker({ mode: 'dry-run' });
      const r = await searchElasticsearch(invoker, query(), { ...opts, url: es.url });
      assert.equal(r.dryRun, true);
      assert.equal(es.requests.length, 0);
      assert.equal(invoker.calls[0].operation, 'elasticsearch.search');
      assert.equal(invoker.calls[0].headers.authorization, '[redacted]');
      assert.ok(JSON.stringify(invoker.calls[0].body).includes('198.51.100.23'));
    });
  });

  describe('Grafana Loki', () => {
    let loki: LokiEmulator;
    before(async () => { loki = await startLoki({ tenant: 'soc', token: 'loki-token-123' }); });
    after(() => loki.close());
    beforeEach(() => {
      loki.reset();
      loki.push({ job: 'sshd', host: 'web-01', filename: '/var/log/auth.log' }, [
        [at(1), 'Failed password for invalid user admin from 198.51.100.23 port 51234 ssh2'],
        [at(2), 'Failed password for invalid user Administrator from 198.51.100.230'],
        [at(3), 'Accepted password for ADMIN from 10.0.0.4'],
        [at(70), 'Failed password for admin from 198.51.100.23'],
        [at(4), 'a line with " OR * and .* in it'],
      ]);
    });
    const opts = () => ({ url: loki.url, tenant: 'soc', token: 'loki-token-123' });

    it('builds LogQL from the observables and returns the matching lines in the window', async () => {
      const r = await searchLoki(live(), query(), opts());
      assert.deepEqual(r.events.map((e) => e.time), [at(1), at(3)]);
      assert.equal(r.events[0].host, 'web-01');
      assert.equal(r.events[0].source, '/var/log/auth.log');
      assert.deepEqual(r.counts, { '198.51.100.23': 1, admin: 2 });
      const req = loki.requests[0];
      assert.equal(req.query.query, '{job=~".+"} |~ "198\\\\.51\\\\.100\\\\.23|(?i:admin)"');
      assert.equal(req.query.start, String(BigInt(Date.parse(FROM)) * 1_000_000n));
      assert.equal(req.headers['x-scope-orgid'], 'soc');
      assert.equal(req.headers.authorization, 'Bearer loki-token-123');
    });

    it('escapes values as RE2 literals inside LogQL strings: no value widens the search or adds a stage', async () => {
      for (const value of HOSTILE) {
        const q = buildLogQL(query({ observables: [{ type: 'term', value }], terms: [value] }));
        const parsed = parseLogQL(q); // Loki's grammar: one selector, exactly two filters
        assert.equal(parsed.filters.length, 2, q);
        assert.equal(parsed.filters[1].value, value);
        assert.equal(parsed.filters[0].value, escapeRegex(value));
        assert.ok(new RegExp(`^(?:${parsed.filters[0].value})$`).test(value), q);
      }
      assert.equal(logqlString('a"b\\c\n'), '"a\\"b\\\\c\\n"');
      const r = await searchLoki(live(), query({ observables: [{ type: 'term', value: '.*' }] }), opts());
      assert.deepEqual(r.events.map((e) => e.time), [at(4)], '.* matched more than itself');
    });

    it('reports LogQL parse errors and refused credentials in words', async () => {
      await assert.rejects(searchLoki(live(), query(), { ...opts(), selector: '{job=~".*"}' }), /Loki could not run the LogQL query \(400\): parse error at line 1, col 1: queries require at least one/);
      await assert.rejects(searchLoki(live(), query(), { ...opts(), selector: 'job="x"' }), /stream selector must look like/);
      await assert.rejects(searchLoki(live(), query(), { ...opts(), tenant: 'other' }), (e: unknown) => e instanceof LogFetchError && e.code === 'unauthorized' && /no org id/.test(e.message));
      loki.script('GET', '/loki/api/v1/query_range', faults.serverError(503), faults.serverError(503), faults.serverError(503));
      await assert.rejects(searchLoki(live(), query(), opts()), /Loki answered 503 after the retries/);
    });

    it('says a full page may be truncated', async () => {
      const r = await searchLoki(live(), query({ limit: 1 }), opts());
      assert.equal(r.events.length, 1);
      assert.equal(r.truncated, true);
      assert.equal(r.totalExact, false);
    });
  });

  describe('Splunk', () => {
    let splunk: SplunkEmulator;
    before(async () => { splunk = await startSplunk({ token: 'splunk-token-abc' }); });
    after(() => splunk.close());
    beforeEach(() => {
      splunk.reset();
      splunk.add('main', [
        { time: at(1), raw: 'Feb 10 08:01:00 web-01 sshd[1]: Failed password for invalid user admin from 198.51.100.23 port 51234 ssh2' },
        { time: at(2), raw: 'Feb 10 08:02:00 web-01 sshd[2]: Accepted publickey for deploy from 10.0.0.4' },
        { time: at(3), raw: 'Feb 10 08:03:00 web-02 sudo: admin : TTY=pts/0 ; COMMAND=/bin/ls', host: 'web-02' },
        { time: at(61), raw: 'Feb 10 09:01:00 web-01 sshd[9]: Failed password for admin from 198.51.100.23' },
        { time: at(4), raw: 'Feb 10 08:04:00 web-01 app: saw " OR * | delete in a form field' },
      ]);
    });

    for (const mode of ['export', 'oneshot'] as const) {
      it(`searches with quoted values and the window (${mode})`, async () => {
        const r = await searchSplunk(live(), query(), { url: splunk.url, index: 'main', token: 'splunk-token-abc', mode });
        assert.deepEqual(r.events.map((e) => e.time), [at(1), at(3)]);
        assert.equal(r.events[1].host, 'web-02');
        assert.deepEqual(r.counts, { '198.51.100.23': 1, admin: 2 });
        const form = splunk.requests[0].form!;
        assert.equal(form.search, 'search index=main ("198.51.100.23" OR "admin") | head 101');
        assert.equal(form.output_mode, 'json');
        assert.equal(splunk.requests[0].headers.authorization, 'Bearer splunk-token-abc');
        assert.deepEqual(splunk.commands, ['search', 'head']);
      });
    }

    it('keeps hostile values inside quotes: no command runs and nothing widens', async () => {
      for (const value of HOSTILE) {
        splunk.commands.length = 0;
        splunk.terms.length = 0;
        const r = await searchSplunk(live(), query({ observables: [{ type: 'term', value }] }), { url: splunk.url, index: 'main', token: 'splunk-token-abc' }).catch((e: Error) => e);
        if (r instanceof Error) {
          assert.match(r.message, /no observable has a literal part/, value); // a value made only of *
          continue;
        }
        assert.deepEqual(splunk.commands, ['search', 'head'], `${JSON.stringify(value)} ran ${splunk.commands.join(', ')}`);
        const literal = value.replace(/[\x00-\x1f]/g, ' ').split('*').map((p) => p.trim()).filter(Boolean);
        assert.deepEqual(splunk.terms[0], literal, JSON.stringify(value));
        assert.ok(r.events.every((e) => e.message.includes(value)), `${JSON.stringify(value)} widened the search`);
      }
      assert.equal(splQuote('" OR *'), '"\\" OR"');
      assert.equal(buildSpl(query({ observables: [{ type: 'user', value: '| delete' }] }), 'main'), 'search index=main "| delete" | head 101');
    });

    it('reports a refused token and a search error in words', async () => {
      await assert.rejects(searchSplunk(live(), query(), { url: splunk.url, index: 'main', token: 'wrong-token' }), (e: unknown) => e instanceof LogFetchError && e.code === 'unauthorized' && /call not properly authenticated/.test(e.message));
      await assert.rejects(searchSplunk(live(), query(), { url: splunk.url, index: 'bad index', token: 'splunk-token-abc' }), /not a valid index name/);
      splunk.script('POST', '/services/search/jobs/export', { status: 400, body: { messages: [{ type: 'FATAL', text: "Error in 'search' command: Unable to parse the search: Unbalanced quotes." }] } });
      await assert.rejects(searchSplunk(live(), query(), { url: splunk.url, index: 'main', token: 'splunk-token-abc' }), /Splunk could not run the search \(400\): Error in 'search' command: Unable to parse the search: Unbalanced quotes\./);
      splunk.script('POST', '/services/search/jobs/export', faults.tooManyRequests(0), faults.tooManyRequests(0), faults.tooManyRequests(0));
      await assert.rejects(searchSplunk(live(), query(), { url: splunk.url, index: 'main', token: 'splunk-token-abc' }), /Splunk kept answering 429/);
    });

    it('stops at the limit with | head and says so', async () => {
      const r = await searchSplunk(live(), query({ limit: 1 }), { url: splunk.url, index: 'main', token: 'splunk-token-abc' });
      assert.equal(r.events.length, 1);
      assert.equal(r.truncated, true);
      // The result past the limit counts in the total and in the counts alike.
      assert.equal(r.total, 2);
      assert.equal(r.totalExact, false);
      assert.deepEqual(r.counts, { '198.51.100.23': 1, admin: 2 });
    });

    it('dry-run records the search and sends nothing', async () => {
      const invoker = createInvoker({ mode: 'dry-run' });
      const r = await searchSplunk(invoker, query(), { url: splunk.url, index: 'main', missingCredentials: ['token'] });
      assert.equal(r.dryRun, true);
      assert.equal(splunk.requests.length, 0);
      assert.deepEqual(invoker.calls[0].missingCredentials, ['token']);
      assert.match(String((invoker.calls[0].body as { search: string }).search), /^search index=main/);
    });
  });
});
