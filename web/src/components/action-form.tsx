import type { ReactNode } from "react";

/**
 * A form whose submission runs an action in the page instead of a navigation; the action keeps its own error
 * and busy state (see useAction), so the form only has to start it.
 */
export function ActionForm({
  className,
  onSubmit,
  children,
}: {
  className?: string;
  onSubmit: () => unknown;
  children: ReactNode;
}) {
  return (
    <form
      className={className}
      onSubmit={(event) => {
        event.preventDefault();
        void onSubmit();
      }}
    >
      {children}
    </form>
  );
}
