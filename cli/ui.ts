/**
 * Terminal output: colour only on a TTY (and never with NO_COLOR or TERM=dumb), step lines that
 * update in place on a TTY and print once, plainly, elsewhere (CI logs, pipes).
 */

type Stream = NodeJS.WriteStream;

export function colorEnabled(stream: Stream): boolean {
  if ("NO_COLOR" in process.env && process.env.NO_COLOR !== "") return false;
  if (process.env.TERM === "dumb") return false;
  return stream.isTTY === true;
}

function paint(stream: Stream, code: number, text: string): string {
  return colorEnabled(stream) ? `\u001b[${code}m${text}\u001b[0m` : text;
}

export const color = {
  red: (stream: Stream, text: string) => paint(stream, 31, text),
  green: (stream: Stream, text: string) => paint(stream, 32, text),
  yellow: (stream: Stream, text: string) => paint(stream, 33, text),
  dim: (stream: Stream, text: string) => paint(stream, 2, text),
  bold: (stream: Stream, text: string) => paint(stream, 1, text),
};

/** Interactive: a person at a terminal (stdout a TTY, not CI). Decides step lines and prompts. */
export function isInteractiveOutput(): boolean {
  return process.stdout.isTTY === true && !process.env.CI;
}

export function info(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function printError(message: string): void {
  const [first, ...rest] = message.split("\n");
  const lines = [`${color.red(process.stderr, color.bold(process.stderr, "error:"))} ${first}`, ...rest.map((l) => `  ${l}`)];
  process.stderr.write(`${lines.join("\n")}\n`);
}

export function printWarning(message: string): void {
  process.stderr.write(`${color.yellow(process.stderr, "warning:")} ${message}\n`);
}

/**
 * Run one long step. On a TTY: "… label" while it runs, replaced by "✔ label (1.2 s)".
 * Elsewhere: one plain line when it is done, "label (1.2 s)". `done` may rename the step once its result is known.
 */
export async function step<T>(label: string, work: () => T | Promise<T>, done?: (result: T) => string): Promise<T> {
  const tty = isInteractiveOutput();
  const out = process.stdout;
  if (tty) out.write(`${color.dim(out, "…")} ${label}`);
  // Let the line reach the terminal before synchronous work blocks the event loop.
  if (tty) await new Promise((resolve) => setImmediate(resolve));
  const started = process.hrtime.bigint();
  let result: T;
  try {
    result = await work();
  } catch (error) {
    if (tty) out.write(`\r\u001b[2K${color.red(out, "✖")} ${label}\n`);
    throw error;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const text = `${done ? done(result) : label} ${color.dim(out, `(${seconds.toFixed(1)} s)`)}`;
  out.write(tty ? `\r\u001b[2K${color.green(out, "✔")} ${text}\n` : `${text}\n`);
  return result;
}
