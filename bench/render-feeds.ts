/**
 * bench/render-feeds: renders every feed format for generated zones of 1,000,000 and 10,000,000 entries
 * (bench/support/generated-zone.ts: a generator of records, NOT the store, so the figures are the renderers'
 * and the grouping's, without database reads), through the same path as the feed cache: feedEntries, the
 * renderer, and writeHashedFile to a temporary file (deleted afterwards). Signing is not included. Each
 * (format, size) runs in a child process of its own, so that its peak RSS is its own; two run at a time (one
 * per core of the 2-core machine this was written on), so their seconds include some contention.
 * Prints one JSON line. Usage: node --import tsx bench/render-feeds.ts [--sizes 1000000,10000000]
 *   [--formats json,rpz]
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { feedEntries } from "../src/publish/feeds/feed-entries.ts";
import { writeHashedFile } from "../src/publish/feeds/write-hashed-file.ts";
import { feedRenderers, rendererFor } from "../src/publish/renderers/index.ts";
import { generatedZone } from "./support/generated-zone.ts";

const run = promisify(execFile);

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "1000000,10000000" },
    formats: { type: "string" },
    child: { type: "boolean", default: false },
    format: { type: "string" },
    size: { type: "string" },
  },
});

interface Figures {
  seconds: number;
  /** User and system CPU time: steadier than wall time when other work shares the machine. */
  cpuSeconds: number;
  peakRssMb: number;
  outputMb: number;
  entries: number;
}

async function renderOne(format: string, size: number): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), "decree-bench-feeds-"));
  try {
    const zone = generatedZone(size);
    let entries = 0;
    async function* counted() {
      for await (const page of feedEntries(zone.pages, zone.lookup)) {
        entries += page.length;
        yield page;
      }
    }
    const started = performance.now();
    const cpu = process.cpuUsage();
    const chunks = rendererFor(format).render(counted(), { zone: "rpz.decree", serial: 1 });
    const written = await writeHashedFile(chunks, join(dir, "feed"));
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    return {
      seconds: round(seconds),
      cpuSeconds: round((used.user + used.system) / 1e6),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      outputMb: round(written.size / 1e6),
      entries,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

if (values.child) {
  process.stdout.write(`${JSON.stringify(await renderOne(values.format!, Number(values.size)))}\n`);
} else {
  const sizes = values.sizes.split(",").map(Number);
  const formats = values.formats?.split(",") ?? feedRenderers.map((renderer) => renderer.format);
  const self = fileURLToPath(import.meta.url);
  const results: Record<string, Record<string, Figures>> = Object.fromEntries(formats.map((f) => [f, {}]));
  const started = performance.now();
  const jobs = sizes.flatMap((size) => formats.map((format) => ({ size, format })));
  // Two children at a time, one per core: each still has its own process, so its peak RSS is its own.
  const worker = async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      const args = ["--import", "tsx", self, "--child", "--format", job.format, "--size", String(job.size)];
      const { stdout } = await run(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 20 });
      results[job.format]![String(job.size)] = JSON.parse(stdout);
    }
  };
  await Promise.all([worker(), worker()]);
  const line = {
    bench: "render-feeds",
    source: "generated zone records (bench/support/generated-zone.ts), not the store; signing not included",
    mix: "per 10 entries: 5 domains, 4 exact names, 1 address; stop page 1/97, nodata 1/13",
    machine: { cpus: cpus().length, node: process.version },
    totalSeconds: round((performance.now() - started) / 1000),
    results,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
