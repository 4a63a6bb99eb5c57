import net from 'node:net';

/**
 * A loopback TCP proxy in front of a server, with a switch for the client→server direction: the
 * tests use it to make one Node-RED instance's Redis connection stall at a chosen moment.
 */
export class TcpProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private paused = false;
  private readonly held: Array<{ upstream: net.Socket; data: Buffer }> = [];
  /** Called with each server→client chunk; returning true stops forwarding client→server after it. */
  onReply?: (data: Buffer) => boolean;
  /** Called with each client→server chunk before it is forwarded. */
  onRequest?: (data: Buffer) => void;
  port = 0;

  constructor(private readonly targetPort: number) {}

  async start(): Promise<number> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, '127.0.0.1');
      this.sockets.add(client).add(upstream);
      client.on('data', (data: Buffer) => {
        this.onRequest?.(data);
        if (this.paused) this.held.push({ upstream, data });
        else upstream.write(data);
      });
      upstream.on('data', (data: Buffer) => {
        if (this.onReply?.(data)) this.paused = true;
        client.write(data);
      });
      const close = () => { client.destroy(); upstream.destroy(); this.sockets.delete(client); this.sockets.delete(upstream); };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Holds back every client→server byte from now on (the server sees a silent client). */
  pause(): void {
    this.paused = true;
  }

  /** Sends what was held back, and forwards again. */
  resume(): void {
    this.paused = false;
    for (const { upstream, data } of this.held.splice(0)) if (!upstream.destroyed) upstream.write(data);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
