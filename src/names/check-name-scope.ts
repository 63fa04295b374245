import { findPublicSuffix } from "./find-public-suffix.ts";
import { findSpecialUseName } from "./find-special-use-name.ts";
import { type Refusal, refuse } from "./name-check.ts";

export type ScopeRules = {
  /**
   * Whether a public suffix is refused. It is for fqdn and domain targets, where a suffix would reach every
   * owner below it; a URL names one page, and a page on a suffix host (s3.amazonaws.com/bucket/file) is
   * narrow.
   */
  publicSuffix: boolean;
};

/**
 * Refuses names that are well formed but can never be what an order means. Special-use names come first, so
 * that `localhost` is explained as special-use rather than as a single label.
 */
export function checkNameScope(value: string, display: string, rules: ScopeRules): Refusal | null {
  const special = findSpecialUseName(value);
  if (special) {
    const relation = special.name === value ? "is" : `lies under ${special.name}, which is`;
    return refuse(
      "TARGET_SPECIAL_USE_NAME",
      `${display} ${relation} a special-use name, ${special.purpose} (${special.source}); ` +
        "no public site lives there, so there is nothing to block. Check the name the order gives.",
      { name: display, special: special.name, source: special.source },
    );
  }
  const section = rules.publicSuffix ? findPublicSuffix(value) : null;
  if (section) {
    return refuse(
      "TARGET_PUBLIC_SUFFIX",
      `${display} is a public suffix (${section} section of the Public Suffix List): the names under ` +
        "it belong to many unrelated owners, and blocking it would reach them all. Name the site under " +
        `it instead, e.g. site.${display}.`,
      { name: display, section },
    );
  }
  if (!value.includes(".")) {
    return refuse(
      "TARGET_SINGLE_LABEL",
      `${display} is a single label; on the public Internet a site's name has at least two labels. ` +
        `Give the full name, e.g. ${display}.tv.`,
      { name: display },
    );
  }
  return null;
}
