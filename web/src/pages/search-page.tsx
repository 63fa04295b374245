import { useEffect, useId, useState } from "react";
import { Link, useLocation, useSearch } from "wouter";
import { api } from "../api.ts";
import { ActionForm } from "../components/action-form.tsx";
import { ErrorMessage, Show, StateBadge, useAction, useLoad } from "../components/common.tsx";
import { Field, TextAreaField } from "../components/field.tsx";
import { useT } from "../i18n.tsx";
import type { FoundEntry, SearchAnswer } from "../types.ts";

/** The portal's front page: the query lives in the address (`/?q=NAME`), so a result can be linked. */
export function SearchPage() {
  const t = useT();
  const search = useSearch();
  const [, navigate] = useLocation();
  const query = new URLSearchParams(search).get("q") ?? "";
  const [typed, setTyped] = useState(query);
  useEffect(() => setTyped(query), [query]);
  const inputId = useId();
  const submit = () => {
    const next = typed.trim();
    // A real navigation entry, so that Back returns to the previous search.
    navigate(next ? `/?q=${encodeURIComponent(next)}` : "/");
  };
  return (
    <>
      <h1>{t("search.title")}</h1>
      <p className="lead">{t("search.lead")}</p>
      <search>
        <ActionForm onSubmit={submit} className="search">
          <label htmlFor={inputId}>{t("search.label")}</label>
          <div className="row">
            <input
              id={inputId}
              name="q"
              type="search"
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              placeholder="allostreaming.com"
              autoComplete="off"
              spellCheck={false}
              inputMode="url"
            />
            <button type="submit">{t("search.submit")}</button>
          </div>
        </ActionForm>
      </search>
      {query && <SearchResult query={query} />}
    </>
  );
}

function SearchResult({ query }: { query: string }) {
  const t = useT();
  const [loaded] = useLoad(
    (signal) => api<SearchAnswer>(`/public/entries?q=${encodeURIComponent(query)}`, { signal }),
    [query],
  );
  return (
    <section aria-live="polite" aria-labelledby="result-title" className="result" data-testid="search-result">
      <Show loaded={loaded}>
        {(answer) => (
          <>
            <h2
              id="result-title"
              data-testid="verdict"
              className={answer.blocked ? "blocked" : "not-blocked"}
            >
              {answer.refusal
                ? t("search.invalid", { query: answer.query })
                : answer.blocked
                  ? t("search.blocked", { name: answer.name ?? answer.query })
                  : t("search.notBlocked", { name: answer.name ?? answer.query })}
            </h2>
            {answer.refusal && (
              <p>
                {t("search.invalidWhy")} <code>{answer.refusal}</code>
              </p>
            )}
            {answer.entries.length > 0 && (
              <ul className="entries">
                {answer.entries.map((entry) => (
                  <EntryCard key={entry.targetId} entry={entry} />
                ))}
              </ul>
            )}
          </>
        )}
      </Show>
    </section>
  );
}

function EntryCard({ entry }: { entry: FoundEntry }) {
  const t = useT();
  const [appealing, setAppealing] = useState(false);
  return (
    <li className="card" data-testid={`entry-${entry.value}`}>
      <p>
        <strong>{entry.display}</strong> {entry.kind === "domain" && <span>{t("search.andBelow")}</span>}{" "}
        <StateBadge state={entry.state} />
      </p>
      {entry.state === "active" && entry.blockedNow === false && (
        <p data-testid="outside-window">
          {t("search.outsideWindow")}{" "}
          <Link href={`/portal/orders/${entry.order.id}`}>{t("search.seeWindows")}</Link>
        </p>
      )}
      <dl>
        <dt>{t("search.order")}</dt>
        <dd>
          <Link href={`/portal/orders/${entry.order.id}`}>
            {entry.order.authority}, {entry.order.caseNumber} ({t.date(entry.order.decisionDate)})
          </Link>
        </dd>
        <dt>{t("search.since")}</dt>
        <dd>{t.dateTime(entry.validFrom)}</dd>
        <dt>{t("search.until")}</dt>
        <dd>{t.dateTime(entry.validUntil)}</dd>
      </dl>
      {entry.proof && (
        <p>
          <Link href={`/portal/log?index=${entry.proof.index}`}>{t("search.verifyInLog")}</Link>
        </p>
      )}
      <p className="how-to-appeal">{t("search.howToAppeal")}</p>
      {entry.state === "active" || entry.state === "approved" ? (
        appealing ? (
          <AppealForm entry={entry} />
        ) : (
          <button type="button" onClick={() => setAppealing(true)}>
            {t("appeal.open")}
          </button>
        )
      ) : null}
    </li>
  );
}

function AppealForm({ entry }: { entry: FoundEntry }) {
  const t = useT();
  const [reason, setReason] = useState("");
  const [contact, setContact] = useState("");
  const [filed, setFiled] = useState<{ follow: string; id: number } | null>(null);
  const file = useAction(() =>
    api<{ id: number; follow: string }>("/appeals", {
      body: { target: String(entry.targetId), reason, contact, order: entry.order.id },
    }),
  );
  const reasonId = useId();
  if (filed) {
    return (
      <p className="success" role="status" data-testid="appeal-filed">
        {t("appeal.filed", { id: filed.id })} <a href={filed.follow}>{t("appeal.follow")}</a>
      </p>
    );
  }
  return (
    <ActionForm
      className="appeal"
      onSubmit={async () => {
        const answer = await file.run();
        if (answer) setFiled(answer);
      }}
    >
      <h3>{t("appeal.title", { name: entry.display })}</h3>
      <TextAreaField
        id={reasonId}
        label={t("appeal.reason")}
        required
        maxLength={5000}
        value={reason}
        onValue={setReason}
        aria-describedby={`${reasonId}-hint`}
      />
      <p id={`${reasonId}-hint`} className="hint">
        {t("appeal.reasonHint")}
      </p>
      <Field
        label={t("appeal.contact")}
        type="email"
        required
        value={contact}
        onValue={setContact}
        autoComplete="email"
      />
      <ErrorMessage error={file.error} />
      <button type="submit" disabled={file.busy}>
        {t("appeal.submit")}
      </button>
    </ActionForm>
  );
}
