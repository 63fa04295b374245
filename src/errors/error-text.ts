/** What a person reads of an error code in one language: its short title (RFC 9457 `title`) and how to fix it. */
export interface ErrorText {
  title: string;
  remedy: string;
}
