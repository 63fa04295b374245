import assert from "node:assert/strict";
import { describe, it } from "node:test";
import dnsPacket from "dns-packet";
import { decodeAnswer, encodeQuery } from "./dns-answer.ts";

function response(name: string, answers: dnsPacket.Answer[], rcode = 0, question = name): Buffer {
  return dnsPacket.encode({
    type: "response",
    id: 7,
    flags:
      dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | dnsPacket.AUTHORITATIVE_ANSWER | rcode,
    questions: [{ name: question, type: "A", class: "IN" }],
    answers,
  });
}

describe("the probe engine's own DNS query and answer codec", () => {
  it("writes the same query bytes as dns-packet, with or without the trailing dot", () => {
    for (const name of ["allostreaming.com", "a.b.c.d.example.net.", "xn--bcher-kva.de"]) {
      for (const qtype of ["A", "AAAA"] as const) {
        const expected = dnsPacket.encode({
          type: "query",
          id: 513,
          flags: dnsPacket.RECURSION_DESIRED,
          questions: [{ name, type: qtype, class: "IN" }],
        });
        assert.deepEqual(encodeQuery(513, name, qtype), expected, `${name} ${qtype}`);
      }
    }
  });

  it("reads the rcode, the AA flag and the A and AAAA addresses behind a CNAME", () => {
    const name = "www.films.example";
    const raw = response(name, [
      { name, type: "CNAME", ttl: 60, data: "cdn.films.example" },
      { name: "cdn.films.example", type: "A", ttl: 60, data: "203.0.113.9" },
      { name: "cdn.films.example", type: "AAAA", ttl: 60, data: "2001:db8::80" },
      { name: "cdn.films.example", type: "AAAA", ttl: 60, data: "2001:db8:0:1:0:0:0:1" },
    ]);
    const answer = decodeAnswer(raw, encodeQuery(7, name, "A"), 2);
    assert.ok(answer);
    assert.deepEqual([answer.rcode, answer.aa], ["NOERROR", true]);
    assert.deepEqual(answer.addresses, ["203.0.113.9", "2001:db8::80", "2001:db8:0:1::1"]);
    assert.equal(answer.answers[0], "www.films.example. 60 CNAME cdn.films.example");
  });

  it("reads NXDOMAIN and other rcodes", () => {
    const answer = decodeAnswer(response("gone.example", [], 3), encodeQuery(7, "gone.example", "A"), 1);
    assert.deepEqual([answer?.rcode, answer?.addresses], ["NXDOMAIN", []]);
    assert.equal(
      decodeAnswer(response("x.example", [], 2), encodeQuery(7, "x.example", "A"), 1)?.rcode,
      "SERVFAIL",
    );
  });

  it("takes no message that does not repeat the question asked, nor a query, nor a truncated one", () => {
    const asked = encodeQuery(7, "asked.example", "A");
    assert.equal(decodeAnswer(response("other.example", [], 0), asked, 1), undefined);
    assert.equal(decodeAnswer(asked, asked, 1), undefined);
    const whole = response("asked.example", [
      { name: "asked.example", type: "A", ttl: 60, data: "203.0.113.1" },
    ]);
    assert.equal(decodeAnswer(whole.subarray(0, whole.length - 2), asked, 1), undefined);
  });
});
