// The workflow domain's GraphQL types, queries and mutations, one entity a file.
import './workflow.ts';
import './run.ts';
