import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSecureContext, type SecureContext } from "node:tls";
import { mirrorTlds } from "../../src/verify/mirrors/mirror-candidates.ts";
import { startAuthoritativeBind, type TestZone } from "./authoritative-bind.ts";
import { type FarmPlan, type FarmSite, planMirrorFarm } from "./mirror-farm-sites.ts";
import type { ResolverUnderTest } from "./resolver-process.ts";
import { selfSignedCertificate } from "./self-signed-certificate.ts";

export interface MirrorFarm {
  plan: FarmPlan;
  resolver: { host: string; port: number };
  httpPort: number;
  httpsPort: number;
  /** Requests the farm's web servers answered, by host name. */
  requests: Map<string, number>;
  stop(): Promise<void>;
}

/**
 * The mirror farm: every site of the plan (mirror-farm-sites.ts) served on loopback by name (HTTP, and HTTPS
 * for the sites whose brand has a certificate), each on its own 127.x address, and a real BIND authoritative
 * for every site's zone and for the TLDs discovery tries, so that a name the farm has not is NXDOMAIN.
 */
export async function startMirrorFarm(plan: FarmPlan = planMirrorFarm()): Promise<MirrorFarm> {
  const byName = new Map(plan.sites.map((site) => [site.name, site]));
  const requests = new Map<string, number>();
  const dir = mkdtempSync(join(tmpdir(), "decree-mirror-farm-"));
  const contexts = certificates(dir, plan.sites);
  const addresses = [...new Set(plan.sites.map((site) => site.address))];
  const servers: Array<http.Server | https.Server> = [];
  let httpPort = 0;
  let httpsPort = 0;
  let bind: ResolverUnderTest | undefined;
  try {
    for (const address of addresses) {
      const plain = http.createServer((request, response) =>
        serve(request, response, byName, requests, httpPort),
      );
      httpPort = await listen(plain, address, httpPort);
      servers.push(plain);
      const secure = https.createServer(
        {
          SNICallback: (servername, callback) => {
            const group = byName.get(servername)?.tlsGroup;
            const context = group ? contexts.get(group) : undefined;
            callback(context ? null : new Error(`no certificate for ${servername}`), context);
          },
        },
        (request, response) => serve(request, response, byName, requests, httpPort),
      );
      httpsPort = await listen(secure, address, httpsPort);
      servers.push(secure);
    }
    bind = await startAuthoritativeBind(zonesOf(plan.sites));
  } catch (error) {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const dns = bind;
  return {
    plan,
    resolver: { host: dns.host, port: dns.port },
    httpPort,
    httpsPort,
    requests,
    async stop() {
      for (const server of servers) server.closeAllConnections?.();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
      await dns.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Listens on `address` at `port`, or at a free port when 0: every address of the farm shares one port. */
function listen(server: http.Server | https.Server, address: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, address, () => resolve((server.address() as AddressInfo).port));
  });
}

function serve(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  byName: Map<string, FarmSite>,
  requests: Map<string, number>,
  httpPort: number,
): void {
  const host = (request.headers.host ?? "").replace(/:\d+$/, "").toLowerCase();
  const site = byName.get(host);
  requests.set(host, (requests.get(host) ?? 0) + 1);
  if (!site) {
    response.writeHead(404, { "content-type": "text/plain" }).end("no such site");
    return;
  }
  if (request.url === "/favicon.ico") {
    response.writeHead(200, { "content-type": "image/x-icon" }).end(site.favicon);
    return;
  }
  if (site.redirect?.how === "http") {
    response.writeHead(301, { location: `http://${site.redirect.to}:${httpPort}/` }).end();
    return;
  }
  const html =
    site.redirect?.how === "meta"
      ? `<!doctype html><html><head><meta http-equiv="refresh" content="0; url=http://${site.redirect.to}:${httpPort}/"></head><body></body></html>`
      : site.html;
  response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
}

/** One self-signed certificate per brand, naming its sites: what a multi-domain certificate looks like. */
function certificates(dir: string, sites: FarmSite[]): Map<string, SecureContext> {
  const groups = new Map<string, string[]>();
  for (const site of sites) {
    if (site.tlsGroup) groups.set(site.tlsGroup, [...(groups.get(site.tlsGroup) ?? []), site.name]);
  }
  const contexts = new Map<string, SecureContext>();
  for (const [group, names] of groups) {
    const { key, cert } = selfSignedCertificate({
      dir,
      name: group,
      subject: `/CN=${names[0]}/O=Farm CA ${group}`,
      altNames: names.map((name) => `DNS:${name}`),
      days: 30,
    });
    contexts.set(group, createSecureContext({ key, cert }));
  }
  return contexts;
}

function zonesOf(sites: FarmSite[]): TestZone[] {
  const sitesZones = sites.map((site) => ({
    origin: site.name,
    records: [
      `@ IN A ${site.address}`,
      `www IN A ${site.address}`,
      ...site.nameServers.map((ns) => `@ IN NS ${ns}.`),
      ...site.mx.map((mx) => `@ IN MX 10 ${mx}.`),
    ],
  }));
  const tlds = [...new Set([...mirrorTlds, ...sites.map((site) => site.name.split(".").slice(1).join("."))])];
  return [...sitesZones, ...tlds.map((tld) => ({ origin: tld, records: [] }))];
}
