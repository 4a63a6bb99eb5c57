// RDAP (RFC 9082/9083) for IP networks: who holds the range, its bounds and country, and the
// abuse contact. The registry serving an address comes from IANA's bootstrap files
// (RFC 9224: ipv4.json / ipv6.json), fetched once and kept; registries may redirect.
import { parseNetwork } from '../ip/ranges';
import type { Invoker } from './dry-run';
import type { ProviderAnswer, ProviderContext } from './ip-provider';
import { addressForPath, jsonObject, providerError, ProviderError, str, strings } from './ip-provider';

export const RDAP_BOOTSTRAP_URL = 'https://data.iana.org/rdap/';
const QUOTA = 'RDAP registries throttle heavy users (ARIN, RIPE: a few requests a second)';
const BOOTSTRAP_TTL_MS = 24 * 60 * 60 * 1000;

interface BootstrapService {
  version: 4 | 6;
  start: number | bigint;
  end: number | bigint;
  bits: number;
  urls: string[];
}

/** IANA's bootstrap registry for one IP version, parsed; longest prefix wins. */
export class RdapBootstrap {
  private services: BootstrapService[] = [];
  private loadedAt = new Map<4 | 6, number>();
  private loading = new Map<4 | 6, Promise<void>>();

  constructor(readonly baseUrl: string = RDAP_BOOTSTRAP_URL, private readonly now: () => number = Date.now) {}

  /** Replace the services of one version from a bootstrap file's JSON. */
  load(version: 4 | 6, body: Record<string, unknown>): void {
    if (!Array.isArray(body.services)) throw new ProviderError('rdap', 'invalid-response', `bootstrap ipv${version}.json has no services list`);
    const parsed: BootstrapService[] = [];
    for (const svc of body.services as unknown[]) {
      if (!Array.isArray(svc) || svc.length < 2) continue;
      const urls = strings(svc[1]);
      // Prefer https: RFC 9224 lists both; the https one protects the answer.
      urls.sort((a, b) => Number(b.startsWith('https:')) - Number(a.startsWith('https:')));
      for (const cidr of strings(svc[0])) {
        try {
          const net = parseNetwork(cidr);
          if (net.version !== version) continue;
          parsed.push({ version, start: net.start, end: net.end, bits: Number(cidr.split('/')[1] ?? (version === 4 ? 32 : 128)), urls });
        } catch {
          // A malformed entry in the registry file: skip it, keep the rest.
        }
      }
    }
    this.services = [...this.services.filter((s) => s.version !== version), ...parsed];
    this.loadedAt.set(version, this.now());
  }

  /** The RDAP base URL for an address, fetching the bootstrap file when needed. */
  async baseFor(ctx: { invoker: Invoker; signal?: AbortSignal }, ip: string): Promise<string | undefined> {
    const net = parseNetwork(ip);
    const at = this.loadedAt.get(net.version);
    if (at === undefined || this.now() - at > BOOTSTRAP_TTL_MS) await this.fetch(ctx, net.version);
    let best: BootstrapService | undefined;
    for (const s of this.services) {
      if (s.version === net.version && net.start >= s.start && net.start <= s.end && (!best || s.bits > best.bits)) best = s;
    }
    return best?.urls[0];
  }

  private fetch(ctx: { invoker: Invoker; signal?: AbortSignal }, version: 4 | 6): Promise<void> {
    let p = this.loading.get(version);
    if (!p) {
      p = (async () => {
        const url = new URL(`ipv${version}.json`, this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`).toString();
        const res = await ctx.invoker.invoke({
          operation: 'rdap.bootstrap', method: 'GET', url, headers: { accept: 'application/json' }, destination: 'rdap-bootstrap', maxRedirects: 3,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          simulated: { json: { version: '1.0', services: [[[version === 4 ? '0.0.0.0/0' : '::/0'], ['https://rdap.example.invalid/']]] } },
        });
        if (res.dryRun) return; // a simulated registry is not kept
        this.load(version, jsonObject('rdap', res.text, res.headers['content-type']));
      })().finally(() => this.loading.delete(version));
      this.loading.set(version, p);
    }
    return p;
  }
}

export interface RdapNetwork {
  handle?: string;
  name?: string;
  /** e.g. "81.2.69.0 - 81.2.69.255". */
  range?: string;
  cidrs?: string[];
  country?: string;
  type?: string;
  /** The registrant/holder's name. */
  owner?: string;
  abuseEmail?: string;
  abusePhone?: string;
  registry?: string;
  link?: string;
}

type VcardProp = [string, Record<string, unknown>, string, unknown];

function vcardValue(entity: Record<string, unknown>, prop: string): string | undefined {
  const card = entity.vcardArray;
  if (!Array.isArray(card) || !Array.isArray(card[1])) return undefined;
  for (const p of card[1] as unknown[]) {
    if (Array.isArray(p) && p[0] === prop) {
      const v = (p as VcardProp)[3];
      if (typeof v === 'string' && v) return v.replace(/^tel:/, '');
      if (Array.isArray(v)) return v.filter((x) => typeof x === 'string' && x).join(' ') || undefined;
    }
  }
  return undefined;
}

function roles(entity: Record<string, unknown>): string[] {
  return strings(entity.roles);
}

/** Entities at any depth (the abuse contact is often nested under the registrant). */
function allEntities(list: unknown, depth = 0): Array<Record<string, unknown>> {
  if (!Array.isArray(list) || depth > 4) return [];
  const out: Array<Record<string, unknown>> = [];
  for (const e of list) {
    if (!e || typeof e !== 'object') continue;
    out.push(e as Record<string, unknown>);
    out.push(...allEntities((e as Record<string, unknown>).entities, depth + 1));
  }
  return out;
}

export function parseRdapNetwork(body: Record<string, unknown>): RdapNetwork {
  if (body.objectClassName !== 'ip network') {
    throw new ProviderError('rdap', 'invalid-response', `answer is ${typeof body.objectClassName === 'string' ? `an "${body.objectClassName}" object` : 'not an RDAP object'}, not an "ip network"`);
  }
  const entities = allEntities(body.entities);
  const holder = entities.find((e) => roles(e).includes('registrant')) ?? entities.find((e) => roles(e).includes('administrative'));
  const abuse = entities.find((e) => roles(e).includes('abuse'));
  const cidrs = Array.isArray(body.cidr0_cidrs)
    ? (body.cidr0_cidrs as Array<Record<string, unknown>>).map((c) => `${String(c.v4prefix ?? c.v6prefix ?? '')}/${String(c.length ?? '')}`).filter((c) => !c.startsWith('/'))
    : [];
  const self = Array.isArray(body.links) ? (body.links as Array<Record<string, unknown>>).find((l) => l.rel === 'self') : undefined;
  const out: RdapNetwork = {};
  const fields: RdapNetwork = {
    handle: str(body.handle), name: str(body.name), type: str(body.type), country: str(body.country),
    range: str(body.startAddress) && str(body.endAddress) ? `${String(body.startAddress)} - ${String(body.endAddress)}` : undefined,
    ...(cidrs.length ? { cidrs } : {}),
    owner: holder ? vcardValue(holder, 'fn') ?? str(holder.handle) : undefined,
    abuseEmail: abuse ? vcardValue(abuse, 'email') : undefined,
    abusePhone: abuse ? vcardValue(abuse, 'tel') : undefined,
    registry: str(body.port43),
    link: self ? str(self.href) : undefined,
  };
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** The one place that calls RDAP: bootstrap, then GET {registry}/ip/{ip}. */
export async function lookupRdap(ctx: ProviderContext & { bootstrap: RdapBootstrap }, ip: string): Promise<ProviderAnswer> {
  let res;
  try {
    const base = ctx.invoker.mode === 'dry-run' ? 'https://rdap.example.invalid/' : await ctx.bootstrap.baseFor(ctx, ip);
    if (!base) return { found: false, data: { message: 'no RDAP registry serves this address (IANA bootstrap)' } };
    res = await ctx.invoker.invoke({
      operation: 'rdap.ip',
      method: 'GET',
      url: new URL(`ip/${addressForPath('rdap', ip)}`, base.endsWith('/') ? base : `${base}/`).toString(),
      headers: { accept: 'application/rdap+json, application/json' },
      destination: 'rdap',
      accept: [404],
      maxRedirects: 3, // rdap.org and some registries redirect to the authoritative server
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      simulated: { status: 404, json: { errorCode: 404, title: 'Not Found' } },
    });
  } catch (err) {
    throw providerError('rdap', err, QUOTA);
  }
  const dry = res.dryRun ? { dryRun: true } : {};
  if (res.status === 404) return { found: false, ...dry };
  return { found: true, data: { ...parseRdapNetwork(jsonObject('rdap', res.text, res.headers['content-type'])) }, ...dry };
}
