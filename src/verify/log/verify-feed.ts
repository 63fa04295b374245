import { DecreeError } from "../../errors/decree-error.ts";
import { verifyConsistency } from "../../registry/log/verify-proofs.ts";
import { checkCheckpoint } from "./check-checkpoint.ts";
import { downloadLog, locateRewrites } from "./download-log.ts";
import type { LogClient } from "./log-client.ts";
import { LogReplay, type NamedEntry } from "./replay-log.ts";
import { type Problem, report, type VerificationReport } from "./verification-report.ts";

export interface FeedUnderTest {
  serial: number;
  checkpoint: { size: number; rootHash: string };
  entries: NamedEntry[];
}

const maxListed = 20;

/** Reads a JSON feed (`/feeds/json`): its serial, the checkpoint it names, its entries. */
export function parseJsonFeed(text: string): FeedUnderTest {
  let feed: { serial?: unknown; checkpoint?: { size?: unknown; rootHash?: unknown }; entries?: unknown };
  try {
    feed = JSON.parse(text);
  } catch {
    throw new DecreeError(
      "VERIFY_INPUT_INVALID",
      "The feed is not JSON: give the registry's JSON feed (/feeds/json).",
    );
  }
  const { serial, checkpoint, entries } = feed;
  if (typeof serial !== "number" || !Array.isArray(entries)) {
    throw new DecreeError(
      "VERIFY_INPUT_INVALID",
      'The feed lacks "serial" or "entries": give the JSON feed of a release (/feeds/json).',
    );
  }
  if (typeof checkpoint?.size !== "number" || typeof checkpoint.rootHash !== "string") {
    throw new DecreeError(
      "VERIFY_INPUT_INVALID",
      `Release ${serial}'s feed names no log checkpoint, so it cannot be checked against the log; fetch a feed of a later release.`,
    );
  }
  return {
    serial,
    checkpoint: { size: checkpoint.size, rootHash: checkpoint.rootHash },
    entries: entries as NamedEntry[],
  };
}

/**
 * `decree verify feed`: the log's latest signed checkpoint extends the one the feed names (RFC 9162 §2.1.4),
 * the log's leaves up to that checkpoint make its root, the last of them is the feed's release, and replaying
 * them yields exactly the feed's entries: each one backed by the event that made it active, none missing.
 */
export async function verifyFeed(
  feed: FeedUnderTest,
  client: LogClient,
  key?: string,
): Promise<VerificationReport> {
  const problems: Problem[] = [];
  const { size } = feed.checkpoint;
  const note = await client.checkpoint();
  const keyText = key ?? (await client.registryKey());
  const latest = checkCheckpoint(note, keyText);
  problems.push(...latest.problems);
  if (!latest.checkpoint) return report({ serial: feed.serial }, problems);
  const facts: Record<string, unknown> = {
    serial: feed.serial,
    origin: latest.checkpoint.origin,
    feedCheckpoint: feed.checkpoint,
    latestCheckpoint: {
      size: latest.checkpoint.size,
      rootHash: latest.checkpoint.rootHash.toString("base64"),
    },
    key: key ? "given with --key" : "the registry's own /keys (not pinned: pass --key to pin it)",
    entries: feed.entries.length,
  };
  problems.push(...(await checkExtends(client, feed, latest.checkpoint, note)));

  const replay = new LogReplay();
  const log = await downloadLog(client, size, replay.visit);
  problems.push(...log.problems);
  facts.commitments = log.commitments;
  const root = log.tree.root(size).toString("base64");
  if (root !== feed.checkpoint.rootHash) {
    problems.push({
      kind: "mismatch",
      message: `The log's leaves 0..${size - 1} make root ${root}, not the checkpoint's ${feed.checkpoint.rootHash}.`,
      evidence: { size, computedRoot: root, checkpointRoot: feed.checkpoint.rootHash },
    });
    problems.push(...(await locateRewrites(client, log, size)));
  }
  if (replay.lastRelease?.index !== size - 1 || replay.lastRelease.serial !== feed.serial) {
    problems.push({
      kind: "binding",
      message: `The checkpoint of size ${size} does not end with release ${feed.serial}'s event.`,
      evidence: { lastLeaf: replay.lastLeaf ?? null },
    });
  }
  const compared = compareEntries(feed.entries, replay.feedEntries());
  problems.push(...compared.problems);
  facts.backed = compared.backed;
  return report(facts, problems);
}

async function checkExtends(
  client: LogClient,
  feed: FeedUnderTest,
  latest: { size: number; rootHash: Buffer },
  note: string,
): Promise<Problem[]> {
  const { size, rootHash } = feed.checkpoint;
  const evidence = { feedCheckpoint: feed.checkpoint, latestCheckpoint: note };
  if (latest.size < size) {
    return [
      {
        kind: "removed",
        message: `The log's latest checkpoint has ${latest.size} leaves, fewer than the feed's ${size}.`,
        evidence,
      },
    ];
  }
  if (latest.size === size) {
    return latest.rootHash.toString("base64") === rootHash
      ? []
      : [
          {
            kind: "fork",
            message: `Two roots for size ${size}: the feed's and the log's latest checkpoint.`,
            evidence,
          },
        ];
  }
  const answer = await client.consistency(size, latest.size);
  const valid = verifyConsistency(
    size,
    latest.size,
    answer.proof.map((h) => Buffer.from(h, "base64")),
    Buffer.from(rootHash, "base64"),
    latest.rootHash,
  );
  return valid
    ? []
    : [
        {
          kind: "fork",
          message: `The log's latest checkpoint does not extend the feed's checkpoint of size ${size}.`,
          evidence: { ...evidence, proof: answer.proof },
        },
      ];
}

function compareEntries(feedEntries: NamedEntry[], expected: Map<string, { kind: string; index: number }>) {
  const problems: Problem[] = [];
  const unbacked: NamedEntry[] = [];
  let backed = 0;
  const seen = new Set<string>();
  for (const entry of feedEntries) {
    seen.add(entry.value);
    const logged = expected.get(entry.value);
    if (logged && logged.kind === entry.kind) backed += 1;
    else unbacked.push(entry);
  }
  const missing = [...expected].filter(([value]) => !seen.has(value));
  if (unbacked.length > 0) {
    problems.push({
      kind: "unbacked",
      message: `${unbacked.length} feed entries are not active targets in the log at the checkpoint.`,
      evidence: { entries: unbacked.slice(0, maxListed) },
    });
  }
  if (missing.length > 0) {
    problems.push({
      kind: "missing",
      message: `${missing.length} targets active in the log at the checkpoint are not in the feed.`,
      evidence: {
        entries: missing
          .slice(0, maxListed)
          .map(([value, e]) => ({ value, kind: e.kind, leafIndex: e.index })),
      },
    });
  }
  return { problems, backed };
}
