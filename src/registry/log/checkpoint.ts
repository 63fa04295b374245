import { emptyRoot, type Hash } from "./merkle-hash.ts";

/** A checkpoint's body (C2SP tlog-checkpoint): the log's origin, its size, its root hash. */
export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Hash;
}

export function checkpointText(checkpoint: Checkpoint): string {
  return `${checkpoint.origin}\n${checkpoint.size}\n${checkpoint.rootHash.toString("base64")}\n`;
}

/** Reads a checkpoint body; extension lines after the root are allowed and ignored, as the format says. */
export function parseCheckpointText(text: string): Checkpoint | undefined {
  const lines = text.split("\n");
  if (lines.length < 4 || lines.at(-1) !== "") return undefined;
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (!origin || !/^(0|[1-9]\d*)$/.test(sizeText)) return undefined;
  const size = Number(sizeText);
  const rootHash = Buffer.from(rootText, "base64");
  if (!Number.isSafeInteger(size) || rootHash.length !== 32 || rootHash.toString("base64") !== rootText) {
    return undefined;
  }
  if (size === 0 && !rootHash.equals(emptyRoot)) return undefined;
  return { origin, size, rootHash };
}
