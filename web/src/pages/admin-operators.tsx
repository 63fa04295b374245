import { useState } from "react";
import { api } from "../api.ts";
import { ActionForm } from "../components/action-form.tsx";
import { ErrorMessage, Show, useAction, useLoad } from "../components/common.tsx";
import { Field, SelectField } from "../components/field.tsx";
import { SecretShownOnce } from "../components/secret-shown-once.tsx";
import { useT } from "../i18n.tsx";

const enforcerKinds = ["isp", "public-resolver", "vpn", "search-engine"] as const;
type EnforcerKind = (typeof enforcerKinds)[number];

interface Operator {
  id: number;
  name: string;
  kind: EnforcerKind;
  tsig: { keyName: string } | null;
  previousKey: { keyName: string; validUntil: string } | null;
}

/**
 * The operators, as `decree operators list|update|rekey` shows and changes them (GET and PATCH /operators,
 * POST /operators/NAME/rekey). What a change answers is kept here, above the list: the list is drawn again
 * after each change, and a new secret must outlive that.
 */
export function Operators() {
  const t = useT();
  const [operators, reload] = useLoad(
    (signal) => api<{ operators: Operator[] }>("/operators", { signal }),
    [],
  );
  const [saved, setSaved] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ name: string; secret: string | null } | null>(null);
  const save = useAction(async (name: string, kind: string) => {
    setSaved(null);
    await api(`/operators/${encodeURIComponent(name)}`, { method: "PATCH", body: { kind } });
    setSaved(name);
    reload();
  });
  const rekey = useAction(async (name: string, grace: string) => {
    setSecret(null);
    const answer = await api<{ secret: string | null }>(`/operators/${encodeURIComponent(name)}/rekey`, {
      body: { grace },
    });
    setSecret({ name, secret: answer.secret });
    reload();
  });
  return (
    <>
      <ErrorMessage error={save.error} />
      <ErrorMessage error={rekey.error} />
      {saved && (
        <p className="success" role="status">
          {t("operators.kindSaved", { name: saved })}
        </p>
      )}
      {secret && (
        <SecretShownOnce secret={secret.secret} label={t("operators.newSecret", { name: secret.name })} />
      )}
      <Show loaded={operators}>
        {({ operators: list }) => (
          <ul className="plain">
            {list.map((operator) => (
              <OperatorItem
                key={operator.id}
                operator={operator}
                busy={save.busy || rekey.busy}
                onSave={(kind) => save.run(operator.name, kind)}
                onRekey={(grace) => rekey.run(operator.name, grace)}
              />
            ))}
          </ul>
        )}
      </Show>
    </>
  );
}

function OperatorItem({
  operator,
  busy,
  onSave,
  onRekey,
}: {
  operator: Operator;
  busy: boolean;
  onSave: (kind: string) => unknown;
  onRekey: (grace: string) => unknown;
}) {
  const t = useT();
  const [kind, setKind] = useState<string>(operator.kind);
  const [grace, setGrace] = useState("7d");
  return (
    <li data-testid={`operator-${operator.name}`}>
      <h3>
        {operator.name} · {t(`operators.kind.${operator.kind}`)}
      </h3>
      <p>
        {operator.tsig ? t("operators.key", { key: operator.tsig.keyName }) : t("operators.noKey")}
        {operator.previousKey &&
          ` · ${t("operators.previousKey", {
            key: operator.previousKey.keyName,
            until: t.dateTime(operator.previousKey.validUntil),
          })}`}
      </p>
      <ActionForm className="row" onSubmit={() => onSave(kind)}>
        <SelectField
          id={`operator-kind-${operator.id}`}
          label={t("operators.kindOf", { name: operator.name })}
          value={kind}
          onValue={setKind}
        >
          {enforcerKinds.map((candidate) => (
            <option key={candidate} value={candidate}>
              {t(`operators.kind.${candidate}`)}
            </option>
          ))}
        </SelectField>
        <button type="submit" disabled={busy}>
          {t("operators.saveKind")}
        </button>
      </ActionForm>
      {operator.tsig && (
        <ActionForm className="row" onSubmit={() => onRekey(grace)}>
          <Field
            id={`operator-grace-${operator.id}`}
            label={t("operators.grace", { name: operator.name })}
            required
            value={grace}
            onValue={setGrace}
          />
          <button type="submit" className="secondary" disabled={busy}>
            {t("operators.rekey")}
          </button>
        </ActionForm>
      )}
    </li>
  );
}
