import { createSocket, type RemoteInfo, type Socket as UdpSocket } from "node:dgram";
import { EventEmitter } from "node:events";
import { createServer, isIPv6, type Server, type Socket } from "node:net";
import { setImmediate as nextTurn } from "node:timers/promises";
import dnsPacket from "dns-packet";
import type { RpzPolicy } from "../rpz-policy.ts";
import type { ReleaseStep, ZoneSource } from "../zone-source.ts";
import { DnsTcpConnection, type TcpCloseReason } from "./dns-tcp-connection.ts";
import { HeaderFlag } from "./message-writer.ts";
import { questionKind } from "./question-kind.ts";
import {
  ResponseRateLimit,
  type ResponseRateLimitOptions,
  type ResponseRateStats,
} from "./response-rate-limit.ts";
import { RRType } from "./rr-type.ts";
import { ServedZone } from "./served-zone.ts";
import { serialLessThan } from "./soa-serial.ts";
import { TcpAdmission } from "./tcp-admission.ts";
import { type TcpConnectionLimits, tcpConnectionLimits } from "./tcp-connection-limits.ts";
import { transferGrant } from "./transfer-access.ts";
import {
  axfrMessages,
  ixfrMessages,
  soaOnlyMessage,
  tsigReserve,
  zoneQuestion,
} from "./transfer-messages.ts";
import { type SignableMessage, transferSigner } from "./transfer-signer.ts";
import { warmUpTransfers } from "./transfer-warm-up.ts";
import { signMessage, type TsigKey, type VerifyResult, verifyMessage } from "./tsig.ts";
import { tsigErrorResponse } from "./tsig-error-response.ts";
import { answerQuery } from "./zone-query.ts";

export { serialLessThan };

export interface TransferPolicySource {
  /** Operators' TSIG keys by canonical key name. */
  keys(): Promise<Map<string, { operator: string; secret: Buffer }>>;
  /** Addresses and prefixes allowed to transfer without TSIG. */
  allowed(): Promise<string[]>;
  /**
   * The operators, whether each is a canary, and the addresses it transfers from unsigned: who a request is
   * from when it bears no key. Without it every client gets the newest release.
   */
  operators?(): Promise<Array<{ name: string; canary: boolean; allow: string[] }>>;
}

type AccessRules = {
  at: number;
  keys: Map<string, { operator: string; secret: Buffer }>;
  allowed: string[];
  operators: Array<{ name: string; canary: boolean; allow: string[] }>;
};

export interface DnsPrimaryOptions {
  host: string;
  port: number;
  zone: ZoneSource;
  policy: RpzPolicy;
  access: TransferPolicySource;
  /** How long keys and address rules are cached, so that a new operator is served within a second. */
  accessCacheMs?: number;
  /** Bounds on TCP connections; by default those of a process with 1,024 descriptors. */
  tcpLimits?: TcpConnectionLimits;
  /** Response rate limiting over UDP; off unless given (`decree serve` gives it, on by default). */
  rateLimit?: ResponseRateLimitOptions | false;
  /**
   * How often the store is asked whether a release landed that `invalidate` was not told about (one built by
   * another process); never unless given. Each look reads the releases after the one served, nothing else.
   */
  refreshMs?: number;
}

/** What the connection and rate limits hold and did, for metrics and the abuse tests. */
export interface DnsLimitStats {
  tcp: {
    open: number;
    /** Of those, from transfer-allowed addresses. */
    reserved: number;
    paused: number;
    /** Octets held for TCP clients: unread input, queries waiting, answers not yet taken. */
    queuedBytes: number;
    refused: { perClient: number; full: number };
    closed: Record<TcpCloseReason, number>;
  };
  udp: ResponseRateStats | undefined;
}

export interface TransferLog {
  kind: "AXFR" | "IXFR" | "IXFR-AXFR" | "IXFR-UPTODATE";
  remote: string;
  by: string;
  /** The operator the request came from (its key, or an address it registered), when known. */
  operator?: string | undefined;
  fromSerial?: number;
  serial: number;
  messages: number;
  bytes: number;
  /** Resource records in the answer sections of the messages. */
  records: number;
  /** From the request to the last message handed to the socket. */
  ms: number;
}

export interface RefusalLog {
  remote: string;
  reason: string;
  /** What was asked: AXFR, IXFR, or another type's name. */
  kind?: string;
}

/** A transfer that stopped before its last message (the secondary hung up): for the metrics. */
export interface AbortedTransferLog {
  kind: TransferLog["kind"];
  remote: string;
  by: string;
  serial: number;
  sent: number;
  reason: string;
}

/** A TCP client that met a limit: its connection refused, or closed by a timer or a cap. */
export interface LimitLog {
  remote: string;
  limit: "per-client" | "full" | Exclude<TcpCloseReason, "peer" | "error" | "server">;
}

const opcodeQuery = 0;
const rcode = { formErr: 1, servFail: 2, nxDomain: 3, notImp: 4, refused: 5 } as const;

/** Lets the datagrams and connections waiting on this thread be served between slices of a release. */
const yieldToAnswers = (): Promise<void> => nextTurn();

/**
 * decree's built-in DNS primary for the RPZ zone: SOA and ordinary queries over UDP and TCP, AXFR (RFC 5936) and
 * IXFR (RFC 1995) over TCP, each transfer authorised by TSIG (RFC 8945) or by address. Whatever arrives, it
 * answers or drops; a malformed packet never ends the process.
 */
export class DnsPrimary extends EventEmitter<{
  transfer: [TransferLog];
  refused: [RefusalLog];
  /** An SOA query answered: how a secondary checks its serial (RFC 1034 §4.3.5). */
  soa: [{ remote: string; by: string | undefined }];
  /** The release everyone but the canaries gets moved (a release, or a staged rollout promoted). */
  released: [{ releaseId: number; serial: number }];
  aborted: [AbortedTransferLog];
  limited: [LimitLog];
  error: [unknown];
}> {
  private udp: UdpSocket | undefined;
  private tcp: Server | undefined;
  private readonly connections = new Set<DnsTcpConnection>();
  private readonly tcpLimits: TcpConnectionLimits;
  private readonly admission: TcpAdmission<DnsTcpConnection>;
  private readonly rateLimit: ResponseRateLimit | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly tcpCounts = {
    refused: { perClient: 0, full: 0 },
    closed: { idle: 0, lifetime: 0, stall: 0, queue: 0, evicted: 0, peer: 0, error: 0, server: 0 },
  };
  /** The zone as served: loaded at start, then moved release by release from the journal. */
  private served = ServedZone.empty();
  /**
   * What every client but the canaries gets: the newest release not staged (rollout/). A fork of `served`
   * sharing its chunks, so that both versions are whole and in memory, and each moves only forward.
   */
  private released = ServedZone.empty();
  /** The catch-up under way: the next one starts after it, so that releases are applied in order. */
  private refreshing: Promise<void> | undefined;
  private refresher: NodeJS.Timeout | undefined;
  private closed = false;
  private access: AccessRules | undefined;
  /** The access rules being read, shared by every request that needs them meanwhile (a connection flood). */
  private accessLoading: Promise<NonNullable<DnsPrimary["access"]>> | undefined;

  private readonly options: DnsPrimaryOptions;

  constructor(options: DnsPrimaryOptions) {
    super();
    // DNS speaks SOA serials (RFC 1982), never release numbers, whichever source the caller passed.
    this.options = { ...options, zone: options.zone.bySoaSerial() };
    this.tcpLimits = options.tcpLimits ?? tcpConnectionLimits(1024);
    this.admission = new TcpAdmission(this.tcpLimits);
    this.rateLimit = options.rateLimit ? new ResponseRateLimit(options.rateLimit) : undefined;
  }

  async start(): Promise<{ host: string; port: number }> {
    const { host, port } = this.options;
    // The whole zone before the first answer: never a half-loaded zone on the wire.
    this.served = await ServedZone.load(this.options.zone);
    this.released = await this.releasedOf(this.served);
    warmUpTransfers(this.options.policy, this.served.view());
    this.tcp = createServer((socket) => void this.serveTcp(socket));
    await new Promise<void>((resolve, reject) => {
      this.tcp!.once("error", reject);
      this.tcp!.listen(port, host, () => resolve());
    });
    // UDP on the same port as TCP, so that port 0 (tests) gives one port for both.
    const boundPort = (this.tcp.address() as { port: number }).port;
    this.udp = createSocket(isIPv6(host) ? "udp6" : "udp4");
    this.udp.on("message", (message, remote) => void this.serveUdp(message, remote));
    this.udp.on("error", (error) => this.emit("error", error));
    await new Promise<void>((resolve, reject) => {
      this.udp!.once("error", reject);
      this.udp!.bind(boundPort, host, () => resolve());
    });
    // One timer for every connection's timeouts, a quarter of the shortest apart (at most a second).
    const { idleMs, stallMs, maxConnectionMs } = this.tcpLimits;
    const sweepMs = Math.max(20, Math.min(1000, Math.min(idleMs, stallMs, maxConnectionMs) / 4));
    this.sweeper = setInterval(() => {
      const now = performance.now();
      for (const connection of this.connections) connection.check(now);
    }, sweepMs);
    this.sweeper.unref();
    if (this.options.refreshMs) {
      this.refresher = setInterval(() => {
        if (this.refreshing || this.closed) return;
        this.invalidate().catch((error) => {
          if (!this.closed) this.emit("error", error);
        });
      }, this.options.refreshMs);
      this.refresher.unref();
    }
    return { host, port: boundPort };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    clearInterval(this.refresher);
    // The store may close once this returns: no read of it may still be under way.
    await this.refreshing?.catch(() => {});
    for (const connection of this.connections) connection.close("server");
    await Promise.all([
      new Promise<void>((resolve) => (this.tcp ? this.tcp.close(() => resolve()) : resolve())),
      new Promise<void>((resolve) => (this.udp ? this.udp.close(() => resolve()) : resolve())),
    ]);
  }

  /**
   * A new release: the served zone catches up with the store from the releases' journal, applied all at once.
   * Answers meanwhile come from the release served until then, never wait: resolves once the zone has caught
   * up, so that a NOTIFY sent then names a serial this primary already serves.
   */
  invalidate(): Promise<void> {
    const previous = this.refreshing ?? Promise.resolve();
    const next: Promise<void> = previous
      .catch(() => {})
      .then(() => this.catchUp())
      .finally(() => {
        if (this.refreshing === next) this.refreshing = undefined;
      });
    this.refreshing = next;
    return next;
  }

  /** The newest release served now, what canaries get (and everyone when nothing is staged). */
  get version(): { releaseId: number; serial: number } {
    return this.served.version;
  }

  /** The release every operator but the canaries gets now. */
  get releasedVersion(): { releaseId: number; serial: number } {
    return this.released.version;
  }

  /** The zone everyone but the canaries gets, beside `newest`: the same chunks, the staged releases taken back. */
  private async releasedOf(newest: ServedZone): Promise<ServedZone> {
    const version = await this.options.zone.releasedVersion();
    const fork = newest.fork();
    if (version.releaseId >= newest.version.releaseId) return fork;
    const steps = await this.options.zone.releasesAfter(version.releaseId, Number.POSITIVE_INFINITY);
    fork.rewind(steps ?? [], version);
    return fork;
  }

  private async catchUp(): Promise<void> {
    const { zone } = this.options;
    const served = this.served;
    const released = this.released;
    const before = released.version.releaseId;
    // Read before the steps: a release it names is then among them.
    const releasedVersion = await zone.releasedVersion();
    // Beyond a quarter of the zone, reading it whole costs less than replaying the journal.
    const steps = await zone.releasesAfter(
      served.version.releaseId,
      Math.max(100_000, served.size / 4),
      yieldToAnswers,
    );
    if (steps === null) {
      const loaded = await ServedZone.load(zone, yieldToAnswers);
      if (loaded.version.releaseId > this.served.version.releaseId) {
        const releasedOfLoaded = await this.releasedOf(loaded);
        this.served = loaded;
        if (releasedOfLoaded.version.releaseId >= this.released.version.releaseId) {
          this.released = releasedOfLoaded;
        }
      }
      this.announceReleased(before);
      return;
    }
    const newest = steps.at(-1)?.releaseId ?? served.version.releaseId;
    const target = Math.min(releasedVersion.releaseId, newest);
    let releasedSteps: ReleaseStep[] = [];
    if (target > before && target !== newest) {
      releasedSteps =
        (await zone.releasesAfter(before, Number.POSITIVE_INFINITY))?.filter(
          (step) => step.releaseId <= target,
        ) ?? [];
    }
    // Both zones are built beside those served, in slices between which answers go on from the old ones (a
    // release of a million names would otherwise hold every answer until it is applied)...
    const nextServed = await served.applied(steps, yieldToAnswers);
    let nextReleased = released;
    if (target > before) {
      nextReleased =
        target === nextServed.version.releaseId
          ? nextServed.fork()
          : await released.applied(releasedSteps, yieldToAnswers);
    }
    // ...then switched to in one synchronous step: no answer sees one zone moved and not the other. Catch-ups
    // run one after the other (`invalidate`), so the zones are still those the new ones were built from.
    this.served = nextServed;
    this.released = nextReleased;
    this.announceReleased(before);
  }

  private announceReleased(before: number): void {
    const version = this.released.version;
    if (version.releaseId > before) this.emit("released", version);
  }

  /**
   * Who asks, and so which release they get: an operator marked canary (by its TSIG key, RFC 8945, or by an
   * address it registered) gets the newest; every other client, known or not, the last one released to all.
   */
  private audienceOf(
    tsig: VerifyResult,
    address: string,
    access: AccessRules,
  ): { zone: ServedZone; operator: string | undefined; canary: boolean } {
    const signedBy = tsig.status === "valid" ? access.keys.get(tsig.key.name)?.operator : undefined;
    const operator = signedBy
      ? access.operators.find((o) => o.name === signedBy)
      : access.operators.find(
          (o) => o.allow.length > 0 && transferGrant(address, undefined, o.allow).allowed,
        );
    const name = signedBy ?? operator?.name;
    if (!this.options.access.operators) return { zone: this.served, operator: name, canary: true };
    const canary = operator?.canary === true;
    return { zone: canary ? this.served : this.released, operator: name, canary };
  }

  /** What the limits hold and did since the start. */
  limitStats(): DnsLimitStats {
    let paused = 0;
    let queuedBytes = 0;
    for (const connection of this.connections) {
      if (connection.isPaused) paused++;
      queuedBytes += connection.queuedBytes;
    }
    const { total, reserved } = this.admission.counts();
    return {
      tcp: {
        open: total,
        reserved,
        paused,
        queuedBytes,
        refused: { ...this.tcpCounts.refused },
        closed: { ...this.tcpCounts.closed },
      },
      udp: this.rateLimit?.stats(),
    };
  }

  private async serveUdp(message: Buffer, remote: RemoteInfo): Promise<void> {
    try {
      if (message.length < 12 || (message[2]! & 0x80) !== 0) return; // not a query: nothing to answer
      if (this.rateLimit && !this.transferAllowed(remote.address)) {
        const verdict = this.rateLimit.verdict(remote.address);
        if (verdict === "drop") return;
        if (verdict === "slip") {
          this.udp?.send(truncatedReply(message), remote.port, remote.address);
          return;
        }
      }
      const replies = await this.respond(message, { transport: "udp", address: remote.address });
      for (const reply of replies) this.udp?.send(reply, remote.port, remote.address);
    } catch (error) {
      this.emit("error", error);
    }
  }

  /**
   * Secondaries are exempt from the UDP rate limit and have connections of their own: the address rules as last
   * read (a second old at most), so that deciding costs no lookup.
   */
  private transferAllowed(address: string): boolean {
    return transferGrant(address, undefined, this.access?.allowed ?? []).allowed;
  }

  /**
   * DNS over TCP (RFC 1035 §4.2.2, RFC 7766): two-octet length, then the message; several per connection, each
   * connection within the limits of `DnsTcpConnection`, and only as many connections as `TcpAdmission` allows.
   */
  private async serveTcp(socket: Socket): Promise<void> {
    socket.on("error", () => socket.destroy());
    const address = socket.remoteAddress ?? "";
    let reserved = false;
    try {
      await this.accessRules();
      reserved = this.transferAllowed(address);
    } catch (error) {
      this.emit("error", error);
    }
    if (socket.destroyed) return;
    const connection = new DnsTcpConnection(socket, this.tcpLimits, reserved, {
      answer: (message) => this.respond(message, { transport: "tcp", address }),
      onMessage: () => this.admission.touch(connection),
      onError: (error) => this.emit("error", error),
      onClose: (reason) => {
        if (!this.connections.delete(connection)) return;
        this.admission.release(connection);
        this.tcpCounts.closed[reason]++;
        if (reason !== "peer" && reason !== "error" && reason !== "server") {
          this.emit("limited", { remote: address, limit: reason });
        }
      },
    });
    const refusal = this.admission.admit(
      connection,
      address,
      reserved,
      (other) => other.idle,
      (other) => {
        other.close("evicted");
        // Counted now: its 'close' event comes later, when the room is already taken.
        if (!this.connections.delete(other)) return;
        this.tcpCounts.closed.evicted++;
        this.emit("limited", { remote: other.socket.remoteAddress ?? "", limit: "evicted" });
      },
    );
    if (refusal) {
      this.tcpCounts.refused[refusal === "full" ? "full" : "perClient"]++;
      this.emit("limited", { remote: address, limit: refusal });
      socket.destroy();
      return;
    }
    this.connections.add(connection);
  }

  /** The replies to one message: none (dropped), one, or the messages of a transfer. */
  async respond(
    message: Buffer,
    from: { transport: "udp" | "tcp"; address: string },
  ): Promise<Iterable<Buffer>> {
    if (message.length < 12 || (message[2]! & 0x80) !== 0) return []; // not a query: nothing to answer
    const opcode = (message[2]! >> 3) & 0x0f;
    const access = await this.accessRules();
    const tsig = verifyMessage(message, { keys: (name) => keyFor(access.keys, name) });
    if (tsig.status === "invalid") {
      this.emit("refused", {
        remote: from.address,
        reason: `TSIG ${tsig.error} (key ${tsig.keyName ?? "?"})`,
        kind: questionKind(rawQuestion(message)),
      });
      // The answer echoes the question only if it can be copied as is: a garbled one may point nowhere.
      const answer = tsigErrorResponse(withQuestionOnly(message), tsig);
      return answer ? [answer] : [];
    }
    // RFC 8945 §5.3: every answer to a validly signed request is signed, refusals included (and the NOTIMP
    // a NOTIFY or UPDATE gets: decree is the zone's only source, so it takes neither).
    const sign = signer(tsig);
    let query: dnsPacket.DecodedPacket;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return [sign(errorReply(message, rcode.formErr), 0)];
    }
    if (opcode !== opcodeQuery) return [sign(errorReply(message, rcode.notImp), 0)];
    const [question] = query.questions ?? [];
    if (!question || query.questions?.length !== 1) return [sign(errorReply(message, rcode.formErr), 0)];
    const type = typeCode(question.type);
    const name = question.name.toLowerCase().replace(/\.$/, "");
    const zone = this.options.policy.zone;
    if (name !== zone && !name.endsWith(`.${zone}`)) return [sign(errorReply(message, rcode.refused), 0)];
    // The zone is of class IN (ANY may ask about it, RFC 1035 §3.2.5, but not transfer it). A name with
    // octets outside printable ASCII is no RPZ owner, and dns-packet, which reads labels as UTF-8, would
    // answer about another name: both are refused, with the question echoed as it came.
    const transfer = type === RRType.AXFR || type === RRType.IXFR;
    const classOk = question.class === "IN" || (question.class === "ANY" && !transfer);
    if (!classOk || !printableQuestionName(message)) return [sign(errorReply(message, rcode.refused), 0)];
    const audience = this.audienceOf(tsig, from.address, access);
    if (transfer) {
      return this.transfer(message, query, { type, name, tsig, from, access, sign, audience });
    }
    const answer = answerQuery(audience.zone, this.options.policy, query, name, type);
    if (type === RRType.SOA && name === zone) this.observeSoa(from.address, tsig, access);
    return [sign(withId(answer, query.id ?? 0), 0)];
  }

  private async transfer(
    message: Buffer,
    query: dnsPacket.DecodedPacket,
    request: {
      type: number;
      name: string;
      tsig: VerifyResult;
      from: { transport: "udp" | "tcp"; address: string };
      access: AccessRules;
      sign: (message: Buffer, index: number) => Buffer;
      audience: { zone: ServedZone; operator: string | undefined; canary: boolean };
    },
  ): Promise<Iterable<Buffer>> {
    const served = request.audience.zone;
    const { policy, zone } = this.options;
    const signedBy =
      request.tsig.status === "valid" ? request.access.keys.get(request.tsig.key.name)?.operator : undefined;
    const grant = transferGrant(request.from.address, signedBy, request.access.allowed);
    if (!grant.allowed || request.name !== policy.zone) {
      // RFC 5936 §6: a transfer that policy does not allow is answered REFUSED.
      this.emit("refused", {
        remote: request.from.address,
        reason: grant.allowed ? "not the zone apex" : "not allowed",
        kind: request.type === RRType.AXFR ? "AXFR" : "IXFR",
      });
      return [request.sign(errorReply(message, rcode.refused), 0)];
    }
    const id = query.id ?? 0;
    const started = performance.now();
    const question = zoneQuestion(policy, request.type);
    // Each message gets its ID and signature as it is sent, so a transfer holds one message of its own at a
    // time besides the shared encoding; the transfer is logged once its last message has been handed over.
    const stream = (
      entry: Omit<TransferLog, "remote" | "by" | "bytes" | "messages" | "records" | "ms">,
      messages: Iterable<Buffer>,
      prepared = false,
    ) =>
      this.stream(
        messages,
        prepared ? undefined : { id, sign: request.sign },
        (count, bytes, records, complete) => {
          const who = { remote: request.from.address, by: grant.by, operator: request.audience.operator };
          if (!complete) {
            this.emit("aborted", {
              ...who,
              kind: entry.kind,
              serial: entry.serial,
              sent: count,
              reason: "stopped before its last message",
            });
            return;
          }
          const ms = performance.now() - started;
          this.emit("transfer", { ...entry, messages: count, bytes, records, ms, ...who });
        },
      );
    if (request.type === RRType.AXFR) {
      // RFC 5936 §4.2: AXFR is a TCP affair.
      if (request.from.transport === "udp") return [request.sign(errorReply(message, rcode.formErr), 0)];
      const view = served.view();
      const messages = axfrMessages(policy, view, question, { id, sign: transferSign(request.tsig) });
      return stream({ kind: "AXFR", serial: view.serial }, messages, true);
    }
    const clientSerial = ixfrClientSerial(query);
    if (clientSerial === undefined) return [request.sign(errorReply(message, rcode.formErr), 0)];
    const version = served.version;
    if (!serialLessThan(clientSerial, version.serial)) {
      const soa = soaOnlyMessage(policy, version.serial, question);
      return stream({ kind: "IXFR-UPTODATE", fromSerial: clientSerial, serial: version.serial }, [soa]);
    }
    const steps = request.audience.canary
      ? await zone.stepsSince(clientSerial, 100_000, version)
      : await zone.releasedStepsSince(clientSerial, 100_000, version);
    if (request.from.transport === "udp") {
      // RFC 1995 §2: over UDP, the increments if they fit, else the current SOA to send the client to TCP.
      // Room for a TSIG record only when the reply will carry one.
      const reserve = request.tsig.status === "valid" ? tsigReserve : 0;
      const fits = steps && ixfrMessages(policy, steps.version.serial, steps.steps, question, 512, reserve);
      const reply = fits && fits.length === 1 ? fits[0]! : soaOnlyMessage(policy, version.serial, question);
      return [request.sign(withId(reply, id), 0)];
    }
    if (!steps) {
      // RFC 1995 §4: a serial no longer in the journal gets the whole zone, AXFR-style, with the IXFR question.
      // The view is of the release `version` named: a release applied since waits for the next request.
      const view = served.view();
      const messages = axfrMessages(policy, view, question, { id, sign: transferSign(request.tsig) });
      return stream({ kind: "IXFR-AXFR", fromSerial: clientSerial, serial: view.serial }, messages, true);
    }
    const messages = ixfrMessages(policy, steps.version.serial, steps.steps, question);
    return stream({ kind: "IXFR", fromSerial: clientSerial, serial: steps.version.serial }, messages);
  }

  /** `reply`: the ID and signature to give each message, unless the messages come with them already. */
  private *stream(
    messages: Iterable<Buffer>,
    reply: { id: number; sign: (message: Buffer, index: number) => Buffer } | undefined,
    done: (count: number, bytes: number, records: number, complete: boolean) => void,
  ): Generator<Buffer> {
    let bytes = 0;
    let records = 0;
    let handed = 0;
    let complete = false;
    try {
      // Every message here is the transfer's own (nothing is shared between transfers): its ID is set in place.
      for (const message of messages) {
        let out = message;
        if (reply) {
          message.writeUInt16BE(reply.id & 0xffff, 0);
          out = reply.sign(message, handed);
        }
        bytes += out.length;
        records += out.readUInt16BE(6); // ANCOUNT (RFC 1035 §4.1.1)
        handed++;
        yield out;
      }
      complete = true;
    } finally {
      // Also when the consumer stops early (the secondary hung up): `done` hears how far it got.
      done(handed, bytes, records, complete);
    }
  }

  private observeSoa(remote: string, tsig: VerifyResult, access: AccessRules): void {
    if (this.listenerCount("soa") === 0) return;
    const signedBy = tsig.status === "valid" ? access.keys.get(tsig.key.name)?.operator : undefined;
    const grant = transferGrant(remote, signedBy, access.allowed);
    this.emit("soa", { remote, by: grant.allowed ? grant.by : undefined });
  }

  private async accessRules() {
    const ttl = this.options.accessCacheMs ?? 1000;
    if (!this.access || Date.now() - this.access.at > ttl) {
      this.accessLoading ??= Promise.all([
        this.options.access.keys(),
        this.options.access.allowed(),
        this.options.access.operators?.() ?? Promise.resolve([]),
      ])
        .then(([keys, allowed, operators]) => {
          this.access = { at: Date.now(), keys, allowed, operators };
          return this.access;
        })
        .finally(() => {
          this.accessLoading = undefined;
        });
      return this.accessLoading;
    }
    return this.access;
  }
}

function keyFor(keys: Map<string, { operator: string; secret: Buffer }>, name: string): TsigKey | undefined {
  const key = keys.get(name);
  return key ? { name, algorithm: "hmac-sha256", secret: key.secret } : undefined;
}

/** Signs each reply to a signed request, chaining MACs across a transfer's messages (RFC 8945 §5.3.1). */
function signer(tsig: VerifyResult): (message: Buffer, index: number) => Buffer {
  if (tsig.status !== "valid") return (message) => message;
  let previousMac = tsig.mac;
  return (message, index) => {
    const signed = signMessage(message, tsig.key, index === 0 ? { requestMac: tsig.mac } : { previousMac });
    previousMac = signed.mac;
    return signed.message;
  };
}

/** For a transfer to a validly signed request: signs each message in the writer, as it is encoded. */
function transferSign(tsig: VerifyResult): ((message: SignableMessage) => void) | undefined {
  return tsig.status === "valid" ? transferSigner(tsig.key, tsig.mac) : undefined;
}

/** The client's serial from the SOA in an IXFR query's authority section (RFC 1995 §3). */
function ixfrClientSerial(query: dnsPacket.DecodedPacket): number | undefined {
  const soa = query.authorities?.find((record) => record.type === "SOA");
  return soa && soa.type === "SOA" ? soa.data.serial : undefined;
}

function withId(message: Buffer, id: number): Buffer {
  const copy = Buffer.from(message);
  copy.writeUInt16BE(id & 0xffff, 0);
  return copy;
}

/**
 * The answer a rate-limited client gets instead of silence now and then: the question with TC=1 and nothing
 * else, which tells a real client to ask again over TCP (RFC 1035 §4.2.1, RFC 7766 §5).
 */
function truncatedReply(request: Buffer): Buffer {
  const reply = errorReply(request, 0);
  reply[2] = reply[2]! | (HeaderFlag.TC >> 8);
  return reply;
}

/** An answer with just a header (the request's ID, opcode and RD), the question echoed when it parses, an RCODE. */
export function errorReply(request: Buffer, code: number): Buffer {
  const header = Buffer.alloc(12);
  request.copy(header, 0, 0, 2);
  header[2] = (HeaderFlag.QR >> 8) | (request[2]! & 0x79);
  header[3] = code;
  const question = rawQuestion(request);
  if (!question) return header;
  header.writeUInt16BE(1, 4);
  return Buffer.concat([header, question]);
}

/**
 * The request's one question, octet for octet (RFC 1035 §4.1.2: the answer copies it): a name of at most 255
 * octets without compression, then type and class. Copied rather than decoded and encoded again, which would
 * turn a class dns-packet does not know into 0. Undefined when there is not exactly one such question.
 */
function rawQuestion(request: Buffer): Buffer | undefined {
  if (request.length < 12 || request.readUInt16BE(4) !== 1) return undefined;
  let at = 12;
  for (let length = request[at]; length !== 0; length = request[at]) {
    if (length === undefined || (length & 0xc0) !== 0) return undefined;
    at += 1 + length;
  }
  const end = at + 1 + 4;
  return end <= request.length && at + 1 - 12 <= 255 ? request.subarray(12, end) : undefined;
}

/** The request's header and its question if `rawQuestion` can copy it, for `tsigErrorResponse` to echo. */
function withQuestionOnly(request: Buffer): Buffer {
  if (request.length < 12) return request;
  const question = rawQuestion(request);
  const header = Buffer.from(request.subarray(0, 12));
  header.writeUInt16BE(question ? 1 : 0, 4);
  header.fill(0, 6, 12);
  return question ? Buffer.concat([header, question]) : header;
}

/** Whether the question's name is uncompressed and made of printable ASCII other than dots within labels. */
function printableQuestionName(request: Buffer): boolean {
  if (!rawQuestion(request)) return false;
  for (let at = 12; request[at] !== 0; at += 1 + request[at]!) {
    for (const octet of request.subarray(at + 1, at + 1 + request[at]!)) {
      if (octet <= 0x20 || octet >= 0x7f || octet === 0x2e) return false;
    }
  }
  return true;
}

function typeCode(type: string): number {
  const known: Record<string, number> = {
    A: RRType.A,
    NS: RRType.NS,
    CNAME: RRType.CNAME,
    SOA: RRType.SOA,
    TXT: RRType.TXT,
    AAAA: RRType.AAAA,
    IXFR: RRType.IXFR,
    AXFR: RRType.AXFR,
  };
  return known[type] ?? -1;
}
