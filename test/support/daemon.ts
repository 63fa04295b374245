import { type ChildProcess, spawn } from "node:child_process";

/** A server process started by a test: its output is kept for failure messages, and it dies with the test. */
export interface Daemon {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Fails with its output if the process has exited. */
  assertRunning(): void;
  /** SIGTERM, then SIGKILL after two seconds; resolves when the process is gone. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export function startDaemon(
  name: string,
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Daemon {
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  let output = "";
  let exit: string | undefined;
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  child.on("error", (error) => (exit = `could not start: ${error.message}`));
  const exited = new Promise<void>((resolve) =>
    child.on("exit", (code, signal) => {
      running.delete(child);
      exit ??= `exited with ${signal ?? code}`;
      resolve();
    }),
  );
  return {
    child,
    output: () => output,
    assertRunning() {
      if (exit !== undefined) throw new Error(`${name} ${exit}:\n${output}`);
    },
    async stop() {
      if (exit !== undefined) return;
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 2000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Waits until `probe` succeeds while the daemon runs; a daemon that exits fails at once with its output. */
export async function waitUntilServing(
  daemon: Daemon,
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    daemon.assertRunning();
    if (await probe().catch(() => false)) return;
    if (performance.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}:\n${daemon.output().slice(-3000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
