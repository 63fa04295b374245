import { useState } from "react";
import { api } from "../api.ts";
import { ActionForm } from "../components/action-form.tsx";
import { CopyBlock, ErrorMessage, Show, useAction, useLoad } from "../components/common.tsx";
import { DataTable } from "../components/data-table.tsx";
import { Desk } from "../components/desk.tsx";
import { Field, NumberField, SelectField } from "../components/field.tsx";
import { SecretShownOnce } from "../components/secret-shown-once.tsx";
import { useT } from "../i18n.tsx";
import type { User } from "../types.ts";
import { roles } from "../vocabulary.ts";
import { roleWord } from "../words.ts";
import { Operators } from "./admin-operators.tsx";

export default function AdminDesk() {
  const t = useT();
  return (
    <Desk
      title={t("admin.title")}
      roles={["admin"]}
      sections={[
        { id: "accounts", label: t("admin.accounts"), render: () => <Accounts /> },
        { id: "operators", label: t("admin.operators"), render: () => <Operators /> },
        { id: "tokens", label: t("admin.tokens"), render: () => <Tokens /> },
        { id: "keys", label: t("admin.keys"), render: () => <Keys /> },
        { id: "webhooks", label: t("admin.webhooks"), render: () => <Webhooks /> },
        { id: "override", label: t("admin.override"), render: () => <Override /> },
      ]}
    />
  );
}

interface Organisation {
  id: number;
  name: string;
}

function Accounts() {
  const t = useT();
  const [organisations, reloadOrganisations] = useLoad(
    (signal) => api<{ organisations: Organisation[] }>("/accounts/organisations", { signal }),
    [],
  );
  const [users, reloadUsers] = useLoad((signal) => api<{ users: User[] }>("/accounts/users", { signal }), []);
  const [organisationName, setOrganisationName] = useState("");
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("applicant");
  const [organisationId, setOrganisationId] = useState("");
  const [password, setPassword] = useState("");
  const addOrganisation = useAction(async () => {
    await api("/accounts/organisations", { body: { name: organisationName } });
    setOrganisationName("");
    reloadOrganisations();
  });
  const addUser = useAction(async () => {
    await api("/accounts/users", {
      body: { email, role, organisationId: Number(organisationId), ...(password ? { password } : {}) },
    });
    setEmail("");
    setPassword("");
    reloadUsers();
  });
  const disable = useAction(async (id: number) => {
    await api(`/accounts/users/${id}/disable`, { body: {} });
    reloadUsers();
  });
  return (
    <>
      <h2>{t("admin.organisations")}</h2>
      <Show loaded={organisations}>
        {({ organisations: list }) => (
          <>
            <ul className="plain">
              {list.map((organisation) => (
                <li key={organisation.id}>
                  {organisation.id}. {organisation.name}
                </li>
              ))}
            </ul>
            <ActionForm className="row" onSubmit={addOrganisation.run}>
              <Field
                id="org-name"
                label={t("admin.organisationName")}
                required
                value={organisationName}
                onValue={setOrganisationName}
              />
              <button type="submit">{t("admin.add")}</button>
            </ActionForm>
            <ErrorMessage error={addOrganisation.error} />
            <h2>{t("admin.users")}</h2>
            <Show loaded={users}>
              {({ users: people }) => (
                <div className="table-scroll">
                  <DataTable
                    columns={[t("login.email"), t("admin.role"), t("admin.organisation"), t("admin.status")]}
                  >
                    {people.map((person) => (
                      <tr key={person.id}>
                        <td>{person.email}</td>
                        <td>{roleWord(t, person.role)}</td>
                        <td>{person.organisationName}</td>
                        <td>
                          {person.disabledAt ? (
                            t("admin.disabled")
                          ) : (
                            <button
                              type="button"
                              className="secondary"
                              onClick={() => void disable.run(person.id)}
                            >
                              {t("admin.disable")}
                            </button>
                          )}
                        </td>
                      </tr>
                    ))}
                  </DataTable>
                </div>
              )}
            </Show>
            <ErrorMessage error={disable.error} />
            <ActionForm className="stack narrow" onSubmit={addUser.run}>
              <Field
                id="user-email"
                label={t("login.email")}
                type="email"
                required
                value={email}
                onValue={setEmail}
              />
              <SelectField id="user-role" label={t("admin.role")} value={role} onValue={setRole}>
                {roles.map((candidate) => (
                  <option key={candidate} value={candidate}>
                    {roleWord(t, candidate)}
                  </option>
                ))}
              </SelectField>
              <SelectField
                id="user-org"
                label={t("admin.organisation")}
                required
                value={organisationId}
                onValue={setOrganisationId}
              >
                <option value="">—</option>
                {list.map((organisation) => (
                  <option key={organisation.id} value={organisation.id}>
                    {organisation.name}
                  </option>
                ))}
              </SelectField>
              <Field
                id="user-password"
                label={t("admin.password")}
                type="password"
                autoComplete="new-password"
                value={password}
                onValue={setPassword}
              />
              <ErrorMessage error={addUser.error} />
              <button type="submit">{t("admin.addUser")}</button>
            </ActionForm>
          </>
        )}
      </Show>
    </>
  );
}

interface Token {
  id: number;
  label: string | null;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

function Tokens() {
  const t = useT();
  const [tokens, reload] = useLoad((signal) => api<{ tokens: Token[] }>("/tokens", { signal }), []);
  const [label, setLabel] = useState("");
  const [secret, setSecret] = useState<string | null>(null);
  const create = useAction(async () => {
    const answer = await api<{ token: string }>("/tokens", { body: { label } });
    setSecret(answer.token);
    reload();
  });
  const revoke = useAction(async (id: number) => {
    await api(`/tokens/${id}`, { method: "DELETE" });
    reload();
  });
  return (
    <>
      <ActionForm className="row" onSubmit={create.run}>
        <Field id="token-label" label={t("admin.tokenLabel")} value={label} onValue={setLabel} />
        <button type="submit">{t("admin.createToken")}</button>
      </ActionForm>
      <ErrorMessage error={create.error} />
      <SecretShownOnce secret={secret} label={t("admin.tokens")} />
      <Show loaded={tokens}>
        {({ tokens: list }) => (
          <ul className="plain">
            {list.map((token) => (
              <li key={token.id}>
                {token.label ?? token.id} · {t("admin.expires")} {t.date(token.expiresAt)}{" "}
                {token.revokedAt ? (
                  t("admin.revoked")
                ) : (
                  <button type="button" className="secondary" onClick={() => void revoke.run(token.id)}>
                    {t("admin.revoke")}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </Show>
      <ErrorMessage error={revoke.error} />
    </>
  );
}

function Keys() {
  const t = useT();
  const [keys] = useLoad((signal) => api<Record<string, unknown>>("/keys", { signal }), []);
  return (
    <>
      <p>{t("admin.keysHint")}</p>
      <Show loaded={keys}>
        {(value) => <CopyBlock text={JSON.stringify(value, null, 2)} label={t("admin.keys")} />}
      </Show>
    </>
  );
}

interface Webhook {
  id: number;
  url: string;
  createdAt: string;
}

function Webhooks() {
  const t = useT();
  const [hooks, reload] = useLoad((signal) => api<{ webhooks: Webhook[] }>("/webhooks", { signal }), []);
  const [url, setUrl] = useState("");
  const [secret, setSecret] = useState<string | null>(null);
  const add = useAction(async () => {
    const answer = await api<{ secret: string }>("/webhooks", { body: { url } });
    setSecret(answer.secret);
    setUrl("");
    reload();
  });
  const remove = useAction(async (id: number) => {
    await api(`/webhooks/${id}`, { method: "DELETE" });
    reload();
  });
  return (
    <>
      <ActionForm className="row" onSubmit={add.run}>
        <Field id="hook-url" label="URL" type="url" required value={url} onValue={setUrl} />
        <button type="submit">{t("admin.add")}</button>
      </ActionForm>
      <ErrorMessage error={add.error} />
      <SecretShownOnce secret={secret} label={t("admin.webhooks")} />
      <Show loaded={hooks}>
        {({ webhooks }) => (
          <ul className="plain">
            {webhooks.map((hook) => (
              <li key={hook.id}>
                {hook.url}{" "}
                <button type="button" className="secondary" onClick={() => void remove.run(hook.id)}>
                  {t("admin.delete")}
                </button>
              </li>
            ))}
          </ul>
        )}
      </Show>
      <ErrorMessage error={remove.error} />
    </>
  );
}

function Override() {
  const t = useT();
  const [target, setTarget] = useState("");
  const [code, setCode] = useState("TARGET_PROTECTED_NAME");
  const [reason, setReason] = useState("");
  const [result, setResult] = useState<{ overrideId: number; targetId: number } | null>(null);
  const request = useAction(async () => {
    setResult(
      await api<{ overrideId: number; targetId: number }>(`/targets/${Number(target)}/override`, {
        body: { code, reason },
      }),
    );
  });
  return (
    <ActionForm className="stack narrow" onSubmit={request.run}>
      <p className="hint">{t("admin.overrideHint")}</p>
      <NumberField
        id="ov-target"
        label={t("authority.targetId")}
        required
        value={target}
        onValue={setTarget}
      />
      <Field id="ov-code" label={t("admin.findingCode")} required value={code} onValue={setCode} />
      <Field id="ov-reason" label={t("authority.reason")} required value={reason} onValue={setReason} />
      <ErrorMessage error={request.error} />
      {result && (
        <p className="success" role="status">
          {t("admin.overrideRequested", { id: result.overrideId, target: result.targetId })}
        </p>
      )}
      <button type="submit">{t("admin.requestOverride")}</button>
    </ActionForm>
  );
}
