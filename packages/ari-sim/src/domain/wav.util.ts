/**
 * A stored recording's file: 8 kHz, 16-bit, mono PCM WAV of exactly the recorded length, filled with a quiet
 * 440 Hz tone so that players show something other than silence.
 */
export const WAV_SAMPLE_RATE = 8000;

export function wavFile(durationMs: number): Buffer {
  const samples = Math.max(0, Math.round((durationMs * WAV_SAMPLE_RATE) / 1000));
  const dataBytes = samples * 2;
  const buffer = Buffer.alloc(44 + dataBytes);
  buffer.write('RIFF', 0, 'ascii');
  buffer.writeUInt32LE(36 + dataBytes, 4);
  buffer.write('WAVE', 8, 'ascii');
  buffer.write('fmt ', 12, 'ascii');
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20);
  buffer.writeUInt16LE(1, 22);
  buffer.writeUInt32LE(WAV_SAMPLE_RATE, 24);
  buffer.writeUInt32LE(WAV_SAMPLE_RATE * 2, 28);
  buffer.writeUInt16LE(2, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write('data', 36, 'ascii');
  buffer.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples; i++) {
    buffer.writeInt16LE(Math.round(1000 * Math.sin((2 * Math.PI * 440 * i) / WAV_SAMPLE_RATE)), 44 + i * 2);
  }
  return buffer;
}

/** Reads the length back (used by tests and by clients that check a file). */
export function wavDurationMs(file: Buffer): number {
  if (file.length < 44 || file.toString('ascii', 0, 4) !== 'RIFF') throw new Error('not a WAV file');
  const byteRate = file.readUInt32LE(28);
  const dataBytes = file.readUInt32LE(40);
  return (dataBytes / byteRate) * 1000;
}
