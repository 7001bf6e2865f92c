// A labelled form control: the label names the control alone (for/id), so assistive technology
// reads "Email" rather than the label's text run together with the control's current value.
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

export function Field({ label, children }: { label: string; children: (id: string) => ComponentChildren }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children(id)}
    </div>
  );
}
