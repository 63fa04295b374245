import { type Hash, hashChildren } from "./merkle-hash.ts";
import { rangeHash, type SubtreeHash } from "./merkle-proofs.ts";

/**
 * A tree held in memory, every complete level kept: what a verifier builds from the leaves it downloaded to
 * recompute a root, and what tests use as the registry's own tree. Appending costs one hash per completed node.
 */
export class LeafHashTree {
  /** levels[h][i]: the perfect subtree of height h starting at leaf i * 2^h. */
  private readonly levels: Hash[][] = [[]];

  get size(): number {
    return this.levels[0]!.length;
  }

  append(leafHash: Hash): void {
    this.levels[0]!.push(leafHash);
    let height = 0;
    let index = this.levels[0]!.length - 1;
    while (index % 2 === 1) {
      const level = this.levels[height]!;
      const parent = hashChildren(level[index - 1]!, level[index]!);
      height += 1;
      if (this.levels.length === height) this.levels.push([]);
      this.levels[height]!.push(parent);
      index = (index - 1) / 2;
    }
  }

  leafHash(index: number): Hash | undefined {
    return this.levels[0]![index];
  }

  readonly subtree: SubtreeHash = (start, height) => {
    const hash = this.levels[height]?.[start / 2 ** height];
    if (!hash) throw new RangeError(`no complete subtree of height ${height} at ${start}`);
    return hash;
  };

  root(size = this.size): Hash {
    return rangeHash(this.subtree, 0, size);
  }
}
