import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { FastifyInstance } from "fastify";
import { duringOrder, sampleOrder } from "../../../test/support/sample-order.ts";
import { type StoreUnderTest, storeEngines } from "../../../test/support/stores.ts";
import { recordOrder } from "../../intake/record-order.ts";
import { verifySignature } from "../../publish/signing-key.ts";
import { citizenLabCsv } from "../../publish/test-lists/citizen-lab-csv.ts";
import { testListEntries } from "../../publish/test-lists/test-list-entries.ts";
import { insertMany } from "../../store/insert-many.ts";
import { buildApp } from "../build-app.ts";

const entries = 50_000;

// Garbage not yet collected would count as memory held: each sample collects first, so it sees what is live.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function liveHeap(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

/** The largest live heap seen while `work` runs, above the live heap before it, sampled every 100 ms. */
async function peakHeapGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const start = liveHeap();
  let peak = start;
  const sampler = setInterval(() => {
    peak = Math.max(peak, liveHeap());
  }, 100);
  try {
    const result = await work();
    return { result, growth: peak - start };
  } finally {
    clearInterval(sampler);
  }
}

describe("the whole registry's test list, streamed from a large registry", { timeout: 300_000 }, () => {
  let opened: StoreUnderTest;
  let app: FastifyInstance;
  let dataDir: string;
  let base: string;

  before(async () => {
    opened = await storeEngines[0]!.open();
    dataDir = await mkdtemp(join(tmpdir(), "decree-test-list-stream-"));
    const { order } = await recordOrder(opened.store, sampleOrder({ targets: [] }), {
      actor: "test",
      now: duringOrder,
    });
    const at = duringOrder.toISOString();
    await insertMany(
      opened.store.db,
      "targets",
      [
        "order_id",
        "kind",
        "value",
        "input",
        "display",
        "state",
        "valid_from",
        "valid_until",
        "origin",
        "created_at",
        "updated_at",
      ],
      entries,
      (row, out, offset) => {
        const name = `site-${String(row).padStart(6, "0")}.streaming-example.com`;
        out.splice(
          offset,
          11,
          order.id,
          "fqdn",
          name,
          name,
          name,
          "active",
          order.validFrom,
          order.validUntil,
          "order",
          at,
          at,
        );
      },
    );
    app = await buildApp({ store: opened.store, dataDir, publicUrl: "https://decree.example.fr" });
    base = await app.listen({ host: "127.0.0.1", port: 0 });
  });

  after(async () => {
    await app?.close();
    await opened?.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("renders and sends it with a heap a fraction of the list's size, signed over its exact bytes", async () => {
    const streamed = await peakHeapGrowth(async () => {
      const response = await fetch(`${base}/feeds/citizenlab-csv`);
      assert.equal(response.status, 200);
      const hash = createHash("sha256");
      let bytes = 0;
      // Read as a client would, keeping nothing: only the server's memory is measured.
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        bytes += chunk.length;
      }
      return {
        bytes,
        etag: response.headers.get("etag"),
        signature: response.headers.get("decree-signature"),
      };
    });
    const { bytes, etag, signature } = streamed.result;
    // What building the list in memory holds at its peak, for comparison: every entry, then the whole text.
    const before = liveHeap();
    const all = await testListEntries(opened.store.db);
    const text = citizenLabCsv(all, undefined, (id) => `/orders/${id}`);
    const inMemory = { growth: liveHeap() - before };
    assert.equal(all.length, entries);
    assert.ok(text.length > 0);
    console.log(
      JSON.stringify({
        entries,
        listBytes: bytes,
        inMemoryPeakHeapGrowth: inMemory.growth,
        streamedPeakHeapGrowth: streamed.growth,
      }),
    );
    assert.ok(bytes > entries * 100, `the list holds every entry (${bytes} bytes)`);
    assert.ok(
      streamed.growth < bytes / 4,
      `the heap grew by ${streamed.growth} bytes rendering a list of ${bytes} bytes`,
    );
    assert.ok(
      streamed.growth < inMemory.growth / 3,
      `${streamed.growth} against ${inMemory.growth} in memory`,
    );

    // What clients verify today still verifies: the header's signature over the body, and the .sig resource.
    const body = Buffer.from(await (await fetch(`${base}/feeds/citizenlab-csv`)).arrayBuffer());
    assert.equal(`"${createHash("sha256").update(body).digest("hex").slice(0, 32)}"`, etag);
    const key = (await (await fetch(`${base}/keys`)).json()) as { keyId: string; publicKey: string };
    const [scheme, keyId, value] = String(signature).split(" ");
    assert.deepEqual([scheme, keyId], ["ed25519", key.keyId]);
    assert.ok(verifySignature(key.publicKey, body, Buffer.from(value!, "base64")));
    const detached = Buffer.from(await (await fetch(`${base}/feeds/citizenlab-csv.sig`)).arrayBuffer());
    assert.ok(verifySignature(key.publicKey, body, detached));
    assert.equal(body.toString("utf8").split("\n").length - 2, entries, "one row per entry, and the header");
  });
});
