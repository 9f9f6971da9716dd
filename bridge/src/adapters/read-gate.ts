import type { Duplex } from 'node:stream';

/**
 * Flow control for one device connection of the embedded broker. aedes reads a socket chunk with
 * `conn.read()` whenever a packet handler finishes or the socket emits 'readable', so delaying
 * the handlers alone does not stop it from reading (and buffering) more. The gate makes `read()`
 * return nothing while the bridge is saturated — too many of this connection's records not yet
 * acknowledged by Kafka, or the global in-flight bound reached — so unread data stays in the
 * kernel and TCP pushes back on the device. When it opens again it re-emits 'readable'.
 */
export class ReadGate {
  /** Records of this connection queued or being produced. */
  pending = 0;
  private parked = false;

  constructor(
    private readonly stream: Duplex,
    private readonly maxPending: number,
    private readonly hasCapacity: () => boolean,
    private readonly whenCapacity: (resume: () => void) => void,
    private readonly onPause: () => void,
    /** True once the bridge shuts down: nothing more is read, what was read is still drained. */
    private readonly stopped: () => boolean,
  ) {
    const read = stream.read;
    stream.read = (size?: number) => {
      // read(0) only refills the stream's own bounded buffer; let it through.
      if (size !== 0 && this.closed()) {
        this.park();
        return null;
      }
      return read.call(stream, size);
    };
  }

  submitted(): void {
    this.pending++;
  }

  acknowledged(): void {
    this.pending--;
    if (this.parked && !this.closed()) this.reopen();
  }

  private closed(): boolean {
    return this.pending >= this.maxPending || !this.hasCapacity() || this.stopped();
  }

  private park(): void {
    if (this.parked) return;
    this.parked = true;
    if (this.stopped()) return;
    this.onPause();
    // Woken by this connection's acks (acknowledged) or by global room coming back.
    if (!this.hasCapacity()) this.whenCapacity(() => this.reopenIfOpen());
  }

  private reopenIfOpen(): void {
    if (!this.parked) return;
    if (this.closed()) {
      if (!this.hasCapacity()) this.whenCapacity(() => this.reopenIfOpen());
      return;
    }
    this.reopen();
  }

  private reopen(): void {
    this.parked = false;
    setImmediate(() => {
      if (!this.stream.destroyed) this.stream.emit('readable');
    });
  }
}
