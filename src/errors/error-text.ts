/** The texts of one error code in one language: its RFC 9457 `title` and the one sentence on how to fix it. */
export interface ErrorText {
  title: string;
  remedy: string;
}
