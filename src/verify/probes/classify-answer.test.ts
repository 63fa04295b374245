import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Classification, classifyAnswer, type Expectation } from "./classify-answer.ts";
import { DnsAnswer } from "./dns-answer.ts";
import type { ProbeOutcome } from "./dns-prober.ts";

const stopPage = ["192.0.2.80"];
const answered = (rcode: string, addresses: string[] = []): ProbeOutcome => ({
  answer: new DnsAnswer(Buffer.alloc(12), rcode, false, addresses, 1),
  attempts: 1,
});
const real = answered("NOERROR", ["203.0.113.7"]);
const gone = answered("NXDOMAIN");
const timedOut: ProbeOutcome = { failure: "timeout: no answer", attempts: 3 };

function judge(
  expectation: Expectation,
  outcome: ProbeOutcome,
  reference: ProbeOutcome | "none" = real,
): Classification {
  return classifyAnswer({
    expectation,
    outcome,
    reference: reference === "none" ? undefined : reference,
    stopPage,
  });
}

describe("classifying an answer against the reference", () => {
  it("counts NXDOMAIN, NODATA and the stop page's address as enforcement of a blocked name that really resolves", () => {
    assert.equal(judge("blocked", gone).verdict, "enforced");
    assert.equal(judge("blocked", answered("NOERROR")).verdict, "enforced");
    assert.equal(judge("blocked", answered("NOERROR", ["192.0.2.80"])).verdict, "enforced");
  });

  it("calls a normal answer to a blocked name not enforced, and says when it differs from the reference", () => {
    assert.deepEqual(judge("blocked", real), { verdict: "not-enforced", detail: null });
    assert.deepEqual(judge("blocked", answered("NOERROR", ["198.51.100.9"])), {
      verdict: "not-enforced",
      detail: "differs-from-reference",
    });
  });

  it("does not take an NXDOMAIN for enforcement when the reference says the name does not exist either", () => {
    assert.equal(judge("blocked", gone, gone).verdict, "error");
    assert.match(judge("blocked", gone, gone).detail ?? "", /^inconclusive/);
    // The stop page's address is proof whatever the reference says.
    assert.equal(judge("blocked", answered("NOERROR", ["192.0.2.80"]), gone).verdict, "enforced");
  });

  it("flags a lifted or control name that is blocked as over-blocked, and a normal answer as not enforced", () => {
    assert.equal(judge("lifted", gone).verdict, "over-blocked");
    assert.equal(judge("control", answered("NOERROR", ["192.0.2.80"])).verdict, "over-blocked");
    assert.equal(judge("lifted", real).verdict, "not-enforced");
    assert.equal(judge("lifted", gone, gone).verdict, "not-enforced");
  });

  it("reports timeouts, SERVFAIL and REFUSED as errors, never as a verdict on the name", () => {
    assert.deepEqual(judge("blocked", timedOut), { verdict: "error", detail: "timeout: no answer" });
    assert.deepEqual(judge("lifted", answered("SERVFAIL")), { verdict: "error", detail: "SERVFAIL" });
    assert.deepEqual(judge("control", answered("REFUSED")), { verdict: "error", detail: "REFUSED" });
  });

  it("marks verdicts without a reference answer as unverified", () => {
    assert.deepEqual(judge("blocked", gone, "none"), {
      verdict: "enforced",
      detail: "unverified: no reference answer",
    });
    assert.equal(judge("lifted", gone, timedOut).verdict, "error");
  });
});
