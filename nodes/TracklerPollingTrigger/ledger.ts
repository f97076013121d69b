// What the timing modes of earlier versions kept in the node's static data: a ledger of the moments
// they fired. It is read once, when a workflow moves to Trackler's timing rules (modes/timedMoments.ts),
// and then removed.

/** Key (`appointmentId@firingMomentISO`, `trackId@firingMomentISO`) → the moment in ms. */
export type Ledger = Record<string, number>;

export function ledgerKey(id: string, momentMs: number): string {
	return `${id}@${new Date(momentMs).toISOString()}`;
}
