/**
 * The one way tests wait for something they cannot subscribe to: poll a condition until it holds,
 * with a deadline that names what was awaited. Never a fixed sleep.
 */
export async function pollUntil<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 8000, everyMs = 10): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((r) => setTimeout(r, everyMs));
  }
}
