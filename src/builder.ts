// The Pothos builder: plugins, scalars and the scope initializers of authorization (the matrix's
// capabilities, checked by src/authz). It defines no types.
import SchemaBuilder from '@pothos/core';
import RelayPlugin, { decodeGlobalID as decodeRelayId } from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError, GraphQLScalarType } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { assertCapability } from './authz/capabilities.ts';
import type { CapabilityName } from './authz/matrix.ts';
import type { Context } from './context.ts';
import { badInput, forbidden } from './errors.ts';
import { isStorableDate } from './input-limits.ts';

// Fields are non-null unless declared `nullable: true`: a field is nullable only where its value
// may be absent for someone who may read it (an optional column, a record the caller may not see, a
// field-level refusal that answers null with FORBIDDEN at its path). The type checker holds each
// resolver to that.
export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
    ID: { Input: string; Output: string };
  };
  AuthScopes: {
    /** Signed in, any organization or none. */
    authenticated: boolean;
    /** An ACTIVE member of the organization the request acts in. */
    member: boolean;
    /** A cell of the permission matrix that is not `no` for the caller's role. */
    can: CapabilityName;
  };
}>({
  plugins: [ScopeAuthPlugin, RelayPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    // Scope functions throw AppErrors that say which rule refused; this covers any other failure.
    unauthorizedError: (_parent, _ctx, info) =>
      forbidden(`You may not read ${info.parentType.name}.${info.fieldName}.`, 'field.unauthorized'),
    authScopes: async (ctx) => ({
      authenticated: () => Boolean(ctx.user),
      member: () => Boolean(ctx.member),
      can: (capability) => assertCapability(ctx.member, capability),
    }),
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodesQueryOptions: false,
    // `nodes` beside `edges` on every connection (as GitHub's and PostGraphile's APIs have it): a
    // page without a cursor and an edge object per row, for clients that page with `pageInfo`.
    nodesOnConnection: { description: 'The nodes of `edges`, in the same order: for clients that need no cursor per row.' },
    decodeGlobalID: (globalID) => {
      try {
        const decoded = decodeRelayId(globalID);
        if (decoded.typename && decoded.id) return decoded;
      } catch {
        // reported below
      }
      throw badInput(`"${globalID.slice(0, 80)}" is not an id issued by this API.`);
    },
  },
});

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);
/** `toISOString()` by string concatenation for years 1000–9999 (V8's goes through snprintf: 48 against 22 µs per 100). */
export function isoString(date: Date): string {
  const year = date.getUTCFullYear();
  if (year < 1000 || year > 9999) return date.toISOString();
  return `${year}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}T${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}.${pad3(date.getUTCMilliseconds())}Z`;
}

/**
 * graphql-scalars' DateTime, answering with the ISO string rather than a Date object: the same
 * text on the wire, but JSON.stringify of a page of 100 dates took four times as long with Date
 * objects (each one's toJSON called through the slow path). A valid Date is written at once;
 * anything else goes through graphql-scalars' checks (and their errors).
 */
const storable = (date: Date): Date => {
  if (!isStorableDate(date)) throw new GraphQLError(`DateTime ${isoString(date)} is outside the years 0001 to 9999, which are all that is stored.`);
  return date;
};
const dateTimeConfig = DateTimeResolver.toConfig();
const DateTime = new GraphQLScalarType<Date, string>({
  ...dateTimeConfig,
  serialize: (value) => isoString(value instanceof Date && !Number.isNaN(value.getTime()) ? value : (DateTimeResolver.serialize(value) as Date)),
  // Refused as input when no database stores it: graphql-js names the argument or variable.
  parseValue: (value) => storable(dateTimeConfig.parseValue!(value) as Date),
  parseLiteral: (ast, variables) => storable(dateTimeConfig.parseLiteral!(ast, variables) as Date),
});
builder.addScalarType('DateTime', DateTime);
builder.addScalarType('JSON', JSONResolver);
builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
