import { SingleBar } from "cli-progress";

export type ProgressReporter = (phase: "check" | "store" | "import", done: number, total: number) => void;

const phaseLabel = { check: "checking", store: "storing ", import: "importing" } as const;
/** An import is streamed: its progress is the bytes of the file read, checked and stored. */
const phaseUnit = { check: "targets", store: "targets", import: "bytes" } as const;

/** A progress bar on a terminal (stderr, so that --json output stays clean); nothing when piped. */
export function progressBar(enabled: boolean): { report: ProgressReporter; stop(): void } {
  if (!enabled || !process.stderr.isTTY) return { report: () => {}, stop: () => {} };
  let bar: SingleBar | undefined;
  let current: string | undefined;
  return {
    report(phase, done, total) {
      if (current !== phase) {
        bar?.stop();
        bar = new SingleBar({
          stream: process.stderr,
          format: `${phaseLabel[phase]} [{bar}] {percentage}% {value}/{total} ${phaseUnit[phase]}, {eta_formatted} left`,
          hideCursor: true,
        });
        bar.start(total, done);
        current = phase;
      }
      bar?.update(done);
    },
    stop() {
      bar?.stop();
    },
  };
}
