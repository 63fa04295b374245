/** `decree --json serve` as a user starts it, on ports the system picks, for the benches that load its HTTP API. */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { firstJsonValue } from "./first-json-value.ts";

export interface JsonServe {
  child: ChildProcess;
  addresses: { http: { port: number }; stop: { port: number } };
}

/** Starts the built program on `dataDir` and resolves once it prints the addresses it listens on. */
export async function startJsonServe(dataDir: string, nodeArgs: string[] = []): Promise<JsonServe> {
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      fileURLToPath(new URL("../../bin/decree.js", import.meta.url)),
      "--json",
      "--data",
      dataDir,
      "serve",
      "--http",
      "127.0.0.1:0",
      "--dns",
      "127.0.0.1:0",
      "--stop",
      "127.0.0.1:0",
    ],
    { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, LOG_LEVEL: "error" } },
  );
  return { child, addresses: await listening(child) };
}

/** The addresses `decree --json serve` prints once it listens. */
function listening(child: ChildProcess): Promise<JsonServe["addresses"]> {
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const value = firstJsonValue<JsonServe["addresses"]>(output);
      if (value) resolve(value);
    });
    child.once("exit", (code) => reject(new Error(`decree serve exited with ${code}: ${output}`)));
  });
}
