import { type ClientHttp2Session, connect, constants } from "node:http2";
import { type DnsAnswer, decodeAnswer, encodeQuery, type RecordType } from "./dns-answer.ts";
import { ProbeFailure } from "./probe-failure.ts";

export interface HttpsOptions {
  host: string;
  port: number;
  /** The DoH URL: its host name is the TLS server name and its path the one asked (RFC 8484 §3). */
  url: string;
  ca?: string | Buffer | undefined;
}

const dnsMessage = "application/dns-message";

/**
 * DNS over HTTPS (RFC 8484) on one HTTP/2 session, the version RFC 8484 §5.2 recommends, so that every
 * question is a stream on the same connection. Questions are POSTed as `application/dns-message` with ID 0
 * (§4.1: the HTTP stream identifies the answer).
 */
export class HttpsChannel {
  private session: ClientHttp2Session | undefined;
  private readonly url: URL;

  constructor(private readonly options: HttpsOptions) {
    this.url = new URL(options.url);
  }

  query(name: string, qtype: RecordType, timeoutMs: number): Promise<DnsAnswer> {
    const session = this.connection();
    const query = encodeQuery(0, name, qtype);
    return new Promise<DnsAnswer>((resolve, reject) => {
      const sentAt = performance.now();
      const request = session.request({
        [constants.HTTP2_HEADER_METHOD]: "POST",
        [constants.HTTP2_HEADER_PATH]: `${this.url.pathname}${this.url.search}`,
        [constants.HTTP2_HEADER_CONTENT_TYPE]: dnsMessage,
        [constants.HTTP2_HEADER_ACCEPT]: dnsMessage,
      });
      const timer = setTimeout(() => {
        request.close(constants.NGHTTP2_CANCEL);
        reject(new ProbeFailure("timeout", `no answer over HTTPS within ${timeoutMs} ms`));
      }, timeoutMs);
      let status = 0;
      const chunks: Buffer[] = [];
      request.on("response", (headers) => {
        status = Number(headers[constants.HTTP2_HEADER_STATUS]);
      });
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        clearTimeout(timer);
        if (status !== 200) {
          reject(new ProbeFailure("http", `the DoH server answered HTTP ${status}`));
          return;
        }
        const answer = decodeAnswer(Buffer.concat(chunks), query, performance.now() - sentAt);
        if (answer) resolve(answer);
        else reject(new ProbeFailure("http", "the DoH server's body is not an answer to the question"));
      });
      request.on("error", (error) => {
        clearTimeout(timer);
        reject(new ProbeFailure("http", `DoH: ${error.message}`));
      });
      request.end(query);
    });
  }

  close(): void {
    this.session?.destroy();
    this.session = undefined;
  }

  private connection(): ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const origin = `https://${this.options.host.includes(":") ? `[${this.options.host}]` : this.options.host}:${this.options.port}`;
    const session = connect(origin, { servername: this.url.hostname, ca: this.options.ca });
    session.on("error", () => {
      if (this.session === session) this.session = undefined;
    });
    session.on("close", () => {
      if (this.session === session) this.session = undefined;
    });
    session.unref();
    this.session = session;
    return session;
  }
}
