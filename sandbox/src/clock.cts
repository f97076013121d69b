// The sandbox clock: real time plus a persisted offset, or a frozen moment. Every timestamp the
// sandbox writes (created_at, appointment windows, invitation expiry) comes from here. Webhook
// deliveries do not: they are signed with the real wall clock.

export interface ClockState {
	offset_ms: number;
	frozen_at: number | null;
}

export interface ClockPersistence {
	load(): ClockState;
	save(state: ClockState): void;
}

export class SandboxClock {
	private state: ClockState;
	constructor(private readonly persistence: ClockPersistence) {
		this.state = persistence.load();
	}

	nowMs(): number {
		return this.state.frozen_at ?? Date.now() + this.state.offset_ms;
	}

	now(): Date {
		return new Date(this.nowMs());
	}

	/** ISO 8601 UTC with milliseconds; every stored timestamp has this exact shape, so strings sort by time. */
	nowIso(): string {
		return new Date(this.nowMs()).toISOString();
	}

	/** Sets the clock to `iso`; frozen there unless `freeze` is false (then it runs on from `iso`). */
	set(iso: string, freeze = true): void {
		const ms = Date.parse(iso);
		if (Number.isNaN(ms)) throw new Error(`not a date-time: ${iso}`);
		this.state = freeze ? { offset_ms: 0, frozen_at: ms } : { offset_ms: ms - Date.now(), frozen_at: null };
		this.persistence.save(this.state);
	}

	advance(seconds: number): void {
		const ms = Math.round(seconds * 1000);
		this.state =
			this.state.frozen_at !== null
				? { ...this.state, frozen_at: this.state.frozen_at + ms }
				: { ...this.state, offset_ms: this.state.offset_ms + ms };
		this.persistence.save(this.state);
	}

	reset(): void {
		this.state = { offset_ms: 0, frozen_at: null };
		this.persistence.save(this.state);
	}

	describe(): { now: string; frozen: boolean; offset_seconds: number; real_now: string } {
		return {
			now: this.nowIso(),
			frozen: this.state.frozen_at !== null,
			offset_seconds: Math.round((this.nowMs() - Date.now()) / 1000),
			real_now: new Date().toISOString(),
		};
	}
}

/** Normalises any date-time string to the stored shape (`YYYY-MM-DDTHH:mm:ss.sssZ`). */
export function normIso(value: string): string {
	return new Date(Date.parse(value)).toISOString();
}
