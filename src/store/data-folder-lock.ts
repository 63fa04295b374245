// Who serves a data folder: `decree serve` writes its process id here while it runs, so that a restore does not
// replace the store under a running service. A file left by a process that died does not hold the folder.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const serveLockFileName = "serve.pid";

/** Marks the folder as served by this process; the returned function releases it. */
export function holdDataFolder(dataDir: string): () => void {
  const path = join(dataDir, serveLockFileName);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path, `${process.pid}\n`);
  return () => {
    if (servingProcess(dataDir) === process.pid) rmSync(path, { force: true });
  };
}

/** The id of the live process serving the folder, or undefined. */
export function servingProcess(dataDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dataDir, serveLockFileName), "utf8").trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === "EPERM" ? pid : undefined;
  }
}
