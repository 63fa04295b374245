import { parentNames } from "../names/parent-names.ts";

/** A listed name and what the list says about it (its category, its source, why it is there). */
export interface ListedName<T> {
  name: string;
  entry: T;
}

/** How a target's name meets a listed one: the same name, below it, or (a domain target) above it. */
export type NameRelation = "at" | "below" | "above";

export interface NameMatch<T> extends ListedName<T> {
  relation: NameRelation;
}

/**
 * A list of names answering "is this name at or below a listed one, and does this domain reach one below
 * it?" with a few map look-ups per target: the names themselves, and every name above a listed one.
 */
export class NameList<T> {
  readonly #names = new Map<string, T>();
  readonly #below = new Map<string, Array<ListedName<T>>>();

  constructor(entries: Iterable<ListedName<T>>) {
    for (const { name, entry } of entries) {
      if (this.#names.has(name)) continue;
      this.#names.set(name, entry);
      for (const parent of parentNames(name)) {
        const listed = this.#below.get(parent) ?? [];
        listed.push({ name, entry });
        this.#below.set(parent, listed);
      }
    }
  }

  get size(): number {
    return this.#names.size;
  }

  /**
   * The listed names a target reaches: the nearest listed name at or above `name`, and, when `wholeDomain`
   * (a `domain` target blocks every name below it), the listed names below it too.
   */
  match(name: string, wholeDomain: boolean): Array<NameMatch<T>> {
    const matches: Array<NameMatch<T>> = [];
    const own = this.#names.get(name);
    if (own !== undefined) matches.push({ name, entry: own, relation: "at" });
    else {
      for (const parent of parentNames(name)) {
        const entry = this.#names.get(parent);
        if (entry === undefined) continue;
        matches.push({ name: parent, entry, relation: "below" });
        break;
      }
    }
    if (wholeDomain) {
      for (const listed of this.#below.get(name) ?? []) matches.push({ ...listed, relation: "above" });
    }
    return matches;
  }
}
