// Builds one release of the store in DATA_DIR and exits: the crash test kills this process mid-build.
import { buildRelease } from "../../src/publish/build-release.ts";
import { defaultRpzPolicy } from "../../src/publish/rpz-policy.ts";
import { openStore } from "../../src/store/open-store.ts";

const store = await openStore({ dataDir: process.argv[2] ?? "" });
process.stdout.write("building\n");
const release = await buildRelease(
  store.db,
  store.dialect,
  defaultRpzPolicy,
  new Date("2026-06-01T12:00:00Z"),
);
process.stdout.write(`built ${JSON.stringify(release)}\n`);
await store.close();
