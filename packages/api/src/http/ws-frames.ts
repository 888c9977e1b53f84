// WebSocket text frames the server makes itself, and the writes of one event-loop turn gathered per
// socket. The tick hub sends one message to hundreds of sockets at once: through `ws`, each send
// makes its own frame header and goes out as a corked pair of writes; here the frame (RFC 6455
// §5.2: FIN, text, the length, no mask from a server) is made once and the same bytes written to
// every socket. What one socket is sent in one turn leaves in one write, one system call, which
// is most of what a send costs: the more ticks bunch up under load, the fewer calls each one takes.
// Each message keeps a frame of its own, since tRPC's client reads one message per frame.
//
// Writing past `ws` to its socket is safe while `ws` itself writes each frame whole in the call
// that sends it: true without per-message compression (off in this server) and Blob data (never
// sent), so frames from here and from `ws` never interleave inside one another.

/** The bytes of a final text frame holding `text`, as a server sends it. */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81;
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.write(text, header);
  return frame;
}

/** Where frames go: the connection under a WebSocket. */
export interface FrameSink {
  write(bytes: Buffer): unknown;
}

/** One connection's frames not yet written: made once per socket and kept, so a flush leaves nothing behind. */
export interface Outgoing {
  readonly sink: FrameSink;
  readonly frames: Buffer[];
}

export const outgoing = (sink: FrameSink): Outgoing => ({ sink, frames: [] });

/** Frames gathered per connection until `flush`, which writes each connection's in one write, in order. */
export class Outbox {
  private readonly touched: Outgoing[] = [];
  private frames = 0;

  add(to: Outgoing, frame: Buffer): void {
    if (to.frames.length === 0) this.touched.push(to);
    to.frames.push(frame);
    this.frames += 1;
  }

  /** Writes what was gathered; answers how many frames went out and in how many writes. */
  flush(): { frames: number; writes: number } {
    const sent = { frames: this.frames, writes: this.touched.length };
    for (const { sink, frames } of this.touched) {
      sink.write(frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames));
      frames.length = 0;
    }
    this.touched.length = 0;
    this.frames = 0;
    return sent;
  }
}
