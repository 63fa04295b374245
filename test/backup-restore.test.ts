// A backup restored onto a newer registry never lowers the serial a real secondary sees: BIND, which ignores a
// primary whose serial went backwards ("serial number (2) received from primary < ours (23)"), transfers the
// restored zone as soon as decree starts again.
import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig, type ServiceConfig } from "../src/config/load-config.ts";
import { recordOrder } from "../src/intake/record-order.ts";
import { type RunningService, startService } from "../src/main.ts";
import type { ReleaseSummary } from "../src/publish/build-release.ts";
import { serialLessThan } from "../src/publish/dns/soa-serial.ts";
import { addOperator } from "../src/publish/operators.ts";
import { resolverConfig } from "../src/publish/resolver-config.ts";
import { decideTargets } from "../src/registry/decide-targets.ts";
import { startBind } from "./support/bind.ts";
import { dig } from "./support/dig.ts";
import { freePort } from "./support/free-port.ts";
import { pollUntil } from "./support/poll.ts";
import type { ResolverUnderTest } from "./support/resolver-process.ts";
import { runCli } from "./support/run-cli.ts";
import { sampleOrder } from "./support/sample-order.ts";
import { startUpstream, type Upstream } from "./support/upstream.ts";

const actor = "test:backup";
const zone = "rpz.decree";
const day = 86_400_000;

describe("a backup restored onto a newer registry", { timeout: 90_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "decree-restore-"));
  const backupFile = join(mkdtempSync(join(tmpdir(), "decree-backup-")), "decree-backup.db");
  let config: ServiceConfig;
  let service: RunningService | undefined;
  let upstream: Upstream;
  let bind: ResolverUnderTest;
  let bindPort = 0;

  before(async () => {
    upstream = await startUpstream(["fifostream.tv"]);
    const dnsPort = await freePort();
    config = {
      ...loadConfig(
        { data: dataDir, http: "127.0.0.1:0", dns: `127.0.0.1:${dnsPort}`, stop: "127.0.0.1:0" },
        {},
      ),
      transferAllow: [],
    };
    service = await startService(config, { clockIntervalMs: 100 });
    bindPort = await freePort();
    const { operator, secret } = await addOperator(
      service.store.db,
      { name: "bind-test", notify: [`127.0.0.1:${bindPort}`] },
      { actor, now: new Date() },
    );
    bind = await startBind({
      port: bindPort,
      rpz: resolverConfig("bind", operator, { zone, ...service.dns, httpBase: "http://127.0.0.1:1" }),
      secret: secret!,
      upstream,
    });
  });

  after(async () => {
    await bind?.stop();
    await service?.close();
    await upstream?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(join(backupFile, ".."), { recursive: true, force: true });
  });

  async function approve(running: RunningService, name: string): Promise<ReleaseSummary> {
    const released = once(running.publication.scheduler, "release") as Promise<[ReleaseSummary]>;
    const now = Date.now();
    const validity = {
      from: new Date(now - day).toISOString(),
      until: new Date(now + 30 * day).toISOString(),
    };
    const { targets } = await recordOrder(running.store, sampleOrder({ targets: [name], validity }), {
      actor,
      now: new Date(),
    });
    const refs = (targets?.added ?? []).map((t) => String(t.id));
    await decideTargets(running.store, { decision: "approve", refs, reason: "test", actor, now: new Date() });
    running.publication.scheduler.poke();
    return (await released)[0];
  }

  async function bindSerial(): Promise<number | undefined> {
    const out = await dig(bindPort, ["+norec", "SOA", zone]);
    const soa = out.records.find((record) => record.type === "SOA");
    return soa ? Number(soa.data.split(" ")[2]) : undefined;
  }

  const waitForBind = (serial: number) =>
    pollUntil(
      `BIND to hold serial ${serial}`,
      async () => ((await bindSerial()) === serial ? true : undefined),
      {
        timeoutMs: 15_000,
        intervalMs: 50,
        lastSeen: () => bind.daemon.output().slice(-1500),
      },
    );

  it("is refused while decree serves the folder, and BIND transfers the restored zone past its serial", async () => {
    const running = service!;
    const kept = await approve(running, "kept.fifostream.tv");
    await waitForBind(kept.soaSerial);
    const backup = await runCli(["backup", backupFile, "--data", dataDir]);
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(
      backup.stdout,
      new RegExp(`backed up release ${kept.id} \\(SOA serial ${kept.soaSerial}\\)`),
    );
    const later = await approve(running, "later.fifostream.tv");
    await waitForBind(later.soaSerial);

    const refused = await runCli(["restore", backupFile, "--data", dataDir]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /RESTORE_WHILE_SERVING/);

    await running.close();
    service = undefined;
    const restored = await runCli(["restore", backupFile, "--data", dataDir]);
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, new RegExp(`restored release ${kept.id} `));

    service = await startService(config, { clockIntervalMs: 100 });
    const first = service.publication.first;
    assert.ok(first, "the restored store is published as a new release");
    assert.ok(
      serialLessThan(later.soaSerial, first.soaSerial),
      `${first.soaSerial} is past ${later.soaSerial}`,
    );
    await waitForBind(first.soaSerial);
    const gone = await dig(bindPort, ["+norec", "CNAME", `later.fifostream.tv.${zone}`]);
    assert.deepEqual(
      gone.statuses,
      ["NXDOMAIN"],
      "the name approved after the backup is gone from BIND's copy",
    );
    const still = await dig(bindPort, ["+norec", "CNAME", `kept.fifostream.tv.${zone}`]);
    assert.equal(still.records.find((r) => r.type === "CNAME")?.data, ".");
  });

  it("refuses a file that is not a decree store", async () => {
    const notAStore = join(dataDir, "served-serial.json");
    const result = await runCli(["restore", notAStore, "--data", join(dataDir, "elsewhere")]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /RESTORE_INVALID/);
    const nothing = await runCli(["backup", join(dataDir, "copy.db"), "--data", join(dataDir, "elsewhere")]);
    assert.notEqual(nothing.code, 0);
    assert.match(nothing.stderr, /BACKUP_FAILED/);
  });

  it("on PostgreSQL, says how to back up and restore with pg_dump and pg_restore", async () => {
    const env = { DATABASE_URL: "postgresql://127.0.0.1:1/decree" };
    const backup = await runCli(["backup", "decree.dump", "--data", dataDir], env);
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(backup.stdout, /pg_dump --format=custom --file=decree\.dump "\$DATABASE_URL"/);
    const restore = await runCli(["restore", "decree.dump", "--data", dataDir], env);
    assert.match(restore.stdout, /pg_restore --clean --if-exists --no-owner/);
  });
});
