// A DNS server on 127.0.0.1 (UDP) answering A, AAAA, MX, NS, TXT and CNAME from a zone table:
// NXDOMAIN for names not in it, an empty answer (NODATA) for types a name lacks. `silent` drops
// every query (a resolver that never answers); `garbage` answers bytes that are no DNS message.
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';

export interface ZoneRecords {
  A?: string[];
  AAAA?: string[];
  MX?: Array<{ exchange: string; preference: number }>;
  NS?: string[];
  TXT?: string[];
  CNAME?: string[];
}

export interface DnsZoneEmulator {
  /** "127.0.0.1:port", as Resolver.setServers takes it. */
  server: string;
  queries: Array<{ name: string; type: string }>;
  silent: boolean;
  garbage: boolean;
  close(): Promise<void>;
}

const NXDOMAIN = 3;

type Answer = dnsPacket.Answer;

function answersFor(name: string, type: string, rec: ZoneRecords): Answer[] {
  const base = { name, class: 'IN' as const, ttl: 300 };
  switch (type) {
    case 'A': return (rec.A ?? []).map((data) => ({ ...base, type: 'A' as const, data }));
    case 'AAAA': return (rec.AAAA ?? []).map((data) => ({ ...base, type: 'AAAA' as const, data }));
    case 'MX': return (rec.MX ?? []).map((data) => ({ ...base, type: 'MX' as const, data }));
    case 'NS': return (rec.NS ?? []).map((data) => ({ ...base, type: 'NS' as const, data }));
    case 'TXT': return (rec.TXT ?? []).map((data) => ({ ...base, type: 'TXT' as const, data }));
    case 'CNAME': return (rec.CNAME ?? []).map((data) => ({ ...base, type: 'CNAME' as const, data }));
    default: return [];
  }
}

export async function startDnsZone(zone: Record<string, ZoneRecords>): Promise<DnsZoneEmulator> {
  const socket = dgram.createSocket('udp4');
  const emulator: DnsZoneEmulator = {
    server: '',
    queries: [],
    silent: false,
    garbage: false,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
  socket.on('message', (msg, rinfo) => {
    let query;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const q = query.questions?.[0];
    if (!q) return;
    emulator.queries.push({ name: q.name, type: q.type });
    if (emulator.silent) return;
    if (emulator.garbage) {
      socket.send(Buffer.from('this is not a DNS message'), rinfo.port, rinfo.address);
      return;
    }
    const rec = zone[q.name.toLowerCase()];
    const answer = dnsPacket.encode({
      type: 'response', id: query.id, flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED | (rec ? 0 : NXDOMAIN),
      questions: [q],
      answers: rec ? answersFor(q.name, q.type, rec) : [],
    });
    socket.send(answer, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  emulator.server = `127.0.0.1:${socket.address().port}`;
  return emulator;
}
