// Every denied attempt (FORBIDDEN, APPROVAL_REQUIRED) becomes an audit event, whichever rule refused it.
import type { Plugin } from 'graphql-yoga';
import { getOperationAST, type DocumentNode, type ExecutionResult, type GraphQLError } from 'graphql';
import type { Context } from '../context.ts';
import { AUDITED_DENIALS } from '../errors.ts';
import { auditedTransaction, callerActor } from './record.ts';

async function recordDenials(ctx: Context, errors: readonly GraphQLError[], operationName: string | null) {
  const denials = errors.filter((e) => AUDITED_DENIALS.has(String(e.extensions?.code)));
  if (denials.length === 0) return;
  const { caller } = ctx;
  // A denial inside an organization belongs to its chain; one with no organization to the global chain.
  try {
    await auditedTransaction(callerActor(ctx, ctx.services.system), async (_tx, record) => {
      for (const e of denials)
        await record({
          action: 'auth.denied',
          targetType: 'Operation',
          targetId: e.path?.join('.') ?? null,
          metadata: {
            code: String(e.extensions.code),
            rule: (e.extensions.rule as string | undefined) ?? null,
            operationName,
            role: caller.membership?.role ?? null,
          },
        });
    });
  } catch (error) {
    ctx.log.error({ err: error }, 'could not record a denied attempt in the audit log');
  }
}

const operationNameOf = (document: DocumentNode, name?: string | null) => getOperationAST(document, name)?.name?.value ?? null;

const isResult = (value: unknown): value is ExecutionResult =>
  Boolean(value) && typeof value === 'object' && !(Symbol.asyncIterator in (value as object));

export const useDenialAudit = (): Plugin<Context> => ({
  onExecute({ args, executeFn, setExecuteFn }) {
    setExecuteFn(async (execArgs) => {
      const result = await executeFn(execArgs);
      if (isResult(result) && result.errors?.length)
        await recordDenials(args.contextValue as Context, result.errors, operationNameOf(args.document, args.operationName));
      return result;
    });
  },
  onSubscribe({ args, subscribeFn, setSubscribeFn }) {
    setSubscribeFn(async (subArgs) => {
      const result = await subscribeFn(subArgs);
      if (isResult(result) && result.errors?.length)
        await recordDenials(args.contextValue as Context, result.errors, operationNameOf(args.document, args.operationName));
      return result;
    });
  },
});
