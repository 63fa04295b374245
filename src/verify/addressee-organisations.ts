import type { Addressee } from "../intake/order.ts";

/**
 * How an order's addressee (a name written in a court decision: "Orange", "Free", "Google") is matched to an
 * organisation with an account: by name, compared after Unicode NFKC normalisation, case folding and
 * collapsing of whitespace, so that "ORANGE", "Orange " and "Orange" are one; nothing looser (no "Orange SA"
 * ≈ "Orange"), because a breach is an accusation. An admin names the organisation as orders name it. An
 * addressee with no matching organisation has no account to acknowledge with and is not flagged.
 */
export function addresseeKey(name: string): string {
  return name.normalize("NFKC").toLocaleLowerCase("und").replace(/\s+/g, " ").trim();
}

/** The organisations an order addresses: by name, and every one whose operator is of a kind it addresses. */
export function addresseeOrganisations<T extends { id: number; name: string; kind?: string | null }>(
  addressees: readonly Addressee[],
  organisations: readonly T[],
): T[] {
  const wanted = new Set(addressees.filter((a) => !a.kind).map((addressee) => addresseeKey(addressee.name)));
  const kinds = new Set<string>(addressees.flatMap((addressee) => (addressee.kind ? [addressee.kind] : [])));
  return organisations.filter(
    (organisation) =>
      wanted.has(addresseeKey(organisation.name)) ||
      (organisation.kind != null && kinds.has(organisation.kind)),
  );
}
