/**
 * Orders name days ("2013-11-28") or instants with an offset; a bare day is taken as its start in UTC so that
 * every stored time is one ISO 8601 UTC string that sorts as text.
 */
export function toInstant(dateOrDateTime: string): Date {
  return new Date(
    /^\d{4}-\d{2}-\d{2}$/.test(dateOrDateTime) ? `${dateOrDateTime}T00:00:00Z` : dateOrDateTime,
  );
}
