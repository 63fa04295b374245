import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import http from "node:http";
import https from "node:https";
import type { TLSSocket } from "node:tls";
import { addressRefusal } from "./address-refusal.ts";
import type { SiteSettings } from "./site-settings.ts";

/** One request of a fetch: where it went, what came back. */
export interface FetchHop {
  url: string;
  address: string | null;
  status: number | null;
  location?: string;
  error?: string;
  /** How this hop was reached when not by an HTTP redirect: a page's `<meta http-equiv="refresh">`. */
  via?: "meta-refresh";
  ms: number;
}

/** The certificate a TLS server presented: the names it covers and who vouched for it. */
export interface TlsEvidence {
  subject: string;
  altNames: string[];
  issuer: string;
  validFrom: string;
  validTo: string;
  sha256: string;
  /** Whether it chains to a trusted root for the name; evidence is kept either way. */
  authorized: boolean;
}

export interface FetchedPage {
  /** Every request in order, redirects included (RFC 9110 §15.4). */
  hops: FetchHop[];
  finalUrl: string | null;
  status: number | null;
  contentType: string | null;
  body: Buffer;
  bytes: number;
  truncated: boolean;
  tls: TlsEvidence | null;
  /** Why nothing was fetched, when nothing was. */
  error: string | null;
  /** An address was refused (private, special-purpose): nothing was requested from it. */
  refused: string | null;
}

/** Addresses a host name resolves to, through the configured resolver. */
export type HostAddresses = (host: string) => Promise<string[]>;

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/**
 * GETs a URL as evidence: the host is resolved through the configured resolver (never the system's), every
 * address is screened before connecting, redirects are followed up to a limit and each hop recorded, and the
 * body is cut at `maxBytes` and the request at `timeoutMs`. TLS certificates are recorded, not trusted:
 * a pirate site's self-signed certificate is evidence too.
 */
export async function fetchPage(
  start: URL,
  settings: SiteSettings,
  addressesOf: HostAddresses,
  options: { maxBytes?: number } = {},
): Promise<FetchedPage> {
  const hops: FetchHop[] = [];
  let url = start;
  let tls: TlsEvidence | null = null;
  for (let redirects = 0; ; redirects++) {
    const began = performance.now();
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const addresses = await addressesOf(host);
    const address = addresses[0] ?? null;
    const elapsed = () => Math.round(performance.now() - began);
    if (address === null) {
      hops.push({ url: url.href, address, status: null, error: "the name has no address", ms: elapsed() });
      return failed(hops, "the name has no address", null);
    }
    const refusal = addresses.map((a) => addressRefusal(a, settings.allowPrivate)).find((r) => r !== null);
    if (refusal) {
      hops.push({ url: url.href, address, status: null, error: refusal, ms: elapsed() });
      return failed(hops, refusal, refusal);
    }
    let response: Response;
    try {
      response = await request(url, address, settings, options.maxBytes ?? settings.maxBytes);
    } catch (error) {
      const message = (error as { code?: string }).code ?? (error as Error).message;
      hops.push({ url: url.href, address, status: null, error: message, ms: elapsed() });
      return failed(hops, message, null);
    }
    tls = response.tls ?? tls;
    const location = response.message.headers.location;
    const hop: FetchHop = {
      url: url.href,
      address,
      status: response.message.statusCode ?? null,
      ms: elapsed(),
    };
    if (location && redirectStatuses.has(hop.status ?? 0)) {
      hop.location = location;
      hops.push(hop);
      if (redirects >= settings.maxRedirects) return failed(hops, "too many redirects", null);
      try {
        url = new URL(location, url);
      } catch {
        return failed(hops, `the redirect to ${location} is not a URL`, null);
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        return failed(hops, `the redirect leads to ${url.protocol}, not http(s)`, null);
      }
      continue;
    }
    hops.push(hop);
    return {
      hops,
      finalUrl: url.href,
      status: hop.status,
      contentType: response.message.headers["content-type"] ?? null,
      body: response.body,
      bytes: response.body.length,
      truncated: response.truncated,
      tls,
      error: null,
      refused: null,
    };
  }
}

function failed(hops: FetchHop[], error: string, refused: string | null): FetchedPage {
  const last = hops.at(-1);
  return {
    hops,
    finalUrl: null,
    status: last?.status ?? null,
    contentType: null,
    body: Buffer.alloc(0),
    bytes: 0,
    truncated: false,
    tls: null,
    error,
    refused,
  };
}

interface Response {
  message: IncomingMessage;
  body: Buffer;
  truncated: boolean;
  tls: TlsEvidence | null;
}

/** A URL without a port uses the configured one for its scheme (the farm in tests, 80/443 in use). */
export function portOf(url: URL, settings: SiteSettings): number {
  if (url.port !== "") return Number(url.port);
  return url.protocol === "https:" ? settings.httpsPort : settings.httpPort;
}

function request(url: URL, address: string, settings: SiteSettings, maxBytes: number): Promise<Response> {
  const secure = url.protocol === "https:";
  const port = portOf(url, settings);
  const defaultPort = secure ? 443 : 80;
  const hostHeader = port === defaultPort ? url.host : `${url.hostname}:${port}`;
  return new Promise((resolve, reject) => {
    const options = {
      host: address,
      port,
      path: `${url.pathname}${url.search}`,
      method: "GET",
      headers: {
        host: hostHeader,
        "user-agent": "decree-mirror-evidence/1 (a court order's mirror check)",
        accept: "text/html,application/xhtml+xml,*/*;q=0.8",
        "accept-encoding": "identity",
      },
      signal: AbortSignal.timeout(settings.timeoutMs),
      agent: false as const,
    };
    const onResponse = (message: IncomingMessage) => {
      const tls = secure ? certificateOf(message.socket as TLSSocket) : null;
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      message.on("data", (chunk: Buffer) => {
        if (truncated) return;
        const room = maxBytes - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          size = maxBytes;
          truncated = true;
          message.destroy();
          resolve({ message, body: Buffer.concat(chunks), truncated, tls });
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      message.on("end", () => resolve({ message, body: Buffer.concat(chunks), truncated, tls }));
      message.on("error", (error) => (truncated ? undefined : reject(error)));
    };
    const outgoing = secure
      ? https.request({ ...options, servername: url.hostname, rejectUnauthorized: false }, onResponse)
      : http.request(options, onResponse);
    outgoing.on("error", reject);
    outgoing.end();
  });
}

function certificateOf(socket: TLSSocket): TlsEvidence | null {
  const certificate = socket.getPeerCertificate?.();
  if (!certificate || Object.keys(certificate).length === 0) return null;
  const altNames = (certificate.subjectaltname ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith("DNS:"))
    .map((entry) => entry.slice(4).toLowerCase());
  return {
    subject: distinguishedName(certificate.subject),
    altNames,
    issuer: distinguishedName(certificate.issuer),
    validFrom: certificate.valid_from,
    validTo: certificate.valid_to,
    sha256: certificate.fingerprint256 ?? createHash("sha256").update(certificate.raw).digest("hex"),
    authorized: socket.authorized,
  };
}

function distinguishedName(name: Record<string, string | string[] | undefined> | undefined): string {
  if (!name) return "";
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join("+") : value}`)
    .join(", ");
}
