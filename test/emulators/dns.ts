// A DNS server on 127.0.0.1 (UDP) answering PTR queries from a table, NXDOMAIN for the rest;
// `silent` drops every query (a resolver that never answers). Built on dns-packet.
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';

export interface DnsEmulator {
  /** "127.0.0.1:port", as Resolver.setServers takes it. */
  server: string;
  queries: Array<{ name: string; type: string }>;
  silent: boolean;
  close(): Promise<void>;
}

const NXDOMAIN = 3;

export async function startDns(ptr: Record<string, string[]>): Promise<DnsEmulator> {
  const socket = dgram.createSocket('udp4');
  const emulator: DnsEmulator = {
    server: '',
    queries: [],
    silent: false,
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
    const names = q.type === 'PTR' ? ptr[q.name.toLowerCase()] : undefined;
    const answer = dnsPacket.encode({
      type: 'response', id: query.id, flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED | (names ? 0 : NXDOMAIN),
      questions: [q],
      answers: (names ?? []).map((data) => ({ type: 'PTR' as const, name: q.name, class: 'IN' as const, ttl: 300, data })),
    });
    socket.send(answer, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  emulator.server = `127.0.0.1:${socket.address().port}`;
  return emulator;
}
