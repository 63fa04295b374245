import type { ErrorCode } from "../errors/error-catalogue.ts";
import type { MessageParams } from "../locale/format-message.ts";
import type { TargetKind } from "./target-kind.ts";

/** Something a person should look at although the target was accepted. */
export type NameWarning = { code: "NAME_MIXED_SCRIPTS" | "NAME_IPV4_MAPPED" | string; message: string };

/** `value` is the canonical form the registry stores; `display` the form a person reads (Unicode host). */
export type NameAccepted = {
  input: string;
  ok: true;
  kind: TargetKind;
  value: string;
  display: string;
  warnings: NameWarning[];
};

export type NameRefused = {
  input: string;
  ok: false;
  kind: TargetKind | null;
  code: ErrorCode;
  message: string;
  /** The values the message names, for its text in another language (src/errors/localize-refusal.ts). */
  params?: MessageParams;
};

export type NameCheck = NameAccepted | NameRefused;

/** What an inner step returns when it refuses; normalizeTarget adds the input and the kind. */
export type Refusal = { ok: false; code: ErrorCode; message: string; params?: MessageParams };

/** What an inner step returns when it accepts. */
export type Normalized = { ok: true; value: string; display: string; warnings: NameWarning[] };

export function refuse(code: ErrorCode, message: string, params?: MessageParams): Refusal {
  return params ? { ok: false, code, message, params } : { ok: false, code, message };
}
