import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DecreeError } from "../../errors/decree-error.ts";
import { verifyConsistency } from "../../registry/log/verify-proofs.ts";
import { checkCheckpoint } from "./check-checkpoint.ts";
import { downloadLog, locateRewrites } from "./download-log.ts";
import type { LogClient } from "./log-client.ts";
import { type Problem, report, type VerificationReport } from "./verification-report.ts";

/** What a watcher keeps between runs: the last checkpoint it proved, the key it pinned, the leaves it saw. */
interface WatchState {
  url: string;
  publicKey: string;
  size: number;
  rootHash: string;
  note: string;
  checkedAt: string;
}

const stateFile = "state.json";
const leavesFile = "leaf-hashes.bin";

/**
 * `decree verify watch`: like a Certificate Transparency monitor. Each run checks the registry's signature
 * on its latest checkpoint, proves it consistent with the last one seen (RFC 9162 §2.1.4), downloads every
 * leaf again and compares it with the hash seen last time, and recomputes the root. A log that shrank (an
 * event removed), two roots for one size (a fork), or a leaf that changed (a rewritten event) is a problem
 * with its evidence (both signed checkpoints, the proof, the hashes), written to the state folder too; the
 * state only moves forward when everything checked out.
 */
export async function watchLog(
  client: LogClient,
  stateDir: string,
  options: { key?: string | undefined; now: Date },
): Promise<VerificationReport> {
  mkdirSync(stateDir, { recursive: true });
  const previous = readState(stateDir);
  const key = options.key ?? previous?.publicKey ?? (await client.registryKey());
  const note = await client.checkpoint();
  const checked = checkCheckpoint(note, key);
  const problems: Problem[] = [...checked.problems];
  const latest = checked.checkpoint;
  if (!latest) return finish(stateDir, report({ url: client.base }, problems), options.now);
  const rootHash = latest.rootHash.toString("base64");
  const facts: Record<string, unknown> = {
    url: client.base,
    origin: latest.origin,
    size: latest.size,
    rootHash,
    previous: previous ? { size: previous.size, rootHash: previous.rootHash } : null,
    key: options.key
      ? "given with --key"
      : previous
        ? "pinned at the first run"
        : "pinned now from /keys (trust on first use)",
    cosigners: checked.cosigners,
  };
  if (previous)
    problems.push(...(await checkAgainstPrevious(client, previous, latest.size, latest.rootHash, note)));
  const log = await downloadLog(client, latest.size);
  problems.push(...log.problems);
  facts.commitments = log.commitments;
  if (previous)
    problems.push(...changedLeaves(stateDir, previous.size, log.tree.leafHash.bind(log.tree), log.eventIds));
  const computed = log.tree.root(latest.size).toString("base64");
  if (computed !== rootHash) {
    problems.push({
      kind: "mismatch",
      message: `The log's ${latest.size} leaves make root ${computed}, not the signed checkpoint's ${rootHash}.`,
      evidence: { checkpoint: note, computedRoot: computed },
    });
    problems.push(...(await locateRewrites(client, log, latest.size)));
  }
  const result = report(facts, problems);
  if (result.ok) {
    const hashes = Buffer.concat(Array.from({ length: latest.size }, (_, i) => log.tree.leafHash(i)!));
    writeFileSync(join(stateDir, leavesFile), hashes);
    const state: WatchState = {
      url: client.base,
      publicKey: key,
      size: latest.size,
      rootHash,
      note,
      checkedAt: options.now.toISOString(),
    };
    writeFileSync(join(stateDir, stateFile), `${JSON.stringify(state, null, 2)}\n`);
  }
  return finish(stateDir, result, options.now);
}

async function checkAgainstPrevious(
  client: LogClient,
  previous: WatchState,
  size: number,
  root: Buffer,
  note: string,
): Promise<Problem[]> {
  const evidence = { previousCheckpoint: previous.note, latestCheckpoint: note };
  if (size < previous.size) {
    return [
      {
        kind: "removed",
        message: `The log shrank from ${previous.size} to ${size} leaves: events were removed.`,
        evidence,
      },
    ];
  }
  if (size === previous.size) {
    return root.toString("base64") === previous.rootHash
      ? []
      : [{ kind: "fork", message: `Two signed roots for size ${size}: the log was rewritten.`, evidence }];
  }
  const answer = await client.consistency(previous.size, size);
  const proof = answer.proof.map((h) => Buffer.from(h, "base64"));
  if (verifyConsistency(previous.size, size, proof, Buffer.from(previous.rootHash, "base64"), root))
    return [];
  return [
    {
      kind: "fork",
      message: `The checkpoint of size ${size} is not consistent with the one of size ${previous.size} seen before: the log forked or was rewritten.`,
      evidence: { ...evidence, consistencyProof: answer.proof },
    },
  ];
}

function changedLeaves(
  stateDir: string,
  size: number,
  leafHash: (index: number) => Buffer | undefined,
  eventIds: Float64Array,
): Problem[] {
  const file = join(stateDir, leavesFile);
  if (!existsSync(file)) return [];
  const seen = readFileSync(file);
  const problems: Problem[] = [];
  for (let index = 0; index < Math.min(size, seen.length / 32) && problems.length < 20; index++) {
    const before = seen.subarray(index * 32, (index + 1) * 32);
    const now = leafHash(index);
    if (now && !before.equals(now)) {
      problems.push({
        kind: "rewrite",
        message: `Leaf ${index} (event ${eventIds[index]}) changed since the last run: the event was rewritten.`,
        evidence: {
          index,
          eventId: eventIds[index],
          before: before.toString("base64"),
          now: now.toString("base64"),
        },
      });
    }
  }
  return problems;
}

function readState(stateDir: string): WatchState | undefined {
  const file = join(stateDir, stateFile);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as WatchState;
  } catch {
    throw new DecreeError(
      "VERIFY_INPUT_INVALID",
      `${file} is not a watch state; remove the folder to start over.`,
    );
  }
}

function finish(stateDir: string, result: VerificationReport, now: Date): VerificationReport {
  if (!result.ok) {
    const file = join(stateDir, `evidence-${now.toISOString().replace(/[:.]/g, "-")}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    result.facts.evidenceFile = file;
  }
  return result;
}
