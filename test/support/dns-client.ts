import { randomInt } from "node:crypto";
import { createSocket } from "node:dgram";
import dnsPacket from "dns-packet";

export interface DnsServer {
  host: string;
  port: number;
}

export interface DnsAnswer {
  rcode: string;
  /** Authoritative Answer: set by resolvers on RPZ-rewritten answers. */
  aa: boolean;
  answers: dnsPacket.Answer[];
  /** The A records' addresses, in order. */
  addresses: string[];
}

const rcodeNames = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"];

/**
 * Asks a resolver one question over UDP with recursion desired, as a stub resolver would; retries a lost
 * datagram, fails after `timeoutMs`.
 */
export async function queryDns(
  server: DnsServer,
  name: string,
  type: dnsPacket.RecordType = "A",
  timeoutMs = 2000,
): Promise<DnsAnswer> {
  const socket = createSocket("udp4");
  const id = randomInt(0, 0x10000);
  const message = dnsPacket.encode({
    type: "query",
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type, class: "IN" }],
  });
  try {
    const reply = await new Promise<dnsPacket.DecodedPacket>((resolve, reject) => {
      const started = performance.now();
      const resend = setInterval(() => {
        if (performance.now() - started > timeoutMs) {
          clearInterval(resend);
          reject(new Error(`no answer from ${server.host}:${server.port} for ${name} ${type}`));
        } else socket.send(message, server.port, server.host);
      }, 250);
      socket.on("message", (data) => {
        const packet = dnsPacket.decode(data);
        if (packet.id !== id) return;
        clearInterval(resend);
        resolve(packet);
      });
      socket.on("error", (error) => {
        clearInterval(resend);
        reject(error);
      });
      socket.send(message, server.port, server.host);
    });
    const answers = reply.answers ?? [];
    return {
      rcode: rcodeNames[(reply.flags ?? 0) & 0x0f] ?? `RCODE${(reply.flags ?? 0) & 0x0f}`,
      aa: reply.flag_aa ?? false,
      answers,
      addresses: answers.flatMap((answer) => (answer.type === "A" ? [answer.data] : [])),
    };
  } finally {
    socket.close();
  }
}

/** One line per answer for assertion messages: `NXDOMAIN`, `NOERROR A 203.0.113.7`. */
export function describeAnswer(answer: DnsAnswer): string {
  const records = answer.answers.map((record) =>
    record.type === "A" || record.type === "CNAME" ? `${record.type} ${record.data}` : record.type,
  );
  return [answer.rcode, ...records].join(" ");
}
