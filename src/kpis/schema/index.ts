// The KPI domain's GraphQL schema, one entity a file.
import './dimension.ts';
import './kpi.ts';
import './alert.ts';
import './role.ts';
import './group.ts';
import './scope.ts';
import './access.ts';
