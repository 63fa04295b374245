// A release far larger than one slice of the served zone's work, applied while a client keeps asking SOA:
// answers go on from the release served until then, and switch to the new one whole.
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { describe, it } from "node:test";
import dnsPacket from "dns-packet";
import { queryMessage } from "../../../test/support/dns-wire.ts";
import { defaultRpzPolicy } from "../rpz-policy.ts";
import type { ZoneRecord } from "../rpz-records.ts";
import type { ReleaseStep, ZoneSource, ZoneVersion } from "../zone-source.ts";
import { DnsPrimary } from "./dns-primary.ts";

const policy = defaultRpzPolicy;
const cname = (owner: string): ZoneRecord => ({ owner, rtype: "CNAME", rdata: "." });

/** The store's side as the primary reads it: a first release, then whatever `publish` adds. */
class JournalSource {
  private readonly steps: ReleaseStep[] = [];
  private current: ZoneVersion = { releaseId: 1, serial: 1000 };

  constructor(private readonly first: ZoneRecord[]) {}

  publish(step: ReleaseStep): void {
    this.steps.push(step);
    this.current = { releaseId: step.releaseId, serial: step.serial };
  }

  bySoaSerial(): this {
    return this;
  }

  async version(): Promise<ZoneVersion> {
    return this.current;
  }

  async releasedVersion(): Promise<ZoneVersion> {
    return this.current;
  }

  async *pages(): AsyncGenerator<ZoneRecord[]> {
    yield [...this.first].sort((a, b) => (a.owner < b.owner ? -1 : 1));
  }

  async releasesAfter(releaseId: number): Promise<ReleaseStep[]> {
    return this.steps.filter((step) => step.releaseId > releaseId);
  }
}

/** One SOA question over UDP and the serial answered; waits for the answer however long it takes. */
function askSerial(socket: ReturnType<typeof createSocket>, port: number, id: number): Promise<number> {
  return new Promise((resolve) => {
    const heard = (message: Buffer) => {
      if (message.readUInt16BE(0) !== id) return;
      socket.off("message", heard);
      const soa = dnsPacket.decode(message).answers?.find((answer) => answer.type === "SOA");
      resolve(soa && soa.type === "SOA" ? (soa.data.serial ?? -1) : -1);
    };
    socket.on("message", heard);
    const question = Buffer.from(queryMessage(policy.zone, "SOA"));
    question.writeUInt16BE(id, 0);
    socket.send(question, port, "127.0.0.1");
  });
}

describe("a release far larger than a slice", () => {
  it("is answered around while it is applied, whole or not at all, and a release after it waits its turn", async () => {
    const source = new JournalSource(Array.from({ length: 2000 }, (_, i) => cname(`old-${i}.example.com`)));
    const primary = new DnsPrimary({
      host: "127.0.0.1",
      port: 0,
      zone: source as unknown as ZoneSource,
      policy,
      access: { keys: async () => new Map(), allowed: async () => [] },
      rateLimit: false,
    });
    const { port } = await primary.start();
    const socket = createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    try {
      const added = Array.from({ length: 150_000 }, (_, i) =>
        cname(`new-${(i * 7919) % 150_000}.example.org`),
      );
      const removed = Array.from({ length: 1000 }, (_, i) => cname(`old-${i * 2}.example.com`));
      source.publish({ releaseId: 2, serial: 1001, added, removed });
      let applying = true;
      const applied = primary.invalidate().then(() => {
        applying = false;
      });
      const serials: number[] = [];
      let answeredWhileApplying = 0;
      let next: Promise<void> | undefined;
      for (let id = 1; applying; id++) {
        serials.push(await askSerial(socket, port, id));
        if (!applying) break;
        answeredWhileApplying++;
        // A newer release told of meanwhile: it is applied after this one, never beside it.
        if (!next) {
          source.publish({ releaseId: 3, serial: 1002, added: [cname("later.example.net")], removed: [] });
          next = primary.invalidate();
        }
      }
      await applied;
      serials.push(await askSerial(socket, port, 0xfffe));
      await next;
      serials.push(await askSerial(socket, port, 0xffff));
      assert.ok(answeredWhileApplying > 0, "answers went on while the release was applied");
      assert.ok(
        serials.every((serial) => serial >= 1000 && serial <= 1002),
        "each answer is one whole release",
      );
      assert.ok(
        serials.every((serial, i) => i === 0 || serial >= serials[i - 1]!),
        "the serial never goes back",
      );
      assert.equal(serials.at(-1), 1002);
      assert.equal(primary.version.serial, 1002);
    } finally {
      socket.close();
      await primary.close();
    }
  });
});
