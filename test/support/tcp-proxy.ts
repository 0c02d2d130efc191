/**
 * A TCP proxy in front of the test PostgreSQL server, to fail the database under the gateway
 * without touching the shared server: `freeze()` keeps connections open but stops forwarding (a
 * frozen or partitioned database), `stop()` refuses and drops connections (database down),
 * `start()` / `thaw()` bring it back.
 */
import net from 'node:net';

export interface TcpProxy {
  /** The server URL rewritten to go through the proxy. */
  url(serverUrl: string): string;
  port: number;
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<[net.Socket, net.Socket]>();
  let frozen = false;
  let server: net.Server | null = null;
  let port = 0;

  const forward = (from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk) => {
      // Frozen: bytes are swallowed, as on a partitioned network (nothing arrives, nothing fails).
      if (!frozen) to.write(chunk);
    });
  };
  const listen = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        const pair: [net.Socket, net.Socket] = [client, upstream];
        pairs.add(pair);
        forward(client, upstream);
        forward(upstream, client);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          pairs.delete(pair);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  const stop = async () => {
    for (const [client, upstream] of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
    const closing = server;
    server = null;
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  };
  await listen();
  return {
    url(serverUrl) {
      const url = new URL(serverUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      url.searchParams.delete('host');
      url.searchParams.delete('port');
      return url.toString();
    },
    get port() {
      return port;
    },
    freeze: () => void (frozen = true),
    thaw: () => void (frozen = false),
    stop,
    start: listen,
    close: stop,
  };
}

/** Host and port of a postgresql:// URL (the `host` query parameter wins, as in pg). */
export function serverAddress(serverUrl: string): { host: string; port: number } {
  const url = new URL(serverUrl);
  return { host: url.searchParams.get('host') ?? (url.hostname || '127.0.0.1'), port: Number(url.searchParams.get('port') ?? (url.port || 5432)) };
}
