import assert from "node:assert/strict";
import { createPublicKey, generateKeyPairSync, sign } from "node:crypto";
import { createRequire } from "node:module";
import { after, before, it } from "node:test";
import canonicalizeModule from "canonicalize";
import type { FastifyInstance } from "fastify";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { duringOrder, sampleOrder } from "../../../test/support/sample-order.ts";
import { recordOrder } from "../../intake/record-order.ts";
import { buildRelease } from "../../publish/build-release.ts";
import { publishCheckpoint } from "../../publish/publish-checkpoint.ts";
import { defaultRpzPolicy } from "../../publish/rpz-policy.ts";
import { decideTargets } from "../../registry/decide-targets.ts";
import { type Checkpoint, parseCheckpointText } from "../../registry/log/checkpoint.ts";
import { cosignedMessage } from "../../registry/log/cosignature.ts";
import { hashLeaf } from "../../registry/log/merkle-hash.ts";
import {
  noteKeyHash,
  noteSignedBy,
  parseSignedNote,
  signatureLineFor,
  signatureType,
  verifierKey,
} from "../../registry/log/signed-note.ts";
import { verifyConsistency, verifyInclusion } from "../../registry/log/verify-proofs.ts";
import type { Store } from "../../store/database.ts";
import { registryVerifier } from "../../verify/log/checkpoint-key.ts";
import { buildApp } from "../build-app.ts";

const canonicalize = canonicalizeModule as unknown as (input: unknown) => string;
const require = createRequire(import.meta.url);
const sigstore = {
  merkle: require("@sigstore/verify/dist/timestamp/merkle.js") as {
    verifyMerkleInclusion(entry: unknown): void;
  },
  checkpoint: require("@sigstore/verify/dist/timestamp/checkpoint.js") as {
    verifyCheckpoint(entry: unknown, tlogs: unknown[]): void;
  },
};

const origin = "registry.test/log";
const witness = (() => {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url");
  return {
    name: "witness.test",
    raw,
    privateKey,
    publicKey,
    vkey: verifierKey("witness.test", signatureType.cosignatureV1, raw),
  };
})();
const b64 = (text: string) => Buffer.from(text, "base64");

async function blockAndRelease(store: Store, names: string[]) {
  const { targets } = await recordOrder(store, sampleOrder({ targets: names }), {
    actor: "user:1",
    now: duringOrder,
  });
  const refs = (targets?.added ?? []).map((t) => String(t.id));
  await decideTargets(store, {
    decision: "approve",
    refs,
    reason: "ordered",
    actor: "reviewer@example.org",
    now: duringOrder,
  });
  const release = await buildRelease(store.db, store.dialect, defaultRpzPolicy, duringOrder);
  return publishCheckpoint(store.db, store.dialect, {
    origin,
    upToEventId: release!.eventId,
    releaseId: release!.id,
    now: duringOrder,
  });
}

describeEachEngine("the public log over HTTP", (store) => {
  let app: FastifyInstance;
  let firstSize: number;

  before(async () => {
    firstSize = (await blockAndRelease(store(), ["allostreaming.com"])).size;
    await blockAndRelease(store(), ["alloshowtv.com", "allomovies.com"]);
    app = await buildApp({ store: store(), now: () => duringOrder, logWitnesses: [witness.vkey] });
  });
  after(() => app.close());

  async function get(url: string) {
    const res = await app.inject(url);
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return res;
  }

  async function checkpoint(): Promise<{ note: string; body: Checkpoint }> {
    const note = (await get("/log/checkpoint")).body;
    return { note, body: parseCheckpointText(parseSignedNote(note)!.text)! };
  }

  it("serves a C2SP checkpoint signed by the registry's key, which Sigstore's checkpoint verifier accepts", async () => {
    const res = await get("/log/checkpoint");
    assert.match(res.headers["content-type"] as string, /^text\/plain/);
    const { note, body } = await checkpoint();
    assert.match(
      note,
      new RegExp(`^${origin}\\n\\d+\\n[A-Za-z0-9+/]{43}=\\n\\n\u2014 ${origin} [A-Za-z0-9+/=]+\\n$`),
    );
    const key = ((await get("/keys")).json() as { publicKey: string }).publicKey;
    assert.ok(noteSignedBy(parseSignedNote(note)!, registryVerifier(key, origin)));
    const raw = b64(key);
    // Sigstore's checkpoint check: every signature line valid for a known key, the root as the proof's.
    sigstore.checkpoint.verifyCheckpoint(
      {
        integratedTime: "1790000000",
        inclusionProof: {
          checkpoint: { envelope: note },
          rootHash: body.rootHash,
          treeSize: String(body.size),
        },
      },
      [
        {
          logID: noteKeyHash(origin, signatureType.ed25519, raw),
          baseURL: `https://${origin}`,
          publicKey: createPublicKey({
            key: { kty: "OKP", crv: "Ed25519", x: raw.toString("base64url") },
            format: "jwk",
          }),
          validFor: { start: new Date(0), end: new Date("2100-01-01") },
        },
      ],
    );
  });

  it("serves entries whose leaves are the canonical JSON they hash from, with no e-mail in them", async () => {
    const { body } = await checkpoint();
    const { entries } = (await get(`/log/entries?start=0&end=${body.size}`)).json() as {
      entries: Array<{ index: number; eventId: number; leaf: Record<string, unknown>; leafHash: string }>;
    };
    assert.equal(entries.length, body.size);
    for (const entry of entries) {
      assert.equal(entry.leafHash, hashLeaf(Buffer.from(canonicalize(entry.leaf))).toString("base64"));
    }
    const text = JSON.stringify(entries);
    assert.ok(!text.includes("reviewer@example.org"), "the approver's e-mail is not in the log");
    assert.match(text, /pseudonym:[0-9a-f]{16}/);
    assert.equal(entries.at(-1)!.leaf.action, "release.published");
  });

  it("tells each public entry's event in a sentence, in the language asked for, beside its unchanged leaf", async () => {
    const { body } = await checkpoint();
    const read = async (language?: string) =>
      (
        await app.inject({
          method: "GET",
          url: `/log/entries?start=0&end=${body.size}`,
          headers: language ? { "accept-language": language } : {},
        })
      ).json() as { entries: Array<{ leaf: { action: string }; text?: string }> };
    const english = await read();
    const french = await read("fr-FR");
    assert.match(english.entries.at(-1)!.text!, /^Release \d+ published: \d+ entr(y|ies) added/);
    assert.match(french.entries.at(-1)!.text!, /^Publication \d+ : \d+ entrées? ajoutées?/);
    assert.deepEqual(
      french.entries.map((entry) => entry.leaf),
      english.entries.map((entry) => entry.leaf),
      "the leaves are the same bytes whatever the language",
    );
    const approved = french.entries.find((entry) => entry.leaf.action === "target.approved");
    assert.match(approved?.text ?? "", /^Cible \S+ approuvée$/);
  });

  it("gives inclusion proofs, by index or by leaf hash, that Sigstore's verifier and RFC 9162's check accept", async () => {
    const { body } = await checkpoint();
    const { entries } = (await get(`/log/entries?start=0&end=${body.size}`)).json() as {
      entries: Array<{ leaf: unknown; leafHash: string }>;
    };
    for (let index = 0; index < body.size; index++) {
      const proof = (await get(`/log/proof/inclusion?index=${index}&size=${body.size}`)).json();
      assert.equal(proof.rootHash, body.rootHash.toString("base64"));
      sigstore.merkle.verifyMerkleInclusion({
        canonicalizedBody: Buffer.from(canonicalize(entries[index]!.leaf)),
        inclusionProof: {
          logIndex: String(index),
          treeSize: String(body.size),
          rootHash: body.rootHash,
          hashes: proof.proof.map(b64),
        },
      });
      assert.ok(verifyInclusion(b64(proof.leafHash), index, body.size, proof.proof.map(b64), body.rootHash));
    }
    const byHash = (
      await get(`/log/proof/inclusion?leafHash=${encodeURIComponent(entries[2]!.leafHash)}&size=${body.size}`)
    ).json();
    assert.equal(byHash.index, 2);
  });

  it("proves the first release's checkpoint consistent with the latest", async () => {
    const { body } = await checkpoint();
    const answer = (await get(`/log/proof/consistency?from=${firstSize}&to=${body.size}`)).json();
    assert.equal(answer.toRoot, body.rootHash.toString("base64"));
    assert.ok(
      verifyConsistency(firstSize, body.size, answer.proof.map(b64), b64(answer.fromRoot), body.rootHash),
    );
    const refused = await app.inject(`/log/proof/consistency?from=${body.size}&to=${body.size + 5}`);
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.json().code, "LOG_RANGE_INVALID");
  });

  it("serves the tree as C2SP tlog-tiles: a partial hash tile and the entry bundle of the same width", async () => {
    const { body } = await checkpoint();
    const tile = await get(`/log/tile/0/000.p/${body.size}`);
    assert.equal(tile.rawPayload.length, body.size * 32);
    const proof = (await get(`/log/proof/inclusion?index=1&size=${body.size}`)).json();
    assert.equal(tile.rawPayload.subarray(32, 64).toString("base64"), proof.leafHash);
    const bundle = (await get(`/log/tile/entries/000.p/${body.size}`)).rawPayload;
    const length = bundle.readUInt16BE(0);
    assert.equal(
      hashLeaf(bundle.subarray(2, 2 + length)).toString("base64"),
      tile.rawPayload.subarray(0, 32).toString("base64"),
    );
    assert.equal((await app.inject("/log/tile/0/000")).statusCode, 404, "no full tile before 256 leaves");
    assert.equal((await app.inject("/log/tile/0/x000/000")).statusCode, 404, "a non-canonical path");
  });

  it("keeps a witness's cosignature and serves it with the checkpoint; refuses one that does not verify", async () => {
    const { body } = await checkpoint();
    const time = 1_790_000_000n;
    const signature = sign(null, cosignedMessage(body, time), witness.privateKey);
    const stamp = Buffer.alloc(8);
    stamp.writeBigUInt64BE(time);
    const keyHash = noteKeyHash(witness.name, signatureType.cosignatureV1, witness.raw);
    const line = signatureLineFor(witness.name, keyHash, Buffer.concat([stamp, signature]));
    const forged = signatureLineFor(witness.name, keyHash, Buffer.concat([stamp, Buffer.alloc(64, 1)]));
    const refused = await app.inject({
      method: "POST",
      url: "/log/cosignature",
      payload: { size: body.size, line: forged },
    });
    assert.equal(refused.statusCode, 422);
    assert.equal(refused.json().code, "LOG_COSIGNATURE_INVALID");
    const kept = await app.inject({
      method: "POST",
      url: "/log/cosignature",
      payload: { size: body.size, line },
    });
    assert.equal(kept.statusCode, 200, kept.body);
    const { note } = await checkpoint();
    assert.ok(note.endsWith(`${line}\n`));
    assert.equal(parseSignedNote(note)!.signatures.length, 2);
  });

  it("shows orders and entries to the public with findings and a proof link that checks out", async () => {
    const { orders } = (await get("/public/orders")).json() as {
      orders: Array<{ id: number; entries: number }>;
    };
    assert.equal(orders.length, 2);
    const order = (await get(`/public/orders/${orders[1]!.id}`)).json();
    assert.equal(order.entries.length, 2);
    const entry = order.entries[0];
    assert.equal(entry.state, "active");
    assert.ok(Array.isArray(entry.findings));
    const proof = (await get(entry.proof.url)).json();
    const { entries } = (await get(`/log/entries?start=${proof.index}&end=${proof.index + 1}`)).json();
    assert.deepEqual(entries[0].leaf.target, {
      kind: entry.kind,
      value: entry.value,
      orderId: orders[1]!.id,
    });
    assert.ok(!JSON.stringify(order).includes("example.org"));
    const found = (await get("/public/entries?q=allostreaming.com")).json();
    assert.equal(found.entries[0].proof.size, proof.treeSize);
  });
});
