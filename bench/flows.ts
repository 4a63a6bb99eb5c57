// The flows the playbook benchmarks deploy side by side on one Node-RED:
//   A     the NIST SP 800-61 example as shipped (dry-run), POST /ir/nist
//   B     a copy of it in live mode against the emulators (rate limits lifted), POST /ir/nist-live
//   bare  http in → change → http response, POST /bench/bare
//   hand  what a user would wire without this package: function nodes that parse the alert and
//         build the requests, http request nodes calling the same emulators with the same calls
//         as B, a change node and an http response, POST /bench/hand
// plus GET /bench/store (how many incidents the store holds).
import fs from 'node:fs';
import path from 'node:path';
import { PAGERDUTY_REST_TOKEN } from '../test/emulators/pagerduty-events';
import { SLACK_TOKEN } from '../test/emulators/slack';
import { ROOT } from './harness';

type FlowNode = Record<string, unknown> & { id: string; type: string };

export const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';
export const CHANNEL = 'C0SEC';

export function nistExample(): FlowNode[] {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'flows', 'NIST SP 800-61 playbook.json'), 'utf8')) as FlowNode[];
}

/** A copy of a flow with every id (and every reference to one: wires, z, g, scope, config) prefixed. */
export function copyFlow(flow: FlowNode[], prefix: string): FlowNode[] {
  const ids = new Set(flow.map((n) => n.id));
  const rewrite = (value: unknown): unknown => {
    if (typeof value === 'string') return ids.has(value) ? prefix + value : value;
    if (Array.isArray(value)) return value.map(rewrite);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
    return value;
  };
  return flow.map((n) => rewrite(n) as FlowNode);
}

/** Flow A: the example, unchanged. */
export function flowA(): FlowNode[] {
  return nistExample();
}

/**
 * Flow B: the example switched to live, pointed at the emulators, rate limits lifted. PagerDuty
 * pages every severity here (the example pages high and critical only, and those wait for an
 * approval), so a medium alert makes every call the integrations can make: Slack post, updates
 * and thread replies; PagerDuty trigger, acknowledge and resolve.
 */
export function flowB(slackApiUrl: string, pagerDutyUrl: string, withRestToken = false): FlowNode[] {
  return copyFlow(nistExample(), 'bench_b_').map((node): FlowNode => {
    if (node.type === 'tab') return { ...node, label: 'NIST SP 800-61 playbook (live, benchmark)' };
    if (node.type === 'http in') return { ...node, url: '/ir/nist-live', name: 'POST /ir/nist-live' };
    if (node.type === 'ir-slack-config') {
      return { ...node, name: 'Slack (emulator)', mode: 'live', channel: CHANNEL, apiUrl: slackApiUrl, rate: 1e9, credentials: { token: SLACK_TOKEN } };
    }
    if (node.type === 'ir-pagerduty-config') {
      return {
        ...node, name: 'PagerDuty (emulator)', mode: 'live', eventsUrl: `${pagerDutyUrl}/v2/enqueue`, apiUrl: pagerDutyUrl, rate: 1e9,
        credentials: { routingKey: ROUTING_KEY, ...(withRestToken ? { apiToken: PAGERDUTY_REST_TOKEN } : {}) },
      };
    }
    if (node.type === 'ir-pagerduty-page') return { ...node, severities: 'low,medium,high,critical' };
    return node;
  });
}

export function flowBare(): FlowNode[] {
  const z = 'bench_bare_tab';
  return [
    { id: z, type: 'tab', label: 'baseline: bare http in → change → http response' },
    { id: 'bench_bare_in', type: 'http in', z, name: 'POST /bench/bare', url: '/bench/bare', method: 'post', upload: false, skipBodyParsing: false, swaggerDoc: '', x: 150, y: 80, wires: [['bench_bare_change']] },
    {
      id: 'bench_bare_change', type: 'change', z, name: 'answer 200', x: 350, y: 80, wires: [['bench_bare_out']],
      rules: [{ t: 'set', p: 'statusCode', pt: 'msg', to: '200', tot: 'num' }, { t: 'set', p: 'payload', pt: 'msg', to: '{"received":true}', tot: 'json' }],
      action: '', property: '', from: '', to: '', reg: false,
    },
    { id: 'bench_bare_out', type: 'http response', z, name: '', statusCode: '', headers: {}, x: 550, y: 80, wires: [] },
  ];
}

// The hand-built flow's function nodes. Each checks the answer of the call before it and
// prepares the next call; node.error() on a failed call goes to the Catch node (500).
const CHECK_SLACK = `if (msg.statusCode !== 200 || !msg.payload || msg.payload.ok !== true) {
    node.error('Slack: ' + ((msg.payload && msg.payload.error) || msg.statusCode), msg);
    return null;
}`;
const CHECK_PAGERDUTY = `if (msg.statusCode !== 202) {
    node.error('PagerDuty: ' + msg.statusCode + ' ' + JSON.stringify(msg.payload), msg);
    return null;
}`;
const SLACK_CALL = (method: string, payload: string): string => `msg.method = 'POST';
msg.url = env.get('SLACK_API') + '${method}';
msg.headers = { 'content-type': 'application/json; charset=utf-8', authorization: 'Bearer ' + env.get('SLACK_TOKEN') };
msg.payload = ${payload};
return msg;`;
const PAGERDUTY_CALL = (action: string): string => `msg.method = 'POST';
msg.url = env.get('PAGERDUTY_EVENTS');
msg.headers = { 'content-type': 'application/json' };
msg.payload = { routing_key: env.get('PAGERDUTY_ROUTING_KEY'), event_action: '${action}', dedup_key: 'bench-' + msg.alert.id${action === 'trigger' ? `,
    payload: { summary: msg.alert.title, source: msg.alert.host, severity: 'warning', custom_details: { source_ip: msg.alert.srcip } }` : ''} };
return msg;`;
const MESSAGE = (phase: string): string => `{
    channel: env.get('SLACK_CHANNEL'), ${phase === 'new' ? '' : 'ts: msg.slack.ts, '}
    text: '[' + msg.alert.severity.toUpperCase() + '] ' + msg.alert.title + ' (${phase})',
    blocks: [
        { type: 'header', text: { type: 'plain_text', text: msg.alert.title } },
        { type: 'section', fields: [
            { type: 'mrkdwn', text: '*Severity*\\n' + msg.alert.severity },
            { type: 'mrkdwn', text: '*Phase*\\n${phase}' },
            { type: 'mrkdwn', text: '*Source IP*\\n' + msg.alert.srcip },
            { type: 'mrkdwn', text: '*Host*\\n' + msg.alert.host } ] }
    ] }`;
const REPLY = (text: string): string => `{ channel: env.get('SLACK_CHANNEL'), thread_ts: msg.slack.ts, text: '${text}' }`;

const NORMALIZE = `// Wazuh alert → the few fields the notifications need.
const a = msg.payload || {};
const rule = a.rule || {};
if (!rule.description) {
    node.error('not a Wazuh alert', msg);
    return null;
}
const level = Number(rule.level) || 0;
msg.alert = {
    id: String(a.id || Date.now()),
    title: rule.description,
    severity: level >= 13 ? 'critical' : level >= 11 ? 'high' : level >= 6 ? 'medium' : 'low',
    srcip: (a.data && a.data.srcip) || '',
    host: (a.agent && a.agent.name) || 'unknown',
    at: a.timestamp || new Date().toISOString()
};
`;

/** The hand-built flow: the same eight calls as flow B makes for a medium alert, in the same order. */
export function flowHand(slackApiUrl: string, pagerDutyUrl: string): FlowNode[] {
  const z = 'bench_hand_tab';
  const steps: Array<{ name: string; func: string }> = [
    { name: 'normalize; Slack post', func: `${NORMALIZE}${SLACK_CALL('chat.postMessage', MESSAGE('new'))}` },
    { name: 'PagerDuty trigger', func: `${CHECK_SLACK}\nmsg.slack = { channel: msg.payload.channel, ts: msg.payload.ts };\n${PAGERDUTY_CALL('trigger')}` },
    { name: 'Slack update: containment', func: `${CHECK_PAGERDUTY}\n${SLACK_CALL('chat.update', MESSAGE('containment'))}` },
    { name: 'Slack reply: containment', func: `${CHECK_SLACK}\n${SLACK_CALL('chat.postMessage', REPLY('Entered containment-eradication-recovery'))}` },
    { name: 'PagerDuty acknowledge', func: `${CHECK_SLACK}\n${PAGERDUTY_CALL('acknowledge')}` },
    { name: 'Slack update: post-incident', func: `${CHECK_PAGERDUTY}\n${SLACK_CALL('chat.update', MESSAGE('post-incident'))}` },
    { name: 'Slack reply: resolved', func: `${CHECK_SLACK}\n${SLACK_CALL('chat.postMessage', REPLY('Resolved: entered post-incident'))}` },
    { name: 'PagerDuty resolve', func: `${CHECK_SLACK}\n${PAGERDUTY_CALL('resolve')}` },
    { name: 'check', func: `${CHECK_PAGERDUTY}\nmsg.payload = msg.alert;\nreturn msg;` },
  ];
  const nodes: FlowNode[] = [
    {
      id: z, type: 'tab', label: 'baseline: hand-built with core nodes',
      env: [
        { name: 'SLACK_API', value: slackApiUrl, type: 'str' },
        { name: 'SLACK_TOKEN', value: SLACK_TOKEN, type: 'str' },
        { name: 'SLACK_CHANNEL', value: CHANNEL, type: 'str' },
        { name: 'PAGERDUTY_EVENTS', value: `${pagerDutyUrl}/v2/enqueue`, type: 'str' },
        { name: 'PAGERDUTY_ROUTING_KEY', value: ROUTING_KEY, type: 'str' },
      ],
    },
    { id: 'bench_hand_in', type: 'http in', z, name: 'POST /bench/hand', url: '/bench/hand', method: 'post', upload: false, skipBodyParsing: false, swaggerDoc: '', x: 120, y: 60, wires: [['bench_hand_f0']] },
  ];
  steps.forEach((step, i) => {
    const last = i === steps.length - 1;
    nodes.push({
      id: `bench_hand_f${i}`, type: 'function', z, name: step.name, func: step.func, outputs: 1, timeout: 0, noerr: 0,
      initialize: '', finalize: '', libs: [], x: 150 + 200 * (i % 4), y: 120 + 80 * Math.floor(i / 4),
      wires: [[last ? 'bench_hand_answer' : `bench_hand_h${i}`]],
    });
    if (!last) {
      nodes.push({
        id: `bench_hand_h${i}`, type: 'http request', z, name: '', method: 'use', ret: 'obj', paytoqs: 'ignore', url: '', tls: '',
        persist: true, proxy: '', insecureHTTPParser: false, authType: '', senderr: false, headers: [],
        x: 250 + 200 * (i % 4), y: 160 + 80 * Math.floor(i / 4), wires: [[`bench_hand_f${i + 1}`]],
      });
    }
  });
  nodes.push(
    {
      id: 'bench_hand_answer', type: 'change', z, name: 'answer 200', x: 700, y: 400, wires: [['bench_hand_out']],
      rules: [{ t: 'set', p: 'statusCode', pt: 'msg', to: '200', tot: 'num' }, { t: 'delete', p: 'headers', pt: 'msg' }],
      action: '', property: '', from: '', to: '', reg: false,
    },
    { id: 'bench_hand_out', type: 'http response', z, name: '', statusCode: '', headers: {}, x: 900, y: 400, wires: [] },
    { id: 'bench_hand_catch', type: 'catch', z, name: 'a call failed', scope: null, uncaught: false, x: 120, y: 480, wires: [['bench_hand_failed']] },
    {
      id: 'bench_hand_failed', type: 'change', z, name: 'answer 500', x: 320, y: 480, wires: [['bench_hand_out']],
      rules: [{ t: 'set', p: 'statusCode', pt: 'msg', to: '500', tot: 'num' }, { t: 'set', p: 'payload', pt: 'msg', to: 'error.message', tot: 'msg' }, { t: 'delete', p: 'headers', pt: 'msg' }],
      action: '', property: '', from: '', to: '', reg: false,
    },
  );
  return nodes;
}

/** GET /bench/store: how many incidents, dedup keys and timers the default context store holds. */
export function flowStoreProbe(): FlowNode[] {
  const z = 'bench_probe_tab';
  return [
    { id: z, type: 'tab', label: 'benchmark probe' },
    { id: 'bench_probe_in', type: 'http in', z, name: 'GET /bench/store', url: '/bench/store', method: 'get', upload: false, swaggerDoc: '', x: 150, y: 80, wires: [['bench_probe_count']] },
    {
      id: 'bench_probe_count', type: 'function', z, name: 'count store keys', outputs: 1, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [], x: 350, y: 80,
      func: `const keys = global.keys();
msg.payload = {
    incidents: keys.filter((k) => k.startsWith('ir_incident_')).length,
    dedupKeys: keys.filter((k) => k.startsWith('ir_dedup_')).length,
    timers: keys.filter((k) => k.startsWith('ir_timer_')).length,
    keys: keys.length
};
return msg;`,
      wires: [['bench_probe_out']],
    },
    { id: 'bench_probe_out', type: 'http response', z, name: '', statusCode: '', headers: {}, x: 550, y: 80, wires: [] },
  ];
}
