// Login, then the dashboard. The API key lives in sessionStorage: it survives a reload, not the tab.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { Dashboard } from "./components/Dashboard.js";
import { Login } from "./components/Login.js";
import { createClients, trpc, type ConnectionState } from "./trpc.js";

const KEY = "trade.apiKey";

export function App() {
  const [apiKey, setApiKey] = useState<string | null>(() => sessionStorage.getItem(KEY));
  const login = (key: string) => {
    sessionStorage.setItem(KEY, key);
    setApiKey(key);
  };
  const logout = () => {
    sessionStorage.removeItem(KEY);
    setApiKey(null);
  };
  return apiKey === null ? <Login onLogin={login} /> : <Session key={apiKey} apiKey={apiKey} onLogout={logout} />;
}

function Session({ apiKey, onLogout }: { apiKey: string; onLogout: () => void }) {
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const queryClient = useMemo(() => new QueryClient({ defaultOptions: { queries: { staleTime: 5_000, retry: 1 } } }), []);
  const clients = useMemo(() => createClients(apiKey, setConnection), [apiKey]);
  useEffect(() => () => void clients.close(), [clients]);
  return (
    <trpc.Provider client={clients.client} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <Dashboard connection={connection} onLogout={onLogout} />
      </QueryClientProvider>
    </trpc.Provider>
  );
}
