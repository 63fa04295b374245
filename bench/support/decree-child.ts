/**
 * decree's whole service in a process of its own, driven by its parent over IPC: its memory is its own to
 * measure, and the benchmark's polling never shares its event loop. Reports, with process.hrtime.bigint()
 * (CLOCK_MONOTONIC, the same clock in every process), when each approval committed, each release was built,
 * each transfer was served and each NOTIFY was answered.
 * Usage (by bench/support/decree-process.ts): node --import tsx decree-child.ts --data DIR
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../../src/config/load-config.ts";
import { startService } from "../../src/main.ts";
import { decideTargets } from "../../src/registry/decide-targets.ts";

export type ParentMessage =
  | { type: "approve"; seq: number; targetId: number }
  | { type: "memory" }
  | { type: "stop" };

export type ChildMessage =
  | { type: "ready"; port: number; pid: number; firstRelease: number | null }
  | { type: "approved"; seq: number; startNs: string; commitNs: string }
  | { type: "release"; serial: number; added: number; removed: number; atNs: string }
  | { type: "transfer"; kind: string; serial: number; messages: number; bytes: number; atNs: string }
  | { type: "notified"; serial: number; acknowledged: boolean; ms: number; atNs: string }
  | { type: "memory"; usage: NodeJS.MemoryUsage }
  | { type: "error"; message: string };

const { values } = parseArgs({
  options: {
    data: { type: "string" },
    "window-ms": { type: "string" },
    "clock-interval-ms": { type: "string" },
  },
});

const send = (message: ChildMessage) => process.send?.(message);
const now = () => process.hrtime.bigint().toString();

const env: NodeJS.ProcessEnv = values["window-ms"] ? { DECREE_RELEASE_WINDOW_MS: values["window-ms"] } : {};
const config = loadConfig(
  { data: values.data, http: "127.0.0.1:0", dns: "127.0.0.1:0", stop: "127.0.0.1:0", config: "/dev/null" },
  env,
);
const clockIntervalMs = values["clock-interval-ms"] ? Number(values["clock-interval-ms"]) : undefined;
const service = await startService(config, {
  logger: false,
  ...(clockIntervalMs ? { clockIntervalMs } : {}),
});
const { scheduler, primary, notifier } = service.publication;
scheduler.on("release", (release) =>
  send({
    type: "release",
    // DNS speaks SOA serials: the transfers and NOTIFYs below carry this one.
    serial: release.soaSerial,
    added: release.added,
    removed: release.removed,
    atNs: now(),
  }),
);
primary.on("transfer", (log) =>
  send({
    type: "transfer",
    kind: log.kind,
    serial: log.serial,
    messages: log.messages,
    bytes: log.bytes,
    atNs: now(),
  }),
);
primary.on("error", (error) => send({ type: "error", message: String(error) }));
notifier.on("notified", (outcome) =>
  send({
    type: "notified",
    serial: outcome.serial,
    acknowledged: outcome.acknowledged,
    ms: outcome.ms,
    atNs: now(),
  }),
);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await service.close();
  // A normal exit, so that --cpu-prof writes its profile.
  process.exit(0);
}

process.on("message", (message: ParentMessage) => {
  if (message.type === "stop") {
    void stop();
    return;
  }
  if (message.type === "memory") {
    // Collected first (the parent starts this process with --expose-gc), so that what is counted is what is
    // held. Buffers live outside the V8 heap: arrayBuffers is what encoded messages and their copies hold.
    (globalThis as { gc?: () => void }).gc?.();
    send({ type: "memory", usage: process.memoryUsage() });
    return;
  }
  const startNs = now();
  // The path of `decree targets approve` in this process: the decision's own transaction, then a poke so that
  // the release is built within the window instead of at the scheduler's next poll.
  decideTargets(service.store, {
    decision: "approve",
    refs: [String(message.targetId)],
    reason: "bench: propagation",
    actor: "bench",
    now: new Date(),
  })
    .then(() => {
      const commitNs = now();
      scheduler.poke();
      send({ type: "approved", seq: message.seq, startNs, commitNs });
    })
    .catch((error) => send({ type: "error", message: String(error) }));
});
// The parent is gone (it crashed or was killed): do not stay bound to ports.
process.on("disconnect", () => void stop());

send({
  type: "ready",
  port: service.dns.port,
  pid: process.pid,
  firstRelease: service.publication.first?.serial ?? null,
});
