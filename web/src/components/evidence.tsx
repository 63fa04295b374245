import { useT } from "../i18n.tsx";

/**
 * A finding's evidence, as the check recorded it: a DNS snapshot's answers, a mirror's matched signals (the
 * original's value beside the mirror's), a protected name and its list source. Shown as a table, key by key;
 * lists of pairs side by side, anything deeper as JSON.
 */
export function Evidence({ evidence }: { evidence: Record<string, unknown> }) {
  const t = useT();
  const keys = Object.keys(evidence);
  if (keys.length === 0) return null;
  return (
    <details className="evidence">
      <summary>{t("evidence")}</summary>
      <table>
        <tbody>
          {keys.map((key) => (
            <tr key={key}>
              <th scope="row">{key}</th>
              <td>
                <Value value={evidence[key]} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function Value({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span>—</span>;
  if (typeof value !== "object") return <code>{String(value)}</code>;
  if (Array.isArray(value) && value.every((item) => typeof item !== "object" || item === null)) {
    return <code>{value.join(", ")}</code>;
  }
  if (Array.isArray(value) && value.every((item) => typeof item === "object" && item !== null)) {
    const columns = [...new Set(value.flatMap((item) => Object.keys(item as object)))];
    return (
      <table className="side-by-side">
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {value.map((item, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: evidence rows have no identity of their own
            <tr key={index}>
              {columns.map((column) => (
                <td key={column}>
                  <Value value={(item as Record<string, unknown>)[column]} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  return <pre>{JSON.stringify(value, null, 2)}</pre>;
}
