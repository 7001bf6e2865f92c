// The console's shell: sign in, pick the organization (and in development a demo persona), then the
// three sections, all fed by one graphql-ws connection for the session.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, FALLBACK_CONFIG, loadServerConfig, openLive, problemsOf, request, subscribe, type LiveStatus, type ServerConfig } from '../api.ts';
import type { ConsoleMeQuery } from '../gql/graphql.ts';
import { decidesNothing, landingSection, localProblem, mergeFetched, splitRequests, upsert, type Problem, type Section } from '../model.ts';
import { ConsoleApprovalEvents, ConsoleLogin, ConsoleLogout, ConsoleMe, ConsoleMyUpdates, ConsoleRequests, type Request } from '../operations.ts';
import { loadSession, saveSession, signedIn, type Session } from '../session.ts';
import { MyAccess } from './Access.tsx';
import { Dashboard } from './Dashboard.tsx';
import { Inbox, MyRequests } from './Requests.tsx';
import { Field } from './Field.tsx';
import { Problems } from './Problems.tsx';

type Me = NonNullable<ConsoleMeQuery['me']>;

export function App() {
  const [config, setConfig] = useState<ServerConfig | null>(null);
  const [session, setSessionState] = useState<Session>(loadSession);
  useEffect(() => {
    loadServerConfig().then(setConfig, () => setConfig(FALLBACK_CONFIG));
  }, []);
  const setSession = (next: Session) => {
    saveSession(next);
    setSessionState(next);
  };
  if (!config) return <p role="status">Loading the console…</p>;
  if (!signedIn(session)) return <SignIn config={config} onSession={setSession} />;
  // A new identity or organization starts from scratch: lists, live connection, everything.
  const key = `${session.token ?? ''}|${session.devUser ?? ''}|${session.organizationId ?? ''}`;
  return <Workspace key={key} config={config} session={session} onSession={setSession} />;
}

function SignIn({ config, onSession }: { config: ServerConfig; onSession: (s: Session) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [persona, setPersona] = useState(config.personas[0]?.email ?? '');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblems([]);
    try {
      const data = await request(ConsoleLogin, { email, password }, {});
      const token = data.login?.token;
      if (!token) throw new ApiError([localProblem('The server answered without a token.')]);
      onSession({ token });
    } catch (error) {
      setProblems(problemsOf(error));
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <h1>Approvals console</h1>
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h2 id="sign-in-title">Sign in</h2>
        <Field label="Email">
          {(id) => (
            <input id={id} type="email" name="email" autocomplete="username" required maxLength={254} value={email} autoFocus onInput={(e) => setEmail(e.currentTarget.value)} />
          )}
        </Field>
        <Field label="Password">
          {(id) => (
            <input id={id} type="password" name="password" autocomplete="current-password" required maxLength={256} value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          )}
        </Field>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        <Problems problems={problems} title="Could not sign in" />
      </form>
      {config.devHeaders && config.personas.length > 0 && (
        <form
          class="dev"
          aria-labelledby="persona-title"
          onSubmit={(e) => {
            e.preventDefault();
            if (persona) onSession({ devUser: persona });
          }}
        >
          <h2 id="persona-title">Development: act as a demo persona</h2>
          <p>The server accepts X-Dev-User (AUTH_DEV_HEADERS=1); production refuses it.</p>
          <Field label="Persona">
            {(id) => (
              <select id={id} value={persona} onChange={(e) => setPersona(e.currentTarget.value)}>
                {config.personas.map((p) => (
                  <option key={p.email} value={p.email}>
                    {p.displayName} ({p.email}, {p.role}): {p.note}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit">Act as this persona</button>
        </form>
      )}
    </main>
  );
}

const SECTIONS: { id: Section; label: string }[] = [
  { id: 'inbox', label: 'Inbox' },
  { id: 'mine', label: 'My requests' },
  { id: 'access', label: 'My access' },
  { id: 'dashboard', label: 'Dashboard' },
];
/** The section in the address (#dashboard): a reload, or another persona in development, shows the same one. */
const sectionInAddress = (): Section | null => SECTIONS.find((s) => `#${s.id}` === location.hash)?.id ?? null;
/** One page of requests: an inbox, not an archive. */
const INBOX_PAGE = 50;
const LIVE_LABEL: Record<LiveStatus, string> = { connecting: 'connecting…', live: 'on', offline: 'off (reconnecting)' };

function Workspace({ config, session, onSession }: { config: ServerConfig; session: Session; onSession: (s: Session) => void }) {
  const [me, setMe] = useState<Me | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  /** The section the member chose; until they choose, where they land (see landingSection). */
  const [chosen, setChosen] = useState<Section | null>(sectionInAddress);
  /** Whether the member may decide any request: null until the server has said they may not (or an event shows they may). */
  const [decides, setDecides] = useState<boolean | null>(null);
  const [live, setLive] = useState<LiveStatus>('connecting');
  const [toDecide, setToDecide] = useState<Request[]>([]);
  const [mine, setMine] = useState<Request[]>([]);
  const [inboxProblems, setInboxProblems] = useState<Problem[]>([]);
  const [mineProblems, setMineProblems] = useState<Problem[]>([]);
  /** Bumped when a decision on one of the user's requests may have changed what they see. */
  const [accessVersion, setAccessVersion] = useState(0);
  const client = useMemo(() => openLive(session, setLive), [session]);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => () => void client.dispose(), [client]);

  useEffect(() => {
    request(ConsoleMe, {}, session).then(
      (data) => setMe(data.me ?? null),
      (error) => setProblems(problemsOf(error)),
    );
  }, [session]);

  const userId = me?.user?.id;
  const actingIn = me?.organization?.id;
  useEffect(() => {
    if (!userId || !actingIn) return;
    request(ConsoleRequests, { first: Math.min(INBOX_PAGE, config.maxPageSize) }, session).then(
      (data) => {
        const split = splitRequests((data.approvalRequests?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : [])), userId);
        if (split.toDecide.length) setDecides(true);
        setToDecide((live) => mergeFetched(live, split.toDecide));
        setMine((live) => mergeFetched(live, split.mine));
      },
      (error) => setInboxProblems(problemsOf(error)),
    );
    const stopInbox = subscribe(client, ConsoleApprovalEvents, {}, {
      next: (data) => {
        const request = data.approvalEvents?.request;
        if (request && request.requestedBy?.id !== userId) {
          setDecides(true);
          setToDecide((list) => upsert(list, request));
        }
      },
      // A member who may decide nothing is refused the stream: no inbox for them, they land on their
      // own access instead. Any other refusal is shown in the inbox.
      problem: (problems) => {
        if (!decidesNothing(problems)) return setInboxProblems(problems);
        setDecides(false);
        setChosen((c) => (c === 'inbox' ? null : c));
      },
    });
    const stopMine = subscribe(client, ConsoleMyUpdates, {}, {
      next: (data) => {
        const event = data.myApprovalUpdates;
        if (!event?.request) return;
        setMine((list) => upsert(list, event.request!));
        if (event.type === 'APPROVED') setAccessVersion((v) => v + 1);
      },
      problem: setMineProblems,
    });
    return () => {
      stopInbox();
      stopMine();
    };
  }, [userId, actingIn, client, session, config.maxPageSize]);

  const section = chosen ?? landingSection(decides);
  const sections = SECTIONS.filter((s) => s.id !== 'inbox' || decides !== false);
  const choose = (next: Section) => {
    setChosen(next);
    history.replaceState(null, '', `#${next}`);
    // Keyboard users land on the section they chose, not back at the top of the page.
    requestAnimationFrame(() => heading.current?.focus());
  };
  const signOut = async () => {
    // A token is revoked on the server, not merely forgotten here; dev personas have none.
    if (session.token) await request(ConsoleLogout, {}, session).catch(() => null);
    onSession({});
  };

  if (problems.length)
    return (
      <main>
        <h1>Approvals console</h1>
        <Problems problems={problems} title="The console could not load who you are" />
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </main>
    );
  if (!me) return <p role="status">Loading who you are…</p>;

  const waiting = mine.filter((r) => r.status === 'PENDING').length;
  const active = (me.memberships ?? []).filter((m) => m.status === 'ACTIVE' && m.organization);
  const header = (
    <header class="top">
      <h1>Approvals console</h1>
      <p class="who">
        Signed in as <strong>{me.user?.displayName ?? me.user?.email}</strong> ({me.user?.email})
        {me.organization && (
          <>
            , {me.role} in <strong>{me.organization.name}</strong>
          </>
        )}
      </p>
      <div class="controls">
        {active.length > 1 && (
          <Field label="Organization">
            {(id) => (
              <select id={id} value={me.organization?.id ?? ''} onChange={(e) => onSession({ ...session, organizationId: e.currentTarget.value })}>
                {!me.organization && <option value="">Choose…</option>}
                {active.map((m) => (
                  <option key={m.id} value={m.organization!.id}>
                    {m.organization!.name} ({m.role})
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {config.devHeaders && session.devUser && (
          <Field label="Act as (development)">
            {(id) => (
              <select id={id} value={session.devUser} onChange={(e) => onSession({ devUser: e.currentTarget.value })}>
                {config.personas.map((p) => (
                  <option key={p.email} value={p.email}>
                    {p.displayName} ({p.role})
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <p class={`live live-${live}`} role="status">
          Live updates: {LIVE_LABEL[live]}
        </p>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </div>
    </header>
  );

  if (!me.organization)
    return (
      <>
        {header}
        <main>
          <h2>Choose an organization</h2>
          {active.length ? (
            <ul class="plain">
              {active.map((m) => (
                <li key={m.id}>
                  <button type="button" onClick={() => onSession({ ...session, organizationId: m.organization!.id })}>
                    {m.organization!.name} ({m.role})
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p>You are not an active member of any organization yet. Accept an invitation first.</p>
          )}
        </main>
      </>
    );

  return (
    <>
      {header}
      <nav aria-label="Sections">
        {sections.map((s) => (
          <button type="button" key={s.id} aria-current={section === s.id ? 'page' : undefined} onClick={() => choose(s.id)}>
            {s.label}
            {s.id === 'inbox' && ` (${toDecide.filter((r) => r.status === 'PENDING').length})`}
            {s.id === 'mine' && waiting > 0 && ` (${waiting} waiting)`}
          </button>
        ))}
      </nav>
      <main>
        {section === 'inbox' && (
          <Inbox heading={heading} session={session} requests={toDecide} problems={inboxProblems} onChange={(r) => setToDecide((list) => upsert(list, r))} />
        )}
        {section === 'mine' && (
          <MyRequests heading={heading} session={session} requests={mine} problems={mineProblems} onChange={(r) => setMine((list) => upsert(list, r))} />
        )}
        {section === 'dashboard' && <Dashboard heading={heading} session={session} version={accessVersion} />}
        {section === 'access' && (
          <MyAccess heading={heading} session={session} version={accessVersion} maxPageSize={config.maxPageSize} requests={mine} onRequested={(r) => setMine((list) => upsert(list, r))} />
        )}
      </main>
    </>
  );
}
