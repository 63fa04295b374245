/** The part of a pino logger the observability records write to (a Fastify app's `log` is one). */
export interface EventLog {
  debug(details: object, message: string): void;
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

const silent: EventLog = { debug() {}, info() {}, warn() {}, error() {} };
let current: EventLog = silent;

/**
 * Where transfers, refusals, NOTIFYs, releases and job runs are logged: the running service's pino logger, set
 * by main.ts; silent until then (tests, one-shot commands), so that recording is always safe to call.
 */
export function setEventLog(log: EventLog | undefined): void {
  current = log ?? silent;
}

export function eventLog(): EventLog {
  return current;
}
