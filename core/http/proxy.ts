// Outbound proxy selection. 'env' follows the usual HTTPS_PROXY / HTTP_PROXY / NO_PROXY
// variables (lower-case first, as curl does); an explicit object is the config node's setting.
// undici's EnvHttpProxyAgent then does the per-request choice and the NO_PROXY matching:
// entries are host names (a leading `.` or `*.` matches subdomains), IPs, optional `:port`,
// or `*`; no CIDR ranges. An https:// target with no HTTPS proxy uses the HTTP proxy (undici).
import { redactUrl } from '../model/redact';

export type ProxyOptions =
  | 'env'
  | 'none'
  | {
    /** Proxy for http:// targets (and https:// ones when `https` is not set). `http://user:pass@host:port`. */
    http?: string;
    /** Proxy for https:// targets (tunnelled with CONNECT). */
    https?: string;
    /** Comma- or space-separated hosts that go direct. */
    noProxy?: string;
  };

export interface ResolvedProxy {
  http: string;
  https: string;
  noProxy: string;
}

/** undefined: no proxy at all. Throws (with the URL redacted) on a malformed proxy URL. */
export function resolveProxy(options: ProxyOptions | undefined, env: NodeJS.ProcessEnv = process.env): ResolvedProxy | undefined {
  const o = options ?? 'env';
  if (o === 'none') return undefined;
  const pick = (...names: string[]): string => names.map((n) => env[n]).find((v) => v !== undefined && v.trim() !== '')?.trim() ?? '';
  const r: ResolvedProxy = o === 'env'
    ? { http: pick('http_proxy', 'HTTP_PROXY'), https: pick('https_proxy', 'HTTPS_PROXY'), noProxy: pick('no_proxy', 'NO_PROXY') }
    : { http: o.http?.trim() ?? '', https: o.https?.trim() ?? '', noProxy: o.noProxy?.trim() ?? '' };
  if (!r.http && !r.https) return undefined;
  for (const [which, url] of [['http', r.http], ['https', r.https]] as const) {
    if (!url) continue;
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new Error(`${which} proxy is not a URL: ${redactUrl(url)}`);
    }
    if (!['http:', 'https:', 'socks5:', 'socks:'].includes(u.protocol)) throw new Error(`${which} proxy ${redactUrl(url)}: only http, https and socks5 proxies are supported`);
  }
  return r;
}

/** The proxy in use for a URL, for logs and error messages (redacted). */
export function describeProxy(p: ResolvedProxy | undefined): string {
  if (!p) return 'direct';
  return [p.http && `http via ${redactUrl(p.http)}`, p.https && `https via ${redactUrl(p.https)}`, p.noProxy && `except ${p.noProxy}`].filter(Boolean).join(', ');
}
