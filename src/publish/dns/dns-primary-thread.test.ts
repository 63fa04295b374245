// The DNS primary on its own thread while this thread builds release after release: a client asks for the SOA
// every millisecond meanwhile, and every question is answered with a serial at most one release old.
import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Worker } from "node:worker_threads";
import dnsPacket from "dns-packet";
import { queryMessage, udpExchange } from "../../../test/support/dns-wire.ts";
import { pollUntil } from "../../../test/support/poll.ts";
import { createTestDatabase, type TestPostgres } from "../../../test/support/postgres.ts";
import { duringOrder, sampleOrder } from "../../../test/support/sample-order.ts";
import { recordOrder } from "../../intake/record-order.ts";
import { decideTargets } from "../../registry/decide-targets.ts";
import type { Store } from "../../store/database.ts";
import { openStore } from "../../store/open-store.ts";
import { buildRelease } from "../build-release.ts";
import { defaultRpzPolicy } from "../rpz-policy.ts";
import { DnsPrimaryThread } from "./dns-primary-thread.ts";
import { serialLessThan } from "./soa-serial.ts";

const actor = "test:dns-primary-thread";
const policy = { ...defaultRpzPolicy, stopPage: { ipv4: "192.0.2.80", ipv6: "2001:db8::80" } };
const releases = 40;

/**
 * A client thread, in plain JavaScript: an SOA question every millisecond over UDP until told to stop, then
 * each question's time and the serial of its answer (null if none came within five seconds).
 */
const askingClient = `
const { parentPort, workerData } = require("node:worker_threads");
const dgram = require("node:dgram");
const { port, zone } = workerData;
const socket = dgram.createSocket("udp4");
const labels = zone.split(".").map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)]));
const question = Buffer.concat([...labels, Buffer.from([0, 0, 6, 0, 1])]);
const asked = [];
function skipName(message, at) {
  for (;;) {
    const length = message[at];
    if ((length & 0xc0) === 0xc0) return at + 2;
    if (length === 0) return at + 1;
    at += 1 + length;
  }
}
socket.on("message", (message) => {
  const id = message.readUInt16BE(0);
  const entry = asked[id];
  if (!entry || entry.serial !== null || message.readUInt16BE(6) < 1) return;
  let at = skipName(message, 12) + 4; // the question
  at = skipName(message, at) + 10; // the answer's owner, type, class, TTL, length
  at = skipName(message, skipName(message, at)); // MNAME, RNAME
  entry.serial = message.readUInt32BE(at);
});
socket.bind(0, "127.0.0.1", () => {
  const timer = setInterval(() => {
    if (asked.length >= 0x10000) return;
    const header = Buffer.alloc(12);
    header.writeUInt16BE(asked.length, 0);
    header.writeUInt16BE(1, 4);
    asked.push({ sentAt: performance.timeOrigin + performance.now(), serial: null });
    socket.send(Buffer.concat([header, question]), port, "127.0.0.1");
  }, 1);
  parentPort.postMessage("asking");
  parentPort.once("message", () => {
    clearInterval(timer);
    const deadline = Date.now() + 5000;
    const finish = () => {
      if (asked.some((entry) => entry.serial === null) && Date.now() < deadline) return setTimeout(finish, 10);
      socket.close();
      parentPort.postMessage(asked);
    };
    finish();
  });
});
`;

interface Engine {
  name: string;
  open(): Promise<{
    store: Store;
    settings: { dataDir: string; databaseUrl?: string };
    dispose(): Promise<void>;
  }>;
}

const engines: Engine[] = [
  {
    name: "sqlite",
    async open() {
      const dataDir = mkdtempSync(join(tmpdir(), "decree-primary-thread-"));
      const store = await openStore({ dataDir });
      return {
        store,
        settings: { dataDir },
        async dispose() {
          await store.close();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: "postgres",
    async open() {
      const database: TestPostgres = await createTestDatabase();
      const store = await openStore({ databaseUrl: database.url });
      const dataDir = mkdtempSync(join(tmpdir(), "decree-primary-thread-"));
      return {
        store,
        settings: { dataDir, databaseUrl: database.url },
        async dispose() {
          await store.close();
          await database.drop();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  },
];

async function approve(store: Store, name: string): Promise<void> {
  const recorded = await recordOrder(store, sampleOrder({ targets: [name] }), { actor, now: duringOrder });
  const refs = (recorded.targets?.added ?? []).map((target) => String(target.id));
  await decideTargets(store, { decision: "approve", refs, reason: "ordered", actor, now: duringOrder });
}

for (const engine of engines) {
  describe(`the DNS primary on its own thread while releases are built (${engine.name})`, () => {
    let opened: Awaited<ReturnType<Engine["open"]>>;
    let primary: DnsPrimaryThread;
    let port = 0;
    const errors: unknown[] = [];

    before(async () => {
      opened = await engine.open();
      await approve(opened.store, "first.streamfilou.net");
      await buildRelease(opened.store.db, opened.store.dialect, policy, duringOrder);
      primary = new DnsPrimaryThread({
        store: opened.settings,
        host: "127.0.0.1",
        port: 0,
        policy,
        transferAllow: ["127.0.0.1"],
      });
      primary.on("error", (error) => errors.push(error));
      ({ port } = await primary.start());
    });

    after(async () => {
      await primary?.close();
      await opened?.dispose();
      assert.deepEqual(errors, []);
    });

    it("answers every SOA question asked each millisecond with a serial at most one release old", async () => {
      // The client asks from a thread of its own, so that it goes on asking while this one builds releases.
      const client = new Worker(askingClient, { eval: true, workerData: { port, zone: policy.zone } });
      /** Each committed release: its serial and when its build returned (a clock both threads read). */
      const committed: { serial: number; at: number }[] = [];
      const served: number[] = [];
      primary.on("served", (serial) => served.push(serial));
      await once(client, "message"); // asking
      for (let n = 0; n < releases; n++) {
        await approve(opened.store, `release-${n}.streamfilou.net`);
        const release = await buildRelease(opened.store.db, opened.store.dialect, policy, duringOrder);
        assert.ok(release, "each approval makes a release");
        committed.push({ serial: release.soaSerial, at: performance.timeOrigin + performance.now() });
        primary.released(release.soaSerial);
        // The next release is committed only once this one is served: so that a question asked after a commit
        // may find the release before it, never an older one.
        await pollUntil(
          `the thread to serve ${release.soaSerial}`,
          async () =>
            served.some((serial) => !serialLessThan(serial, release.soaSerial)) ? true : undefined,
          { timeoutMs: 30_000, intervalMs: 1 },
        );
      }
      const results = once(client, "message") as Promise<[{ sentAt: number; serial: number | null }[]]>;
      client.postMessage("stop");
      const [asked] = await results;
      await client.terminate();

      assert.ok(asked.length >= releases, `asked ${asked.length} times`);
      const lost = asked.filter((question) => question.serial === null);
      assert.deepEqual(lost, [], "every question is answered");
      for (const question of asked) {
        const before = committed.filter((release) => release.at <= question.sentAt);
        const floor = before.at(-2)?.serial;
        if (floor === undefined) continue;
        assert.ok(
          !serialLessThan(question.serial!, floor),
          `a question asked after the release ${before.at(-1)!.serial} was answered ${question.serial}`,
        );
      }
      const serials = asked.map((question) => question.serial!);
      for (let i = 1; i < serials.length; i++) {
        assert.ok(!serialLessThan(serials[i]!, serials[i - 1]!), "the served serial never goes back");
      }
      const last = committed.at(-1)!.serial;
      const reply = await udpExchange(port, queryMessage(policy.zone, "SOA"));
      const soa = reply && dnsPacket.decode(reply).answers?.find((record) => record.type === "SOA");
      assert.ok(
        soa && soa.type === "SOA" && soa.data.serial === last,
        "the last release is served in the end",
      );
    });
  });
}
