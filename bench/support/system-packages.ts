/**
 * Installs the Debian packages a benchmark's peers need (NSD, Knot DNS) when they are missing. The test suite
 * never needs them, so they are not in scripts/install-system-packages.sh.
 */
import { execFileSync } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";

function installed(name: string): boolean {
  try {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's format, read by dpkg-query
    const status = execFileSync("dpkg-query", ["-W", "-f=${Status}", name], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    return status.includes("install ok installed");
  } catch {
    return false;
  }
}

function candidate(name: string): string | undefined {
  try {
    const policy = execFileSync("apt-cache", ["policy", name], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    const version = /Candidate:\s*(\S+)/.exec(policy)?.[1];
    return version && version !== "(none)" ? version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Returns the packages still missing afterwards (with why), so that a benchmark can report a peer as skipped
 * rather than fail. Needs root; the packaged services are kept from starting (they would take port 53).
 */
export function ensurePackages(names: string[]): Map<string, string> {
  const missing = names.filter((name) => !installed(name));
  const problems = new Map<string, string>();
  if (missing.length === 0) return problems;
  if (process.getuid?.() !== 0) {
    for (const name of missing) problems.set(name, `not installed; run as root or: apt-get install ${name}`);
    return problems;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  // Only when apt's lists do not know a package: an update costs seconds and reaches the network.
  if (missing.some((name) => candidate(name) === undefined)) {
    execFileSync("apt-get", ["update", "-qq"], { stdio: ["ignore", "ignore", "inherit"], env });
  }
  const policyRc = "/usr/sbin/policy-rc.d";
  const ownPolicy = !existsSync(policyRc);
  if (ownPolicy) writeFileSync(policyRc, "#!/bin/sh\nexit 101\n", { mode: 0o755 });
  try {
    process.stderr.write(`bench: installing ${missing.join(" ")}\n`);
    execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], {
      stdio: ["ignore", "ignore", "inherit"],
      env,
    });
  } catch (error) {
    for (const name of missing) problems.set(name, `apt-get install failed: ${(error as Error).message}`);
  } finally {
    if (ownPolicy) rmSync(policyRc, { force: true });
  }
  for (const name of missing)
    if (!installed(name) && !problems.has(name)) problems.set(name, "not installed");
  return problems;
}
