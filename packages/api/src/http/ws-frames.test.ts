import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { Outbox, outgoing, textFrame, type FrameSink } from "./ws-frames.js";

describe("text frames made by the server", () => {
  const server = http.createServer();
  const wss = new WebSocketServer({ server });
  let url = "";
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    wss.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it("reach a WebSocket client whole, at every length encoding, between frames of ws itself", async () => {
    // 125 bytes fit the first length byte, up to 65,535 take two more, longer take eight; ₹ is three bytes.
    const texts = ["x".repeat(125), "₹".repeat(42), "y".repeat(65_535), "z".repeat(70_000), "{}"];
    wss.once("connection", (socket, req) => {
      socket.send("from ws");
      const outbox = new Outbox();
      const connection = outgoing(req.socket);
      for (const text of texts) outbox.add(connection, textFrame(text));
      expect(outbox.flush()).toEqual({ frames: texts.length, writes: 1 });
      socket.send("from ws again");
    });
    const client = new WebSocket(url);
    const received: string[] = [];
    await new Promise<void>((resolve, reject) => {
      client.on("message", (data: Buffer, isBinary) => {
        if (isBinary) reject(new Error("a binary frame"));
        received.push(data.toString());
        if (received.length === texts.length + 2) resolve();
      });
      client.on("error", reject);
    });
    client.close();
    expect(received).toEqual(["from ws", ...texts, "from ws again"]);
  });
});

describe("an outbox", () => {
  const sink = () => {
    const writes: string[] = [];
    const to: FrameSink = { write: (bytes: Buffer) => writes.push(bytes.toString()) };
    return { writes, ...outgoing(to) };
  };

  it("writes what one socket was given in one write, in order, and each socket once", () => {
    const a = sink();
    const b = sink();
    const outbox = new Outbox();
    outbox.add(a, Buffer.from("1"));
    outbox.add(b, Buffer.from("x"));
    outbox.add(a, Buffer.from("2"));
    outbox.add(a, Buffer.from("3"));
    expect(outbox.flush()).toEqual({ frames: 4, writes: 2 });
    expect(a.writes).toEqual(["123"]);
    expect(b.writes).toEqual(["x"]);
    expect(outbox.flush()).toEqual({ frames: 0, writes: 0 });
    expect(a.writes).toEqual(["123"]);
  });
});
