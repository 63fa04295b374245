/** A content coding the web UI's files are stored in beside the file itself, and the suffix of that copy. */
export type StoredEncoding = "br" | "gzip";

export const storedSuffix: Record<StoredEncoding, string> = { br: ".br", gzip: ".gz" };

/**
 * The coding to send a file in, given the request's Accept-Encoding (RFC 9110 §12.5.3): brotli before gzip when
 * both are acceptable (it is the smaller), none when the header is absent or refuses both. `*` stands for any
 * coding not named; a weight of 0 refuses.
 */
export function pickEncoding(acceptEncoding: string | undefined): StoredEncoding | undefined {
  if (acceptEncoding === undefined) return undefined;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(",")) {
    const [name = "", ...parameters] = part.split(";").map((piece) => piece.trim());
    if (name === "") continue;
    const q = parameters.find((parameter) => parameter.startsWith("q="));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(name === "x-gzip" ? "gzip" : name, Number.isFinite(weight) ? weight : 0);
  }
  const accepted = (coding: StoredEncoding) => (weights.get(coding) ?? weights.get("*") ?? 0) > 0;
  return (["br", "gzip"] as const).find(accepted);
}
