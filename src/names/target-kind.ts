import { isOneOf, type TargetKind, targetKinds } from "../vocabulary/vocabulary.ts";

export { type TargetKind, targetKinds } from "../vocabulary/vocabulary.ts";

export function isTargetKind(s: string): s is TargetKind {
  return isOneOf(targetKinds, s);
}
