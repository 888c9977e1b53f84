// Login, then the dashboard. The API key lives in sessionStorage: it survives a reload, not the tab.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { Login } from "./components/Login.js";
import { createClients, trpc, type ConnectionState } from "./trpc.js";

const KEY = "trade.apiKey";

/**
 * The dashboard (with the charting library, most of the app's code) loads after login, in a file of
 * its own: the login screen comes up with half the code, and the browser caches the rest.
 */
const Dashboard = lazy(() => import("./components/Dashboard.js").then((module) => ({ default: module.Dashboard })));

export function App() {
  const [apiKey, setApiKey] = useState<string | null>(() => sessionStorage.getItem(KEY));
  const [notice, setNotice] = useState<string | null>(null);
  const login = (key: string) => {
    sessionStorage.setItem(KEY, key);
    setNotice(null);
    setApiKey(key);
  };
  /** Back to the login screen, saying why when it was not the user's choice. */
  const logout = (reason?: string) => {
    sessionStorage.removeItem(KEY);
    setNotice(reason ?? null);
    setApiKey(null);
  };
  return apiKey === null ? <Login onLogin={login} notice={notice} /> : <Session key={apiKey} apiKey={apiKey} onLogout={logout} />;
}

const REVOKED = "Your API key is no longer accepted (it was revoked or the server was reset). Log in again.";

function Session({ apiKey, onLogout }: { apiKey: string; onLogout: (reason?: string) => void }) {
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  useEffect(() => {
    if (connection === "revoked") onLogout(REVOKED);
  }, [connection, onLogout]);
  const queryClient = useMemo(() => new QueryClient({ defaultOptions: { queries: { staleTime: 5_000, retry: 1 } } }), []);
  const clients = useMemo(() => createClients(apiKey, setConnection), [apiKey]);
  useEffect(() => () => void clients.close(), [clients]);
  return (
    <trpc.Provider client={clients.client} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <Suspense fallback={<p className="loading">Loading the dashboard…</p>}>
          <Dashboard connection={connection} onLogout={onLogout} onUnauthorized={() => onLogout(REVOKED)} />
        </Suspense>
      </QueryClientProvider>
    </trpc.Provider>
  );
}
