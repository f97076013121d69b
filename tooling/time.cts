// Waiting, for tests and scripts: `sleep` between polls, and `waitFor`, which polls a check until it
// gives a value or a deadline passes (tests wait on conditions, never on a fixed time).

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every `intervalMs` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function waitFor<T>(
	what: string,
	timeoutMs: number,
	check: () => Promise<T | undefined>,
	intervalMs = 300,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() > deadline)
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(intervalMs);
	}
}
