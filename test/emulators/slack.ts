// Slack Web API on loopback (POST /api/<method>), answering like Slack: HTTP 200 with
// {ok:true,…} or {ok:false, error}; form-encoded bodies (what @slack/web-api sends, `blocks` as a
// JSON string) and JSON bodies both accepted. 429 + Retry-After and 5xx are injected with
// emulator.script() / faults. chat.postMessage, chat.update, auth.test, conversations.info.
import { startEmulator, type Emulator, type RecordedRequest, type ScriptedResponse } from './server';

export interface SlackPost {
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown;
  thread_ts?: string;
  /** chat.update calls applied to this message, in order (text of each). */
  updates: string[];
}

export interface SlackEmulator extends Emulator {
  /** slackApiUrl for WebClient: `${url}/api/`. */
  apiUrl: string;
  /** Every message posted (top level and thread replies), in order. */
  messages: SlackPost[];
  /** Top-level messages of a channel. */
  topLevel(channel: string): SlackPost[];
  /** Replies in a thread. */
  replies(channel: string, threadTs: string): SlackPost[];
}

export interface SlackEmulatorOptions {
  /** Accepted bot tokens. Default ['xoxb-test-token']. */
  tokens?: string[];
  /** Channels that exist, id → is the bot a member. Default C0SEC (member), C0HIGH (member), C0OUT (not a member). */
  channels?: Record<string, boolean>;
}

export const SLACK_TOKEN = 'xoxb-test-token';

export async function startSlack(options: SlackEmulatorOptions = {}): Promise<SlackEmulator> {
  const tokens = new Set(options.tokens ?? [SLACK_TOKEN]);
  const channels = options.channels ?? { C0SEC: true, C0HIGH: true, C0OUT: false };
  const messages: SlackPost[] = [];
  let seq = 0;

  const args = (req: RecordedRequest): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...(req.form ?? (req.json as Record<string, unknown> | undefined) ?? {}) };
    if (typeof out.blocks === 'string') {
      try { out.blocks = JSON.parse(out.blocks) as unknown; } catch { out.blocks = 'invalid'; }
    }
    return out;
  };
  const ok = (body: object): ScriptedResponse => ({ status: 200, body: { ok: true, ...body } });
  const fail = (error: string, extra: object = {}): ScriptedResponse => ({ status: 200, body: { ok: false, error, ...extra } });
  const auth = (req: RecordedRequest): ScriptedResponse | undefined => {
    const header = String(req.headers.authorization ?? '');
    const token = header.startsWith('Bearer ') ? header.slice(7) : (args(req).token as string | undefined);
    if (!token) return fail('not_authed');
    if (!tokens.has(token)) return fail('invalid_auth');
    return undefined;
  };
  const channelCheck = (channel: unknown): ScriptedResponse | undefined => {
    if (typeof channel !== 'string' || !(channel in channels)) return fail('channel_not_found');
    if (!channels[channel]) return fail('not_in_channel');
    return undefined;
  };

  const postMessage = (req: RecordedRequest): ScriptedResponse => {
    const denied = auth(req);
    if (denied) return denied;
    const a = args(req);
    const bad = channelCheck(a.channel);
    if (bad) return bad;
    if (!a.text && !a.blocks) return fail('no_text');
    if (a.blocks === 'invalid' || (Array.isArray(a.blocks) && a.blocks.length > 50)) return fail('invalid_blocks');
    if (typeof a.text === 'string' && a.text.length > 40000) return fail('msg_too_long');
    const threadTs = typeof a.thread_ts === 'string' ? a.thread_ts : undefined;
    if (threadTs && !messages.some((m) => m.channel === a.channel && m.ts === threadTs)) return fail('thread_not_found');
    seq += 1;
    const ts = `1700000000.${String(seq).padStart(6, '0')}`;
    const post: SlackPost = { channel: String(a.channel), ts, text: String(a.text ?? ''), blocks: a.blocks, updates: [], ...(threadTs ? { thread_ts: threadTs } : {}) };
    messages.push(post);
    return ok({ channel: post.channel, ts, message: { type: 'message', text: post.text, ts, bot_id: 'B0EMULATOR', ...(threadTs ? { thread_ts: threadTs } : {}) } });
  };

  const update = (req: RecordedRequest): ScriptedResponse => {
    const denied = auth(req);
    if (denied) return denied;
    const a = args(req);
    const bad = channelCheck(a.channel);
    if (bad) return bad;
    const msg = messages.find((m) => m.channel === a.channel && m.ts === a.ts);
    if (!msg) return fail('message_not_found');
    msg.text = String(a.text ?? msg.text);
    if (a.blocks !== undefined) msg.blocks = a.blocks;
    msg.updates.push(msg.text);
    return ok({ channel: msg.channel, ts: msg.ts, text: msg.text });
  };

  const emulator = await startEmulator({
    routes: [
      { method: 'POST', path: '/api/chat.postMessage', respond: postMessage },
      { method: 'POST', path: '/api/chat.update', respond: update },
      { method: 'POST', path: '/api/auth.test', respond: (req) => auth(req) ?? ok({ url: 'https://emulator.slack.com/', team: 'Emulator', user: 'ir-bot', team_id: 'T0EMU', user_id: 'U0BOT', bot_id: 'B0EMULATOR' }) },
      { method: 'POST', path: '/api/conversations.info', respond: (req) => auth(req) ?? channelCheck(args(req).channel) ?? ok({ channel: { id: args(req).channel, is_member: true } }) },
    ],
    fallback: { status: 200, body: { ok: false, error: 'unknown_method' } },
  });
  const reset = emulator.reset;
  return Object.assign(emulator, {
    apiUrl: `${emulator.url}/api/`,
    messages,
    topLevel: (channel: string) => messages.filter((m) => m.channel === channel && !m.thread_ts),
    replies: (channel: string, threadTs: string) => messages.filter((m) => m.channel === channel && m.thread_ts === threadTs),
    reset() {
      reset();
      messages.length = 0;
    },
  });
}
