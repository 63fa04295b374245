// Operators as accounts that change: updated, removed, re-keyed with a grace period. The keys are tried with
// real transfers: Debian's dig signs an AXFR to decree's DNS primary with the old and with the new key.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { dig } from "../../test/support/dig.ts";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { approveTargets } from "../../test/support/published-zone.ts";
import { duringOrder } from "../../test/support/sample-order.ts";
import { buildRelease } from "./build-release.ts";
import { DnsPrimary } from "./dns/dns-primary.ts";
import { addOperator, findOperator, listOperators, notifyTargets, operatorKeys } from "./operators.ts";
import { parseGrace, rekeyOperator } from "./rekey-operator.ts";
import { removeOperator } from "./remove-operator.ts";
import { defaultRpzPolicy } from "./rpz-policy.ts";
import { updateOperator } from "./update-operator.ts";
import { ZoneSource } from "./zone-source.ts";

const by = { actor: "test:operators", now: new Date("2026-06-01T12:00:00Z") };
const zone = defaultRpzPolicy.zone;

describeEachEngine("operators as accounts", (store) => {
  let primary: DnsPrimary;
  let port = 0;
  /** The primary's clock for keys in grace; moved by the tests. */
  let clock = by.now;

  before(async () => {
    await approveTargets(store(), ["keyed.fifostream.tv"]);
    await buildRelease(store().db, store().dialect, defaultRpzPolicy, duringOrder);
    primary = new DnsPrimary({
      host: "127.0.0.1",
      port: 0,
      zone: new ZoneSource(store().db),
      policy: defaultRpzPolicy,
      access: { keys: () => operatorKeys(store().db, clock), allowed: async () => [] },
      accessCacheMs: 0,
    });
    ({ port } = await primary.start());
  });
  after(() => primary?.close());

  /** Whether a real AXFR signed with this key gets the zone. */
  async function transfers(key: { name: string; secret: string }): Promise<boolean> {
    const out = await dig(port, ["+tcp", "-y", `hmac-sha256:${key.name}:${key.secret}`, "AXFR", zone]);
    return out.records.some(
      (record) => record.type === "CNAME" && record.name.startsWith("keyed.fifostream.tv."),
    );
  }

  it("updates where an operator is notified, what may transfer unsigned, its action and its kind", async () => {
    await addOperator(store().db, { name: "Free", notify: ["192.0.2.1:53"] }, by);
    const updated = await updateOperator(
      store().db,
      "Free",
      { notify: ["192.0.2.2:5353"], allow: ["192.0.2.0/28"], action: "nodata", kind: "public-resolver" },
      by,
    );
    assert.deepEqual(updated.notify, [{ host: "192.0.2.2", port: 5353 }]);
    assert.deepEqual(
      [updated.allow, updated.action, updated.kind],
      [["192.0.2.0/28"], "nodata", "public-resolver"],
    );
    const back = await updateOperator(store().db, "Free", { action: null }, by);
    assert.deepEqual([back.action, back.kind], [null, "public-resolver"], "a field left out keeps its value");
    await assert.rejects(updateOperator(store().db, "Free", { kind: "registrar" }, by), {
      code: "OPERATOR_KIND_INVALID",
    });
    await assert.rejects(addOperator(store().db, { name: "Nobody", kind: "isp-ish" }, by), {
      code: "OPERATOR_KIND_INVALID",
    });
    await assert.rejects(updateOperator(store().db, "Nobody", { kind: "vpn" }, by), {
      code: "OPERATOR_NOT_FOUND",
    });
  });

  it("re-keys: both keys transfer inside the grace, only the new one after it", async () => {
    const added = await addOperator(store().db, { name: "Orange" }, by);
    const old = { name: added.operator.tsig!.keyName, secret: added.secret! };
    assert.ok(await transfers(old), "the first key transfers");
    const rekeyed = await rekeyOperator(store().db, "Orange", { ...by, graceMs: parseGrace("7d") });
    const fresh = { name: rekeyed.operator.tsig!.keyName, secret: rekeyed.secret! };
    assert.notEqual(fresh.name, old.name, "a new key name, so secondaries can hold both");
    assert.deepEqual(rekeyed.operator.previousKey, {
      keyName: old.name,
      validUntil: "2026-06-08T12:00:00.000Z",
    });
    clock = new Date("2026-06-08T11:59:00Z");
    assert.ok(await transfers(old), "the old key inside the grace");
    assert.ok(await transfers(fresh), "the new key");
    clock = new Date("2026-06-08T12:00:01Z");
    assert.equal(await transfers(old), false, "the old key after the grace");
    assert.ok(await transfers(fresh), "the new key after the grace");
    await assert.rejects(
      addOperator(store().db, { name: "Keyless", tsig: false }, by).then(() =>
        rekeyOperator(store().db, "Keyless", { ...by, graceMs: 0 }),
      ),
      { code: "OPERATOR_NO_KEY" },
    );
    assert.throws(() => parseGrace("a week"), { code: "OPERATOR_INVALID" });
  });

  it("removes an operator: its key stops at once, it is no longer listed, its name is refused", async () => {
    const added = await addOperator(store().db, { name: "SFR", notify: ["192.0.2.9:53"] }, by);
    const key = { name: added.operator.tsig!.keyName, secret: added.secret! };
    assert.ok(await transfers(key));
    await removeOperator(store().db, "SFR", { ...by, reason: "no longer an access provider" });
    assert.equal(await transfers(key), false);
    assert.ok(!(await listOperators(store().db)).some((o) => o.name === "SFR"));
    assert.ok(!(await notifyTargets(store().db)).some((t) => t.operator === "SFR"));
    await assert.rejects(findOperator(store().db, "SFR"), { code: "OPERATOR_REMOVED" });
    await assert.rejects(removeOperator(store().db, "SFR", by), { code: "OPERATOR_REMOVED" });
  });
});
