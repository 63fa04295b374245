import { createSocket } from "node:dgram";
import { createServer } from "node:net";

/**
 * A port that is free on `host` for both TCP and UDP at the time of the call, so that it serves a DNS server
 * (which listens on both) as well as any TCP server. Another process may still take it before the caller binds
 * it. The one helper for free ports, for the tests and the benchmarks alike.
 */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer().listen(0, host, () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
      server.on("error", reject);
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = createSocket("udp4");
      socket.once("error", () => resolve(false));
      socket.bind(port, host, () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error(`no port free for both TCP and UDP on ${host}`);
}

/** `count` distinct free ports: the servers of one run must not be handed the same one. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  for (let attempt = 0; ports.size < count && attempt < count * 10; attempt++) ports.add(await freePort());
  if (ports.size < count) throw new Error(`only ${ports.size} of ${count} free loopback ports`);
  return [...ports];
}
