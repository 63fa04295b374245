import {
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useId,
} from "react";

/*
 * A visible label bound to its control by id, so that every control has a name a screen reader can say and
 * tests can find it by that name. The id is the caller's when something else refers to it, generated otherwise.
 */

interface Labelled {
  id?: string;
  label: ReactNode;
}

interface Edits {
  value: string;
  onValue: (value: string) => void;
}

type Attributes<T> = Omit<T, "id" | "value" | "onChange" | "children">;

function useControlId(id: string | undefined): string {
  const generated = useId();
  return id ?? generated;
}

type FieldProps = Labelled & Edits & Attributes<InputHTMLAttributes<HTMLInputElement>>;

/** A labelled text input (any `type` that edits a string). */
export function Field({ id, label, value, onValue, ...input }: FieldProps) {
  const controlId = useControlId(id);
  return (
    <>
      <label htmlFor={controlId}>{label}</label>
      <input id={controlId} value={value} onChange={(event) => onValue(event.target.value)} {...input} />
    </>
  );
}

/** A labelled input for a record's number typed by hand: a digits keyboard on phones, and no spinner. */
export function NumberField(props: FieldProps) {
  return <Field inputMode="numeric" {...props} />;
}

/** A labelled text area. */
export function TextAreaField({
  id,
  label,
  value,
  onValue,
  ...textarea
}: Labelled & Edits & Attributes<TextareaHTMLAttributes<HTMLTextAreaElement>>) {
  const controlId = useControlId(id);
  return (
    <>
      <label htmlFor={controlId}>{label}</label>
      <textarea
        id={controlId}
        value={value}
        onChange={(event) => onValue(event.target.value)}
        {...textarea}
      />
    </>
  );
}

/** A labelled drop-down; its options are the children. */
export function SelectField({
  id,
  label,
  value,
  onValue,
  children,
  ...select
}: Labelled & Edits & { children: ReactNode } & Attributes<SelectHTMLAttributes<HTMLSelectElement>>) {
  const controlId = useControlId(id);
  return (
    <>
      <label htmlFor={controlId}>{label}</label>
      <select id={controlId} value={value} onChange={(event) => onValue(event.target.value)} {...select}>
        {children}
      </select>
    </>
  );
}

/** A labelled file chooser; `onFile` gets the chosen file, or undefined when the choice is cleared. */
export function FileField({
  id,
  label,
  accept,
  onFile,
}: Labelled & { accept: string; onFile: (file: File | undefined) => unknown }) {
  const controlId = useControlId(id);
  return (
    <>
      <label htmlFor={controlId}>{label}</label>
      <input
        id={controlId}
        type="file"
        accept={accept}
        onChange={(event) => void onFile(event.target.files?.[0])}
      />
    </>
  );
}
