import { DecreeError } from "../errors/decree-error.ts";
import { enforcerKinds } from "../intake/order-input.ts";

/**
 * Who must enforce an order (DESIGN.md, "enforcer kinds"): access providers, public DNS resolvers, VPNs, and
 * search engines that de-list. Orders may address every operator of a kind; reports count the kinds apart.
 */
export { enforcerKinds };

export type EnforcerKind = (typeof enforcerKinds)[number];

export function parseEnforcerKind(text: string): EnforcerKind {
  const kind = text.trim().toLowerCase();
  if ((enforcerKinds as readonly string[]).includes(kind)) return kind as EnforcerKind;
  throw new DecreeError(
    "OPERATOR_KIND_INVALID",
    `--kind ${text} is not an enforcer kind: give one of ${enforcerKinds.join(", ")}.`,
  );
}
