import { createSocket } from "node:dgram";
import { createServer } from "node:net";

/**
 * A port that is free on `host` for both TCP and UDP at the time of the call, for a DNS server that listens on
 * both (resolvers started by the tests). Another process may still take it before the caller binds it.
 */
export async function freeDnsPort(host = "127.0.0.1"): Promise<number> {
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
