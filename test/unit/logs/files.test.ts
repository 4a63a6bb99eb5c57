import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { searchFiles, listLogFiles, LogFetchError, type LogQuery } from '../../../core/logs';
import { parseLine } from '../../../core/logs/parse';

const FROM = '2026-02-10T08:00:00.000Z';
const TO = '2026-02-10T09:00:00.000Z';

function query(over: Partial<LogQuery> = {}): LogQuery {
  return { from: FROM, to: TO, observables: [{ type: 'ip', value: '198.51.100.23' }, { type: 'user', value: 'admin' }], terms: [], limit: 100, ...over };
}

function iso(minute: number, second = 0): string {
  return new Date(Date.parse(FROM) + minute * 60_000 + second * 1000).toISOString();
}

function syslogTime(isoTime: string): string {
  const d = new Date(isoTime);
  const mon = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return `${mon} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
}

describe('log-fetch files backend', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-logs-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, lines: string[], gzip = false): string => {
    const file = path.join(dir, name);
    const text = lines.join('\n') + '\n';
    fs.writeFileSync(file, gzip ? gzipSync(text) : text);
    return file;
  };
  const search = (q: LogQuery, paths: string[] = [dir], extra: { chunkBytes?: number; maxLineBytes?: number; seekMinBytes?: number } = {}) => searchFiles(q, { paths, baseDir: dir, ...extra });

  it('reads JSON lines, RFC 5424, RFC 3164 and plain text, with time, host, message and fields', async () => {
    write('app.jsonl', [JSON.stringify({ '@timestamp': iso(5), host: { name: 'web-01' }, user: 'admin', message: 'login failed', src: '198.51.100.23' })]);
    write('syslog5424.log', [`<86>1 ${iso(6)} web-02 sshd 123 ID47 [exampleSDID@32473 iut="3"] Failed password for admin from 198.51.100.23`]);
    write('auth.log', [`${syslogTime(iso(7))} web-03 sshd[2145]: Failed password for invalid user admin from 198.51.100.23 port 51234 ssh2`]);
    write('app.txt', [`${iso(8).replace('T', ' ').replace('.000Z', ',123')} WARN portal: 198.51.100.23 blocked`]);
    write('access.log', [`198.51.100.23 - - [10/Feb/2026:09:09:00 +0100] "GET /.env HTTP/1.1" 404 153`]);
    const r = await search(query());
    assert.equal(r.total, 5);
    assert.equal(r.truncated, false);
    assert.deepEqual(r.events.map((e) => e.time), [iso(5), iso(6), iso(7), iso(8, 0.123), iso(9)]);
    const [json, s5424, s3164] = r.events;
    assert.equal(json.host, 'web-01');
    assert.equal(json.message, 'login failed');
    assert.equal(json.fields?.user, 'admin');
    assert.equal(s5424.host, 'web-02');
    assert.equal(s5424.fields?.app, 'sshd');
    assert.match(s5424.message, /^Failed password/);
    assert.equal(s3164.host, 'web-03');
    assert.match(s3164.message, /^sshd\[2145\]: Failed password/);
    assert.ok(r.events.every((e) => path.isAbsolute(e.source)));
    assert.deepEqual(r.counts, { '198.51.100.23': 5, admin: 3 });
  });

  it('includes rotated and gzip-compressed files, in time order', async () => {
    write('auth.log.2.gz', [`${syslogTime(iso(1))} web-01 sshd[1]: Failed password for admin from 198.51.100.23`], true);
    write('auth.log.1', [`${syslogTime(iso(2))} web-01 sshd[2]: Failed password for admin from 198.51.100.23`]);
    write('auth.log', [`${syslogTime(iso(3))} web-01 sshd[3]: Failed password for admin from 198.51.100.23`]);
    // gzip without the .gz name is recognised by its magic bytes
    write('auth.log.3', [`${syslogTime(iso(0))} web-01 sshd[0]: Failed password for admin from 198.51.100.23`], true);
    const r = await search(query(), [path.join(dir, 'auth.log*')]);
    assert.deepEqual(r.events.map((e) => e.message.slice(0, 8)), ['sshd[0]:', 'sshd[1]:', 'sshd[2]:', 'sshd[3]:']);
    assert.equal(r.stats?.files, 4);
  });

  it('masks credentials in attached lines and leaves other compressions alone', async () => {
    write('app.jsonl', [JSON.stringify({ time: iso(1), user: 'admin', password: 'hunter2-secret', message: 'login with Authorization: Bearer abcdef123456 ok' })]);
    write('old.log.xz', ['admin 198.51.100.23']);
    const r = await search(query());
    assert.equal(r.total, 1);
    assert.equal(r.events[0].fields?.password, '[redacted]');
    assert.equal(r.events[0].message, 'login with Authorization: Bearer [redacted] ok');
  });

  it('keeps the window edges inclusive and drops what lies outside by a second', async () => {
    write('app.jsonl', [
      { t: '2026-02-10T07:59:59.999Z', n: 'before' }, { t: FROM, n: 'at-from' }, { t: TO, n: 'at-to' }, { t: '2026-02-10T09:00:00.001Z', n: 'after' },
    ].map((x) => JSON.stringify({ time: x.t, msg: `${x.n} 198.51.100.23` })));
    const r = await search(query());
    assert.deepEqual(r.events.map((e) => e.message.split(' ')[0]), ['at-from', 'at-to']);
  });

  it('keeps lines without a readable time (they cannot be placed outside the window)', async () => {
    write('notime.log', ['connection from 198.51.100.23 refused']);
    const r = await search(query());
    assert.equal(r.total, 1);
    // The documented shape: the key is there, null.
    assert.ok('time' in r.events[0]);
    assert.equal(r.events[0].time, null);
  });

  it('stops at the limit and says the result is truncated', async () => {
    const file = write('big.log', Array.from({ length: 50 }, (_, i) => `${iso(1, i)} login from 198.51.100.23 #${i}`));
    const r = await search(query({ limit: 10 }));
    assert.equal(r.events.length, 10);
    assert.equal(r.truncated, true);
    assert.equal(r.totalExact, false);
    assert.equal(r.total, 11);
    assert.ok((r.stats?.linesParsed as number) <= 11, 'parsed past the limit');
    assert.match(r.events[9].message, /#9$/);
    assert.ok(fs.statSync(file).size > 0);
  });

  it('counts per value over the same matches as the total, the one past the limit included', async () => {
    write('auth.log', Array.from({ length: 150 }, (_, i) => `${iso(1, i % 60)} sshd: Failed password for admin #${i}`));
    const r = await search(query({ limit: 100 }));
    assert.equal(r.events.length, 100);
    assert.equal(r.total, 101);
    assert.equal(r.totalExact, false);
    assert.deepEqual(r.counts, { '198.51.100.23': 0, admin: 101 });
  });

  it('reads a truncated .gz up to the cut and says so, instead of failing', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `${iso(1, i % 60)} sshd: Failed password for admin from 198.51.100.23 port ${10_000 + i} ${'x'.repeat(i % 37)}`);
    const full = gzipSync(lines.join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'trunc.log.2.gz'), full.subarray(0, 20_000));
    const r = await search(query({ limit: 10_000 }));
    assert.ok(r.events.length > 100, `only ${r.events.length} lines recovered`);
    // Whole lines only: the one the cut went through is dropped.
    for (const e of r.events) assert.match(e.message, /port \d+ x*$/);
    assert.equal(r.totalExact, false);
    assert.equal(r.notes?.length, 1);
    assert.match(r.notes![0], /^1 file\(s\) cut short: trunc\.log\.2\.gz \(unexpected end of file after \d+ bytes\), read up to the cut$/);
    assert.equal((r.stats?.cutShort as unknown[]).length, 1);
  });

  it('names unreadable files and skipped long lines in its notes, and no longer claims an exact total', async () => {
    write('good.log', [`${iso(1)} login from 198.51.100.23`, `${iso(2)} login from 198.51.100.23`]);
    fs.writeFileSync(path.join(dir, 'bad.log.1.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x00, 0x01, 0x02]));
    write('big.jsonl', [JSON.stringify({ '@timestamp': iso(3), src: '198.51.100.23', blob: 'y'.repeat(2 * 1024 * 1024) })]);
    const r = await search(query());
    assert.equal(r.total, 2);
    assert.equal(r.totalExact, false);
    assert.equal(r.notes?.length, 2);
    assert.match(r.notes![0], /^1 file\(s\) unreadable: bad\.log\.1\.gz \(.+\)$/);
    assert.equal(r.notes![1], '1 line(s) over 1 MiB skipped: not searched');
  });

  it('still fails when the only file is a .gz of which nothing could be decompressed', async () => {
    fs.writeFileSync(path.join(dir, 'bad.log.1.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad]));
    await assert.rejects(search(query()), (err: LogFetchError) => err.code === 'unreadable' && /no log file could be read/.test(err.message));
  });

  it('says the total is exact when every file and line was read', async () => {
    write('good.log', [`${iso(1)} login from 198.51.100.23`]);
    const r = await search(query());
    assert.equal(r.totalExact, true);
    assert.equal(r.notes, undefined);
  });

  it('matches whole values only: 10.0.0.1 is not 10.0.0.15, admin is not administrator', async () => {
    write('a.log', [
      `${iso(1)} from 10.0.0.15 user administrator`,
      `${iso(2)} from 10.0.0.1 user bob`,
      `${iso(3)} from 110.0.0.1 user Admin`,
      `${iso(4)} from 10.0.0.1:22 user ADMIN`,
    ]);
    const r = await search(query({ observables: [{ type: 'ip', value: '10.0.0.1' }, { type: 'user', value: 'admin' }] }));
    assert.deepEqual(r.events.map((e) => e.time), [iso(2), iso(3), iso(4)]);
    assert.deepEqual(r.counts, { '10.0.0.1': 2, admin: 2 });
  });

  it('requires every extra term', async () => {
    write('a.log', [`${iso(1)} sshd: Failed password for admin`, `${iso(2)} sudo: admin opened a session`]);
    const r = await search(query({ terms: ['sshd', 'Failed'] }));
    assert.deepEqual(r.events.map((e) => e.time), [iso(1)]);
  });

  it('skips files written before the window and files starting after it, but reads files dated 1985 (npm)', async () => {
    const old = write('old.log', [`${iso(-600)} admin logged in`]);
    fs.utimesSync(old, new Date('2026-02-09T00:00:00Z'), new Date('2026-02-09T00:00:00Z'));
    write('late.log', [`${iso(120)} admin logged in`, `${iso(121)} admin again`]);
    const npm = write('npm.log', [`${iso(10)} admin logged in`]);
    fs.utimesSync(npm, new Date('1985-10-26T08:15:00Z'), new Date('1985-10-26T08:15:00Z'));
    const r = await search(query());
    assert.deepEqual(r.events.map((e) => e.time), [iso(10)]);
    assert.equal(r.stats?.skippedByTime, 2);
  });

  it('gives the same answer whatever the chunk size (lines across chunk borders, CRLF, long lines)', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `${iso(1, i)} ${i % 3 === 0 ? 'admin' : 'bob'} from ${i % 4 === 0 ? '198.51.100.23' : '192.0.2.1'}\r`);
    lines.splice(7, 0, `${iso(1, 59)} ${'x'.repeat(5000)} admin`);
    write('a.log', lines);
    const big = await search(query(), [dir], { maxLineBytes: 1000 });
    for (const chunkBytes of [16, 64, 333, 4096]) {
      const small = await search(query(), [dir], { chunkBytes, maxLineBytes: 1000 });
      assert.deepEqual(small.events, big.events, `chunk ${chunkBytes}`);
    }
    assert.ok(big.events.every((e) => !e.message.endsWith('\r')));
    assert.ok(!big.events.some((e) => e.message.includes('xxxx')), 'over-long line kept');
    // i % 3 (admin): 14 lines, i % 4 (the IP): 10, both: 4
    assert.equal(big.events.length, 20);
    assert.equal(big.stats?.longLinesSkipped, 1);
  });

  it('finds exactly what a line-by-line scan finds (property)', async () => {
    const word = fc.constantFrom('admin', 'administrator', '198.51.100.23', '198.51.100.230', 'bob', 'x', '', '"', '\u00e9t\u00e9');
    await fc.assert(fc.asyncProperty(fc.array(fc.array(word, { maxLength: 6 }), { maxLength: 30 }), fc.integer({ min: 8, max: 200 }), async (rows, chunkBytes) => {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir);
      const lines = rows.map((r, i) => `${iso(1, i)} ${r.join(' ')}`);
      write('p.log', lines);
      const q = query();
      const r = await search(q, [dir], { chunkBytes });
      const expected = lines.filter((l) => /(^|\W)198\.51\.100\.23(\W|$)/.test(l) || /(^|[^A-Za-z0-9_])admin([^A-Za-z0-9_]|$)/i.test(l));
      assert.deepEqual(r.events.map((e) => e.message), expected.map((l) => parseLine(l, Date.parse(TO)).message));
    }), { numRuns: 40 });
  });

  it('enters a large file near the window by binary search, finding the same lines', async () => {
    // 20,000 lines, one every 6 s from 06:00 to 09:20; the window is 08:00-09:00
    const lines = Array.from({ length: 20_000 }, (_, i) => `${new Date(Date.parse('2026-02-10T06:00:00Z') + i * 6000).toISOString()} ${i % 50 === 0 ? 'admin' : 'bob'} did something ${'.'.repeat(40)}`);
    write('big.log', lines);
    const q = query({ limit: 10_000 });
    const whole = await search(q, [dir], { seekMinBytes: Infinity });
    const sought = await search(q, [dir], { seekMinBytes: 0, chunkBytes: 64 * 1024 });
    assert.equal(whole.total, 13); // one admin line every 5 minutes, both edges included
    assert.deepEqual(sought.events, whole.events);
    assert.ok((sought.stats?.bytesRead as number) < (whole.stats?.bytesRead as number) / 2, `read ${String(sought.stats?.bytesRead)} of ${String(whole.stats?.bytesRead)}`);
  });

  it('a missing directory or file is a clear error, naming the path', async () => {
    await assert.rejects(search(query(), [path.join(dir, 'nope')]), (err: unknown) => err instanceof LogFetchError && err.code === 'not-found' && /log path ".*nope" does not exist/.test(err.message));
    await assert.rejects(search(query(), [path.join(dir, 'nope', '*.log')]), /does not exist/);
    await assert.rejects(search(query(), [path.join(dir, '*', 'x.log')]), /wildcards are only supported in the file name/);
    await assert.rejects(search(query(), [path.join(dir, '*.log')]), /no log files found/);
    await assert.rejects(searchFiles(query(), { paths: [], baseDir: dir }), /no log path configured/);
  });

  it('resolves relative paths against the base directory and lists globs oldest first', async () => {
    write('b.log', ['x']);
    write('b.log.1', ['x']);
    write('b.log.2.gz', ['x'], true);
    for (const [n, t] of [['b.log', 3], ['b.log.1', 2], ['b.log.2.gz', 1]] as const) fs.utimesSync(path.join(dir, n), t * 1e6, t * 1e6);
    const files = await listLogFiles({ paths: ['b.log*'], baseDir: dir });
    assert.deepEqual(files.map((f) => path.basename(f.file)), ['b.log.2.gz', 'b.log.1', 'b.log']);
  });
});
