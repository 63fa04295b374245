import { createHash } from "node:crypto";
import { createSocket } from "node:dgram";
import { createServer, type Socket } from "node:net";
import dnsPacket from "dns-packet";
import { freePort } from "./free-port.ts";

/**
 * A small authoritative server on loopback standing in for the internet: every name under its domains has an A
 * record in 203.0.113.0/24 (TEST-NET-3), so that resolvers resolve names that are not blocked without leaving
 * the machine. Other names are REFUSED.
 */
export interface Upstream {
  host: string;
  port: number;
  domains: readonly string[];
  /** How many questions it answered, by name. */
  asked: Map<string, number>;
  close(): Promise<void>;
}

const authoritative = 1 << 10;
const refused = 5;
const formErr = 1;

/** The address the upstream gives `name`: one per name, so that an answer shows which name it belongs to. */
export function upstreamAddress(name: string): string {
  const digest = createHash("sha256").update(name.toLowerCase().replace(/\.$/, "")).digest();
  return `203.0.113.${1 + (digest[0]! % 254)}`;
}

export interface UpstreamOptions {
  /** Names with an address of their own (e.g. a stop page's name), instead of upstreamAddress(). */
  fixed?: Readonly<Record<string, string>>;
  /** The TTL of its A records; 60 by default. */
  ttl?: number;
}

export async function startUpstream(
  domains: readonly string[],
  host = "127.0.0.1",
  options: UpstreamOptions = {},
): Promise<Upstream> {
  const fixed = options.fixed ?? {};
  const port = await freePort(host);
  const asked = new Map<string, number>();
  const respond = (message: Buffer): Buffer | undefined => {
    let query: dnsPacket.DecodedPacket;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return undefined;
    }
    if (query.type !== "query") return undefined;
    const base = {
      type: "response" as const,
      id: query.id ?? 0,
      flags: authoritative | (query.flag_rd ? dnsPacket.RECURSION_DESIRED : 0),
      questions: query.questions ?? [],
    };
    const [question] = query.questions ?? [];
    if (!question) return dnsPacket.encode({ ...base, flags: base.flags | formErr });
    const name = question.name.toLowerCase().replace(/\.$/, "");
    asked.set(name, (asked.get(name) ?? 0) + 1);
    const domain = domains.find((d) => name === d || name.endsWith(`.${d}`));
    if (!domain) return dnsPacket.encode({ ...base, flags: (base.flags & ~authoritative) | refused });
    const soa: dnsPacket.Answer = {
      name: domain,
      type: "SOA",
      ttl: 60,
      data: {
        mname: `ns.${domain}`,
        rname: `hostmaster.${domain}`,
        serial: 1,
        refresh: 3600,
        retry: 600,
        expire: 86400,
        minimum: 60,
      },
    };
    if (question.type === "A") {
      return dnsPacket.encode({
        ...base,
        answers: [
          {
            name: question.name,
            type: "A",
            ttl: options.ttl ?? 60,
            data: fixed[name] ?? upstreamAddress(name),
          },
        ],
      });
    }
    if (question.type === "SOA" && name === domain) return dnsPacket.encode({ ...base, answers: [soa] });
    if (question.type === "NS" && name === domain) {
      return dnsPacket.encode({
        ...base,
        answers: [{ name: domain, type: "NS", ttl: 60, data: `ns.${domain}` }],
        additionals: [{ name: `ns.${domain}`, type: "A", ttl: 60, data: host }],
      });
    }
    // Any other type: the name exists without data of that type (NODATA, RFC 2308 §2.2).
    return dnsPacket.encode({ ...base, authorities: [soa] });
  };

  const udp = createSocket("udp4");
  udp.on("message", (message, remote) => {
    const reply = respond(message);
    if (reply) udp.send(reply, remote.port, remote.address);
  });
  await new Promise<void>((resolve, reject) => {
    udp.once("error", reject);
    udp.bind(port, host, () => resolve());
  });
  const connections = new Set<Socket>();
  const tcp = createServer((socket) => {
    connections.add(socket);
    socket.on("close", () => connections.delete(socket));
    socket.on("error", () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const reply = respond(pending.subarray(2, 2 + pending.readUInt16BE(0)));
        pending = pending.subarray(2 + pending.readUInt16BE(0));
        if (!reply) continue;
        const length = Buffer.alloc(2);
        length.writeUInt16BE(reply.length);
        socket.write(Buffer.concat([length, reply]));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once("error", reject);
    tcp.listen(port, host, () => resolve());
  });
  return {
    host,
    port,
    domains,
    asked,
    async close() {
      for (const socket of connections) socket.destroy();
      await Promise.all([
        new Promise<void>((resolve) => tcp.close(() => resolve())),
        new Promise<void>((resolve) => udp.close(() => resolve())),
      ]);
    },
  };
}
