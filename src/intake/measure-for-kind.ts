import type { TargetKind } from "../names/target-kind.ts";
import type { Measure } from "./order-input.ts";

/** Which measures of an order can reach a target of each kind. */
export const measuresForKind: Record<TargetKind, readonly Measure[]> = {
  fqdn: ["dns-block", "delist"],
  domain: ["dns-block", "delist"],
  url: ["delist"],
  ip: ["ip-block"],
  cidr: ["ip-block"],
};

export function orderGrantsKind(orderMeasures: readonly Measure[], kind: TargetKind): boolean {
  return measuresForKind[kind].some((measure) => orderMeasures.includes(measure));
}
