// GraphiQL served entirely by this server: yoga's bundled GraphiQL (script, styles with their fonts,
// editor workers as blob: URLs, icon) from this server's own hashed, compressed files, so it works
// with no internet access. It opens on a document that shows the main operations and how to sign in; outside
// production, with the demo seeded, one tab per demo persona has its headers preset: X-Dev-User
// when AUTH_DEV_HEADERS is on, else the persona's login and the Authorization header to fill.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphiQLOptions } from 'graphql-yoga';
import type { Config } from '../config.ts';
import { DEMO_PASSWORD, DEMO_PERSONAS } from '../identity/bootstrap.ts';
import { contentHash, IMMUTABLE, REVALIDATE, sendStatic, staticFile, type StaticFile } from './static-files.ts';

export const START_DOCUMENT = `# Governance API
#
# Sign in: run Login (a demo persona, outside production)
# and put its token in the Headers tab below:
#   {"Authorization": "Bearer <token>"}
# It expires at expiresAt; Logout ends it sooner.
# Several organizations? Add "X-Organization-Id" (an id
# from Me's memberships). The other tabs act as the demo
# personas (development only).
#
# Errors carry extensions.code (UNAUTHENTICATED, FORBIDDEN,
# …) and, when a rule refused, extensions.rule, reason and
# nextStep. Lists take first (20 when omitted, at most 100)
# and after.

mutation Login {
  login(email: "owner@demo.test", password: "${DEMO_PASSWORD}") {
    token
    expiresAt
    user { email }
  }
}

query Me {
  me {
    user { email displayName }
    role
    organization { id name }
    memberships { role status organization { id name } }
  }
}

query MyKpis {
  kpis(first: 10) {
    edges {
      node {
        key
        name
        access
        data(first: 5) {
          totalCount
          edges {
            node { period value dimensions { dimension value } }
          }
        }
      }
    }
  }
}

# A chart: monthly by region, from the rows you may see
# (docs/analytics.md).
query MonthlyByRegion {
  kpis(first: 3) {
    edges {
      node {
        key
        series(input: { bucket: MONTH, timeZone: "Europe/Berlin", groupBy: ["region"] }) {
          total { count sum }
          groups { key points { period sum avg } }
        }
      }
    }
  }
}

query Inbox {
  approvalRequests(status: PENDING, first: 20) {
    totalCount
    edges {
      node { id kind status summary createdAt requestedBy { email } }
    }
  }
}

# Runs over SSE here, with the Headers tab's credentials:
# events appear as requests are raised and decided.
subscription LiveApprovals {
  approvalEvents { type at request { id kind status summary } }
}

mutation Logout {
  logout
}
`;

/** What each demo persona's tab opens on: the operations of their part in the demo stories. */
const PERSONA_DOCUMENTS: Record<string, string> = {
  'owner@demo.test': `query OwnerInbox {
  approvalRequests(status: PENDING, first: 20) {
    edges {
      node { id kind summary proposedChanges requestedBy { email } }
    }
  }
}

# Approve one of them: put its id here.
mutation OwnerApprove {
  approveRequest(id: "<id from OwnerInbox>") { id status }
}`,
  'admin@demo.test': `query AdminMembersAndAudit {
  members(first: 20) {
    edges { node { role status user { email displayName } } }
  }
  auditEvents(first: 10) {
    edges { node { at action actorEmail targetType } }
  }
}`,
  'editor@demo.test': `query EditorWorkflows {
  workflows(first: 20) { edges { node { id name approvalStatus } } }
}

# "Raise the revenue target" waits for approval: running
# it fails with APPROVAL_REQUIRED, naming who may approve.
mutation EditorRun {
  runWorkflow(id: "<id from EditorWorkflows>") { id status }
}`,
  'analyst@demo.test': `# Revenue: the US only, until the manager approves EMEA.
query AnalystRevenue {
  kpis(first: 10) {
    edges {
      node {
        key
        access
        data(first: 25) {
          totalCount
          edges {
            node { period value dimensions { dimension value } }
          }
        }
      }
    }
  }
}

mutation AnalystRequestEmea {
  requestAccess(
    dimension: "region"
    value: "EMEA"
    justification: "Q3 review"
  ) { id status summary }
}`,
  'manager@demo.test': `# The delegated approver of region EMEA.
query ManagerAccessRequests {
  approvalRequests(kind: ACCESS_SCOPE, status: PENDING) {
    edges { node { id summary justification requestedBy { email } } }
  }
}

mutation ManagerApprove {
  approveRequest(id: "<id from ManagerAccessRequests>") {
    id
    status
  }
}`,
};

/** `owner2@demo.test` → `Owner2`: GraphiQL names a tab after its first operation, so each starts with the persona. */
const personaName = (email: string) => email.split('@')[0]!.replace(/^./, (c) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '');

/** The document of a persona's tab: who they are, how their tab signs in, and their operations. */
function personaDocument(persona: (typeof DEMO_PERSONAS)[number], devHeaders: boolean): string {
  const name = personaName(persona.email);
  const intro = `# ${persona.displayName} (${persona.email}, ${persona.role}):\n# ${persona.note}.`;
  const login = devHeaders
    ? `# This tab acts as them through its X-Dev-User header\n# (Headers below; AUTH_DEV_HEADERS=1, development only).`
    : `# Run ${name}SignIn and put its token in the Headers tab\n# below, in place of <token from ${name}SignIn>; then run\n# the rest.\n\nmutation ${name}SignIn {\n  login(email: "${persona.email}", password: "${DEMO_PASSWORD}") {\n    token\n    expiresAt\n  }\n}`;
  const operations = PERSONA_DOCUMENTS[persona.email] ?? `query ${name}Me {\n  me { user { email displayName } role organization { name } }\n}`;
  return `${intro}\n${login}\n\n${operations}\n`;
}

export function graphiqlOptions(config: Config): GraphiQLOptions {
  const demo = config.NODE_ENV !== 'production' && config.SEED_DEMO;
  const devHeaders = config.AUTH_DEV_HEADERS && config.NODE_ENV !== 'production';
  const personaTabs = demo
    ? DEMO_PERSONAS.map((persona) => ({
        query: personaDocument(persona, devHeaders),
        headers: JSON.stringify(devHeaders ? { 'X-Dev-User': persona.email } : { Authorization: `Bearer <token from ${personaName(persona.email)}SignIn>` }, null, 2),
      }))
    : [];
  return {
    title: 'Governance API',
    // Subscriptions over SSE, so the headers tab authenticates them like any request.
    subscriptionsProtocol: 'SSE',
    defaultQuery: START_DOCUMENT,
    defaultTabs: [{ query: START_DOCUMENT, headers: '{}' }, ...personaTabs],
  };
}

export const GRAPHIQL_ASSETS = '/graphiql';

/** True for a request GraphiQL's page answers (yoga's rule): a GET that accepts HTML. */
export const wantsGraphiQL = (req: IncomingMessage) => req.method === 'GET' && Boolean(req.headers.accept?.includes('text/html'));

/**
 * The page is small and revalidated (ETag); yoga's bundle is split out of it into a script, a style
 * sheet and an icon named by their content's hash, cached for a year, and all of them compressed
 * once, when first asked for (9 MB inline and uncompressed on every load before).
 */
async function buildGraphiQL(options: GraphiQLOptions): Promise<{ page: StaticFile; assets: Map<string, StaticFile> }> {
  const bundle = await import('@graphql-yoga/render-graphiql/graphiql');
  // Monaco's workers start from blob: URLs made from their source, as yoga's page does.
  const script = `(function () {
  function prepareBlob(workerContent) {
    return URL.createObjectURL(new Blob([workerContent], { type: 'application/javascript' }));
  }
  var workers = {
    editorWorkerService: prepareBlob(${JSON.stringify(bundle.editorWorkerService)}),
    json: prepareBlob(${JSON.stringify(bundle.jsonWorker)}),
    graphql: prepareBlob(${JSON.stringify(bundle.graphqlWorker)}),
  };
  self['MonacoEnvironment'] = { globalAPI: false, getWorkerUrl: function (moduleId, label) { return workers[label]; } };
})();
${bundle.js};
`;
  const [, iconType, iconBase64] = /^data:([^;]+);base64,(.*)$/s.exec(bundle.favicon)!;
  const sources: [string, string | Buffer, string][] = [
    ['js', script, 'text/javascript; charset=utf-8'],
    ['css', bundle.css, 'text/css; charset=utf-8'],
    ['ico', Buffer.from(iconBase64!, 'base64'), iconType!],
  ];
  const assets = new Map<string, StaticFile>();
  const urls: Record<string, string> = {};
  for (const [extension, body, type] of sources) {
    const name = `graphiql.${contentHash(body).slice(0, 16)}.${extension}`;
    assets.set(name, await staticFile(body, type));
    urls[extension] = `${GRAPHIQL_ASSETS}/${name}`;
  }
  // `<` escaped so that no string of the options can close the script.
  const settings = JSON.stringify(options).replaceAll('<', '\\u003c');
  const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${options.title ?? 'GraphiQL'}</title>
    <link rel="icon" href="${urls.ico}" />
    <link rel="stylesheet" href="${urls.css}" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run this app.</noscript>
    <div id="root"></div>
    <script src="${urls.js}"></script>
    <script>
      YogaGraphiQL.renderYogaGraphiQL(window.document.querySelector('#root'), ${settings});
    </script>
  </body>
</html>
`;
  return { page: await staticFile(html, 'text/html; charset=utf-8'), assets };
}

/** Serves GraphiQL's page (at /graphql, to a browser) and its assets (under /graphiql). */
export function graphiqlSite(config: Config) {
  let built: ReturnType<typeof buildGraphiQL> | undefined;
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const { page, assets } = await (built ??= buildGraphiQL(graphiqlOptions(config)));
    if (path.startsWith(`${GRAPHIQL_ASSETS}/`)) {
      const asset = req.method === 'GET' || req.method === 'HEAD' ? assets.get(path.slice(GRAPHIQL_ASSETS.length + 1)) : undefined;
      if (!asset) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(`No such GraphiQL file: ${path}`);
        return;
      }
      return sendStatic(req, res, asset, IMMUTABLE);
    }
    sendStatic(req, res, page, REVALIDATE);
  };
}
