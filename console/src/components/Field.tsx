// A labelled form control: the label names the control alone (for/id), so assistive technology
// reads "Email" rather than the label's text run together with the control's current value.
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

/** With `hint`, the control is described by it too (`aria-describedby={hintId}`, passed to `children`). */
export function Field({ label, hint, children }: { label: string; hint?: ComponentChildren; children: (id: string, hintId?: string) => ComponentChildren }) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children(id, hintId)}
      {hint && (
        <p id={hintId} class="field-hint">
          {hint}
        </p>
      )}
    </div>
  );
}
