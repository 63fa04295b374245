import assert from "node:assert/strict";
import { describe, it } from "node:test";
import canonicalizeModule from "canonicalize";
import { eventLeaf, keyedPseudonymiser, type LoggedEvent } from "./event-leaf.ts";

const canonicalize = canonicalizeModule as unknown as (input: unknown) => string;
const pseudonymise = keyedPseudonymiser(Buffer.from("secret"));

const base: LoggedEvent = {
  id: 41,
  at: "2026-06-01T12:00:00.000Z",
  actor: "user:3",
  subjectType: "target",
  subjectId: 9,
  action: "target.approved",
  fromState: "proposed",
  toState: "active",
  reason: 'ordered \u00e9\u2028"quoted"',
  data: "{}",
  target: { kind: "domain", value: "xn--bcher-kva.example", orderId: 2 },
};

describe("the leaf of an event", () => {
  it("is exactly what an RFC 8785 canonicaliser makes of it, for every shape of event", () => {
    const events: LoggedEvent[] = [
      base,
      {
        ...base,
        reason: null,
        target: undefined,
        subjectType: "order",
        action: "order.recorded",
        order: { measures: ["dns-block", "delist"] },
        fromState: null,
        toState: null,
        data: '{"caseNumber":"RG 1","b":[2,1],"a":{"z":1,"y":"x"}}',
      },
      {
        ...base,
        actor: "public:appellant",
        subjectType: "appeal",
        target: undefined,
        data: '{"targetId":9,"orderId":2}',
      },
      {
        ...base,
        actor: "cli:alice",
        data: '{"requestedBy":"bob@example.org","note":"mail carol@example.org","contact":"x@y.z"}',
      },
    ];
    for (const event of events) {
      const leaf = eventLeaf(event, pseudonymise);
      assert.equal(leaf, canonicalize(JSON.parse(leaf)));
    }
  });

  it("leaves out e-mails, contacts and an appellant's own words, keeping a stable pseudonym and a hash", () => {
    const fromAppellant = JSON.parse(
      eventLeaf({ ...base, actor: "public:appellant", reason: "I am Jane Doe" }, pseudonymise),
    );
    assert.equal(fromAppellant.reason, undefined);
    assert.match(fromAppellant.reasonSha256, /^[0-9a-f]{64}$/);
    const leaf = eventLeaf(
      { ...base, actor: "reviewer@example.org", data: '{"requestedBy":"bob@example.org","contact":"x@y.z"}' },
      pseudonymise,
    );
    assert.ok(!leaf.includes("@"), leaf);
    const parsed = JSON.parse(leaf);
    assert.equal(parsed.actor, pseudonymise("reviewer@example.org"));
    assert.match(parsed.actor, /^pseudonym:[0-9a-f]{16}$/);
    assert.equal(parsed.data.contact, undefined);
    assert.equal(JSON.parse(eventLeaf(base, pseudonymise)).actor, "user:3", "an account number is kept");
    assert.notEqual(keyedPseudonymiser(Buffer.from("other"))("reviewer@example.org"), parsed.actor);
  });
});
