import { DecreeError } from "../errors/decree-error.ts";
import { type EnforcerKind, enforcerKinds, isOneOf } from "../vocabulary/vocabulary.ts";

// Who must enforce an order: access providers, public DNS resolvers, VPNs, and search engines that de-list.
// Orders may address every operator of a kind; reports count the kinds apart.
export { type EnforcerKind, enforcerKinds } from "../vocabulary/vocabulary.ts";

export function parseEnforcerKind(text: string): EnforcerKind {
  const kind = text.trim().toLowerCase();
  if (isOneOf(enforcerKinds, kind)) return kind;
  throw new DecreeError(
    "OPERATOR_KIND_INVALID",
    `--kind ${text} is not an enforcer kind: give one of ${enforcerKinds.join(", ")}.`,
  );
}
