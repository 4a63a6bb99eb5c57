// Splunk's search REST API on loopback (help.splunk.com "Export data using the Splunk REST
// API"): POST /services/search/jobs/export (NDJSON rows {"preview":false,"offset":n,"result":{…}})
// and POST /services/search/jobs with exec_mode=oneshot ({"results":[…]}), output_mode=json,
// Bearer token auth. A real (small) SPL parser: quotes with \" and \\ escapes, parentheses, OR,
// index=, `*` wildcards, and a pipeline of commands of which only `head` is known; any other
// command is recorded in `commands` (an injected `| delete` would show up there) and answered
// with Splunk's FATAL message. Errors: 401 "call not properly authenticated", 400 FATAL.
import { startEmulator, type Emulator, type RecordedRequest, type ScriptedResponse } from './server';

export interface SplunkEvent { _time: string; _raw: string; host: string; source: string; sourcetype: string; index: string; [k: string]: string }

export interface SplunkEmulator extends Emulator {
  events: SplunkEvent[];
  add(index: string, events: Array<{ time: Date | string; raw: string; host?: string; source?: string }>): void;
  /** Every pipeline command name the emulator was asked to run, in order (search, head, …). */
  commands: string[];
  /** The terms of each search command, as parsed (literal values). */
  terms: string[][];
}

const FATAL = (status: number, text: string): ScriptedResponse => ({ status, body: { messages: [{ type: 'FATAL', text }] } });

type Node = { kind: 'term'; value: string; quoted: boolean } | { kind: 'field'; field: string; value: string } | { kind: 'and' | 'or'; items: Node[] } | { kind: 'not'; item: Node };

class SplError extends Error {}

function splitPipeline(spl: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < spl.length; i++) {
    const c = spl[i];
    if (quoted && c === '\\') { cur += c + (spl[i + 1] ?? ''); i++; continue; }
    if (c === '"') quoted = !quoted;
    if (c === '|' && !quoted) { parts.push(cur.trim()); cur = ''; continue; }
    cur += c;
  }
  if (quoted) throw new SplError("Error in 'search' command: Unable to parse the search: Unbalanced quotes.");
  parts.push(cur.trim());
  return parts;
}

function tokenize(text: string): Array<{ t: string; quoted: boolean }> {
  const out: Array<{ t: string; quoted: boolean }> = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(' || c === ')') { out.push({ t: c, quoted: false }); i++; continue; }
    if (c === '"') {
      let v = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) { v += text[i + 1]; i += 2; continue; }
        v += text[i++];
      }
      if (text[i] !== '"') throw new SplError("Error in 'search' command: Unable to parse the search: Unbalanced quotes.");
      i++;
      out.push({ t: v, quoted: true });
      continue;
    }
    let v = '';
    while (i < text.length && !/[\s()"]/.test(text[i])) v += text[i++];
    if (text[i] === '"' && v.endsWith('=')) { // field="quoted value"
      const rest = tokenize(text.slice(i))[0];
      const consumed = text.slice(i).indexOf('"', 1) + 1;
      out.push({ t: v + rest.t, quoted: false });
      i += consumed;
      continue;
    }
    out.push({ t: v, quoted: false });
  }
  return out;
}

function parseSearch(tokens: Array<{ t: string; quoted: boolean }>): Node {
  let i = 0;
  const primary = (): Node => {
    const tok = tokens[i++];
    if (!tok) throw new SplError("Error in 'search' command: Unable to parse the search: unexpected end of search.");
    if (!tok.quoted && tok.t === '(') {
      const inner = andList(')');
      if (tokens[i++]?.t !== ')') throw new SplError("Error in 'search' command: Unable to parse the search: Right hand side of OR cannot be empty.");
      return inner;
    }
    if (!tok.quoted && tok.t === 'NOT') return { kind: 'not', item: primary() };
    const eq = tok.quoted ? -1 : tok.t.indexOf('=');
    if (eq > 0) return { kind: 'field', field: tok.t.slice(0, eq), value: tok.t.slice(eq + 1) };
    return { kind: 'term', value: tok.t, quoted: tok.quoted };
  };
  const orList = (): Node => {
    const items = [primary()];
    while (tokens[i] && !tokens[i].quoted && tokens[i].t === 'OR') { i++; items.push(primary()); }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  };
  const andList = (stop?: string): Node => {
    const items: Node[] = [];
    while (i < tokens.length && !(stop && !tokens[i].quoted && tokens[i].t === stop)) {
      if (!tokens[i].quoted && tokens[i].t === 'AND') { i++; continue; }
      items.push(orList());
    }
    return { kind: 'and', items };
  };
  const node = andList();
  if (i < tokens.length) throw new SplError("Error in 'search' command: Unable to parse the search: unbalanced parentheses.");
  return node;
}

function wildcard(value: string): RegExp {
  return new RegExp(value.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*'), 'i');
}

function evalNode(n: Node, e: SplunkEvent): boolean {
  switch (n.kind) {
    case 'and': return n.items.every((x) => evalNode(x, e));
    case 'or': return n.items.some((x) => evalNode(x, e));
    case 'not': return !evalNode(n.item, e);
    case 'field': return new RegExp(`^${wildcard(n.value).source}$`, 'i').test(e[n.field] ?? '');
    case 'term': return wildcard(n.value).test(e._raw);
  }
}

function termsOf(n: Node, out: string[] = []): string[] {
  if (n.kind === 'term') out.push(n.value);
  else if (n.kind === 'and' || n.kind === 'or') for (const x of n.items) termsOf(x, out);
  else if (n.kind === 'not') termsOf(n.item, out);
  return out;
}

export async function startSplunk(options: { token?: string } = {}): Promise<SplunkEmulator> {
  const events: SplunkEvent[] = [];
  const commands: string[] = [];
  const terms: string[][] = [];
  const run = (req: RecordedRequest, mode: 'export' | 'oneshot'): ScriptedResponse => {
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) return { status: 401, body: { messages: [{ type: 'WARN', text: 'call not properly authenticated' }] } };
    const form = req.form ?? {};
    if (mode === 'oneshot' && form.exec_mode !== 'oneshot') return FATAL(400, 'this emulator only runs oneshot jobs');
    const spl = form.search ?? '';
    let matched: SplunkEvent[];
    try {
      const stages = splitPipeline(spl);
      const [first, ...rest] = stages;
      const name = first.split(/\s+/)[0];
      if (name !== 'search') throw new SplError(`Unknown search command '${name}'.`);
      commands.push('search');
      const tree = parseSearch(tokenize(first.slice('search'.length)));
      terms.push(termsOf(tree));
      const earliest = form.earliest_time ? Number(form.earliest_time) * 1000 : -Infinity;
      const latest = form.latest_time ? Number(form.latest_time) * 1000 : Infinity;
      matched = events.filter((e) => {
        const t = Date.parse(e._time);
        return t >= earliest && t < latest && evalNode(tree, e);
      });
      for (const stage of rest) {
        const [cmd, ...args] = stage.split(/\s+/);
        commands.push(cmd);
        if (cmd === 'head') matched = matched.slice(0, Number(args[0] ?? 10));
        else throw new SplError(`Unknown search command '${cmd}'.`);
      }
    } catch (err) {
      if (err instanceof SplError) return FATAL(400, err.message);
      throw err;
    }
    if (form.output_mode !== 'json') return { status: 200, headers: { 'content-type': 'text/xml' }, body: '<results/>' };
    if (mode === 'oneshot') {
      const count = Number(form.count ?? 100);
      const rows = count > 0 ? matched.slice(0, count) : matched;
      return { status: 200, body: { preview: false, init_offset: 0, messages: [], fields: ['_raw', '_time', 'host', 'source', 'sourcetype', 'index'].map((name) => ({ name })), results: rows, highlighted: {} } };
    }
    const lines = matched.map((r, i) => JSON.stringify({ preview: false, offset: i, ...(i === matched.length - 1 ? { lastrow: true } : {}), result: r }));
    return { status: 200, headers: { 'content-type': 'application/json; charset=UTF-8' }, body: lines.join('\n') + (lines.length ? '\n' : '') };
  };
  const emulator = await startEmulator({
    routes: [
      { method: 'POST', path: '/services/search/jobs/export', respond: (r) => run(r, 'export') },
      { method: 'POST', path: '/services/search/jobs', respond: (r) => run(r, 'oneshot') },
    ],
  });
  const reset = emulator.reset;
  return Object.assign(emulator, {
    events, commands, terms,
    add(index: string, add: Array<{ time: Date | string; raw: string; host?: string; source?: string }>) {
      for (const e of add) {
        events.push({ _time: new Date(e.time).toISOString().replace('Z', '+00:00'), _raw: e.raw, host: e.host ?? 'web-01', source: e.source ?? '/var/log/auth.log', sourcetype: 'linux_secure', index });
      }
    },
    reset() {
      reset();
      events.length = 0;
      commands.length = 0;
      terms.length = 0;
    },
  });
}
