import { type ComponentType, lazy } from "react";

/**
 * A page loaded on demand, which can also be loaded before the first render: once its code is in, React draws
 * it at once instead of suspending. A page suspended even briefly shows its fallback first, and React holds
 * the content that replaces a fallback for up to 300 ms after it appeared, so that a page loaded ahead of
 * time would otherwise still be drawn up to 300 ms late.
 */
export function preloadablePage<P extends object>(
  load: () => Promise<{ default: ComponentType<P> }>,
): { Page: ComponentType<P>; preload: () => Promise<void> } {
  let loaded: { default: ComponentType<P> } | undefined;
  const preload = () =>
    load().then((module) => {
      loaded = module;
    });
  const Page = lazy(() => {
    const module = loaded;
    if (!module) return load();
    // A thenable that calls back at once: React.lazy then takes the page without suspending.
    // biome-ignore lint/suspicious/noThenProperty: a thenable is what React.lazy reads synchronously
    return { then: (resolve: (value: { default: ComponentType<P> }) => void) => resolve(module) } as Promise<{
      default: ComponentType<P>;
    }>;
  });
  return { Page: Page as unknown as ComponentType<P>, preload };
}
