import { DecreeError } from "../errors/decree-error.ts";

/**
 * The Extended DNS Errors an order may ask its blocked answers to carry (RFC 8914 §4.16-4.18): 15 Blocked (the
 * operator's own choice), 16 Censored (an external authority: the default for a court or regulator order),
 * 17 Filtered (as the client asked).
 */
export const edeNames = { blocked: 15, censored: 16, filtered: 17 } as const;
export type OrderEde = (typeof edeNames)[keyof typeof edeNames];
export const defaultEde: OrderEde = 16;

/** `15`, `"15"` or `"blocked"` (any case) to 15; anything else is refused with how to write it. */
export function orderEde(value: unknown): OrderEde {
  const text = String(value).trim().toLowerCase();
  const named = (edeNames as Record<string, OrderEde>)[text];
  if (named !== undefined) return named;
  const code = Number(text);
  if ((Object.values(edeNames) as number[]).includes(code) && /^\d+$/.test(text)) return code as OrderEde;
  throw new DecreeError(
    "ORDER_EDE_INVALID",
    `ede ${JSON.stringify(value)} is not an Extended DNS Error an order may choose: give 15 (blocked), ` +
      "16 (censored, the default) or 17 (filtered), by number or by name (RFC 8914).",
  );
}
