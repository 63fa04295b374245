import { useState } from "react";
import { ApiError, api } from "../api.ts";
import { ActionForm } from "../components/action-form.tsx";
import { ErrorMessage, Show, StateBadge, useAction, useLoad } from "../components/common.tsx";
import { DataTable } from "../components/data-table.tsx";
import { Desk } from "../components/desk.tsx";
import { DurationField } from "../components/duration-field.tsx";
import { Field, FileField, SelectField, TextAreaField } from "../components/field.tsx";
import { type DurationPart, isoDuration } from "../duration.ts";
import { useT } from "../i18n.tsx";
import type { Health, Order, Target } from "../types.ts";
import { type AddresseeRole, addresseeRoles, isOneOf, measures } from "../vocabulary.ts";
import { addresseeRoleWord, measureWord } from "../words.ts";

export default function ApplicantDesk() {
  const t = useT();
  return (
    <Desk
      title={t("applicant.title")}
      roles={["applicant", "authority"]}
      sections={[
        { id: "order", label: t("applicant.submitOrder"), render: () => <SubmitOrder /> },
        { id: "targets", label: t("applicant.addTargets"), render: () => <AddTargets /> },
        { id: "mirrors", label: t("applicant.mirrors"), render: () => <RequestMirrors /> },
        { id: "follow", label: t("applicant.follow"), render: () => <Follow /> },
      ]}
    />
  );
}

/** The SHA-256 of the order's document, computed here: the server checks the upload against it. */
async function sha256Hex(file: Blob): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await file.arrayBuffer()));
  return [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

interface OrderDraft {
  kind: string;
  authority: string;
  jurisdiction: string;
  caseNumber: string;
  decisionDate: string;
  applicants: string;
  addressees: { name: string; role: AddresseeRole }[];
  measures: string[];
  deadline: DurationPart;
  validFrom: string;
  duration: DurationPart;
  extendsToMirrors: boolean;
  legalBasis: string;
  summary: string;
}

const emptyDraft: OrderDraft = {
  kind: "court-decision",
  authority: "",
  jurisdiction: "FR",
  caseNumber: "",
  decisionDate: "",
  applicants: "",
  addressees: [{ name: "", role: "operator" }],
  measures: ["dns-block"],
  deadline: { amount: 15, unit: "day" },
  validFrom: new Date().toISOString().slice(0, 10),
  duration: { amount: 12, unit: "month" },
  extendsToMirrors: false,
  legalBasis: "",
  summary: "",
};

/** The Paris court's 2013 Allostreaming order (data/demo/allostreaming-2013.yaml), in force from today. */
const demoDraft: OrderDraft = {
  ...emptyDraft,
  authority: "Tribunal de grande instance de Paris",
  caseNumber: "RG 11/60013",
  decisionDate: "2013-11-28",
  applicants: [
    "APC (Association des producteurs de cinéma)",
    "FNDF (Fédération nationale des distributeurs de films)",
    "SEVN (Syndicat de l'édition vidéo numérique)",
    "UPF (Union des producteurs de films)",
    "SPI (Syndicat des producteurs indépendants)",
  ].join("\n"),
  addressees: [
    ...["Orange", "Bouygues Télécom", "Numericable", "SFR", "Free", "Darty Télécom"].map((name) => ({
      name,
      role: "operator" as const,
    })),
    ...["Google", "Microsoft", "Yahoo"].map((name) => ({ name, role: "search-engine" as const })),
  ],
  measures: ["dns-block", "delist"],
  legalBasis: "Code de la propriété intellectuelle, art. L. 336-2",
};

function SubmitOrder() {
  const t = useT();
  const [draft, setDraft] = useState<OrderDraft>(emptyDraft);
  const [file, setFile] = useState<File | null>(null);
  const [hash, setHash] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState<Order | null>(null);
  // The demo's shortcut only where the server runs the demo: elsewhere it would file a real court's order.
  const [health] = useLoad((signal) => api<Health>("/health", { signal }), []);
  const submit = useAction(async () => {
    const body = {
      kind: draft.kind,
      authority: draft.authority,
      jurisdiction: draft.jurisdiction,
      caseNumber: draft.caseNumber,
      decisionDate: draft.decisionDate,
      applicants: lines(draft.applicants),
      addressees: draft.addressees
        .map((addressee) => ({ ...addressee, name: addressee.name.trim() }))
        .filter((addressee) => addressee.name !== ""),
      measures: draft.measures,
      deadline: isoDuration(draft.deadline),
      validity: { from: draft.validFrom, duration: isoDuration(draft.duration) },
      extendsToMirrors: draft.extendsToMirrors,
      ...(draft.legalBasis ? { legalBasis: draft.legalBasis } : {}),
      ...(draft.summary ? { summary: draft.summary } : {}),
      ...(hash ? { document: { sha256: hash } } : {}),
    };
    const answer = await api<{ order: Order }>("/orders", { body });
    if (file) {
      await api(`/orders/${answer.order.id}/document`, {
        raw: { data: file, type: file.type || "application/octet-stream" },
      });
    }
    setSubmitted(answer.order);
  });
  const field = (
    key:
      | "kind"
      | "authority"
      | "jurisdiction"
      | "caseNumber"
      | "decisionDate"
      | "applicants"
      | "validFrom"
      | "legalBasis",
  ) => ({
    id: `order-${key}`,
    value: String(draft[key]),
    onValue: (value: string) => setDraft({ ...draft, [key]: value }),
  });
  if (submitted) {
    return (
      <p className="success" role="status" data-testid="order-submitted">
        {t("applicant.orderSubmitted", { id: submitted.id, caseNumber: submitted.caseNumber })}
      </p>
    );
  }
  return (
    <ActionForm className="stack" onSubmit={submit.run}>
      {health.state === "ready" && health.value.demo && (
        <p>
          <button type="button" className="secondary" onClick={() => setDraft(demoDraft)}>
            {t("applicant.fillDemo")}
          </button>
        </p>
      )}
      <SelectField label={t("applicant.kind")} {...field("kind")}>
        <option value="court-decision">{t("applicant.court")}</option>
        <option value="authority-decision">{t("applicant.authorityDecision")}</option>
      </SelectField>
      <Field label={t("order.authority")} required {...field("authority")} />
      <Field label={t("applicant.jurisdiction")} required pattern="[A-Za-z]{2}" {...field("jurisdiction")} />
      <Field label={t("order.case")} required {...field("caseNumber")} />
      <Field label={t("order.decisionDate")} required type="date" {...field("decisionDate")} />
      <TextAreaField label={t("applicant.applicantsOnePerLine")} required {...field("applicants")} />
      <fieldset>
        <legend>{t("applicant.addressees")}</legend>
        {draft.addressees.map((addressee, index) => {
          const n = index + 1;
          const change = (next: Partial<(typeof draft.addressees)[number]>) =>
            setDraft({
              ...draft,
              addressees: draft.addressees.map((one, at) => (at === index ? { ...one, ...next } : one)),
            });
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; their place is their identity
            <div className="row" key={index}>
              <div>
                <Field
                  id={`order-addressee-${n}`}
                  label={t("applicant.addresseeName", { n })}
                  required={index === 0}
                  value={addressee.name}
                  onValue={(name) => change({ name })}
                />
              </div>
              <div>
                <SelectField
                  id={`order-addressee-role-${n}`}
                  label={t("applicant.addresseeRole", { n })}
                  value={addressee.role}
                  onValue={(role) => {
                    if (isOneOf(addresseeRoles, role)) change({ role });
                  }}
                >
                  {addresseeRoles.map((role) => (
                    <option key={role} value={role}>
                      {addresseeRoleWord(t, role)}
                    </option>
                  ))}
                </SelectField>
              </div>
              {draft.addressees.length > 1 && (
                <button
                  type="button"
                  className="secondary"
                  onClick={() =>
                    setDraft({ ...draft, addressees: draft.addressees.filter((_, at) => at !== index) })
                  }
                >
                  {t("applicant.removeAddressee", { n })}
                </button>
              )}
            </div>
          );
        })}
        <button
          type="button"
          className="secondary"
          onClick={() =>
            setDraft({ ...draft, addressees: [...draft.addressees, { name: "", role: "operator" }] })
          }
        >
          {t("applicant.addAddressee")}
        </button>
      </fieldset>
      <fieldset>
        <legend>{t("order.measures")}</legend>
        {measures.map((measure) => (
          <label key={measure} className="inline">
            <input
              type="checkbox"
              checked={draft.measures.includes(measure)}
              onChange={(event) =>
                setDraft({
                  ...draft,
                  measures: event.target.checked
                    ? [...draft.measures, measure]
                    : draft.measures.filter((candidate) => candidate !== measure),
                })
              }
            />{" "}
            {measureWord(t, measure)}
          </label>
        ))}
      </fieldset>
      <DurationField
        id="order-deadline"
        legend={t("applicant.deadline")}
        value={draft.deadline}
        onValue={(deadline) => setDraft({ ...draft, deadline })}
      />
      <Field label={t("applicant.validFrom")} required type="date" {...field("validFrom")} />
      <DurationField
        id="order-duration"
        legend={t("applicant.validFor")}
        value={draft.duration}
        onValue={(duration) => setDraft({ ...draft, duration })}
      />
      <label className="inline">
        <input
          type="checkbox"
          checked={draft.extendsToMirrors}
          onChange={(event) => setDraft({ ...draft, extendsToMirrors: event.target.checked })}
        />{" "}
        {t("applicant.extendsToMirrors")}
      </label>
      <Field label={t("order.legalBasis")} {...field("legalBasis")} />
      <FileField
        id="order-document"
        label={t("applicant.document")}
        accept="application/pdf,image/*"
        onFile={async (chosen) => {
          setFile(chosen ?? null);
          setHash(chosen ? await sha256Hex(chosen) : null);
        }}
      />
      {hash && (
        <p className="hint" data-testid="document-hash">
          SHA-256 <code>{hash}</code>
        </p>
      )}
      <ErrorMessage error={submit.error} />
      <button type="submit" disabled={submit.busy}>
        {t("applicant.submit")}
      </button>
    </ActionForm>
  );
}

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);

interface Rejected {
  index: number;
  line: number;
  input: string;
  code: string;
  message: string;
}

function useOwnOrders() {
  return useLoad((signal) => api<{ orders: Order[] }>("/orders", { signal }), []);
}

function OrderSelect({
  orders,
  value,
  onChange,
}: {
  orders: Order[];
  value: string;
  onChange: (id: string) => void;
}) {
  const t = useT();
  return (
    <SelectField id="targets-order" label={t("applicant.order")} value={value} onValue={onChange} required>
      <option value="">—</option>
      {orders.map((order) => (
        <option key={order.id} value={order.id}>
          {order.caseNumber} ({order.authority})
        </option>
      ))}
    </SelectField>
  );
}

function AddTargets() {
  const t = useT();
  const [orders] = useOwnOrders();
  const [orderId, setOrderId] = useState("");
  const [text, setText] = useState("");
  const [rejected, setRejected] = useState<Rejected[]>([]);
  const [added, setAdded] = useState<number | null>(null);
  const send = useAction(async (skipInvalid: boolean) => {
    setRejected([]);
    setAdded(null);
    try {
      const answer = await api<{ added: unknown[]; rejected: Rejected[] }>(`/orders/${orderId}/targets`, {
        body: { targets: lines(text), skipInvalid },
      });
      setAdded(answer.added.length);
      setRejected(answer.rejected);
    } catch (error) {
      const body = error instanceof ApiError ? (error.body as { rejected?: Rejected[] }) : undefined;
      if (body?.rejected) setRejected(body.rejected);
      throw error;
    }
  });
  return (
    <Show loaded={orders}>
      {({ orders: list }) => (
        <ActionForm className="stack" onSubmit={() => send.run(false)}>
          <OrderSelect orders={list} value={orderId} onChange={setOrderId} />
          <TextAreaField label={t("applicant.targetsPaste")} rows={10} value={text} onValue={setText} />
          <FileField
            id="targets-file"
            label={t("applicant.targetsFile")}
            accept=".txt,.csv,text/plain,text/csv"
            onFile={async (chosen) => {
              if (chosen) setText(await chosen.text());
            }}
          />
          <ErrorMessage error={send.error} />
          {rejected.length > 0 && (
            <div role="alert" data-testid="rejected-lines">
              <p>{t("applicant.rejectedLines", { count: rejected.length })}</p>
              <DataTable columns={[t("applicant.line"), t("applicant.input"), t("applicant.why")]}>
                {rejected.map((line) => (
                  <tr key={line.index}>
                    <td>{line.line}</td>
                    <td>
                      <code>{line.input}</code>
                    </td>
                    <td>
                      <code>{line.code}</code> {line.message}
                    </td>
                  </tr>
                ))}
              </DataTable>
              <button type="button" className="secondary" onClick={() => void send.run(true)}>
                {t("applicant.skipInvalid")}
              </button>
            </div>
          )}
          {added !== null && (
            <p className="success" role="status" data-testid="targets-added">
              {t("applicant.added", { count: added })}
            </p>
          )}
          <button type="submit" disabled={send.busy || !orderId}>
            {t("applicant.sendTargets")}
          </button>
        </ActionForm>
      )}
    </Show>
  );
}

interface MirrorAnswer {
  candidateId: number;
  target: { id: number; value: string };
  score: number;
  verdict: string;
  explanation: string;
  signals: { signal: string; matched: boolean; points: number; detail: string }[];
}

/**
 * Mirrors: new names copying a blocked site, under an order that extends to mirrors. Each name is
 * fetched and scored by decree, then queued for the authority with its evidence.
 */
function RequestMirrors() {
  const t = useT();
  const [orders] = useOwnOrders();
  const [orderId, setOrderId] = useState("");
  const [text, setText] = useState("");
  const [unavailable, setUnavailable] = useState(false);
  const [answers, setAnswers] = useState<MirrorAnswer[]>([]);
  const request = useAction(async () => {
    setAnswers([]);
    for (const name of lines(text)) {
      try {
        const answer = await api<MirrorAnswer>(`/orders/${orderId}/mirrors`, { body: { name } });
        setAnswers((previous) => [...previous, answer]);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404 && error.code === "NOT_FOUND") {
          setUnavailable(true);
          return;
        }
        throw error;
      }
    }
  });
  return (
    <Show loaded={orders}>
      {({ orders: list }) => (
        <ActionForm className="stack" onSubmit={request.run}>
          <p className="hint">{t("applicant.mirrorsHint")}</p>
          <OrderSelect
            orders={list.filter((order) => order.extendsToMirrors)}
            value={orderId}
            onChange={setOrderId}
          />
          <TextAreaField
            id="mirror-names"
            label={t("applicant.mirrorNames")}
            rows={5}
            value={text}
            onValue={setText}
          />
          <ErrorMessage error={request.error} />
          {unavailable && <p className="notice">{t("notAvailableYet")}</p>}
          {answers.map((answer) => (
            <div key={answer.candidateId} className="card" role="status">
              <p>
                <strong>{answer.target.value}</strong> — {t("applicant.mirrorScore", { score: answer.score })}{" "}
                ({answer.verdict}): {answer.explanation}
              </p>
              <ul className="plain">
                {answer.signals.map((signal) => (
                  <li key={signal.signal}>
                    {signal.matched ? "✔" : "✘"} {signal.signal}: {signal.detail}
                  </li>
                ))}
              </ul>
            </div>
          ))}
          <button type="submit" disabled={!orderId || request.busy}>
            {t("applicant.requestMirrors")}
          </button>
        </ActionForm>
      )}
    </Show>
  );
}

function Follow() {
  const [orders] = useOwnOrders();
  const [orderId, setOrderId] = useState("");
  const [targets] = useLoad(
    (signal) =>
      orderId
        ? api<{ targets: Target[] }>(`/orders/${orderId}/targets?limit=500`, { signal })
        : Promise.resolve({ targets: [] }),
    [orderId],
  );
  return (
    <Show loaded={orders}>
      {({ orders: list }) => (
        <>
          <OrderSelect orders={list} value={orderId} onChange={setOrderId} />
          <Show loaded={targets}>
            {({ targets: rows }) => (
              <ul className="plain">
                {rows.map((target) => (
                  <li key={target.id}>
                    {target.display} <StateBadge state={target.state} />
                  </li>
                ))}
              </ul>
            )}
          </Show>
        </>
      )}
    </Show>
  );
}
