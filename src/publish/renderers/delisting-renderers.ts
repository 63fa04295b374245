import { DecreeError } from "../../errors/decree-error.ts";
import { delistingCsvRenderer } from "./delisting-csv-renderer.ts";
import { delistingJsonRenderer } from "./delisting-json-renderer.ts";
import type { DelistingRenderer } from "./delisting-renderer.ts";

/** The de-listing list's formats, in the order `GET /delisting` lists them. */
export const delistingRenderers: readonly DelistingRenderer[] = [delistingJsonRenderer, delistingCsvRenderer];

export function delistingRendererFor(format: string): DelistingRenderer {
  const renderer = delistingRenderers.find((candidate) => candidate.format === format);
  if (renderer) return renderer;
  throw new DecreeError(
    "FEED_UNKNOWN_FORMAT",
    `There is no de-listing format "${format}"; the formats are ` +
      `${delistingRenderers.map((r) => r.format).join(", ")}.`,
  );
}
