// Reads a text file line by line in fixed-size chunks, synchronously: memory stays at one chunk
// plus one line whatever the file's length, and the simulator can pull the next event without
// awaiting. Lines end with \n or \r\n; the last line needs no newline.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const CHUNK = 1 << 16;

export class LineReader {
  /** 1-based number of the line last returned. */
  line = 0;
  /** Bytes read so far and the file's size, for progress. */
  bytesRead = 0;
  readonly size: number;
  private readonly fd: number;
  private readonly buffer: Buffer;
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private lines: string[] = [];
  private next = 0;
  private eof = false;

  /** `chunkBytes`: bytes read at a time (tests make it small to put chunk boundaries anywhere). */
  constructor(
    path: string,
    private readonly chunkBytes = CHUNK,
  ) {
    this.buffer = Buffer.allocUnsafe(chunkBytes);
    this.fd = openSync(path, 'r');
    this.size = fstatSync(this.fd).size;
  }

  /** The next line without its newline, or null at the end of the file. */
  read(): string | null {
    while (this.next >= this.lines.length) {
      if (this.eof) return null;
      this.fill();
    }
    this.line++;
    return this.lines[this.next++];
  }

  close(): void {
    if (!this.eof) {
      this.eof = true;
      closeSync(this.fd);
    }
  }

  private fill(): void {
    const n = readSync(this.fd, this.buffer, 0, this.chunkBytes, null);
    this.bytesRead += n;
    let text: string;
    if (n === 0) {
      text = this.pending + this.decoder.end();
      this.pending = '';
      this.close();
      this.lines = text === '' ? [] : [stripCr(text)];
      this.next = 0;
      return;
    }
    text = this.pending + this.decoder.write(this.buffer.subarray(0, n));
    const parts = text.split('\n');
    this.pending = parts.pop() ?? '';
    for (let i = 0; i < parts.length; i++) parts[i] = stripCr(parts[i]);
    this.lines = parts;
    this.next = 0;
  }
}

function stripCr(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}
