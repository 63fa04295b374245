import { useT } from "../i18n.tsx";
import { CopyBlock } from "./common.tsx";

/** A secret the server gives once (a token, a webhook's signing key), with a warning to copy it now. */
export function SecretShownOnce({ secret, label }: { secret: string | null; label: string }) {
  const t = useT();
  if (!secret) return null;
  return (
    <>
      <p className="notice">{t("admin.shownOnce")}</p>
      <CopyBlock text={secret} label={label} />
    </>
  );
}
