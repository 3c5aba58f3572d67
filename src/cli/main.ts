export async function main(argv: string[]): Promise<void> {
  process.stdout.write(`goroscope: not yet wired (${argv.join(' ')})\n`);
}
