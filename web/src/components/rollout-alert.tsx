import { useState } from "react";
import { api } from "../api.ts";
import { useT } from "../i18n.tsx";
import { ActionForm } from "./action-form.tsx";
import { ErrorMessage, Show, useAction, useLoad } from "./common.tsx";
import { Field } from "./field.tsx";

interface Rollout {
  serial: number;
  state: "staged" | "halted";
  startedAt: string;
  haltedAt: string | null;
  halt: { overBlocked: { operator: string; resolver: string; name: string; answer: string }[] } | null;
  targetIds: number[];
}

/**
 * The staged release, for the authority: served to canary operators only; when a canary over-blocked a control
 * name it halted, and nothing more goes to the other operators until someone here proceeds or withdraws.
 */
export function RolloutAlert() {
  const t = useT();
  const [loaded, reload] = useLoad(
    (signal) => api<{ rollout: Rollout | null }>("/releases/rollout", { signal }),
    [],
  );
  const [reason, setReason] = useState("");
  const decide = useAction(async (serial: number, decision: "proceed" | "withdraw") => {
    await api(`/releases/${serial}/${decision}`, { body: { reason } });
    setReason("");
    reload();
  });
  return (
    <Show loaded={loaded}>
      {({ rollout }) =>
        rollout === null ? (
          <p data-testid="rollout-none">{t("rollout.none")}</p>
        ) : (
          <section
            className={rollout.state === "halted" ? "error" : "notice"}
            role={rollout.state === "halted" ? "alert" : "status"}
            data-testid="rollout"
          >
            <p>
              {t(rollout.state === "halted" ? "rollout.halted" : "rollout.staged", {
                serial: rollout.serial,
                entries: rollout.targetIds.length,
              })}
            </p>
            {rollout.halt && rollout.halt.overBlocked.length > 0 && (
              <ul>
                {rollout.halt.overBlocked.map((o) => (
                  <li key={`${o.operator} ${o.resolver} ${o.name}`}>
                    {t("rollout.overBlocked", { name: o.name, operator: o.operator, answer: o.answer })}
                  </li>
                ))}
              </ul>
            )}
            <ActionForm className="stack" onSubmit={() => decide.run(rollout.serial, "proceed")}>
              <Field label={t("rollout.reason")} value={reason} onValue={setReason} required />
              <p>
                <button type="submit" disabled={decide.busy || !reason}>
                  {t("rollout.proceed")}
                </button>{" "}
                <button
                  type="button"
                  disabled={decide.busy || !reason}
                  onClick={() => void decide.run(rollout.serial, "withdraw")}
                >
                  {t("rollout.withdraw")}
                </button>
              </p>
            </ActionForm>
            <ErrorMessage error={decide.error} />
          </section>
        )
      }
    </Show>
  );
}
