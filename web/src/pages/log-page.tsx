import { useState } from "react";
import { useSearch } from "wouter";
import { api, apiText } from "../api.ts";
import { ActionForm } from "../components/action-form.tsx";
import { CopyBlock, ErrorMessage, Show, useAction, useLoad } from "../components/common.tsx";
import { Field } from "../components/field.tsx";
import { useT } from "../i18n.tsx";
import { fromBase64, parseCheckpoint, rootFromInclusionProof, sameBytes, toBase64 } from "../merkle.ts";

interface InclusionProof {
  index: number;
  treeSize: number;
  leafHash: string;
  rootHash: string;
  proof: string[];
}

interface LogEntry {
  index: number;
  eventId: number;
  leaf: unknown;
  leafHash: string;
}

type Verdict =
  | { ok: true; root: string; size: number; entry: LogEntry | null }
  | { ok: false; reason: string };

/** The log's latest signed checkpoint, and "verify this entry": its inclusion proof checked here, in the browser. */
export function LogPage() {
  const t = useT();
  const [checkpoint] = useLoad((signal) => api<string>("/log/checkpoint", { signal }), []);
  const [index, setIndex] = useState(new URLSearchParams(useSearch()).get("index") ?? "0");
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const verify = useAction(async (leafIndex: number) => {
    const text = await apiText("/log/checkpoint");
    const parsed = parseCheckpoint(text);
    if (!parsed) return { ok: false, reason: t("log.badCheckpoint") } as const;
    if (leafIndex >= parsed.size)
      return { ok: false, reason: t("log.beyond", { size: parsed.size }) } as const;
    const proof = await api<InclusionProof>(`/log/proof/inclusion?index=${leafIndex}&size=${parsed.size}`);
    const entries = await api<{ entries: LogEntry[] }>(
      `/log/entries?start=${leafIndex}&end=${leafIndex + 1}`,
    ).catch(() => ({ entries: [] }));
    const root = await rootFromInclusionProof(
      leafIndex,
      parsed.size,
      fromBase64(proof.leafHash),
      proof.proof.map(fromBase64),
    );
    if (!root) return { ok: false, reason: t("log.proofShape") } as const;
    const entry = entries.entries[0];
    // The leaf the log lists at this index must be the leaf the proof starts from.
    if (entry && entry.leafHash !== proof.leafHash)
      return { ok: false, reason: t("log.proofShape") } as const;
    if (!sameBytes(root, fromBase64(parsed.rootHash))) {
      return {
        ok: false,
        reason: t("log.mismatch", { computed: toBase64(root), signed: parsed.rootHash }),
      } as const;
    }
    return { ok: true, root: parsed.rootHash, size: parsed.size, entry: entry ?? null } as const;
  });
  const submit = async () => {
    setVerdict((await verify.run(Number(index))) ?? null);
  };
  return (
    <>
      <h1>{t("log.title")}</h1>
      <p className="lead">{t("log.lead")}</p>
      <h2>{t("log.checkpoint")}</h2>
      <Show loaded={checkpoint}>{(text) => <CopyBlock text={text} label={t("log.checkpoint")} />}</Show>
      <h2>{t("log.verify")}</h2>
      <ActionForm onSubmit={submit} className="row">
        <Field
          label={t("log.index")}
          type="number"
          min={0}
          value={index}
          onValue={setIndex}
          inputMode="numeric"
        />
        <button type="submit" disabled={verify.busy}>
          {t("log.verifyButton")}
        </button>
      </ActionForm>
      <ErrorMessage error={verify.error} />
      {verdict && (
        <div role="status" data-testid="log-verdict" className={verdict.ok ? "success" : "error"}>
          {verdict.ok ? (
            <>
              <p>{t("log.verified", { index, size: verdict.size })}</p>
              <p>
                <code>{verdict.root}</code>
              </p>
              {verdict.entry && <pre>{JSON.stringify(verdict.entry.leaf, null, 2)}</pre>}
            </>
          ) : (
            <p>{verdict.reason}</p>
          )}
        </div>
      )}
    </>
  );
}
