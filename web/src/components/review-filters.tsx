import { type ReactNode, useId, useState } from "react";
import { type MessageKey, useT } from "../i18n.tsx";
import type { ReviewQueueCounts, WorstSeverity } from "../types.ts";
import { type FindingCode, targetKinds } from "../vocabulary.ts";
import { NumberField, SelectField } from "./field.tsx";
import type { ReviewFilter } from "./use-review-queue.ts";

const worst: WorstSeverity[] = ["block", "review", "info", "none"];
const worstKeys: Record<WorstSeverity, MessageKey> = {
  block: "review.worstBlock",
  review: "review.worstReview",
  info: "review.worstInfo",
  none: "review.worstNone",
};

/**
 * The filter panel: order, kind, worst finding and finding codes, each value with how many targets it would
 * show under the other filters (GET /review/queue/counts). Codes of info findings fold into one line.
 */
export function ReviewFilters({
  filter,
  onFilter,
  counts,
}: {
  filter: ReviewFilter;
  onFilter: (filter: ReviewFilter) => void;
  counts: ReviewQueueCounts | null;
}) {
  const t = useT();
  const [order, setOrder] = useState(filter.order === undefined ? "" : String(filter.order));
  const n = (value: number | undefined) => (counts ? t.number(value ?? 0) : "…");
  const kindCount = (kind: string) => counts?.byKind.find((row) => row.kind === kind)?.count;
  const severityCount = (severity: WorstSeverity) =>
    counts?.bySeverity.find((row) => row.severity === severity)?.count;
  const codes = counts?.byCode ?? [];
  const weighty = codes.filter((row) => row.severity !== "info");
  const info = codes.filter((row) => row.severity === "info");
  const toggle = <T,>(list: T[] | undefined, value: T, on: boolean) => {
    const next = (list ?? []).filter((item) => item !== value);
    if (on) next.push(value);
    return next.length > 0 ? next : undefined;
  };
  const codeBox = (row: { code: FindingCode; count: number }) => (
    <CheckBox
      key={row.code}
      checked={filter.codes?.includes(row.code) ?? false}
      onChange={(on) => onFilter({ ...filter, codes: toggle(filter.codes, row.code, on) })}
      testId={`filter-code-${row.code}`}
    >
      <code>{row.code}</code> ({n(row.count)})
    </CheckBox>
  );
  return (
    <div className="review-filters" data-testid="review-filters">
      <div className="stack">
        <NumberField
          label={t("review.orderFilter")}
          value={order}
          onValue={(value) => {
            setOrder(value);
            if (value === "" || /^[1-9][0-9]*$/.test(value)) {
              onFilter({ ...filter, order: value === "" ? undefined : Number(value) });
            }
          }}
          placeholder={t("review.anyOrder")}
        />
        <SelectField
          data-testid="filter-kind"
          label={t("review.kind")}
          value={filter.kind ?? ""}
          onValue={(value) =>
            onFilter({ ...filter, kind: targetKinds.find((kind) => kind === value) ?? undefined })
          }
        >
          <option value="">{t("review.anyKind")}</option>
          {targetKinds.map((kind) => (
            <option key={kind} value={kind}>
              {kind} ({n(kindCount(kind))})
            </option>
          ))}
        </SelectField>
      </div>
      <fieldset>
        <legend>{t("review.worstFinding")}</legend>
        {worst.map((severity) => (
          <CheckBox
            key={severity}
            checked={filter.severities?.includes(severity) ?? false}
            onChange={(on) => onFilter({ ...filter, severities: toggle(filter.severities, severity, on) })}
            testId={`filter-severity-${severity}`}
          >
            {t(worstKeys[severity])} ({n(severityCount(severity))})
          </CheckBox>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t("review.findingCodes")}</legend>
        {codes.length === 0 && <p className="hint">{counts ? t("review.noFindings") : t("loading")}</p>}
        {weighty.map(codeBox)}
        {info.length > 0 && (
          <details>
            <summary>
              {t("review.infoCodes", {
                codes: info.length,
                count: t.number(info.reduce((sum, row) => sum + row.count, 0)),
              })}
            </summary>
            {info.map(codeBox)}
          </details>
        )}
      </fieldset>
    </div>
  );
}

function CheckBox({
  checked,
  onChange,
  testId,
  children,
}: {
  checked: boolean;
  onChange: (on: boolean) => void;
  testId: string;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <div className="check" data-testid={testId}>
      <input id={id} type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} />{" "}
      <label htmlFor={id}>{children}</label>
    </div>
  );
}
