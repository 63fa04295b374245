/**
 * The name a probe asks for a zone owner (relative to the apex), or undefined when there is nothing to ask: a
 * response-IP trigger cannot be asked by name, and a `*.name` trigger is covered by asking `name` when the
 * same set has it; a `*.name` alone is asked as `www.name`, a name under it likely to exist.
 */
export function askedName(owner: string, owners: ReadonlySet<string>): string | undefined {
  if (owner.endsWith(".rpz-ip")) return undefined;
  if (!owner.startsWith("*.")) return owner;
  const parent = owner.slice(2);
  return owners.has(parent) ? undefined : `www.${parent}`;
}
