import { useState, type FormEvent } from "react";

const DEMO = [
  { label: "Demo user", key: "demo-key" },
  { label: "Alice", key: "alice-key" },
  { label: "Bob", key: "bob-key" },
];

/** Checks a key with the server before keeping it. */
export function Login({ onLogin, notice = null }: { onLogin: (key: string) => void; notice?: string | null }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const tryKey = async (candidate: string) => {
    setBusy(true);
    setError(null);
    try {
      const response = await fetch("/trpc/auth.whoami", { headers: { "x-api-key": candidate } });
      if (response.status === 401) setError("That API key was not accepted.");
      else if (!response.ok) setError(`The server answered ${response.status}.`);
      else onLogin(candidate);
    } catch {
      setError("Cannot reach the server.");
    } finally {
      setBusy(false);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (key.trim() !== "") void tryKey(key.trim());
  };

  return (
    <main className="login">
      <h1>Paper Trading</h1>
      {notice !== null && (
        <p role="alert" className="error">
          {notice}
        </p>
      )}
      <form onSubmit={submit} aria-label="Log in">
        <label htmlFor="api-key">API key</label>
        <input id="api-key" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} autoFocus />
        <button type="submit" disabled={busy || key.trim() === ""}>
          Log in
        </button>
      </form>
      <div className="demo" role="group" aria-label="Demo accounts">
        {DEMO.map((d) => (
          <button key={d.key} type="button" disabled={busy} onClick={() => void tryKey(d.key)}>
            {d.label}
          </button>
        ))}
      </div>
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </main>
  );
}
