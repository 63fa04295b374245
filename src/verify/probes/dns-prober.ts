import type { DnsAnswer, RecordType } from "./dns-answer.ts";
import { HttpsChannel } from "./https-channel.ts";
import { ProbeFailure } from "./probe-failure.ts";
import type { ResolverEndpoint } from "./resolver-endpoint.ts";
import { StreamChannel } from "./stream-channel.ts";
import { defaultUdpThreads, UdpPool } from "./udp-pool.ts";

export interface ProberOptions {
  /** Per attempt. */
  timeoutMs?: number;
  /** Attempts after the first when there was no answer or a SERVFAIL, as a stub resolver retries. */
  retries?: number;
  /** UDP sockets per resolver, shared by every question. */
  udpSockets?: number;
  /**
   * Threads the UDP datagrams are sent and matched on, beside the prober's own: 0 keeps them on the caller's
   * thread. By default 2 on a machine with more than one CPU.
   */
  udpThreads?: number;
  /** Extra CAs to trust for DNS over TLS and HTTPS (a private resolver's own CA). */
  ca?: string | Buffer | undefined;
}

/** The outcome of one question after its retries: an answer, or why there was none. */
export interface ProbeOutcome {
  answer?: DnsAnswer;
  failure?: string;
  attempts: number;
}

/**
 * Asks resolvers questions over any transport, many at once: one UDP socket pool for every resolver, one
 * pipelined connection per TCP or TLS resolver, one HTTP/2 session per DoH resolver; no process per question.
 * A question without an answer, or answered SERVFAIL (often a transient upstream failure), is asked again; a
 * truncated UDP answer is asked again over TCP, as a stub does (RFC 1035 §4.2.1, RFC 7766 §5): its empty
 * answer section is no NODATA.
 */
export class DnsProber {
  private readonly udp: UdpPool;
  private readonly streams = new Map<string, StreamChannel | HttpsChannel>();
  private readonly timeoutMs: number;
  private readonly retries: number;

  constructor(private readonly options: ProberOptions = {}) {
    this.udp = new UdpPool(options.udpSockets ?? 4, options.udpThreads ?? defaultUdpThreads);
    this.timeoutMs = options.timeoutMs ?? 1500;
    this.retries = options.retries ?? 2;
  }

  async ask(endpoint: ResolverEndpoint, name: string, qtype: RecordType): Promise<ProbeOutcome> {
    let failure = "";
    for (let attempt = 1; attempt <= this.retries + 1; attempt++) {
      try {
        let answer =
          endpoint.transport === "udp"
            ? await this.udp.query(endpoint.host, endpoint.port, name, qtype, this.timeoutMs)
            : await this.once(endpoint, name, qtype);
        if (answer.truncated && endpoint.transport === "udp")
          answer = await this.once(tcp(endpoint), name, qtype);
        if (answer.rcode !== "SERVFAIL" || attempt > this.retries) return { answer, attempts: attempt };
        failure = "SERVFAIL";
      } catch (error) {
        if (!(error instanceof ProbeFailure)) throw error;
        failure = `${error.reason}: ${error.message}`;
      }
      await pause(25 * attempt);
    }
    return { failure, attempts: this.retries + 1 };
  }

  close(): void {
    this.udp.close();
    for (const channel of this.streams.values()) channel.close();
    this.streams.clear();
  }

  /** A question over a stream or HTTPS; UDP, the hot path, is awaited in `ask` itself, with no frame of its own. */
  private once(endpoint: ResolverEndpoint, name: string, qtype: RecordType): Promise<DnsAnswer> {
    return this.channel(endpoint).query(name, qtype, this.timeoutMs);
  }

  private channel(endpoint: ResolverEndpoint): StreamChannel | HttpsChannel {
    const key = `${endpoint.transport} ${endpoint.host} ${endpoint.port} ${endpoint.url ?? ""}`;
    let channel = this.streams.get(key);
    if (!channel) {
      channel =
        endpoint.transport === "https"
          ? new HttpsChannel({
              host: endpoint.host,
              port: endpoint.port,
              url: endpoint.url!,
              ca: this.options.ca,
            })
          : new StreamChannel({
              host: endpoint.host,
              port: endpoint.port,
              tls: endpoint.transport === "tls",
              ca: this.options.ca,
            });
      this.streams.set(key, channel);
    }
    return channel;
  }
}

function tcp(endpoint: ResolverEndpoint): ResolverEndpoint {
  return { ...endpoint, transport: "tcp" };
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
