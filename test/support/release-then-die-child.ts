// Runs the release scheduler on the store in DATA_DIR and dies (SIGKILL, as a power cut) the moment the first
// release is announced, that is after its zone and journal committed and before its checkpoint is signed.
// Usage: release-then-die-child.ts DATA_DIR
import { ReleaseScheduler } from "../../src/publish/release-scheduler.ts";
import { defaultRpzPolicy } from "../../src/publish/rpz-policy.ts";
import { openStore } from "../../src/store/open-store.ts";
import { duringOrder } from "./sample-order.ts";

const store = await openStore({ dataDir: process.argv[2] ?? "" });
const scheduler = new ReleaseScheduler({
  db: store.db,
  dialect: store.dialect,
  policy: defaultRpzPolicy,
  now: () => duringOrder,
  logOrigin: "crash.test/log",
});
scheduler.on("release", (release) => {
  process.stdout.write(`released ${release.id}\n`);
  process.kill(process.pid, "SIGKILL");
});
await scheduler.start();
process.stdout.write("survived\n");
