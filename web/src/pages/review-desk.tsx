import { type ReactNode, useCallback, useMemo, useState } from "react";
import { api } from "../api.ts";
import { ErrorMessage, useLoad } from "../components/common.tsx";
import { Field } from "../components/field.tsx";
import { ReviewFilters } from "../components/review-filters.tsx";
import { ReviewQueues } from "../components/review-queues.tsx";
import { ReviewTable } from "../components/review-table.tsx";
import { ReviewTargetDetail } from "../components/review-target-detail.tsx";
import {
  filterBody,
  filterQuery,
  type ReviewFilter,
  useReviewQueue,
} from "../components/use-review-queue.ts";
import { useT } from "../i18n.tsx";
import type { QueuedTarget, ReviewQueueCounts } from "../types.ts";
import type { FindingCode } from "../vocabulary.ts";

/** Targets picked one by one, or every target matching a filter (the server reads the filter again). */
type Selection = { kind: "ids"; ids: Set<number> } | { kind: "filter"; filter: ReviewFilter; count: number };

type Outcome = { kind: "done" | "pending"; text: string } | { kind: "refused"; error: unknown };

interface BulkAnswer {
  matched?: number;
  changed?: number;
  pending?: number | string;
  targets?: Array<{ pending?: string }>;
}

const none: Selection = { kind: "ids", ids: new Set() };

/**
 * The authority's review desk: a queue of up to hundreds of thousands of proposed targets, filtered and
 * counted by the server, drawn as a virtual table, decided one, several or all matching a filter at once,
 * all or none, with one reason; beside it the two-person rule's queues.
 */
export function ReviewDesk() {
  const t = useT();
  const [filter, setFilterState] = useState<ReviewFilter>({});
  const [selection, setSelection] = useState<Selection>(none);
  const [focused, setFocused] = useState<QueuedTarget | null>(null);
  const [reason, setReason] = useState("");
  const [outcome, setOutcome] = useState<{ scope: "bulk" | number; outcome: Outcome } | null>(null);
  const [grouped, setGrouped] = useState(false);
  const [round, setRound] = useState(0);
  const query = filterQuery(filter);
  const pages = useReviewQueue(filter);
  // The counts are asked for once the rows are in: counting a big queue must not delay its first rows.
  const rowsIn = pages.key === query;
  // The two-person queues, below the table, wait for the first rows too; then they stay.
  const [queuesShown, setQueuesShown] = useState(false);
  if (rowsIn && !queuesShown) setQueuesShown(true);
  const [counts] = useLoad(
    (signal) =>
      rowsIn
        ? api<ReviewQueueCounts>(`/review/queue/counts${query ? `?${query}` : ""}`, { signal })
        : new Promise<ReviewQueueCounts>(() => {}),
    [query, round, rowsIn],
  );
  const known = counts.state === "ready" ? counts.value : null;
  const setFilter = (next: ReviewFilter) => {
    setFilterState(next);
    setSelection(none);
  };
  const refresh = () => {
    pages.reload();
    setRound((value) => value + 1);
  };

  const decide = async (scope: "bulk" | number, decision: "approve" | "reject") => {
    try {
      const answer = await sendDecision(scope, decision, reason, selection);
      const pending = typeof answer.pending === "number" ? answer.pending : answer.pending ? 1 : 0;
      const held = pending + (answer.targets?.filter((target) => target.pending).length ?? 0);
      const changed = answer.changed ?? (answer.targets?.length ?? 0) - held;
      const text =
        held > 0 && changed === 0
          ? t("review.heldAll", { count: t.number(held) })
          : held > 0
            ? t("review.decidedSome", { count: t.number(changed), held: t.number(held) })
            : t(decision === "approve" ? "review.approvedCount" : "review.rejectedCount", {
                count: t.number(changed),
              });
      setOutcome({ scope, outcome: { kind: held > 0 && changed === 0 ? "pending" : "done", text } });
      setSelection(none);
      if (scope !== "bulk" || changed > 0) setFocused(null);
      refresh();
    } catch (error) {
      setOutcome({ scope, outcome: { kind: "refused", error } });
    }
  };

  const selectedCount = selection.kind === "ids" ? selection.ids.size : selection.count;
  const isSelected = useCallback(
    (id: number) => (selection.kind === "ids" ? selection.ids.has(id) : true),
    [selection],
  );
  const onSelect = useCallback((id: number, on: boolean) => {
    setSelection((previous) => {
      const ids = new Set(previous.kind === "ids" ? previous.ids : []);
      if (on) ids.add(id);
      else ids.delete(id);
      return { kind: "ids", ids };
    });
  }, []);
  const shown = (scope: "bulk" | number) =>
    outcome && outcome.scope === scope ? <OutcomeLine outcome={outcome.outcome} /> : null;

  return (
    <div className="review-desk" data-testid="review-desk">
      <ReviewFilters filter={filter} onFilter={setFilter} counts={known} />
      <div className="stack review-main">
        <div className="review-bar">
          <Field
            label={t("authority.reason")}
            value={reason}
            onValue={setReason}
            placeholder={t("authority.reasonPlaceholder")}
            required
          />
          <p role="status" data-testid="review-matching">
            {known ? t("review.matching", { count: t.number(known.matching) }) : t("review.counting")}
            {" · "}
            {selection.kind === "filter"
              ? t("review.selectedAll", { count: t.number(selection.count) })
              : t("review.selected", { count: t.number(selectedCount) })}
          </p>
          <p>
            <button
              type="button"
              disabled={!known || known.matching === 0}
              onClick={() => known && setSelection({ kind: "filter", filter, count: known.matching })}
            >
              {t("review.selectAllMatching", { count: known ? t.number(known.matching) : "…" })}
            </button>{" "}
            <button
              type="button"
              className="secondary"
              disabled={selectedCount === 0}
              onClick={() => setSelection(none)}
            >
              {t("review.clearSelection")}
            </button>{" "}
            <button
              type="button"
              disabled={selectedCount === 0 || !reason}
              onClick={() => void decide("bulk", "approve")}
            >
              {t("review.approveSelection", { count: t.number(selectedCount) })}
            </button>{" "}
            <button
              type="button"
              className="secondary"
              disabled={selectedCount === 0 || !reason}
              onClick={() => void decide("bulk", "reject")}
            >
              {t("review.rejectSelection", { count: t.number(selectedCount) })}
            </button>
          </p>
          {shown("bulk")}
          <div className="check">
            <input
              id="review-grouped"
              type="checkbox"
              checked={grouped}
              onChange={(event) => setGrouped(event.target.checked)}
            />{" "}
            <label htmlFor="review-grouped">{t("review.groupByFinding")}</label>
          </div>
        </div>
        {pages.error ? <ErrorMessage error={pages.error} /> : null}
        {grouped ? (
          <FindingGroups
            filter={filter}
            counts={known}
            onSelectGroup={(group, count) => setSelection({ kind: "filter", filter: group, count })}
            table={(group) => (
              <GroupTable
                filter={group}
                isSelected={isSelected}
                selectionLocked={selection.kind === "filter"}
                onSelect={onSelect}
                focused={focused?.id ?? null}
                onFocus={setFocused}
                round={round}
              />
            )}
          />
        ) : pages.key !== null && pages.key === query && pages.targets.length === 0 && !pages.more ? (
          <p data-testid="queue-empty">{t("authority.queueEmpty")}</p>
        ) : (
          <ReviewTable
            targets={pages.key === query ? pages.targets : []}
            more={pages.key !== query || pages.more}
            loadMore={pages.loadMore}
            total={known?.matching ?? null}
            ready={pages.key === query ? query || "all" : null}
            isSelected={isSelected}
            selectionLocked={selection.kind === "filter"}
            onSelect={onSelect}
            focused={focused?.id ?? null}
            onFocus={setFocused}
            label={t("review.tableLabel")}
          />
        )}
        {focused && (
          <ReviewTargetDetail
            key={focused.id}
            target={focused}
            canDecide={reason.length > 0}
            onDecide={(decision) => void decide(focused.id, decision)}
            outcome={shown(focused.id)}
          />
        )}
        {queuesShown && <ReviewQueues reason={reason} round={round} onDone={refresh} />}
      </div>
    </div>
  );
}

async function sendDecision(
  scope: "bulk" | number,
  decision: "approve" | "reject",
  reason: string,
  selection: Selection,
): Promise<BulkAnswer> {
  if (scope !== "bulk") return api<BulkAnswer>(`/targets/${scope}/decision`, { body: { decision, reason } });
  if (selection.kind === "filter") {
    return api<BulkAnswer>("/targets/decisions", {
      body: { decision, reason, filter: filterBody(selection.filter), expected: selection.count },
    });
  }
  const ids = [...selection.ids];
  if (ids.length === 1) return api<BulkAnswer>(`/targets/${ids[0]}/decision`, { body: { decision, reason } });
  return api<BulkAnswer>("/targets/decisions", { body: { decision, reason, targets: ids } });
}

function OutcomeLine({ outcome }: { outcome: Outcome }) {
  if (outcome.kind === "refused") return <ErrorMessage error={outcome.error} />;
  return (
    <p role="status" className={outcome.kind === "done" ? "success" : "notice"} data-testid="review-outcome">
      {outcome.text}
    </p>
  );
}

/**
 * The queue grouped by finding: one line a code with how many targets have it, opened into the table of
 * those targets; the codes of info findings fold into one line, opened on demand.
 */
function FindingGroups({
  filter,
  counts,
  onSelectGroup,
  table,
}: {
  filter: ReviewFilter;
  counts: ReviewQueueCounts | null;
  onSelectGroup: (filter: ReviewFilter, count: number) => void;
  table: (filter: ReviewFilter) => ReactNode;
}) {
  const t = useT();
  const [open, setOpen] = useState<FindingCode | null>(null);
  const [infoOpen, setInfoOpen] = useState(false);
  if (!counts) return <p aria-busy="true">{t("loading")}</p>;
  const rows = counts.byCode.filter((row) => !filter.codes?.length || filter.codes.includes(row.code));
  const weighty = rows.filter((row) => row.severity !== "info");
  const info = rows.filter((row) => row.severity === "info");
  const group = (row: (typeof rows)[number]) => {
    const groupFilter = { ...filter, codes: [row.code] };
    return (
      <li
        key={row.code}
        className={`finding-group severity-${row.severity}`}
        data-testid={`group-${row.code}`}
      >
        <p>
          <button
            type="button"
            className="link"
            aria-expanded={open === row.code}
            onClick={() => setOpen(open === row.code ? null : row.code)}
          >
            <code>{row.code}</code>
          </button>{" "}
          {t("review.groupCount", { count: t.number(row.count) })}{" "}
          <button type="button" className="secondary" onClick={() => onSelectGroup(groupFilter, row.count)}>
            {t("review.selectGroup", { count: t.number(row.count) })}
          </button>
        </p>
        {open === row.code && table(groupFilter)}
      </li>
    );
  };
  return (
    <ul className="finding-groups" data-testid="finding-groups">
      {weighty.map(group)}
      {info.length > 0 && (
        <li className="finding-group severity-info">
          <p>
            <button
              type="button"
              className="link"
              aria-expanded={infoOpen}
              onClick={() => setInfoOpen(!infoOpen)}
            >
              {t("review.infoGroups", { codes: info.length })}
            </button>
          </p>
          {infoOpen && <ul className="finding-groups">{info.map(group)}</ul>}
        </li>
      )}
      {rows.length === 0 && <li className="hint">{t("review.noFindings")}</li>}
    </ul>
  );
}

function GroupTable({
  filter,
  round,
  ...table
}: {
  filter: ReviewFilter;
  round: number;
  isSelected: (id: number) => boolean;
  selectionLocked: boolean;
  onSelect: (id: number, on: boolean) => void;
  focused: number | null;
  onFocus: (target: QueuedTarget) => void;
}) {
  const t = useT();
  const pages = useReviewQueue(filter);
  const query = filterQuery(filter);
  const { reload } = pages;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a decision elsewhere on the desk reloads the group
  useMemo(() => round > 0 && reload(), [round]);
  return (
    <ReviewTable
      {...table}
      targets={pages.key === query ? pages.targets : []}
      more={pages.key !== query || pages.more}
      loadMore={pages.loadMore}
      total={null}
      ready={pages.key === query ? query : null}
      label={t("review.tableLabel")}
    />
  );
}
