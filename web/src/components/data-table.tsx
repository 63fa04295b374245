import type { ReactNode } from "react";

/**
 * A table with one header row of column names (`scope="col"`); the rows are the children. A caption, when given,
 * is for screen readers only: the page's heading already says what the table is.
 */
export function DataTable({
  columns,
  caption,
  children,
}: {
  columns: ReactNode[];
  caption?: string;
  children: ReactNode;
}) {
  return (
    <table>
      {caption && <caption className="visually-hidden">{caption}</caption>}
      <thead>
        <tr>
          {columns.map((column, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a header row is fixed; its place is its identity
            <th key={index} scope="col">
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
