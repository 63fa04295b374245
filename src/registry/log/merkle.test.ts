import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import { LeafHashTree } from "./leaf-hash-tree.ts";
import { emptyRoot, type Hash, hashChildren, hashLeaf } from "./merkle-hash.ts";
import { consistencyProof, inclusionProof } from "./merkle-proofs.ts";
import { parseTileIndexPath, tileIndexPath } from "./tile-math.ts";
import { verifyConsistency, verifyInclusion } from "./verify-proofs.ts";

// Sigstore's verifier checks Rekor's RFC 6962 inclusion proofs in production: an implementation we did not write.
const require = createRequire(import.meta.url);
const sigstoreMerkle = require("@sigstore/verify/dist/timestamp/merkle.js") as {
  verifyMerkleInclusion(entry: {
    canonicalizedBody: Buffer;
    inclusionProof: { logIndex: string; treeSize: string; rootHash: Buffer; hashes: Buffer[] };
  }): void;
};

const hex = (hash: Hash) => hash.toString("hex");
const unhex = (text: string) => Buffer.from(text, "hex");

// The RFC 6962 test vectors of Certificate Transparency (transparency-dev/merkle testonly, as data only).
const vectorLeaves = [
  "",
  "00",
  "10",
  "2021",
  "3031",
  "40414243",
  "5051525354555657",
  "606162636465666768696a6b6c6d6e6f",
].map(unhex);
const vectorRoots = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
const vectorInclusion = [
  {
    index: 0,
    size: 8,
    proof: [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
  { index: 2, size: 3, proof: ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"] },
  {
    index: 1,
    size: 5,
    proof: [
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
  },
];
const vectorConsistency = [
  {
    from: 1,
    to: 8,
    proof: [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  },
  {
    from: 6,
    to: 8,
    proof: [
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
  {
    from: 2,
    to: 5,
    proof: [
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
  },
];

function treeOf(leaves: Buffer[]): LeafHashTree {
  const tree = new LeafHashTree();
  for (const leaf of leaves) tree.append(hashLeaf(leaf));
  return tree;
}

/**
 * RFC 6962 §2.1 written as the RFC writes it, recursively over lists of leaf hashes, with no shared code: an
 * independent reference for the loops the log uses. (No RFC 6962 consistency-proof package exists for Node.)
 */
const reference = {
  mth(d: Hash[]): Hash {
    if (d.length === 0) return emptyRoot;
    if (d.length === 1) return d[0]!;
    const k = 2 ** Math.floor(Math.log2(d.length - 1));
    return hashChildren(reference.mth(d.slice(0, k)), reference.mth(d.slice(k)));
  },
  path(m: number, d: Hash[]): Hash[] {
    if (d.length === 1) return [];
    const k = 2 ** Math.floor(Math.log2(d.length - 1));
    if (m < k) return [...reference.path(m, d.slice(0, k)), reference.mth(d.slice(k))];
    return [...reference.path(m - k, d.slice(k)), reference.mth(d.slice(0, k))];
  },
  subproof(m: number, d: Hash[], b: boolean): Hash[] {
    const n = d.length;
    if (m === n) return b ? [] : [reference.mth(d)];
    const k = 2 ** Math.floor(Math.log2(n - 1));
    if (m <= k) return [...reference.subproof(m, d.slice(0, k), b), reference.mth(d.slice(k))];
    return [...reference.subproof(m - k, d.slice(k), false), reference.mth(d.slice(0, k))];
  },
};

describe("the log's Merkle tree (RFC 6962 / RFC 9162)", () => {
  it("gives the empty tree the hash of nothing, e3b0c442…", () => {
    assert.equal(
      hex(new LeafHashTree().root()),
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  });

  it("gives the published root for every size of the Certificate Transparency test tree", () => {
    const tree = treeOf(vectorLeaves);
    for (const [i, root] of vectorRoots.entries()) assert.equal(hex(tree.root(i + 1)), root, `size ${i + 1}`);
  });

  it("gives the tree of a, b, c the root computed by hand from the prefixed hashes", () => {
    const sha = (...parts: Buffer[]) => createHash("sha256").update(Buffer.concat(parts)).digest();
    const [a, b, c] = ["a", "b", "c"].map((s) => sha(Buffer.from([0]), Buffer.from(s)));
    const expected = sha(Buffer.from([1]), sha(Buffer.from([1]), a!, b!), c!);
    assert.equal(hex(treeOf(["a", "b", "c"].map((s) => Buffer.from(s))).root()), hex(expected));
  });

  it("produces the published inclusion and consistency proofs, and verifies them", () => {
    const tree = treeOf(vectorLeaves);
    for (const v of vectorInclusion) {
      const proof = inclusionProof(tree.subtree, v.index, v.size);
      assert.deepEqual(proof.map(hex), v.proof, `inclusion ${v.index}/${v.size}`);
      assert.ok(verifyInclusion(tree.leafHash(v.index)!, v.index, v.size, proof, tree.root(v.size)));
    }
    for (const v of vectorConsistency) {
      const proof = consistencyProof(tree.subtree, v.from, v.to);
      assert.deepEqual(proof.map(hex), v.proof, `consistency ${v.from}→${v.to}`);
      assert.ok(verifyConsistency(v.from, v.to, proof, tree.root(v.from), tree.root(v.to)));
    }
  });

  const leaves = Array.from({ length: 70 }, (_, i) => Buffer.from(`leaf ${i}`));
  const hashes = leaves.map(hashLeaf);
  const tree = treeOf(leaves);

  it("makes inclusion proofs that Sigstore's RFC 6962 verifier accepts, for every leaf of every size to 70", () => {
    for (let size = 1; size <= leaves.length; size++) {
      for (let index = 0; index < size; index++) {
        const hashesOfProof = inclusionProof(tree.subtree, index, size);
        assert.doesNotThrow(() =>
          sigstoreMerkle.verifyMerkleInclusion({
            canonicalizedBody: leaves[index]!,
            inclusionProof: {
              logIndex: String(index),
              treeSize: String(size),
              rootHash: tree.root(size),
              hashes: hashesOfProof,
            },
          }),
        );
        assert.deepEqual(hashesOfProof, reference.path(index, hashes.slice(0, size)));
      }
    }
  });

  it("is refused by Sigstore's verifier when a proof hash is altered", () => {
    const proof = inclusionProof(tree.subtree, 17, 70);
    proof[2] = Buffer.from(proof[2]!).fill(7, 0, 1);
    assert.throws(() =>
      sigstoreMerkle.verifyMerkleInclusion({
        canonicalizedBody: leaves[17]!,
        inclusionProof: { logIndex: "17", treeSize: "70", rootHash: tree.root(70), hashes: proof },
      }),
    );
  });

  it("makes the consistency proofs of RFC 6962's recursive definition for every pair of sizes to 70", () => {
    for (let to = 1; to <= leaves.length; to++) {
      for (let from = 1; from <= to; from++) {
        const proof = consistencyProof(tree.subtree, from, to);
        assert.deepEqual(proof, reference.subproof(from, hashes.slice(0, to), true), `${from}→${to}`);
        assert.ok(verifyConsistency(from, to, proof, tree.root(from), tree.root(to)), `${from}→${to}`);
        assert.equal(hex(tree.root(to)), hex(reference.mth(hashes.slice(0, to))));
      }
    }
  });

  it("refuses a consistency proof when an old leaf was rewritten", () => {
    const forged = treeOf(leaves.map((leaf, i) => (i === 3 ? Buffer.from("rewritten") : leaf)));
    const proof = consistencyProof(forged.subtree, 10, 40);
    assert.equal(verifyConsistency(10, 40, proof, tree.root(10), forged.root(40)), false);
    assert.equal(
      verifyInclusion(hashes[3]!, 3, 40, inclusionProof(forged.subtree, 3, 40), forged.root(40)),
      false,
    );
  });

  it("names tiles as C2SP tlog-tiles does, and reads the names back", () => {
    assert.equal(tileIndexPath(0), "000");
    assert.equal(tileIndexPath(1234067), "x001/x234/067");
    assert.equal(parseTileIndexPath("x001/x234/067"), 1234067);
    assert.equal(parseTileIndexPath("x000/067"), undefined);
    assert.equal(parseTileIndexPath("67"), undefined);
  });
});
