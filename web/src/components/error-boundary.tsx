import { Component, type ReactNode } from "react";

/**
 * A page that throws while drawing shows what went wrong in place of the page, not a blank screen; the header
 * stays, so the person can go elsewhere. Keyed by the location, so that navigating draws afresh.
 */
export class ErrorBoundary extends Component<
  { children: ReactNode; message: string },
  { error: Error | null }
> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (this.state.error) {
      return (
        <p className="error" role="alert">
          {this.props.message} {this.state.error.message}
        </p>
      );
    }
    return this.props.children;
  }
}
