import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import dnsPacket from "dns-packet";
import { freePort } from "../../../test/support/free-port.ts";
import { type ResolverUnderTest, startUnbound } from "../../../test/support/unbound.ts";
import { startUpstream, type Upstream, upstreamAddress } from "../../../test/support/upstream.ts";
import { answersQuery, encodeQuery, readAnswer } from "./dns-answer.ts";
import { DnsProber } from "./dns-prober.ts";
import type { ResolverEndpoint } from "./resolver-endpoint.ts";

// A real Unbound gives each kind of answer a verdict rests on: an RPZ CNAME . (NXDOMAIN), a local zone's
// NXDOMAIN, NODATA, SERVFAIL (its authority refuses the name), and an answer too large for a datagram
// (truncated); a forger on loopback sends wrong answers before the right one.

const domain = "lanes-answers.net";
const refusedDomain = "refused-upstream.net";
const bigName = "big.many-addresses.test";
const bigAddresses = Array.from({ length: 40 }, (_, i) => `198.51.100.${i + 1}`);

for (const udpThreads of [0, 2]) {
  describe(`the prober's UDP answers from Unbound, read by the engine's own decoder (${udpThreads} UDP threads)`, {
    timeout: 60_000,
  }, () => {
    const dir = mkdtempSync(join(tmpdir(), "decree-lanes-"));
    let upstream: Upstream;
    let unbound: ResolverUnderTest;
    let resolver: ResolverEndpoint;
    let prober: DnsProber;

    before(async () => {
      upstream = await startUpstream([domain]);
      writeFileSync(
        join(dir, "rpz.zone"),
        [
          "$ORIGIN rpz.lanes.",
          "@ 60 IN SOA localhost. hostmaster.rpz.lanes. 1 300 60 2592000 60",
          "@ 60 IN NS localhost.",
          `rpz-blocked.${domain} 60 IN CNAME .`,
          "",
        ].join("\n"),
      );
      const port = await freePort();
      unbound = await startUnbound({
        port,
        upstream,
        rpz: [
          "    do-not-query-localhost: no",
          '    module-config: "respip validator iterator"',
          `    local-zone: "gone.${domain}." always_nxdomain`,
          `    local-zone: "many-addresses.test." static`,
          ...bigAddresses.map((address) => `    local-data: "${bigName}. 60 IN A ${address}"`),
          "stub-zone:",
          `    name: "${refusedDomain}."`,
          `    stub-addr: 127.0.0.1@${upstream.port}`,
          "rpz:",
          '    name: "rpz.lanes."',
          `    zonefile: "${join(dir, "rpz.zone")}"`,
        ].join("\n"),
      });
      resolver = { host: "127.0.0.1", port, transport: "udp" };
      prober = new DnsProber({ timeoutMs: 3000, retries: 1, udpThreads });
    });

    after(async () => {
      prober?.close();
      await unbound?.stop();
      await upstream?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    /** The engine's reading of a real answer, beside dns-packet's full parse of the same bytes. */
    async function both(name: string, qtype: "A" | "AAAA") {
      const outcome = await prober.ask(resolver, name, qtype);
      assert.ok(outcome.answer, `${name}: ${outcome.failure}`);
      const parsed = dnsPacket.decode(outcome.answer.raw);
      const addresses = (parsed.answers ?? []).flatMap((record) =>
        record.type === "A" || record.type === "AAAA" ? [record.data as string] : [],
      );
      assert.deepEqual(
        { rcode: outcome.answer.rcode, aa: outcome.answer.aa, addresses: outcome.answer.addresses },
        { rcode: (parsed as { rcode?: string }).rcode, aa: parsed.flag_aa, addresses },
      );
      return outcome;
    }

    it("reads an address, an RPZ CNAME . and a local zone's NXDOMAIN as dns-packet does", async () => {
      const normal = await both(`www.${domain}`, "A");
      assert.deepEqual(normal.answer?.addresses, [upstreamAddress(`www.${domain}`)]);
      assert.equal((await both(`rpz-blocked.${domain}`, "A")).answer?.rcode, "NXDOMAIN");
      assert.equal((await both(`gone.${domain}`, "A")).answer?.rcode, "NXDOMAIN");
    });

    it("reads NODATA as NOERROR without addresses, and SERVFAIL after its retry", async () => {
      const nodata = await both(`www.${domain}`, "AAAA");
      assert.deepEqual([nodata.answer?.rcode, nodata.answer?.addresses], ["NOERROR", []]);
      const servfail = await both(`www.${refusedDomain}`, "A");
      assert.deepEqual([servfail.answer?.rcode, servfail.attempts], ["SERVFAIL", 2]);
    });

    it("asks a truncated answer again over TCP instead of reading its empty answer section as NODATA", async () => {
      const datagram = await udpQuery(resolver.port, encodeQuery(4242, bigName, "A"));
      assert.equal(datagram[2]! & 0x02, 0x02, "Unbound truncates the datagram");
      assert.equal(dnsPacket.decode(datagram).answers?.length ?? 0, 0);
      const outcome = await both(bigName, "A");
      assert.equal(outcome.answer?.truncated, false);
      assert.deepEqual([...(outcome.answer?.addresses ?? [])].sort(), [...bigAddresses].sort());
    });
  });
}

describe("the prober's UDP matching against a forger (RFC 5452 §9.1)", { timeout: 30_000 }, () => {
  for (const udpThreads of [0, 2]) {
    it(`takes only the answer with the ID, the question and the source asked (${udpThreads} UDP threads)`, async () => {
      const server = createSocket("udp4");
      const forger = createSocket("udp4");
      await Promise.all([bind(server), bind(forger)]);
      const right = "192.0.2.10";
      server.on("message", (query, remote) => {
        const asked = dnsPacket.decode(query);
        const question = asked.questions![0]!;
        const reply = (id: number, name: string, data: string, type: "response" | "query" = "response") =>
          dnsPacket.encode({
            type,
            id,
            flags: 0x0180,
            questions: [{ ...question, name }],
            answers: [{ name, type: "A", ttl: 60, data }],
          });
        const id = asked.id!;
        const send = (from: Socket, message: Buffer) => from.send(message, remote.port, remote.address);
        send(server, reply((id + 1) & 0xffff, question.name, "192.0.2.1"));
        send(server, reply(id, `other-${question.name}`, "192.0.2.2"));
        send(server, reply(id, question.name.toUpperCase(), "192.0.2.3"));
        send(server, reply(id, question.name, "192.0.2.4", "query"));
        const whole = reply(id, question.name, "192.0.2.5");
        send(server, whole.subarray(0, whole.length - 3));
        send(forger, reply(id, question.name, "192.0.2.6"));
        setTimeout(() => send(server, reply(id, question.name, right)), 50);
      });
      const prober = new DnsProber({ timeoutMs: 2000, retries: 0, udpThreads });
      try {
        const endpoint: ResolverEndpoint = {
          host: "127.0.0.1",
          port: server.address().port,
          transport: "udp",
        };
        const outcomes = await Promise.all(
          Array.from({ length: 20 }, (_, i) => prober.ask(endpoint, `asked-${i}.forged.test`, "A")),
        );
        assert.deepEqual(
          outcomes.map((outcome) => outcome.answer?.addresses.join() ?? outcome.failure),
          outcomes.map(() => right),
        );
      } finally {
        prober.close();
        server.close();
        forger.close();
      }
    });
  }

  it("checks the question's bytes, not only the ID, before reading an answer", () => {
    const query = encodeQuery(9, "asked.example", "A");
    const answer = dnsPacket.encode({
      type: "response",
      id: 9,
      flags: 0x8180,
      questions: [{ name: "asked.example", type: "A", class: "IN" }],
      answers: [{ name: "asked.example", type: "A", ttl: 60, data: "203.0.113.4" }],
    });
    assert.equal(answersQuery(answer, query), true);
    assert.deepEqual(readAnswer(answer, query.length, 1)?.addresses, ["203.0.113.4"]);
    assert.equal(answersQuery(answer, encodeQuery(9, "asked.example", "AAAA")), false);
    assert.equal(answersQuery(answer, encodeQuery(9, "Asked.example", "A")), false);
  });
});

function bind(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
}

function udpQuery(port: number, query: Buffer): Promise<Buffer> {
  const socket = createSocket("udp4");
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no answer")), 3000);
    socket.once("message", (message) => {
      clearTimeout(timer);
      socket.close();
      resolve(message);
    });
    socket.send(query, port, "127.0.0.1");
  });
}
