// An API error as the console shows it: what was refused, the rule that refused it, the next step.
import type { Problem } from '../model.ts';

export function Problems({ problems, title }: { problems: Problem[]; title?: string }) {
  if (!problems.length) return null;
  return (
    <div class="problems" role="alert">
      {title && <p class="problems-title">{title}</p>}
      {problems.map((p, i) => (
        <div class="problem" key={i}>
          <p>
            {p.code && <strong class="code">{p.code}</strong>} {p.reason ?? p.message}
          </p>
          {p.nextStep && <p>Next step: {p.nextStep}</p>}
          {p.approvers.length > 0 && <p>Who can help: {p.approvers.join(', ')}</p>}
          {p.rule && (
            <p class="rule">
              Rule: <code>{p.rule}</code>
            </p>
          )}
        </div>
      ))}
    </div>
  );
}
