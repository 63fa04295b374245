// Writes and publishes releases in a loop, as a busy registry does, until it is killed: the crash-loop test
// kills it with SIGKILL at a random moment. Usage: release-loop-child.ts sqlite DIR | postgres URL.
// Each line `approved ID…` is printed after the approval's transaction committed.
import { recordOrder } from "../../src/intake/record-order.ts";
import { buildRelease } from "../../src/publish/build-release.ts";
import { publishCheckpoint } from "../../src/publish/publish-checkpoint.ts";
import { defaultRpzPolicy } from "../../src/publish/rpz-policy.ts";
import { decideTargets } from "../../src/registry/decide-targets.ts";
import { openStore } from "../../src/store/open-store.ts";
import { duringOrder, sampleOrder } from "./sample-order.ts";

const [engine, where] = process.argv.slice(2);
const store = await openStore(engine === "postgres" ? { databaseUrl: where! } : { dataDir: where! });
const origin = "crash.test/log";
const tag = `${process.pid}-${Date.now().toString(36)}`;
process.stdout.write("ready\n");
for (let round = 0; ; round++) {
  const names = [`a${round}-${tag}.crash-loop.fr`, `b${round}-${tag}.crash-loop.fr`];
  const { targets } = await recordOrder(
    store,
    sampleOrder({ targets: names, caseNumber: `RG ${tag}/${round}` }),
    {
      actor: "cli",
      now: duringOrder,
    },
  );
  const ids = (targets?.added ?? []).map((t) => String(t.id));
  await decideTargets(store, {
    decision: "approve",
    refs: ids,
    reason: "ordered",
    actor: "cli",
    now: duringOrder,
  });
  process.stdout.write(`approved ${ids.join(" ")}\n`);
  if (round % 3 === 2) {
    await decideTargets(store, {
      decision: "suspend",
      refs: [ids[0]!],
      reason: "appeal",
      actor: "cli",
      now: duringOrder,
    });
  }
  // As the release scheduler does: the release, then (another transaction) its checkpoint.
  const release = await buildRelease(store.db, store.dialect, defaultRpzPolicy, duringOrder);
  await publishCheckpoint(store.db, store.dialect, {
    origin,
    upToEventId: release?.eventId,
    releaseId: release?.id,
    now: duringOrder,
  });
}
