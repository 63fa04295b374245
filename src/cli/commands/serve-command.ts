import { Command } from "commander";
import { ensureStoreCreator } from "../../accounts/os-user-mappings.ts";
import { configOf, currentOsUser, globalOptions, noteNewRegistry, statusCommandOf } from "../cli-context.ts";
import { listenError } from "../listen-error.ts";

export function serveCommand(): Command {
  return new Command("serve")
    .option("--http <host:port>", "HTTP address (env DECREE_HTTP; default 127.0.0.1:8080)")
    .option("--dns <host:port>", "DNS address for the RPZ primary (env DECREE_DNS; default 127.0.0.1:5300)")
    .option("--stop <host:port>", "stop page address (env DECREE_STOP; default 127.0.0.1:8451)")
    .option("--public-url <url>", "the registry's URL as the public reaches it (env DECREE_PUBLIC_URL)")
    .option("--demo", "load the Allostreaming demo order on first start (env DECREE_DEMO)")
    .option(
      "--metrics <host:port>",
      "a listener of its own for GET /metrics, Prometheus (env DECREE_METRICS)",
    )
    .option(
      "--log-level <level>",
      "info (default), debug, warn…: the JSON log on stderr (env DECREE_LOG_LEVEL)",
    )
    .action(async (_options: unknown, command: Command) => {
      const config = configOf(command);
      // Loaded here, not at the top: the HTTP stack is a second of start-up every other command need not pay.
      const { describeService, startService } = await import("../../main.ts");
      // The structured log goes to stderr: stdout is the command's own output (--json).
      const service = await startService(config, {
        logger: { level: config.logLevel, stream: process.stderr },
      }).catch((error: unknown) => {
        throw listenError(error, config);
      });
      if (service.store.created) noteNewRegistry(service.store.location);
      // Whoever runs `decree serve` (`npm start`) on a new store is its creator, and may act from the shell.
      await ensureStoreCreator(service.store.db, currentOsUser(), new Date());
      const describe = describeService(service, config, statusCommandOf(globalOptions(command)));
      if (globalOptions(command).json) {
        process.stdout.write(
          `${JSON.stringify({
            http: service.http,
            stop: service.stop.address,
            ...(service.metrics ? { metrics: service.metrics } : {}),
            store: service.store.location,
            demo: service.demo,
          })}\n`,
        );
      } else {
        process.stdout.write(`${describe}\n`);
      }
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.stdout.write("stopping…\n");
          void service.close().then(resolve);
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
}
