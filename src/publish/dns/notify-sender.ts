import { randomInt } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import { EventEmitter } from "node:events";
import { isIPv6 } from "node:net";
import dnsPacket from "dns-packet";
import type { RpzPolicy } from "../rpz-policy.ts";
import { HeaderFlag } from "./message-writer.ts";
import { zoneSoa } from "./zone-soa.ts";

export interface NotifyTarget {
  host: string;
  port: number;
}

export interface NotifyOutcome {
  target: NotifyTarget;
  serial: number;
  acknowledged: boolean;
  attempts: number;
  ms: number;
}

const opcodeNotify = 4;
/** First wait for an answer; doubled on each retry (RFC 1996 §3.6 leaves the interval to the primary). */
const firstTimeoutMs = 250;
const attempts = 5;

/**
 * Tells secondaries that the zone changed (RFC 1996), so they ask for the new serial at once rather than at
 * the next refresh. Each NOTIFY is retried until the secondary answers, or gives up after a few seconds.
 */
export class NotifySender extends EventEmitter<{ notified: [NotifyOutcome] }> {
  private readonly sockets = new Map<"udp4" | "udp6", Socket>();
  private readonly waiting = new Map<string, () => void>();

  constructor(private readonly policy: RpzPolicy) {
    super();
  }

  async notifyAll(targets: NotifyTarget[], serial: number): Promise<NotifyOutcome[]> {
    return Promise.all(targets.map((target) => this.notify(target, serial)));
  }

  async notify(target: NotifyTarget, serial: number): Promise<NotifyOutcome> {
    const started = performance.now();
    const socket = await this.socketFor(target.host);
    const id = randomInt(0, 0x10000);
    const message = this.message(id, serial);
    let attempt = 0;
    let acknowledged = false;
    while (attempt < attempts && !acknowledged) {
      attempt++;
      const answered = this.awaitAnswer(target, id, firstTimeoutMs * 2 ** (attempt - 1));
      socket.send(message, target.port, target.host);
      acknowledged = await answered;
    }
    const outcome = {
      target,
      serial,
      acknowledged,
      attempts: attempt,
      ms: Math.round(performance.now() - started),
    };
    this.emit("notified", outcome);
    return outcome;
  }

  close(): void {
    for (const socket of this.sockets.values()) socket.close();
    this.sockets.clear();
  }

  /** RFC 1996 §3.7: opcode NOTIFY, AA set, the zone's SOA as the question and, as a hint, in the answer. */
  private message(id: number, serial: number): Buffer {
    return dnsPacket.encode({
      id,
      type: "query",
      // dns-packet has no opcode field when encoding: the opcode is written into the flags (RFC 1035 §4.1.1).
      flags: (opcodeNotify << 11) | HeaderFlag.AA,
      questions: [{ name: this.policy.zone, type: "SOA", class: "IN" }],
      answers: [
        { name: this.policy.zone, type: "SOA", ttl: this.policy.ttl, data: zoneSoa(this.policy, serial) },
      ],
    });
  }

  private awaitAnswer(target: NotifyTarget, id: number, timeoutMs: number): Promise<boolean> {
    const key = `${target.host}|${target.port}|${id}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        resolve(false);
      }, timeoutMs);
      this.waiting.set(key, () => {
        clearTimeout(timer);
        this.waiting.delete(key);
        resolve(true);
      });
    });
  }

  private async socketFor(host: string): Promise<Socket> {
    const family = isIPv6(host) ? "udp6" : "udp4";
    const existing = this.sockets.get(family);
    if (existing) return existing;
    const socket = createSocket(family);
    socket.on("message", (reply, remote) => {
      if (reply.length < 12 || (reply[2]! & 0x80) === 0) return;
      const key = `${remote.address}|${remote.port}|${reply.readUInt16BE(0)}`;
      this.waiting.get(key)?.();
    });
    socket.on("error", () => {});
    await new Promise<void>((resolve) => socket.bind(0, resolve));
    socket.unref();
    this.sockets.set(family, socket);
    return socket;
  }
}
