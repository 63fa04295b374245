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

/** The stored answers of the rollout's last look at the canaries (verify/rollout/rollout-controls.ts). */
interface Controls {
  runs: number;
  lastRunAt: string | null;
  measurements: {
    id: number;
    operator: string;
    resolver: string;
    name: string;
    verdict: string;
    rcode: string | null;
    answers: string[];
  }[];
}

const controlMessage = (verdict: string, rcode: string | null) =>
  rcode === null || verdict === "error"
    ? "rollout.controlUnanswered"
    : verdict === "over-blocked"
      ? "rollout.controlOverBlocked"
      : "rollout.controlResolves";

/**
 * The staged release, for the authority: served to canary operators only; when a canary over-blocked a control
 * name it halted, and nothing more goes to the other operators until someone here proceeds or withdraws.
 */
export function RolloutAlert() {
  const t = useT();
  const [loaded, reload] = useLoad(
    (signal) => api<{ rollout: Rollout | null; controls: Controls | null }>("/releases/rollout", { signal }),
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
      {({ rollout, controls }) =>
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
            {controls && controls.lastRunAt !== null && (
              <>
                <p>{t("rollout.controls", { runs: controls.runs, at: controls.lastRunAt })}</p>
                <ul data-testid="rollout-controls">
                  {controls.measurements.map((m) => (
                    <li key={m.id}>
                      {t(controlMessage(m.verdict, m.rcode), {
                        name: m.name,
                        operator: m.operator,
                        resolver: m.resolver,
                        answer: `${m.rcode ?? ""} ${m.answers.join(" ")}`.trim(),
                      })}
                    </li>
                  ))}
                </ul>
              </>
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
