import { useState } from "react";
import { api } from "../api.ts";
import { BarChart } from "../components/charts.tsx";
import { CopyBlock, ErrorMessage, Show, useAction, useLoad } from "../components/common.tsx";
import { Desk } from "../components/desk.tsx";
import { useT } from "../i18n.tsx";
import { loadProbes, medianSeconds } from "../probes.ts";
import { useSession } from "../session.tsx";
import type { AckContradiction, CanaryCompliance } from "../types.ts";

interface Feeds {
  zone: string;
  serial: number;
  publicKey: string;
  keyId: string;
  formats: { format: string; description: string; url: string; signature: string }[];
}

export default function OperatorDesk() {
  const t = useT();
  return (
    <Desk
      title={t("operator.title")}
      roles={["operator", "search-engine"]}
      sections={[
        { id: "release", label: t("operator.release"), render: () => <Release /> },
        { id: "connect", label: t("operator.connect"), render: () => <Connect /> },
        { id: "compliance", label: t("operator.compliance"), render: () => <OwnCompliance /> },
      ]}
    />
  );
}

function Release() {
  const t = useT();
  const [feeds, reload] = useLoad((signal) => api<Feeds>("/feeds", { signal }), []);
  const [checkpoint] = useLoad((signal) => api<string>("/log/checkpoint", { signal }), []);
  const [acked, setAcked] = useState<number | null>(null);
  const ack = useAction(async (serial: number) => {
    await api(`/releases/${serial}/ack`, { body: {} });
    setAcked(serial);
    reload();
  });
  return (
    <>
      <Show loaded={feeds}>
        {(value) => (
          <>
            <p className="big" data-testid="current-serial">
              {t("operator.serial", { serial: value.serial, zone: value.zone })}
            </p>
            <button type="button" onClick={() => void ack.run(value.serial)} disabled={ack.busy}>
              {t("operator.ack", { serial: value.serial })}
            </button>
            <ErrorMessage error={ack.error} />
            {acked !== null && (
              <p className="success" role="status">
                {t("operator.acked", { serial: acked })}
              </p>
            )}
          </>
        )}
      </Show>
      <h2>{t("log.checkpoint")}</h2>
      <Show loaded={checkpoint}>{(text) => <CopyBlock text={text} label={t("log.checkpoint")} />}</Show>
    </>
  );
}

// The kinds `decree operators config --for` knows (src/publish/resolver-config.ts), without the old alias "knot".
const resolverKinds = [
  "unbound",
  "bind",
  "powerdns",
  "powerdns-5",
  "knot-resolver",
  "knot-resolver-6",
  "nsd",
  "knot-dns",
] as const;

function Connect() {
  const t = useT();
  const [kind, setKind] = useState<(typeof resolverKinds)[number]>("unbound");
  const [config] = useLoad((signal) => api<string>(`/operators/own/config?for=${kind}`, { signal }), [kind]);
  const [feeds] = useLoad((signal) => api<Feeds>("/feeds", { signal }), []);
  return (
    <>
      <h2>{t("operator.resolverConfig")}</h2>
      <fieldset className="tabs">
        <legend className="visually-hidden">{t("operator.resolverConfig")}</legend>
        {resolverKinds.map((candidate) => (
          <button
            key={candidate}
            type="button"
            aria-pressed={candidate === kind}
            onClick={() => setKind(candidate)}
          >
            {candidate}
          </button>
        ))}
      </fieldset>
      <Show loaded={config}>{(text) => <CopyBlock text={text} label={`${kind} configuration`} />}</Show>
      <h2>{t("operator.feeds")}</h2>
      <Show loaded={feeds}>
        {(value) => (
          <>
            <p>
              {t("operator.signingKey")} <code>{value.publicKey}</code> ({value.keyId})
            </p>
            <ul className="plain">
              {value.formats.map((format) => (
                <li key={format.format}>
                  <a href={format.url}>{`${location.origin}${format.url}`}</a> — {format.description} (
                  <a href={format.signature}>{t("operator.signature")}</a>)
                </li>
              ))}
            </ul>
          </>
        )}
      </Show>
    </>
  );
}

interface Acks {
  latestRelease: { serial: number; createdAt: string } | null;
  acknowledgments: {
    id: number;
    serial: number;
    at: string;
    timeToAckMs: number;
    contradictions?: AckContradiction[];
  }[];
}

function OwnCompliance() {
  const t = useT();
  const { user } = useSession();
  const organisation = user?.organisationName ?? "";
  const [acks] = useLoad((signal) => api<Acks>("/compliance/acks?limit=50", { signal }), []);
  const [probes] = useLoad((signal) => loadProbes(signal, organisation), [organisation]);
  return (
    <>
      <h2>{t("operator.acks")}</h2>
      <Show loaded={acks}>
        {(value) => (
          <ul className="plain">
            {value.acknowledgments.map((ack) => (
              <li key={ack.id}>
                {t("operator.ackLine", {
                  serial: ack.serial,
                  at: t.dateTime(ack.at),
                  seconds: Math.round(ack.timeToAckMs / 1000),
                })}
                {(ack.contradictions ?? []).map((flag) => (
                  <strong key={flag.resolver} className="flag">
                    {" "}
                    {t("canary.ackContradicted", {
                      code: flag.code,
                      resolver: flag.resolver,
                      observed: flag.observedSerial ?? "-",
                      at: t.dateTime(flag.observedAt),
                    })}
                  </strong>
                ))}
              </li>
            ))}
          </ul>
        )}
      </Show>
      <h2>{t("operator.measured")}</h2>
      <Show loaded={probes}>
        {(list) => {
          if (list === null || list.length === 0) return <p>{t("operator.notMeasured")}</p>;
          return (
            <>
              <ul className="plain">
                {list.map((item) => (
                  <li key={item.operator}>
                    {item.shareEnforced === null
                      ? t("operator.probeLineNotMeasured", {
                          operator: item.operator,
                          over: item.counts.overBlocked,
                        })
                      : t("operator.probeLine", {
                          operator: item.operator,
                          share: Math.round(item.shareEnforced * 100),
                          p50: medianSeconds(item) ?? "—",
                          over: item.counts.overBlocked,
                        })}
                    <CanaryLines value={item} />
                  </li>
                ))}
              </ul>
              <div className="charts">
                <BarChart
                  id="chart-own-compliance"
                  title={t("stats.compliance")}
                  points={list.map((item) => ({ label: item.operator, value: item.shareEnforced }))}
                  format={t.percent}
                  step={0.01}
                />
                <BarChart
                  id="chart-own-time-to-enforce"
                  title={t("stats.timeToEnforce")}
                  points={list.map((item) => ({ label: item.operator, value: medianSeconds(item) }))}
                  step={0.1}
                />
              </div>
            </>
          );
        }}
      </Show>
    </>
  );
}

/** Each resolver's canary: the serial it applied, measured, beside the operator's word above. */
function CanaryLines({ value }: { value: Partial<CanaryCompliance> }) {
  const t = useT();
  if (!value.canaries || value.canaries.length === 0) return null;
  const seconds = (ms: number | null | undefined) => (ms == null ? "-" : Math.round(ms / 1000));
  return (
    <>
      <h3>{t("canary.heading")}</h3>
      <ul className="plain">
        {value.canaries.map((canary) => (
          <li key={canary.resolver}>
            {canary.appliedSerial === null
              ? t("canary.resolverUnknown", { resolver: canary.resolver, problem: canary.problem ?? "-" })
              : t("canary.resolverLine", {
                  resolver: canary.resolver,
                  serial: canary.appliedSerial,
                  behind: canary.releasesBehind ?? 0,
                  lag: seconds(canary.lagMs),
                  at: canary.observedAt ? t.dateTime(canary.observedAt) : "-",
                })}
          </li>
        ))}
      </ul>
      <p>
        {t("canary.times", {
          apply: seconds(value.timeToApply?.p50Ms),
          lift: seconds(value.timeToLift?.p50Ms),
          acks: value.contradictedAcks ?? 0,
        })}
      </p>
    </>
  );
}
