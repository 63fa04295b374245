// The DNS primary's own thread: it opens the store on a connection of its own and holds the served zone in
// memory, so that no answer, transfer or NOTIFY waits while the service's thread builds a release, sequences
// the log or scans the registry (better-sqlite3 blocks the thread it runs on).
import { parentPort, workerData } from "node:worker_threads";
import { openStore } from "../../store/open-store.ts";
import { listOperators, notifyTargets, operatorKeys } from "../operators.ts";
import { ZoneSource } from "../zone-source.ts";
import { DnsPrimary } from "./dns-primary.ts";
import { NotifySender } from "./notify-sender.ts";
import type { FromPrimaryThread, PrimaryThreadSettings, ToPrimaryThread } from "./primary-thread-messages.ts";
import { serialLessThan } from "./soa-serial.ts";

const port = parentPort!;
const settings = workerData as PrimaryThreadSettings;
function say(message: FromPrimaryThread): void {
  try {
    port.postMessage(message);
  } catch {
    // What cannot be copied across threads (an error holding a socket, say) crosses as its text.
    if (message.type === "event" || message.type === "failed") {
      const payload = message.type === "event" ? message.payload : message.error;
      const text = payload instanceof Error ? (payload.stack ?? payload.message) : String(payload);
      port.postMessage(
        message.type === "event"
          ? { ...message, payload: new Error(text) }
          : { type: "failed", error: new Error(text) },
      );
    }
  }
}

async function main(): Promise<void> {
  const store = await openStore(settings.store);
  const primary = new DnsPrimary({
    host: settings.host,
    port: settings.port,
    zone: new ZoneSource(store.db),
    policy: settings.policy,
    access: {
      keys: () => operatorKeys(store.db),
      allowed: async () => [
        ...settings.transferAllow,
        ...(await listOperators(store.db)).flatMap((o) => o.allow),
      ],
      operators: async () =>
        (await listOperators(store.db)).map((o) => ({ name: o.name, canary: o.canary, allow: o.allow })),
    },
    tcpLimits: settings.tcpLimits,
    rateLimit: settings.rateLimit,
    // Releases this process builds arrive as messages; the look at the store finds those built elsewhere.
    refreshMs: settings.refreshMs ?? 20,
  });
  for (const name of ["transfer", "refused", "soa", "aborted", "limited", "error"] as const) {
    primary.on(name, (payload: unknown) => say({ type: "event", source: "primary", name, payload }));
  }
  const notifier = new NotifySender(settings.policy);
  notifier.on("notified", (payload) => say({ type: "event", source: "notifier", name: "notified", payload }));
  const failed = (error: unknown) => say({ type: "event", source: "primary", name: "error", payload: error });
  // Each secondary with its operator's key, so that a NOTIFY is signed where the operator has one (RFC 8945),
  // and with the serial its operator gets: canaries the newest release, everyone else the last one released.
  const notifySecondaries = (audience: "canaries" | "others", soaSerial: number) =>
    void Promise.all([notifyTargets(store.db), listOperators(store.db)])
      .then(([targets, operators]) => {
        const canaries = new Set(operators.filter((o) => o.canary).map((o) => o.name));
        const chosen = targets.filter((t) => canaries.has(t.operator ?? "") === (audience === "canaries"));
        if (chosen.length > 0) notifier.notifyAll(chosen, soaSerial);
      })
      .catch(failed);
  // A rollout promoted (or a release to all) moves what everyone else gets: they hear of it at once.
  primary.on("released", (version) => notifySecondaries("others", version.serial));
  let address: { host: string; port: number };
  try {
    address = await primary.start();
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  // Messages are handled one after the other: a release's NOTIFY leaves only once this thread serves it.
  let queue = Promise.resolve();
  port.on("message", (message: ToPrimaryThread) => {
    queue = queue.then(async () => {
      if (message.type === "close") {
        notifier.close();
        await primary.close();
        await store.close();
        say({ type: "closed" });
        port.close();
        return;
      }
      if (message.type === "release") {
        await primary.invalidate().catch(failed);
        const served = primary.version.serial;
        say({ type: "served", soaSerial: served });
        // Never a NOTIFY for a serial not served yet: the catch-up failed, and will be tried again.
        if (serialLessThan(served, message.soaSerial)) return;
        notifySecondaries("canaries", served);
        return;
      }
      notifySecondaries("canaries", primary.version.serial);
      notifySecondaries("others", primary.releasedVersion.serial);
    });
  });
  say({ type: "ready", ...address });
}

main().catch((error: unknown) => say({ type: "failed", error }));
