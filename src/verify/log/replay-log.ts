import { inZoneNow } from "../../registry/in-zone-now.ts";
import type { LeafVisitor } from "./download-log.ts";

/** What a feed entry is: the feed's kind and value (feed-entries.ts), the same words the leaves use. */
export interface NamedEntry {
  kind: string;
  value: string;
}

interface TargetAtCheckpoint {
  kind: string;
  value: string;
  orderId: number;
  state: string | null;
  /** The leaf that put the target in its current state: the event backing it. */
  index: number;
}

/**
 * Rebuilds the registry's state from its leaves alone, in log order: each target's latest state, each
 * order's measures and blocking windows, the last release. A target is in a resolver feed when it is in the
 * zone now by the registry's own rule (registry/in-zone-now.ts: active, and inside an open window if it has
 * any) and its order orders the measure that blocks it in DNS (dns-block for names, ip-block for
 * addresses), as build-release decides; URLs are for search engines only.
 */
export class LogReplay {
  private readonly targets = new Map<number, TargetAtCheckpoint>();
  private readonly measures = new Map<number, string[]>();
  /** Blocking windows by id, as their order's events left them (added, opened, closed, withdrawn). */
  private readonly windows = new Map<number, { orderId: number; targetId: number | null; state: string }>();
  lastRelease: { serial: number; index: number } | undefined;
  lastLeaf: Record<string, unknown> | undefined;

  readonly visit: LeafVisitor = (leaf, index) => {
    this.lastLeaf = leaf;
    const subject = leaf.subject as { type?: string; id?: number } | undefined;
    if (subject?.type === "order") {
      const order = leaf.order as { measures?: string[] } | undefined;
      if (order?.measures) this.measures.set(Number(subject.id), order.measures);
      const data = leaf.data as { windowId?: number; targetId?: number | null } | undefined;
      if (String(leaf.action).startsWith("order.window-") && data?.windowId !== undefined) {
        this.windows.set(Number(data.windowId), {
          orderId: Number(subject.id),
          targetId: data.targetId ?? null,
          state: String(leaf.to),
        });
      }
    } else if (subject?.type === "target") {
      const target = leaf.target as { kind: string; value: string; orderId: number } | undefined;
      if (!target) return;
      const known = this.targets.get(Number(subject.id));
      const to = (leaf.to as string | null) ?? null;
      if (!known) this.targets.set(Number(subject.id), { ...target, state: to, index });
      else if (to !== null) {
        known.state = to;
        known.index = index;
      }
    } else if (subject?.type === "release" && leaf.action === "release.published") {
      const data = leaf.data as { serial?: number } | undefined;
      this.lastRelease = { serial: Number(data?.serial), index };
    }
  };

  /** The entries a resolver feed of this state holds, by value; a domain entry covers an fqdn of the same name. */
  feedEntries(): Map<string, { kind: string; index: number }> {
    const entries = new Map<string, { kind: string; index: number }>();
    const own = new Map<number, Array<{ state: string }>>();
    const ofOrder = new Map<number, Array<{ state: string }>>();
    for (const window of this.windows.values()) {
      if (window.state === "withdrawn") continue;
      const [map, key] = window.targetId === null ? [ofOrder, window.orderId] : [own, window.targetId];
      map.set(key, [...(map.get(key) ?? []), window]);
    }
    for (const [id, target] of this.targets) {
      const served = inZoneNow({
        state: target.state ?? "",
        own: own.get(id) ?? [],
        order: ofOrder.get(target.orderId) ?? [],
      });
      if (!served || !this.enforcedInDns(target)) continue;
      const known = entries.get(target.value);
      if (!known || (known.kind === "fqdn" && target.kind === "domain")) {
        entries.set(target.value, { kind: target.kind, index: target.index });
      }
    }
    return entries;
  }

  private enforcedInDns(target: TargetAtCheckpoint): boolean {
    if (target.kind === "url") return false;
    const measure = target.kind === "ip" || target.kind === "cidr" ? "ip-block" : "dns-block";
    return (this.measures.get(target.orderId) ?? []).includes(measure);
  }
}
