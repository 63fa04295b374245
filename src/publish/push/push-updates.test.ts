// Pushing releases into a real BIND 9 primary (Debian's bind9) by TSIG-signed dynamic update, read back with
// dig's signed AXFR; the key is made by tsig-keygen and the stray edits by nsupdate, as an operator would.
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { freePort } from "../../../test/support/free-port.ts";
import { decreeBin, runCli } from "../../../test/support/run-cli.ts";
import { duringOrder, sampleOrder } from "../../../test/support/sample-order.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import { recordOrder } from "../../intake/record-order.ts";
import { decideTargets } from "../../registry/decide-targets.ts";
import type { Store } from "../../store/database.ts";
import { openStore } from "../../store/open-store.ts";
import { buildRelease } from "../build-release.ts";
import { serialLessThan } from "../dns/dns-primary.ts";
import type { TsigKey } from "../dns/tsig.ts";
import { defaultRpzPolicy, type RpzPolicy } from "../rpz-policy.ts";
import { ZoneSource } from "../zone-source.ts";
import { PushConnection } from "./push-connection.ts";
import { sendUpdates } from "./push-send-updates.ts";
import { readServerSerial } from "./push-server-zone.ts";
import { readPushState, writePushState } from "./push-state.ts";
import { parseBindKeyClause } from "./push-tsig-key.ts";
import { PushUpdates, type PushUpdatesOptions } from "./push-updates.ts";
import { updateRecordOf } from "./push-zone-diff.ts";

const run = promisify(execFile);
const zone = "rpz.decree";
const cliZone = "cli.decree";
const actor = "test:push";
/** Stop-page addresses, so that the zone holds A and AAAA records besides CNAMEs. */
const policy: RpzPolicy = { ...defaultRpzPolicy, stopPage: { ipv4: "192.0.2.80", ipv6: "2001:db8::80" } };

function namedConf(dir: string, port: number): string {
  const primary = (name: string) =>
    `zone "${name}" { type primary; file "${name}.db"; journal "${name}.db.jnl"; notify no;
  allow-update { key push-key; }; allow-transfer { key push-key; }; };`;
  return `options {
  directory "${dir}";
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 { none; };
  pid-file "${dir}/named.pid";
  session-keyfile none;
  recursion no;
  dnssec-validation no;
  notify no;
};
controls { };
include "${dir}/push-key.conf";
include "${dir}/other-key.conf";
${primary(zone)}
${primary(cliZone)}
`;
}

function zoneFile(name: string): string {
  return `$TTL 300\n@ SOA localhost. hostmaster.${name}. 1 3600 600 86400 60\n@ NS localhost.\n`;
}

/** BIND's zone below the apex as `owner TYPE rdata` lines (owner relative) and its serial, by signed AXFR. */
async function bindZone(
  port: number,
  key: TsigKey,
  name = zone,
): Promise<{ serial: number; lines: string[] }> {
  const yes = `hmac-sha256:${key.name}:${key.secret.toString("base64")}`;
  const { stdout } = await run("/usr/bin/dig", [
    "@127.0.0.1",
    "-p",
    String(port),
    "-y",
    yes,
    "AXFR",
    name,
    "+noall",
    "+answer",
    "+onesoa",
  ]);
  let serial = -1;
  const lines: string[] = [];
  for (const line of stdout.split("\n")) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5 || line.startsWith(";")) continue;
    const [owner = "", ttl, , type = "", ...rdata] = fields;
    if (type === "SOA") serial = Number(rdata[2]);
    if (owner === `${name}.` || type === "TSIG") continue;
    assert.equal(ttl, String(policy.ttl), line);
    lines.push(`${owner.slice(0, -`.${name}.`.length)} ${type} ${rdata.join(" ")}`);
  }
  assert.ok(serial >= 0, `no SOA in dig's AXFR:\n${stdout}`);
  return { serial, lines: lines.sort() };
}

async function decreeZone(store: Store): Promise<string[]> {
  const snapshot = await new ZoneSource(store.db).snapshot();
  return snapshot.records.map((r) => `${r.owner} ${r.rtype} ${r.rdata}`).sort();
}

async function approve(store: Store, targets: unknown[], overrides: Record<string, unknown> = {}) {
  const order = sampleOrder({ targets, ...overrides });
  const { targets: added } = await recordOrder(store, order, { actor, now: duringOrder });
  const refs = (added?.added ?? []).map((target) => String(target.id));
  await decideTargets(store, { decision: "approve", refs, reason: "ordered", actor, now: duringOrder });
  return refs;
}

async function lift(store: Store, refs: string[]) {
  await decideTargets(store, { decision: "lift", refs, reason: "appeal upheld", actor, now: duringOrder });
}

async function release(store: Store) {
  const summary = await buildRelease(store.db, store.dialect, policy, duringOrder);
  assert.ok(summary, "the change should make a release");
  return summary;
}

async function nsupdate(port: number, key: TsigKey, commands: string[]): Promise<void> {
  const script = [`server 127.0.0.1 ${port}`, `zone ${zone}`, ...commands, "send", ""].join("\n");
  const child = execFile("/usr/bin/nsupdate", [
    "-v",
    "-y",
    `hmac-sha256:${key.name}:${key.secret.toString("base64")}`,
  ]);
  child.stdin?.end(script);
  const [code] = await once(child, "exit");
  assert.equal(code, 0, "nsupdate failed");
}

function rejectsWith(code: string, pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof DecreeError, String(error));
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  };
}

describe("pushing releases to a real BIND 9 primary by dynamic update", () => {
  let dir = "";
  let port = 0;
  let named: ChildProcess | undefined;
  let namedLog = "";
  let key: TsigKey;
  let otherKey: TsigKey;
  let store: Store;
  let statePath = "";
  const wrongKey = (): TsigKey => ({ ...key, secret: Buffer.alloc(32, 7) });

  function pusher(overrides: Partial<PushUpdatesOptions> = {}): PushUpdates {
    return new PushUpdates({
      server: { host: "127.0.0.1", port },
      zone,
      key,
      source: new ZoneSource(store.db),
      ttl: policy.ttl,
      statePath,
      ...overrides,
    });
  }

  async function assertBindHoldsDecree(): Promise<number> {
    const held = await bindZone(port, key);
    assert.deepEqual(held.lines, await decreeZone(store));
    return held.serial;
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "decree-push-"));
    port = await freePort();
    // tsig-keygen writes the key clause that both named.conf and `decree publish --key-file` read.
    const { stdout: pushKey } = await run("/usr/sbin/tsig-keygen", ["-a", "hmac-sha256", "push-key"]);
    const { stdout: other } = await run("/usr/sbin/tsig-keygen", ["-a", "hmac-sha256", "other-key"]);
    await writeFile(join(dir, "push-key.conf"), pushKey);
    await writeFile(join(dir, "other-key.conf"), other);
    key = parseBindKeyClause(pushKey);
    otherKey = parseBindKeyClause(other);
    await writeFile(join(dir, "named.conf"), namedConf(dir, port));
    await writeFile(join(dir, `${zone}.db`), zoneFile(zone));
    await writeFile(join(dir, `${cliZone}.db`), zoneFile(cliZone));
    named = spawn("/usr/sbin/named", ["-g", "-c", join(dir, "named.conf")], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    named.stderr?.on("data", (chunk: Buffer) => {
      namedLog += chunk.toString();
    });
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await bindZone(port, key);
        break;
      } catch (error) {
        if (Date.now() > deadline || named.exitCode !== null) {
          throw new Error(`named did not serve ${zone}: ${(error as Error).message}\n${namedLog}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    store = await openStore({ dataDir: join(dir, "data") });
    statePath = join(dir, "data", "push-state.json");
  });

  after(async () => {
    await store?.close();
    if (named !== undefined && named.exitCode === null) {
      const exited = once(named, "exit");
      named.kill("SIGTERM");
      await exited;
    }
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("reports that there is nothing to push yet, having checked the server and the key", async () => {
    const report = await pusher().pushRelease();
    assert.equal(report.mode, "no-release");
    assert.deepEqual(report.releases, []);
    assert.equal(report.serverSerial, 1);
  });

  it("makes BIND's zone hold exactly decree's records on the first push", async () => {
    await approve(store, [
      { value: "allostreaming.com", kind: "domain" },
      "www.fifostream.tv",
      "shared.alloseven.com",
    ]);
    await approve(store, ["nodata.fifostream.net"], { dnsAction: "nodata" });
    await approve(store, ["stop.fifostream.org"], { dnsAction: "stop-page" });
    await release(store);
    const report = await pusher().pushRelease();
    assert.equal(report.mode, "resync");
    const [pushed] = report.releases;
    assert.deepEqual([pushed?.added, pushed?.removed, pushed?.messages], [7, 0, 1]);
    const serial = await assertBindHoldsDecree();
    assert.deepEqual(await decreeZone(store), [
      "*.allostreaming.com CNAME .",
      "allostreaming.com CNAME .",
      "nodata.fifostream.net CNAME *.",
      "shared.alloseven.com CNAME .",
      "stop.fifostream.org A 192.0.2.80",
      "stop.fifostream.org AAAA 2001:db8::80",
      "www.fifostream.tv CNAME .",
    ]);
    assert.ok(serialLessThan(1, serial), `BIND's serial ${serial} should have gone up from 1`);
    const state = await readPushState(statePath, { host: "127.0.0.1", port }, zone);
    assert.deepEqual([state?.serial, state?.serverSerial], [report.serial, serial]);
  });

  it("pushes only the next release's changes, and BIND's serial goes up", async () => {
    const before = (await bindZone(port, key)).serial;
    // The same name with the stricter NXDOMAIN: lifting that order turns its CNAME `.` into `*.` in one step.
    const [nxdomain] = await approve(store, ["nodata.fifostream.net"]);
    await release(store);
    await approve(store, ["later.fifostream.com"]);
    await lift(store, [nxdomain!]);
    const lifted = await approve(store, ["lifted.allomovies.com"]);
    await release(store);
    await lift(store, lifted);
    const last = await release(store);
    const report = await pusher().pushRelease();
    assert.equal(report.mode, "steps");
    assert.equal(report.serial, last.serial);
    assert.deepEqual(
      report.releases.map((r) => [r.mode, r.added, r.removed]),
      [
        ["step", 1, 1],
        ["step", 3, 1],
        ["step", 0, 1],
      ],
    );
    const after = await assertBindHoldsDecree();
    assert.ok(serialLessThan(before, after), `BIND's serial ${after} should be past ${before}`);
    assert.ok((await bindZone(port, key)).lines.includes("nodata.fifostream.net CNAME *."));
    assert.equal((await pusher().pushRelease()).mode, "current");
  });

  it("has BIND refuse an update signed with a wrong key (NOTAUTH, BADSIG), changing nothing", async () => {
    const before = await bindZone(port, key);
    const server = { host: "127.0.0.1", port };
    const connection = await PushConnection.open(server, 5000);
    try {
      const changes = {
        removals: [],
        additions: [updateRecordOf({ owner: "forged.example", rtype: "CNAME", rdata: "." }, zone, 60)],
      };
      await assert.rejects(
        sendUpdates(connection, { server, zone, key: wrongKey() }, changes, 16_000),
        rejectsWith("PUSH_FAILED", /answered NOTAUTH, TSIG error BADSIG to the UPDATE of zone rpz\.decree/),
      );
    } finally {
      connection.close();
    }
    await approve(store, ["waiting.fifostream.tv"]);
    await release(store);
    await assert.rejects(
      pusher({ key: wrongKey() }).pushRelease(),
      rejectsWith("PUSH_FAILED", /NOTAUTH, TSIG error BADSIG.*different secret for key "push-key"/),
    );
    assert.deepEqual(await bindZone(port, key), before);
  });

  it("names REFUSED when the server knows the key but does not let it transfer the zone", async () => {
    await assert.rejects(
      pusher({ key: otherKey, statePath: join(dir, "other-state.json") }).pushRelease(),
      rejectsWith("PUSH_FAILED", /answered REFUSED to the AXFR of zone rpz\.decree: .*allow-update/),
    );
  });

  it("catches up after the failures, with the release that waited", async () => {
    const report = await pusher().pushRelease();
    assert.equal(report.mode, "steps");
    assert.deepEqual(
      report.releases.map((r) => [r.added, r.removed]),
      [[1, 0]],
    );
    await assertBindHoldsDecree();
  });

  it("sends a release of several thousand records in several UPDATE messages", async () => {
    const names = Array.from({ length: 1500 }, (_, index) => ({
      value: `mirror-${index}.allostreaming-copies.com`,
      kind: "domain",
    }));
    await approve(store, names);
    const big = await release(store);
    assert.equal(big.added, 3000);
    const report = await pusher().pushRelease();
    assert.equal(report.mode, "steps");
    const [pushed] = report.releases;
    assert.equal(pushed?.added, 3000);
    assert.ok((pushed?.messages ?? 0) >= 5, `${pushed?.messages} messages`);
    await assertBindHoldsDecree();
  });

  it("resumes from the state file after a restart, sending only what is new", async () => {
    await approve(store, ["after-restart.fifostream.tv"]);
    await release(store);
    // A new PushUpdates and ZoneSource, as after a restart of `decree publish`: only the file carries over.
    const report = await pusher().pushRelease();
    assert.equal(report.mode, "steps");
    assert.deepEqual(
      report.releases.map((r) => [r.added, r.removed, r.messages]),
      [[1, 0, 1]],
    );
    await assertBindHoldsDecree();
  });

  it("resynchronises the whole zone when the journal no longer has the pushed serial", async () => {
    const serverSerial = await currentServerSerial();
    await writePushState(statePath, {
      server: `127.0.0.1:${port}`,
      zone,
      serial: 999_999,
      serverSerial,
      pushedAt: new Date().toISOString(),
    });
    const report = await pusher().pushRelease();
    assert.equal(report.mode, "resync");
    assert.deepEqual(
      [report.releases[0]?.added, report.releases[0]?.removed, report.releases[0]?.messages],
      [0, 0, 0],
    );
    await assertBindHoldsDecree();
  });

  it("resynchronises the whole zone when someone else changed it, undoing their change", async () => {
    await nsupdate(port, key, [
      `update add stray.${zone}. 60 CNAME .`,
      `update add note.${zone}. 60 TXT "not decree's"`,
      `update delete www.fifostream.tv.${zone}. CNAME`,
    ]);
    const report = await pusher().pushRelease();
    assert.equal(report.mode, "resync");
    assert.deepEqual([report.releases[0]?.added, report.releases[0]?.removed], [1, 2]);
    await assertBindHoldsDecree();
  });

  async function currentServerSerial(): Promise<number> {
    const server = { host: "127.0.0.1", port };
    const connection = await PushConnection.open(server, 5000);
    try {
      return await readServerSerial(connection, { server, zone, key });
    } finally {
      connection.close();
    }
  }

  describe("the decree publish command", () => {
    let dataDir = "";
    let cliStore: Store;

    before(async () => {
      dataDir = join(dir, "cli-data");
      cliStore = await openStore({ dataDir });
      await approve(cliStore, [{ value: "alloshare.com", kind: "domain" }, "www.allourls.com"]);
      await release(cliStore);
    });

    after(async () => {
      await cliStore?.close();
    });

    const cliKey = () => ["--key-name", "push-key", "--key-secret", key.secret.toString("base64")];
    const to = () => ["publish", "--to", `127.0.0.1:${port}`, "--zone", cliZone];

    it("synchronises the server once with --once and says what it pushed", async () => {
      const result = await runCli(["--data", dataDir, ...to(), ...cliKey(), "--once"]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stdout,
        new RegExp(
          `^serial 1 -> 127\\.0\\.0\\.1:${port} cli\\.decree \\(full resync\\): ` +
            "\\+3 -0 records in 1 message, \\d+ ms",
          "m",
        ),
      );
      assert.deepEqual((await bindZone(port, key, cliZone)).lines, await decreeZone(cliStore));
      const state = JSON.parse(await readFile(join(dataDir, `push-127.0.0.1-${port}.json`), "utf8"));
      assert.equal(state.serial, 1);
    });

    it("reads the key from a tsig-keygen file and answers in JSON that the server is current", async () => {
      const keyFile = join(dir, "push-key.conf");
      const result = await runCli(["--data", dataDir, ...to(), "--key-file", keyFile, "--once", "--json"]);
      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(result.stdout);
      assert.deepEqual([report.mode, report.serial, report.zone], ["current", 1, cliZone]);
    });

    it("fails with PUSH_FAILED naming BADSIG when the secret is wrong", async () => {
      const wrong = ["--key-name", "push-key", "--key-secret", wrongKey().secret.toString("base64")];
      const result = await runCli(["--data", dataDir, ...to(), ...wrong, "--once"]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /push failed \(attempt 1\), retrying in 250 ms/);
      assert.match(result.stderr, /decree: PUSH_FAILED: .*answered NOTAUTH, TSIG error BADSIG/);
    });

    it("follows releases until SIGTERM, printing one line per release pushed", async () => {
      const child = spawn(process.execPath, [decreeBin, "--data", dataDir, ...to(), ...cliKey()], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => (stdout += chunk));
      child.stderr.on("data", (chunk) => (stderr += chunk));
      const exited = once(child, "exit");
      try {
        await waitFor(
          () => stderr.includes("following releases"),
          () => stderr,
        );
        await approve(cliStore, ["followed.allourls.com"]);
        const next = await release(cliStore);
        await waitFor(
          () => stdout.includes(`serial ${next.serial} ->`),
          () => stdout + stderr,
        );
        assert.match(stdout, new RegExp(`serial ${next.serial} -> .*: \\+1 -0 records in 1 message`));
        assert.deepEqual((await bindZone(port, key, cliZone)).lines, await decreeZone(cliStore));
      } finally {
        child.kill("SIGTERM");
      }
      const [code] = await exited;
      assert.equal(code, 0, stderr);
      assert.equal(stdout.trim().split("\n").length, 1, stdout);
    });
  });
});

async function waitFor(condition: () => boolean, show: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out; output so far:\n${show()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
