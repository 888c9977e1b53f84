import { useCallback, useState } from "react";

export interface Toast {
  id: number;
  kind: "success" | "error" | "info";
  text: string;
}

let nextId = 1;

export function useToasts() {
  const [items, setItems] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setItems((all) => all.filter((t) => t.id !== id)), []);
  const push = useCallback(
    (kind: Toast["kind"], text: string) => {
      const id = nextId++;
      setItems((all) => [...all.slice(-4), { id, kind, text }]);
      setTimeout(() => dismiss(id), 6_000);
    },
    [dismiss],
  );
  return { items, push, dismiss };
}

export function Toasts({ items, onDismiss }: { items: Toast[]; onDismiss: (id: number) => void }) {
  return (
    <div className="toasts" role="log" aria-live="polite">
      {items.map((t) => (
        <div key={t.id} className={`toast ${t.kind}`}>
          <span>{t.text}</span>
          <button type="button" aria-label="Dismiss" onClick={() => onDismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
