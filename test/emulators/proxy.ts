// A tiny forward proxy on loopback: CONNECT tunnels (https://, and http:// through undici's
// tunnelling ProxyAgent) and plain absolute-URI proxying. It only ever connects to 127.0.0.1,
// so a test that is wrongly routed cannot reach the network through it.
import http from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';

export interface ProxyHit {
  kind: 'connect' | 'forward';
  /** host:port asked for. */
  target: string;
  /** The Proxy-Authorization header received, if any. */
  proxyAuthorization?: string;
}

export interface ForwardProxy {
  url: string;
  port: number;
  hits: ProxyHit[];
  close(): Promise<void>;
}

export async function startForwardProxy(options: { auth?: { username: string; password: string } } = {}): Promise<ForwardProxy> {
  const hits: ProxyHit[] = [];
  const sockets = new Set<Socket>();
  const expected = options.auth ? `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}` : undefined;
  const authorised = (h: http.IncomingHttpHeaders): boolean => !expected || h['proxy-authorization'] === expected;
  const loopback = (host: string): boolean => host === '127.0.0.1';

  const server = http.createServer((req, res) => {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute URI required');
      return;
    }
    const hit: ProxyHit = { kind: 'forward', target: target.host };
    if (req.headers['proxy-authorization']) hit.proxyAuthorization = String(req.headers['proxy-authorization']);
    hits.push(hit);
    if (!authorised(req.headers)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    if (!loopback(target.hostname)) {
      res.writeHead(403).end('this test proxy only reaches 127.0.0.1');
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = http.request({ host: '127.0.0.1', port: target.port || 80, method: req.method, path: target.pathname + target.search, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => { if (!res.headersSent) res.writeHead(502); res.end(); });
    req.pipe(upstream);
  });

  server.on('connect', (req: http.IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    const hit: ProxyHit = { kind: 'connect', target };
    if (req.headers['proxy-authorization']) hit.proxyAuthorization = String(req.headers['proxy-authorization']);
    hits.push(hit);
    const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
    if (!authorised(req.headers)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
      return;
    }
    if (!loopback(host) || !port) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = net.connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });

  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hits,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
