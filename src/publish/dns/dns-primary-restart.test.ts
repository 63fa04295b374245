// The DNS primary's thread stopped from under the service, as an uncaught error or exhausted memory would stop
// it: it serves again on the same address, with the release committed while it was down.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Worker } from "node:worker_threads";
import dnsPacket from "dns-packet";
import { queryMessage, udpExchange } from "../../../test/support/dns-wire.ts";
import { pollUntil } from "../../../test/support/poll.ts";
import { duringOrder, sampleOrder } from "../../../test/support/sample-order.ts";
import { recordOrder } from "../../intake/record-order.ts";
import { decideTargets } from "../../registry/decide-targets.ts";
import type { Store } from "../../store/database.ts";
import { openStore } from "../../store/open-store.ts";
import { buildRelease } from "../build-release.ts";
import { defaultRpzPolicy } from "../rpz-policy.ts";
import { DnsPrimaryThread } from "./dns-primary-thread.ts";

const actor = "test:dns-primary-restart";
const policy = defaultRpzPolicy;

async function approve(store: Store, name: string): Promise<void> {
  const recorded = await recordOrder(store, sampleOrder({ targets: [name] }), { actor, now: duringOrder });
  const refs = (recorded.targets?.added ?? []).map((target) => String(target.id));
  await decideTargets(store, { decision: "approve", refs, reason: "ordered", actor, now: duringOrder });
}

async function servedSerial(port: number): Promise<number | undefined> {
  const reply = await udpExchange(port, queryMessage(policy.zone, "SOA"), 200);
  const soa = reply && dnsPacket.decode(reply).answers?.find((record) => record.type === "SOA");
  return soa && soa.type === "SOA" ? soa.data.serial : undefined;
}

describe("the DNS primary's thread when it stops while serving", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "decree-primary-restart-"));
  let store: Store;
  let primary: DnsPrimaryThread;
  let port = 0;
  const errors: unknown[] = [];

  before(async () => {
    store = await openStore({ dataDir });
    await approve(store, "first.streamfilou.net");
    await buildRelease(store.db, store.dialect, policy, duringOrder);
    primary = new DnsPrimaryThread({
      store: { dataDir },
      host: "127.0.0.1",
      port: 0,
      policy,
      transferAllow: [],
    });
    primary.on("error", (error) => errors.push(error));
    ({ port } = await primary.start());
  });

  after(async () => {
    await primary?.close();
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("is started again on the same port and serves the release committed while it was down", async () => {
    // Not events.once: it rejects at the "error" the stop is announced with.
    const restarted = new Promise<{ downMs: number; restarts: number }>((resolve) =>
      primary.once("restarted", resolve),
    );
    // What an uncaught error in the thread does: the thread ends, and the service's side hears its exit.
    await (primary as unknown as { worker: Worker }).worker.terminate();
    await approve(store, "while-down.streamfilou.net");
    const release = await buildRelease(store.db, store.dialect, policy, duringOrder);
    assert.ok(release, "the approval makes a release");
    primary.released(release.soaSerial);

    const restart = await restarted;
    assert.equal(restart.restarts, 1);
    assert.match(
      String(errors[0]),
      /thread stopped .*starting it again/,
      "the service heard that DNS was down",
    );
    const serial = await pollUntil("the restarted thread to serve the new release", async () => {
      const served = await servedSerial(port);
      return served === release.soaSerial ? served : undefined;
    });
    assert.equal(serial, release.soaSerial);
  });

  it("is not started again once the service closes it", async () => {
    await primary.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await servedSerial(port), undefined, "nothing answers on the port any more");
  });
});
