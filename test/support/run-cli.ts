import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const decreeBin = fileURLToPath(new URL("../../bin/decree.js", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `decree` command, as a user would, and collects what it printed. It speaks English unless `env`
 * chooses another language: the locale of whoever runs the tests must not change what they read.
 */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [decreeBin, ...args], {
      env: { ...process.env, LC_ALL: "", LC_MESSAGES: "", LANG: "C.UTF-8", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
