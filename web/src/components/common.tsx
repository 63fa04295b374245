import { type ReactNode, useEffect, useState } from "react";
import { ApiError, isNotAvailable } from "../api.ts";
import { type MessageKey, useT } from "../i18n.tsx";

export type Loaded<T> =
  | { state: "loading" }
  | { state: "ready"; value: T }
  | { state: "unavailable" }
  | { state: "failed"; error: unknown };

/** Loads once per change of `deps`; a 404 of a route not shipped yet is "unavailable", not a failure. */
export function useLoad<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: unknown[],
): [Loaded<T>, () => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: "loading" });
  const [round, setRound] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller lists what the load depends on
  useEffect(() => {
    const controller = new AbortController();
    setLoaded({ state: "loading" });
    load(controller.signal).then(
      (value) => !controller.signal.aborted && setLoaded({ state: "ready", value }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setLoaded(isNotAvailable(error) ? { state: "unavailable" } : { state: "failed", error });
      },
    );
    return () => controller.abort();
  }, [...deps, round]);
  return [loaded, () => setRound((value) => value + 1)];
}

/** Shows what a load gave, or why it gave nothing. */
export function Show<T>({ loaded, children }: { loaded: Loaded<T>; children: (value: T) => ReactNode }) {
  const t = useT();
  switch (loaded.state) {
    case "loading":
      return <p aria-busy="true">{t("loading")}</p>;
    case "unavailable":
      return (
        <p className="notice" data-testid="not-available">
          {t("notAvailableYet")}
        </p>
      );
    case "failed":
      return <ErrorMessage error={loaded.error} />;
    default:
      return <>{children(loaded.value)}</>;
  }
}

export function ErrorMessage({ error }: { error: unknown }) {
  const t = useT();
  if (!error) return null;
  // The registry says the detail in the UI's language (Accept-Language); the code stays as evidence.
  if (error instanceof ApiError) {
    return (
      <p className="error" role="alert">
        {t("refused")} {error.detail} <code>{error.code}</code>
      </p>
    );
  }
  return (
    <p className="error" role="alert">
      {t("refused")} {error instanceof Error ? error.message : String(error)}
    </p>
  );
}

const stateKeys: Record<string, MessageKey> = {
  proposed: "state.proposed",
  approved: "state.approved",
  active: "state.active",
  suspended: "state.suspended",
  lifted: "state.lifted",
  expired: "state.expired",
  rejected: "state.rejected",
  open: "state.open",
  upheld: "state.upheld",
};

export function StateBadge({ state }: { state: string }) {
  const t = useT();
  const key = stateKeys[state];
  return <span className={`badge badge-${state}`}>{key ? t(key) : state}</span>;
}

export function SeverityBadge({ severity }: { severity: string }) {
  return <span className={`badge severity-${severity}`}>{severity}</span>;
}

/** A block of text with a button that copies it, for configuration snippets and secrets shown once. */
export function CopyBlock({ text, label }: { text: string; label: string }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  return (
    <div className="copy-block">
      <pre>{text}</pre>
      <button
        type="button"
        aria-label={`${copied ? t("copied") : t("copy")}: ${label}`}
        onClick={() =>
          navigator.clipboard?.writeText(text).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? t("copied") : t("copy")}
      </button>
    </div>
  );
}

/** Runs a mutation, keeping its error to show beside the control that caused it. */
export function useAction<A extends unknown[], R>(
  action: (...args: A) => Promise<R>,
): { run: (...args: A) => Promise<R | undefined>; busy: boolean; error: unknown } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (...args: A) => {
    setBusy(true);
    setError(null);
    try {
      return await action(...args);
    } catch (caught) {
      setError(caught);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error };
}
