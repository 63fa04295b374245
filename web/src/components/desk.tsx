import { type ReactNode, useState } from "react";
import { Link } from "wouter";
import { useT } from "../i18n.tsx";
import { useSession } from "../session.tsx";
import type { Role } from "../vocabulary.ts";
import { roleWord } from "../words.ts";

/** A desk's frame: asks to sign in when nobody is, and shows its sections as tabs (keyboard: Tab, Enter). */
export function Desk({
  title,
  roles,
  sections,
}: {
  title: string;
  roles: Role[];
  sections: { id: string; label: string; render: () => ReactNode }[];
}) {
  const t = useT();
  const { user } = useSession();
  const [current, setCurrent] = useState(sections[0]?.id ?? "");
  if (user === undefined) return <p aria-busy="true">{t("loading")}</p>;
  if (user === null) {
    return (
      <p>
        {t("desk.signInFirst")} <Link href="/login">{t("nav.login")}</Link>
      </p>
    );
  }
  if (!roles.includes(user.role))
    return <p className="notice">{t("desk.wrongRole", { role: roleWord(t, user.role) })}</p>;
  const section = sections.find((candidate) => candidate.id === current) ?? sections[0];
  return (
    <>
      <h1>{title}</h1>
      <p className="hint">
        {user.email} · {user.organisationName ?? ""} · {roleWord(t, user.role)}
      </p>
      <div className="tabs" role="tablist" aria-label={title}>
        {sections.map((candidate) => (
          <button
            key={candidate.id}
            type="button"
            role="tab"
            id={`tab-${candidate.id}`}
            aria-selected={candidate.id === section?.id}
            aria-controls={`panel-${candidate.id}`}
            onClick={() => setCurrent(candidate.id)}
          >
            {candidate.label}
          </button>
        ))}
      </div>
      {section && (
        <section role="tabpanel" id={`panel-${section.id}`} aria-labelledby={`tab-${section.id}`}>
          {section.render()}
        </section>
      )}
    </>
  );
}
