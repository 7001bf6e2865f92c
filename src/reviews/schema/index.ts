// The access reviews domain's GraphQL schema.
import './item.ts';
import './review.ts';
