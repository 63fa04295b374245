/**
 * The names above a canonical host name, nearest first: `a.b.example.com` → `b.example.com`, `example.com`,
 * `com`. A `domain` entry blocks its name and every name below it, so these are the entries that can cover a
 * name besides its own.
 */
export function parentNames(name: string): string[] {
  const parents: string[] = [];
  for (let dot = name.indexOf("."); dot !== -1; dot = name.indexOf(".", dot + 1)) {
    parents.push(name.slice(dot + 1));
  }
  return parents;
}
