// Writes lines to a file through a 64 KiB buffer (outputs and generated traces stream out).
import { closeSync, openSync, writeSync } from 'node:fs';

export class BufferedWriter {
  private parts: string[] = [];
  private size = 0;
  private fd: number | null;

  constructor(fd: number) {
    this.fd = fd;
  }

  static open(path: string): BufferedWriter {
    return new BufferedWriter(openSync(path, 'w'));
  }

  line(text: string): void {
    this.parts.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= 1 << 16) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0 || this.fd === null) return;
    writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }

  /** Flushes and closes; later calls do nothing. */
  close(): void {
    if (this.fd === null) return;
    this.flush();
    closeSync(this.fd);
    this.fd = null;
  }
}
