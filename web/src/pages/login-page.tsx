import { useState } from "react";
import { useLocation } from "wouter";
import { ActionForm } from "../components/action-form.tsx";
import { ErrorMessage, useAction } from "../components/common.tsx";
import { Field } from "../components/field.tsx";
import { useT } from "../i18n.tsx";
import { deskOf, useSession } from "../session.tsx";

export default function LoginPage() {
  const t = useT();
  const { login } = useSession();
  const [, navigate] = useLocation();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const signIn = useAction(login);
  const submit = async () => {
    const user = await signIn.run(email, password);
    if (user) navigate(deskOf(user.role));
  };
  return (
    <>
      <h1>{t("login.title")}</h1>
      <ActionForm onSubmit={submit} className="stack narrow">
        <Field
          label={t("login.email")}
          type="email"
          autoComplete="username"
          required
          value={email}
          onValue={setEmail}
        />
        <Field
          label={t("login.password")}
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onValue={setPassword}
        />
        <ErrorMessage error={signIn.error} />
        <button type="submit" disabled={signIn.busy}>
          {t("login.submit")}
        </button>
      </ActionForm>
    </>
  );
}
