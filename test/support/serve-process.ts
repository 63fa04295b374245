import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Daemon, startDaemon } from "./daemon.ts";
import { decreeBin } from "./run-cli.ts";

/** `decree serve --demo` in a process of its own, as an operator starts it, on free loopback ports. */
export interface ServeProcess {
  daemon: Daemon;
  pid: number;
  http: string;
  dnsPort: number;
  /** The process's resident memory now, in octets (VmRSS). */
  rss(): number;
  stop(): Promise<void>;
}

export async function startServe(env: Record<string, string>, timeoutMs = 30_000): Promise<ServeProcess> {
  const dir = mkdtempSync(join(tmpdir(), "decree-serve-limits-"));
  const args = [decreeBin, "serve", "--demo", "--data", dir];
  for (const flag of ["--http", "--dns", "--stop"]) args.push(flag, "127.0.0.1:0");
  const daemon = startDaemon("decree serve", process.execPath, args, dir, { ...process.env, ...env });
  const deadline = performance.now() + timeoutMs;
  let http: string | undefined;
  let dns: string | undefined;
  while (!http || !dns) {
    daemon.assertRunning();
    if (performance.now() > deadline) throw new Error(`decree serve did not start:\n${daemon.output()}`);
    http = /HTTP\s+(http:\/\/\S+)/.exec(daemon.output())?.[1];
    dns = /DNS\s+127\.0\.0\.1:(\d+)/.exec(daemon.output())?.[1];
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const pid = daemon.child.pid!;
  return {
    daemon,
    pid,
    http,
    dnsPort: Number(dns),
    rss: () => residentBytes(pid),
    async stop() {
      await daemon.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A process's resident set size in octets, from /proc (Linux). */
export function residentBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((text) => text.startsWith("VmRSS:"));
  return Number(/(\d+)/.exec(line ?? "")?.[1] ?? 0) * 1024;
}
