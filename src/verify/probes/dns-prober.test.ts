import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { freePort } from "../../../test/support/free-port.ts";
import { selfSignedCertificate } from "../../../test/support/self-signed-certificate.ts";
import { type ResolverUnderTest, startUnbound } from "../../../test/support/unbound.ts";
import { startUpstream, type Upstream, upstreamAddress } from "../../../test/support/upstream.ts";
import { DnsProber } from "./dns-prober.ts";
import type { ResolverEndpoint, Transport } from "./resolver-endpoint.ts";

// One real Unbound answers over UDP, TCP, DNS over TLS and DNS over HTTPS (its own certificate, for a name and
// for 127.0.0.1); it blocks one domain with a local zone and resolves the others through the upstream.

const domain = "probe-transports.net";
const blocked = "blocked-site.org";

describe("the prober over UDP, TCP, DNS over TLS and DNS over HTTPS against Unbound", {
  timeout: 60_000,
}, () => {
  const certDir = mkdtempSync(join(tmpdir(), "decree-prober-cert-"));
  let upstream: Upstream;
  let unbound: ResolverUnderTest;
  let ca: Buffer;
  const endpoints = {} as Record<Transport, ResolverEndpoint>;

  before(async () => {
    const certificate = selfSignedCertificate({
      dir: certDir,
      name: "dns",
      subject: "/CN=dns.test",
      altNames: ["DNS:dns.test", "IP:127.0.0.1"],
      days: 1,
    });
    ca = certificate.cert;
    upstream = await startUpstream([domain, blocked]);
    const [port, tlsPort, httpsPort] = [await freePort(), await freePort(), await freePort()];
    unbound = await startUnbound({
      port,
      upstream,
      rpz: [
        "    do-not-query-localhost: no",
        `    interface: 127.0.0.1@${tlsPort}`,
        `    interface: 127.0.0.1@${httpsPort}`,
        `    tls-port: ${tlsPort}`,
        `    https-port: ${httpsPort}`,
        '    http-endpoint: "/dns-query"',
        `    tls-service-key: "${join(certDir, "dns.key")}"`,
        `    tls-service-pem: "${join(certDir, "dns.crt")}"`,
        `    local-zone: "${blocked}." always_nxdomain`,
      ].join("\n"),
    });
    endpoints.udp = { host: "127.0.0.1", port, transport: "udp" };
    endpoints.tcp = { host: "127.0.0.1", port, transport: "tcp" };
    endpoints.tls = { host: "127.0.0.1", port: tlsPort, transport: "tls" };
    endpoints.https = {
      host: "127.0.0.1",
      port: httpsPort,
      transport: "https",
      url: "https://dns.test/dns-query",
    };
  });

  after(async () => {
    await unbound?.stop();
    await upstream?.close();
    rmSync(certDir, { recursive: true, force: true });
  });

  for (const transport of ["udp", "tcp", "tls", "https"] as const) {
    it(`matches 300 concurrent answers to their questions over ${transport}`, async () => {
      const prober = new DnsProber({ ca, timeoutMs: 3000 });
      try {
        const names = Array.from({ length: 300 }, (_, i) => `host-${i}.${domain}`);
        const outcomes = await Promise.all(names.map((name) => prober.ask(endpoints[transport], name, "A")));
        const wrong = outcomes.flatMap((outcome, i) =>
          outcome.answer?.addresses.join() === upstreamAddress(names[i]!)
            ? []
            : [`${names[i]}: ${outcome.failure ?? outcome.answer?.addresses.join()}`],
        );
        assert.deepEqual(wrong, []);
        const block = await prober.ask(endpoints[transport], `www.${blocked}`, "A");
        assert.equal(block.answer?.rcode, "NXDOMAIN");
        assert.ok(block.answer.raw.length > 12);
        assert.match(
          outcomes[0]!.answer!.answers[0]!,
          new RegExp(`^host-0\\.${domain}\\. \\d+ A 203\\.0\\.113\\.`),
        );
      } finally {
        prober.close();
      }
    });
  }

  it("refuses a DNS-over-TLS resolver whose certificate it does not trust", async () => {
    const prober = new DnsProber({ timeoutMs: 2000, retries: 0 });
    try {
      const outcome = await prober.ask(endpoints.tls, `host-1.${domain}`, "A");
      assert.equal(outcome.answer, undefined);
      assert.match(outcome.failure ?? "", /^(tls|network):.*(certificate|self.signed)/i);
    } finally {
      prober.close();
    }
  });

  it("gives up on a silent UDP resolver after its retries, with a timeout and no answer", async () => {
    const silent = await freePort();
    const prober = new DnsProber({ timeoutMs: 200, retries: 1 });
    try {
      const outcome = await prober.ask(
        { host: "127.0.0.1", port: silent, transport: "udp" },
        `host-1.${domain}`,
        "A",
      );
      assert.deepEqual(
        { answer: outcome.answer, attempts: outcome.attempts },
        { answer: undefined, attempts: 2 },
      );
      assert.match(outcome.failure ?? "", /^timeout/);
    } finally {
      prober.close();
    }
  });
});
