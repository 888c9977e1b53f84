// Another TypeScript service using the typed client: quote, watch your own order updates, buy.
// Run against a started server: npx -y pnpm@10 --filter @trading/api exec tsx examples/quickstart.ts
import { createTradingClient } from "@trading/api/client";

const client = createTradingClient({
  url: process.env.TRADE_API_URL ?? "http://127.0.0.1:3000",
  apiKey: process.env.TRADE_API_KEY ?? "alice-key",
});

const [quote] = await client.market.quotes.query({ symbols: ["INFY"] });
console.log(`INFY last traded at ₹${quote?.lastTradedPrice}`);

// Every update of your own orders, live (the client resumes after a dropped connection).
let started = () => {};
const subscribed = new Promise<void>((resolve) => (started = resolve));
const updates = client.orders.onUpdate.subscribe(undefined, {
  onStarted: () => started(),
  onData: ({ data }) => console.log(`update: ${data.type} ${data.order.orderId} ${data.order.state}`),
});
await subscribed;

const order = await client.orders.place.mutate({ symbol: "INFY", side: "BUY", type: "MARKET", quantity: 1 });
console.log(`order ${order.orderId} ${order.state} at ₹${order.averageFillPrice}`);

const funds = await client.funds.get.query();
console.log(`available cash ₹${funds.available}`);

await new Promise((resolve) => setTimeout(resolve, 500));
updates.unsubscribe();
client.close();
