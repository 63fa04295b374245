import { type MessageKey, useT } from "../i18n.tsx";
import type { BlockingWindow } from "../types.ts";
import type { WindowState } from "../vocabulary.ts";
import { DataTable } from "./data-table.tsx";

const stateKeys: Partial<Record<WindowState, MessageKey>> = {
  scheduled: "window.scheduled",
  open: "window.open",
  closed: "window.closed",
};

/**
 * An order's blocking windows, public: the entries are blocked only during them ("blocked during these
 * matches"). Each row says when the block runs, the match it is for and its margins, and whether it runs now.
 */
export function BlockingWindows({ windows }: { windows: BlockingWindow[] }) {
  const t = useT();
  if (windows.length === 0) return null;
  return (
    <section aria-labelledby="blocking-windows">
      <h2 id="blocking-windows">{t("order.windows")}</h2>
      <p>{t("order.windowsIntro")}</p>
      <div className="table-scroll">
        <DataTable columns={[t("window.event"), t("window.match"), t("window.blocked"), t("window.state")]}>
          {windows.map((window) => (
            <tr key={window.id}>
              <td>{window.label ?? "—"}</td>
              <td>
                {window.eventStartsAt
                  ? `${t.dateTime(window.eventStartsAt)} – ${t.dateTime(window.eventEndsAt)}`
                  : "—"}
              </td>
              <td>
                {t.dateTime(window.startsAt)} – {t.dateTime(window.endsAt)}
                {window.eventStartsAt && (
                  <>
                    <br />
                    <small>
                      {t("window.margins", {
                        before: Math.round(window.marginBeforeSeconds / 60),
                        after: Math.round(window.marginAfterSeconds / 60),
                      })}
                    </small>
                  </>
                )}
              </td>
              <td>
                <span className={`badge badge-window-${window.state}`}>
                  {stateKeys[window.state] ? t(stateKeys[window.state]!) : window.state}
                </span>
              </td>
            </tr>
          ))}
        </DataTable>
      </div>
    </section>
  );
}
