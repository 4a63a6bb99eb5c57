// RDAP (RFC 9082/9083) for domain names: when the domain was registered and expires, by which
// registrar, its status. The registry serving a TLD comes from IANA's bootstrap file dns.json
// (RFC 9224), fetched once a day and kept; registries may redirect.
import type { Invoker } from './dry-run';
import type { ProviderAnswer, ProviderContext } from './domain-provider';
import { DomainProviderError, domainProviderError, jsonBody } from './domain-provider';

export const RDAP_DNS_BOOTSTRAP_URL = 'https://data.iana.org/rdap/dns.json';
const QUOTA = 'RDAP registries throttle heavy users (keep to about 1 request a second)';
const BOOTSTRAP_TTL_MS = 24 * 60 * 60 * 1000;

/** IANA's bootstrap registry for domains, parsed: TLD (or longer suffix) → RDAP base URLs. */
export class RdapDnsBootstrap {
  private services = new Map<string, string[]>();
  private loadedAt?: number;
  private loading?: Promise<void>;

  constructor(readonly url: string = RDAP_DNS_BOOTSTRAP_URL, private readonly now: () => number = Date.now) {}

  load(body: Record<string, unknown>): void {
    if (!Array.isArray(body.services)) throw new DomainProviderError('rdap', 'invalid-response', 'bootstrap dns.json has no services list');
    const map = new Map<string, string[]>();
    for (const svc of body.services as unknown[]) {
      if (!Array.isArray(svc) || svc.length < 2 || !Array.isArray(svc[0]) || !Array.isArray(svc[1])) continue;
      const urls = (svc[1] as unknown[]).filter((u): u is string => typeof u === 'string');
      // RFC 9224 lists http and https; the https one protects the answer.
      urls.sort((a, b) => Number(b.startsWith('https:')) - Number(a.startsWith('https:')));
      for (const tld of svc[0] as unknown[]) if (typeof tld === 'string' && tld) map.set(tld.toLowerCase(), urls);
    }
    this.services = map;
    this.loadedAt = this.now();
  }

  /** The RDAP base URL for a domain (longest matching suffix), fetching dns.json when needed. */
  async baseFor(ctx: { invoker: Invoker; signal?: AbortSignal }, domain: string): Promise<string | undefined> {
    if (this.loadedAt === undefined || this.now() - this.loadedAt > BOOTSTRAP_TTL_MS) await this.fetch(ctx);
    const labels = domain.toLowerCase().split('.');
    for (let i = 0; i < labels.length; i++) {
      const urls = this.services.get(labels.slice(i).join('.'));
      if (urls?.length) return urls[0];
    }
    return undefined;
  }

  private fetch(ctx: { invoker: Invoker; signal?: AbortSignal }): Promise<void> {
    this.loading ??= (async () => {
      const res = await ctx.invoker.invoke({
        operation: 'rdap.bootstrap', method: 'GET', url: this.url, headers: { accept: 'application/json' }, destination: 'rdap-bootstrap', maxRedirects: 3,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        simulated: { json: { version: '1.0', services: [] } },
      });
      if (res.dryRun) return;
      this.load(jsonBody('rdap', res.text, res.headers['content-type']));
    })().finally(() => { this.loading = undefined; });
    return this.loading;
  }
}

export interface RdapDomain {
  /** As the registry spells it. */
  name?: string;
  handle?: string;
  registered?: string;
  expires?: string;
  lastChanged?: string;
  registrar?: string;
  registrarIanaId?: string;
  status: string[];
  nameservers: string[];
  dnssec?: boolean;
  abuseEmail?: string;
  link?: string;
}

function vcardValue(entity: Record<string, unknown>, prop: string): string | undefined {
  const card = entity.vcardArray;
  if (!Array.isArray(card) || !Array.isArray(card[1])) return undefined;
  for (const p of card[1] as unknown[]) {
    if (Array.isArray(p) && p[0] === prop) {
      const v: unknown = p[3];
      if (typeof v === 'string' && v) return v.replace(/^(tel|mailto):/, '');
      if (Array.isArray(v)) return v.filter((x) => typeof x === 'string' && x).join(' ') || undefined;
    }
  }
  return undefined;
}

function objects(v: unknown): Array<Record<string, unknown>> {
  return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x)) : [];
}

function roles(e: Record<string, unknown>): string[] {
  return Array.isArray(e.roles) ? e.roles.filter((r): r is string => typeof r === 'string') : [];
}

function isoDate(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

export function parseRdapDomain(body: Record<string, unknown>): RdapDomain {
  if (body.objectClassName !== 'domain') {
    throw new DomainProviderError('rdap', 'invalid-response', `answer is ${typeof body.objectClassName === 'string' ? `an "${body.objectClassName}" object` : 'not an RDAP object'}, not a "domain"`);
  }
  const out: RdapDomain = {
    status: Array.isArray(body.status) ? body.status.filter((s): s is string => typeof s === 'string') : [],
    nameservers: objects(body.nameservers).map((n) => (typeof n.ldhName === 'string' ? n.ldhName.toLowerCase() : '')).filter(Boolean),
  };
  const set = (k: keyof RdapDomain, v: unknown): void => {
    if (v !== undefined && v !== '') (out as unknown as Record<string, unknown>)[k] = v;
  };
  set('name', typeof body.ldhName === 'string' ? body.ldhName.toLowerCase() : undefined);
  set('handle', typeof body.handle === 'string' ? body.handle : undefined);
  for (const e of objects(body.events)) {
    const at = isoDate(e.eventDate);
    if (e.eventAction === 'registration') set('registered', at);
    else if (e.eventAction === 'expiration') set('expires', at);
    else if (e.eventAction === 'last changed') set('lastChanged', at);
  }
  const entities = objects(body.entities);
  const registrar = entities.find((e) => roles(e).includes('registrar'));
  if (registrar) {
    set('registrar', vcardValue(registrar, 'fn') ?? (typeof registrar.handle === 'string' ? registrar.handle : undefined));
    set('registrarIanaId', objects(registrar.publicIds).find((p) => p.type === 'IANA Registrar ID')?.identifier);
    const abuse = objects(registrar.entities).find((e) => roles(e).includes('abuse'));
    if (abuse) set('abuseEmail', vcardValue(abuse, 'email'));
  }
  const dnssec = (body.secureDNS as { delegationSigned?: unknown } | undefined)?.delegationSigned;
  if (typeof dnssec === 'boolean') out.dnssec = dnssec;
  const self = objects(body.links).find((l) => l.rel === 'self');
  set('link', typeof self?.href === 'string' ? self.href : undefined);
  return out;
}

/** The one place that calls RDAP for a domain: bootstrap, then GET {registry}/domain/{name}. */
export async function lookupRdapDomain(ctx: ProviderContext & { bootstrap: RdapDnsBootstrap }, domain: string): Promise<ProviderAnswer> {
  let res;
  try {
    const base = ctx.invoker.mode === 'dry-run' ? 'https://rdap.example.invalid/' : await ctx.bootstrap.baseFor(ctx, domain);
    if (!base) return { found: false, data: { message: `no RDAP service for .${domain.split('.').pop() ?? ''} in IANA's bootstrap file` } };
    res = await ctx.invoker.invoke({
      operation: 'rdap.domain',
      method: 'GET',
      url: new URL(`domain/${encodeURIComponent(domain)}`, base.endsWith('/') ? base : `${base}/`).toString(),
      headers: { accept: 'application/rdap+json, application/json' },
      destination: 'rdap',
      accept: [404],
      maxRedirects: 3,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      simulated: { status: 404, json: { errorCode: 404, title: 'Not Found' } },
    });
  } catch (err) {
    throw domainProviderError('rdap', err, QUOTA);
  }
  const dry = res.dryRun ? { dryRun: true } : {};
  if (res.status === 404) return { found: false, data: { message: `${domain} is not registered (the registry answered 404)` }, ...dry };
  return { found: true, data: { ...parseRdapDomain(jsonBody('rdap', res.text, res.headers['content-type'])) }, ...dry };
}
