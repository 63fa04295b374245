import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef } from "react";
import { useT } from "../i18n.tsx";
import type { Finding, QueuedTarget } from "../types.ts";

const rowHeight = 40;
/** The next page is asked for when the rows drawn come this close to the end of those loaded. */
const prefetchRows = 15;

const isWeighty = (finding: Finding) => finding.severity === "block" || finding.severity === "review";

/**
 * The proposed targets as a table whose rows exist only where the reader looks: 100,000 targets draw the
 * few dozen rows on screen, and the next page is asked for as the end of what is loaded comes into view.
 * A target's weighty findings show by code (the server's message on hover and in the detail); its info
 * findings only as a count.
 */
export function ReviewTable({
  targets,
  more,
  loadMore,
  total,
  ready,
  isSelected,
  selectionLocked,
  onSelect,
  focused,
  onFocus,
  label,
}: {
  targets: QueuedTarget[];
  more: boolean;
  loadMore: () => void;
  /** How many match the filter, when known: the row count screen readers are told. */
  total: number | null;
  /** The query these rows answer, for whoever waits on a filter change. */
  ready: string | null;
  isSelected: (id: number) => boolean;
  /** The selection is "all matching": rows cannot be picked one by one. */
  selectionLocked: boolean;
  onSelect: (id: number, on: boolean) => void;
  focused: number | null;
  onFocus: (target: QueuedTarget) => void;
  label: string;
}) {
  const t = useT();
  const scroller = useRef<HTMLDivElement>(null);
  const count = targets.length + (more ? 1 : 0);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (more && last >= targets.length - prefetchRows) loadMore();
  }, [more, last, targets.length, loadMore]);
  const top = items[0]?.start ?? 0;
  const bottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <div ref={scroller} className="review-scroll" data-testid="review-table" data-ready={ready ?? undefined}>
      <table className="review-table" aria-label={label} aria-rowcount={(total ?? targets.length) + 1}>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col" className="review-pick">
              <span className="visually-hidden">{t("review.selectColumn")}</span>
            </th>
            <th scope="col">{t("review.target")}</th>
            <th scope="col" className="review-kind">
              {t("review.kind")}
            </th>
            <th scope="col">{t("review.order")}</th>
            <th scope="col">{t("review.findings")}</th>
          </tr>
        </thead>
        <tbody>
          {top > 0 && <tr className="review-spacer" style={{ height: top }} />}
          {items.map((item) => {
            const target = targets[item.index];
            if (!target) {
              return (
                <tr key="more" aria-busy="true">
                  <td colSpan={5} className="hint">
                    {t("loading")}
                  </td>
                </tr>
              );
            }
            const weighty = target.findings.filter(isWeighty);
            const info = target.findings.length - weighty.length;
            return (
              <tr
                key={target.id}
                className={focused === target.id ? "focused" : undefined}
                aria-rowindex={item.index + 2}
                aria-selected={isSelected(target.id)}
                data-testid={`queue-${target.value}`}
                data-id={target.id}
              >
                <td className="review-pick">
                  <input
                    type="checkbox"
                    aria-label={t("review.selectOne", { name: target.display })}
                    checked={isSelected(target.id)}
                    disabled={selectionLocked}
                    onChange={(event) => onSelect(target.id, event.target.checked)}
                  />
                </td>
                <td className="review-name">
                  <button type="button" className="link" onClick={() => onFocus(target)}>
                    {target.display}
                  </button>{" "}
                  <span className="hint">#{target.id}</span>
                </td>
                <td className="review-kind">{target.kind}</td>
                <td>
                  {target.order.caseNumber}
                  {target.order.confirmedAt ? "" : ` — ${t("authority.unconfirmed")}`}
                </td>
                <td className="review-findings">
                  {weighty.map((finding) => (
                    <span
                      key={`${finding.check}-${finding.code}`}
                      className={`badge severity-${finding.severity}`}
                      title={finding.message}
                    >
                      <code>{finding.code}</code>
                    </span>
                  ))}
                  {info > 0 && <span className="info-count">{t("review.infoCount", { count: info })}</span>}
                </td>
              </tr>
            );
          })}
          {bottom > 0 && <tr className="review-spacer" style={{ height: bottom }} />}
        </tbody>
      </table>
    </div>
  );
}
