import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import dnsPacket from "dns-packet";
import { queryMessage, tcpTransfer, transferRecords, udpExchange } from "../../../test/support/dns-wire.ts";
import { actor, approveTargets, suspendTargets } from "../../../test/support/published-zone.ts";
import { duringOrder } from "../../../test/support/sample-order.ts";
import { type StoreUnderTest, storeEngines } from "../../../test/support/stores.ts";
import { buildRelease, type ReleaseSummary } from "../build-release.ts";
import { DnsPrimary } from "../dns/dns-primary.ts";
import { signMessage, type TsigKey } from "../dns/tsig.ts";
import { addOperator, listOperators, operatorKeys } from "../operators.ts";
import { defaultRpzPolicy } from "../rpz-policy.ts";
import { updateOperator } from "../update-operator.ts";
import { ZoneSource } from "../zone-source.ts";
import { decideRollout } from "./decide-rollout.ts";

const policy = defaultRpzPolicy;
const zone = policy.zone;

for (const engine of storeEngines) {
  describe(`staged serials by TSIG key (${engine.name})`, () => {
    let opened: StoreUnderTest;
    let primary: DnsPrimary;
    let port: number;
    let canaryKey: TsigKey;
    let otherKey: TsigKey;
    let first: ReleaseSummary;
    let staged: ReleaseSummary;
    let lifted: string[];

    before(async () => {
      opened = await engine.open();
      const { store } = opened;
      lifted = await approveTargets(store, ["first.fifostream.tv"]);
      first = (await buildRelease(store.db, store.dialect, policy, duringOrder))!;
      const canary = await addOperator(store.db, { name: "Small" }, { actor, now: duringOrder });
      const other = await addOperator(store.db, { name: "Big" }, { actor, now: duringOrder });
      await updateOperator(store.db, "Small", { canary: true }, { actor, now: duringOrder });
      const key = (name: string, secret: string): TsigKey => ({
        name,
        algorithm: "hmac-sha256",
        secret: Buffer.from(secret, "base64"),
      });
      canaryKey = key(canary.operator.tsig!.keyName, canary.secret!);
      otherKey = key(other.operator.tsig!.keyName, other.secret!);
      await approveTargets(store, ["staged.fifostream.tv"]);
      staged = (await buildRelease(store.db, store.dialect, policy, duringOrder, { staged: true }))!;
      primary = new DnsPrimary({
        host: "127.0.0.1",
        port: 0,
        zone: new ZoneSource(store.db),
        policy,
        access: {
          keys: () => operatorKeys(store.db),
          allowed: async () => [],
          operators: async () =>
            (await listOperators(store.db)).map((o) => ({ name: o.name, canary: o.canary, allow: o.allow })),
        },
        accessCacheMs: 0,
      });
      port = (await primary.start()).port;
    });

    after(async () => {
      await primary?.close();
      await opened?.dispose();
    });

    async function soaSerial(key?: TsigKey): Promise<number> {
      const query = queryMessage(zone, "SOA");
      const reply = await udpExchange(port, key ? signMessage(query, key).message : query);
      const answer = dnsPacket.decode(reply!).answers?.find((a) => a.type === "SOA");
      return answer && answer.type === "SOA" ? (answer.data.serial ?? -1) : -1;
    }

    async function axfr(key: TsigKey): Promise<string[]> {
      return transferRecords(await tcpTransfer(port, signMessage(queryMessage(zone, "AXFR"), key).message));
    }

    it("serves the staged serial to the canary's key, the last released one to every other client", async () => {
      assert.equal(staged.staged, true);
      assert.equal(await soaSerial(canaryKey), staged.soaSerial);
      assert.equal(await soaSerial(otherKey), first.soaSerial);
      assert.equal(await soaSerial(), first.soaSerial);
      assert.ok((await axfr(canaryKey)).some((line) => line.startsWith("staged.fifostream.tv")));
      assert.ok(!(await axfr(otherKey)).some((line) => line.startsWith("staged.fifostream.tv")));
    });

    it("releases an emergency suspension to all, stages the entry again above it, and never shows it to others", async () => {
      const { store } = opened;
      await suspendTargets(store, lifted);
      const rebased = (await buildRelease(store.db, store.dialect, policy, duringOrder, { staged: true }))!;
      await primary.invalidate();
      assert.equal(rebased.staged, true);
      assert.equal(rebased.id, staged.id + 2, "one release to all, then the staged entry again");
      const emergency = await soaSerial(otherKey);
      assert.ok(emergency > first.soaSerial && emergency > staged.soaSerial && emergency < rebased.soaSerial);
      assert.equal(await soaSerial(canaryKey), rebased.soaSerial);
      const ixfr = signMessage(
        queryMessage(zone, "IXFR", {
          authorities: [
            {
              name: zone,
              type: "SOA",
              ttl: 60,
              data: {
                mname: "x.",
                rname: "x.",
                serial: first.soaSerial,
                refresh: 1,
                retry: 1,
                expire: 1,
                minimum: 1,
              },
            },
          ],
        }),
        otherKey,
      );
      const lines = transferRecords(await tcpTransfer(port, ixfr.message));
      // RFC 1995 §4: SOA new, SOA old, deletions, SOA new, additions, SOA new: four SOAs make one step.
      assert.equal(lines.filter((line) => line.startsWith("SOA")).length, 4, lines.join("\n"));
      const changes = lines.filter((line) => !line.startsWith("SOA"));
      assert.ok(
        changes.length > 0 && changes.every((line) => line.includes("first.fifostream.tv")),
        lines.join("\n"),
      );
      assert.ok(!lines.some((line) => line.includes("staged.fifostream.tv")));
    });

    it("serves the staged release to everyone once it is promoted, with no new serial", async () => {
      const { store } = opened;
      const newest = await store.db
        .selectFrom("releases")
        .select("serial")
        .orderBy("id", "desc")
        .executeTakeFirstOrThrow();
      await decideRollout(store, {
        decision: "proceed",
        serial: Number(newest.serial),
        reason: "checked",
        actor,
        now: duringOrder,
      });
      await primary.invalidate();
      assert.equal(await soaSerial(otherKey), await soaSerial(canaryKey));
      assert.ok((await axfr(otherKey)).some((line) => line.startsWith("staged.fifostream.tv")));
    });
  });
}
