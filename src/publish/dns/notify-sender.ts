import { randomInt } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import { EventEmitter } from "node:events";
import { isIPv6 } from "node:net";
import dnsPacket from "dns-packet";
import { rcodeName } from "../../types/dns-rcode.ts";
import type { RpzPolicy } from "../rpz-policy.ts";
import { HeaderFlag } from "./message-writer.ts";
import { signMessage, type TsigKey, verifyMessage } from "./tsig.ts";
import { zoneSoa } from "./zone-soa.ts";

export interface NotifyTarget {
  host: string;
  port: number;
  /** The operator's TSIG key: the NOTIFY is signed with it and only a reply signed with it counts (RFC 8945). */
  key?: TsigKey;
  /** Whose secondary this is, for logs and metrics. */
  operator?: string;
}

/** The RCODE names a NOTIFY answer may carry, plus what happened when none came or it could not be trusted. */
export type NotifyRcode =
  | "NOERROR"
  | "FORMERR"
  | "SERVFAIL"
  | "NXDOMAIN"
  | "NOTIMP"
  | "REFUSED"
  | "NOTAUTH"
  | string;

export interface NotifyOutcome {
  target: NotifyTarget;
  serial: number;
  /** Only a NOERROR answer, signed with the target's key when it has one (RFC 1996 §4.7, RFC 8945 §5.3). */
  acknowledged: boolean;
  /** The last answer's RCODE, `TIMEOUT` when none came, `UNSIGNED`/`BADSIG` when a signed NOTIFY's answer failed. */
  rcode: NotifyRcode;
  attempts: number;
  ms: number;
}

export interface NotifySenderOptions {
  /** Called once per NOTIFY with its outcome, for metrics and logs (also emitted as `notified`). */
  onNotifyOutcome?: (outcome: NotifyOutcome) => void;
  /** First wait for an answer, doubled on each retry; default 250 ms. */
  firstTimeoutMs?: number;
  /** How many times a NOTIFY is sent at most; default 5 (RFC 1996 §3.6: a limited number of retries). */
  attempts?: number;
}

const opcodeNotify = 4;
const notAuth = 9;

type Answer = { rcode: NotifyRcode; acknowledged: boolean };

/**
 * Tells secondaries that the zone changed (RFC 1996), so they ask for the new serial at once rather than at
 * the next refresh. A NOTIFY counts as acknowledged only when the secondary answers NOERROR (a REFUSED or
 * NOTAUTH answer means it ignored us); otherwise it is sent again after a wait that doubles, a few times.
 */
export class NotifySender extends EventEmitter<{ notified: [NotifyOutcome] }> {
  private readonly sockets = new Map<"udp4" | "udp6", Socket>();
  private readonly waiting = new Map<string, (reply: Buffer) => void>();
  private readonly firstTimeoutMs: number;
  private readonly attempts: number;

  constructor(
    private readonly policy: RpzPolicy,
    private readonly options: NotifySenderOptions = {},
  ) {
    super();
    this.firstTimeoutMs = options.firstTimeoutMs ?? 250;
    this.attempts = options.attempts ?? 5;
  }

  async notifyAll(targets: NotifyTarget[], serial: number): Promise<NotifyOutcome[]> {
    return Promise.all(targets.map((target) => this.notify(target, serial)));
  }

  async notify(target: NotifyTarget, serial: number): Promise<NotifyOutcome> {
    const started = performance.now();
    const socket = await this.socketFor(target.host);
    const id = randomInt(0, 0x10000);
    const unsigned = this.message(id, serial);
    let attempt = 0;
    let answer: Answer = { rcode: "TIMEOUT", acknowledged: false };
    while (attempt < this.attempts && !answer.acknowledged) {
      attempt++;
      const timeoutMs = this.firstTimeoutMs * 2 ** (attempt - 1);
      // Each attempt is signed anew: its time must be current (RFC 8945 §5.2.3).
      const signed = target.key ? signMessage(unsigned, target.key) : undefined;
      const waitStarted = performance.now();
      const reply = this.awaitReply(target, id, timeoutMs);
      socket.send(signed?.message ?? unsigned, target.port, target.host);
      const received = await reply;
      answer = received
        ? judge(received, target.key, signed?.mac)
        : { rcode: "TIMEOUT", acknowledged: false };
      // An answer that is not an acknowledgement came early: the retry still waits its turn (backoff).
      const left = timeoutMs - (performance.now() - waitStarted);
      if (!answer.acknowledged && attempt < this.attempts && left > 0) await sleep(left);
    }
    const outcome: NotifyOutcome = {
      target,
      serial,
      acknowledged: answer.acknowledged,
      rcode: answer.rcode,
      attempts: attempt,
      ms: Math.round(performance.now() - started),
    };
    this.options.onNotifyOutcome?.(outcome);
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

  private awaitReply(target: NotifyTarget, id: number, timeoutMs: number): Promise<Buffer | undefined> {
    const key = `${target.host}|${target.port}|${id}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        resolve(undefined);
      }, timeoutMs);
      this.waiting.set(key, (reply) => {
        clearTimeout(timer);
        this.waiting.delete(key);
        resolve(reply);
      });
    });
  }

  private async socketFor(host: string): Promise<Socket> {
    const family = isIPv6(host) ? "udp6" : "udp4";
    const existing = this.sockets.get(family);
    if (existing) return existing;
    const socket = createSocket(family);
    socket.on("message", (reply, remote) => {
      // A response (QR) to a NOTIFY (RFC 1996 §4.7): a request with the same ID is not an answer.
      if (reply.length < 12 || (reply[2]! & 0x80) === 0 || ((reply[2]! >> 3) & 0x0f) !== opcodeNotify) return;
      const key = `${remote.address}|${remote.port}|${reply.readUInt16BE(0)}`;
      this.waiting.get(key)?.(reply);
    });
    socket.on("error", () => {});
    await new Promise<void>((resolve) => socket.bind(0, resolve));
    socket.unref();
    this.sockets.set(family, socket);
    return socket;
  }
}

/**
 * What an answer says. To a signed NOTIFY only an answer signed with the same key counts (RFC 8945 §5.3: a
 * forged REFUSED or NOERROR must not decide); an unsigned error answer (BADKEY, BADSIG) is reported as is.
 */
function judge(reply: Buffer, key: TsigKey | undefined, requestMac: Buffer | undefined): Answer {
  const code = reply[3]! & 0x0f;
  const rcode = code === notAuth ? "NOTAUTH" : rcodeName(code);
  if (key && requestMac) {
    const verified = verifyMessage(reply, {
      keys: (name) => (name === key.name ? key : undefined),
      requestMac,
    });
    if (verified.status === "unsigned")
      return { rcode: code === 0 ? "UNSIGNED" : rcode, acknowledged: false };
    if (verified.status === "invalid") {
      return { rcode: verified.peerError !== undefined ? rcode : verified.error, acknowledged: false };
    }
  }
  return { rcode, acknowledged: code === 0 };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
