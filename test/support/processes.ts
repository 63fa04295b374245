/**
 * Child processes for the benchmarks (and any test that needs a server's log file or memory): servers started on loopback ports with their output in a log file,
 * waited for with a deadline, stopped (and killed if they linger), and their memory read from /proc.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export interface Server {
  name: string;
  child: ChildProcess;
  log: string;
  /** The log's last lines, for error messages. */
  tail(): string;
  stop(): Promise<void>;
}

const running = new Set<Server>();

/**
 * Starts `command` with stdout and stderr appended to `log`. Every server started here is stopped at exit.
 */
export function startServer(name: string, command: string, args: string[], log: string): Server {
  const fd = openSync(log, "a");
  const child = spawn(command, args, { stdio: ["ignore", fd, fd] });
  closeSync(fd);
  const server: Server = {
    name,
    child,
    log,
    tail: () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").slice(-15).join("\n") : ""),
    stop: () => stopProcess(child).finally(() => running.delete(server)),
  };
  running.add(server);
  return server;
}

/** SIGTERM, then SIGKILL after five seconds: a server that ignores the first still goes. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop()));
}

// A benchmark that dies half-way must not leave servers bound to ports (or holding a gigabyte) behind.
process.once("exit", () => {
  for (const server of running) if (server.child.exitCode === null) server.child.kill("SIGKILL");
});

/** Polls `check` every `everyMs` until it returns a value, the deadline passes, or the process exits. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: { timeoutMs: number; everyMs?: number; process?: ChildProcess; log?: () => string },
): Promise<T> {
  const deadline = performance.now() + options.timeoutMs;
  while (performance.now() < deadline) {
    const exited =
      options.process && (options.process.exitCode !== null || options.process.signalCode !== null);
    if (exited) break;
    const value = await check();
    if (value !== undefined) return value;
    await sleep(options.everyMs ?? 20);
  }
  const state = options.process?.exitCode ?? options.process?.signalCode;
  throw new Error(
    `${what}: not ready after ${options.timeoutMs} ms (exit ${state ?? "none"})\n${options.log?.() ?? ""}`,
  );
}

/** The process and its descendants (NSD serves from forked children), read from /proc. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(parent) ?? [];
      list.push(Number(entry));
      children.set(parent, list);
    } catch {
      // the process ended while /proc was read
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

function statusKb(pid: number, field: "VmHWM" | "VmRSS"): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(
      readFileSync(`/proc/${pid}/status`, "utf8"),
    );
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Resets the peak RSS of a process tree to its current RSS (proc(5), clear_refs "5"), so that the peak read
 * after a transfer is the transfer's and not the zone load's.
 */
export function resetPeakRss(pid: number): void {
  for (const each of processTree(pid)) {
    try {
      writeFileSync(`/proc/${each}/clear_refs`, "5");
    } catch {
      // not permitted or gone: the peak then includes what came before, which the report shows as is
    }
  }
}

/** RSS in MB of the tree's largest process: now and at its peak since the last reset. */
export function rssMb(pid: number): { rssMb: number; peakRssMb: number } {
  const tree = processTree(pid);
  const mb = (kb: number) => Math.round(kb / 1024);
  return {
    rssMb: mb(Math.max(...tree.map((each) => statusKb(each, "VmRSS")))),
    peakRssMb: mb(Math.max(...tree.map((each) => statusKb(each, "VmHWM")))),
  };
}

/** A program's version line, for the report; some print it on stderr (NSD), some exit non-zero. */
export function versionOf(command: string, args: string[]): string {
  const run = spawnSync(command, args, {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 5000,
  });
  const output = `${run.stdout ?? ""}${run.stderr ?? ""}`.trim();
  return output.split("\n")[0]?.trim() || "unknown";
}
