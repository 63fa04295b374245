import canonicalizeModule from "canonicalize";
import { leafCommitment, saltSize } from "../../registry/log/leaf-commitment.ts";
import { LeafHashTree } from "../../registry/log/leaf-hash-tree.ts";
import { hashLeaf } from "../../registry/log/merkle-hash.ts";
import { hashSize, tileWidth } from "../../registry/log/tile-math.ts";
import type { LogClient, ServedEntry } from "./log-client.ts";
import type { Problem } from "./verification-report.ts";

// CommonJS `module.exports = serialize` behind an ES default export in its types (see registry/log/event-leaf.ts).
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

export type LeafVisitor = (leaf: Record<string, unknown>, index: number) => void;

export interface DownloadedLog {
  tree: LeafHashTree;
  /** Event id of each leaf, by index: the evidence names events, which the registry can look up. */
  eventIds: Float64Array;
  /** Leaves logged as commitments: those revealed (and checked against their commitment), those not yet. */
  commitments: { revealed: number; unrevealed: number };
  problems: Problem[];
}

const maxReported = 20;

/**
 * Downloads leaves [0, size), hashing each from its data as RFC 6962 says (the served hash is not trusted),
 * into a tree of our own whose root can be compared with a signed checkpoint: equal roots prove every leaf
 * is in the signed tree at once, a million inclusion proofs' worth for the price of one pass.
 *
 * A leaf logged as a commitment (`{"commitment","event","v":2}`) is hashed like any other; when the registry
 * reveals its event, SHA-256(salt || the event's canonical JSON) must be the commitment, and the revealed event
 * is what the visitor replays. An unrevealed commitment is counted, and replays as nothing: its subject is not
 * public, so no feed can rest on it.
 */
export async function downloadLog(
  client: LogClient,
  size: number,
  visit?: LeafVisitor,
): Promise<DownloadedLog> {
  const tree = new LeafHashTree();
  const eventIds = new Float64Array(size);
  const problems: Problem[] = [];
  const commitments = { revealed: 0, unrevealed: 0 };
  for await (const page of client.entries(0, size)) {
    for (const entry of page) {
      const index = tree.size;
      const data = canonicalize(entry.leaf) ?? "";
      const hash = hashLeaf(Buffer.from(data));
      if (entry.index !== index && problems.length < maxReported) {
        problems.push({
          kind: "mismatch",
          message: `The log served entry ${entry.index} where ${index} was due.`,
          evidence: { entry },
        });
      }
      if (entry.leafHash !== hash.toString("base64") && problems.length < maxReported) {
        problems.push({
          kind: "mismatch",
          message: `Entry ${index} is served with leaf hash ${entry.leafHash}, but its data hashes to ${hash.toString("base64")}.`,
          evidence: { index, entry },
        });
      }
      eventIds[index] = entry.eventId;
      tree.append(hash);
      if (typeof entry.leaf.commitment !== "string") {
        visit?.(entry.leaf, index);
        continue;
      }
      if (!entry.reveal) {
        commitments.unrevealed++;
        continue;
      }
      const problem = revealProblem(entry, index);
      if (problem) {
        if (problems.length < maxReported) problems.push(problem);
        continue;
      }
      commitments.revealed++;
      visit?.(entry.reveal.leaf, index);
    }
  }
  return { tree, eventIds, commitments, problems };
}

/** Why a reveal does not open its leaf's commitment, if it does not. */
function revealProblem(entry: ServedEntry, index: number): Problem | undefined {
  const reveal = entry.reveal!;
  const salt = Buffer.from(typeof reveal.salt === "string" ? reveal.salt : "", "base64");
  const data = canonicalize(reveal.leaf) ?? "";
  const opened = leafCommitment(salt, data).toString("base64");
  const why =
    salt.length !== saltSize
      ? `its salt is not ${saltSize} bytes`
      : opened !== entry.leaf.commitment
        ? `SHA-256(salt || event) is ${opened}, not the commitment ${String(entry.leaf.commitment)}`
        : (reveal.leaf as { event?: unknown }).event !== entry.leaf.event
          ? `it reveals event ${String((reveal.leaf as { event?: unknown }).event)}, not ${String(entry.leaf.event)}`
          : undefined;
  if (!why) return undefined;
  return {
    kind: "reveal",
    message: `Leaf ${index} (event ${entry.eventId}) is revealed with an event that does not open its commitment: ${why}.`,
    evidence: { index, eventId: entry.eventId, leaf: entry.leaf, reveal },
  };
}

/**
 * When the leaves served do not make the signed root: compares them with the leaf hashes in the registry's
 * own tiles, which the signed root was computed from, and names each leaf that changed since it was logged.
 */
export async function locateRewrites(
  client: LogClient,
  log: DownloadedLog,
  size: number,
): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (let start = 0; start < size && problems.length < maxReported; start += tileWidth) {
    const width = Math.min(tileWidth, size - start);
    const tile = await client.leafTile(start / tileWidth, width).catch(() => undefined);
    if (!tile) break;
    for (let i = 0; i < width && problems.length < maxReported; i++) {
      const logged = tile.subarray(i * hashSize, (i + 1) * hashSize);
      const served = log.tree.leafHash(start + i)!;
      if (!logged.equals(served)) {
        problems.push({
          kind: "rewrite",
          message: `Leaf ${start + i} (event ${log.eventIds[start + i]}) was rewritten: the registry's tree holds hash ${logged.toString("base64")}, the event it serves now hashes to ${served.toString("base64")}.`,
          evidence: {
            index: start + i,
            eventId: log.eventIds[start + i],
            loggedLeafHash: logged.toString("base64"),
            servedLeafHash: served.toString("base64"),
          },
        });
      }
    }
  }
  return problems;
}
