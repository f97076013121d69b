// The sandbox's SQLite store itself (sandbox/src/store/database.cts, on node:sqlite): the settings a file
// database is opened with, transactions (committed, rolled back, joined when nested), parameters bound as
// before (undefined as NULL), rows kept across a reopen of the same file, and a closed store that says so.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUSY_TIMEOUT_MS, StoreCore } from '../../sandbox/src/store/database.cjs';

let dir: string;
beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trackler-store-'));
});
afterEach(() => {
	fs.rmSync(dir, { recursive: true, force: true });
});

function open(name = 'trackler.db'): StoreCore {
	return new StoreCore(path.join(dir, name));
}

const metaValue = (store: StoreCore, key: string): string | undefined => store.getMeta(key);

describe('a file database', () => {
	it('is opened in WAL mode, with synchronous NORMAL and a busy timeout of 5 s', () => {
		const store = open();
		try {
			expect(store.get<{ journal_mode: string }>('PRAGMA journal_mode')?.journal_mode).toBe('wal');
			expect(store.get<{ synchronous: number }>('PRAGMA synchronous')?.synchronous).toBe(1); // NORMAL
			expect(BUSY_TIMEOUT_MS).toBe(5000);
			expect(store.get<{ timeout: number }>('PRAGMA busy_timeout')?.timeout).toBe(BUSY_TIMEOUT_MS);
		} finally {
			store.close();
		}
	});

	it('keeps what was written across a reopen of the same file', () => {
		const first = open();
		first.setMeta('kept', 'yes');
		first.close();
		const second = open();
		try {
			expect(metaValue(second, 'kept')).toBe('yes');
		} finally {
			second.close();
		}
	});

	it('an in-memory database stays in memory (no WAL)', () => {
		const store = new StoreCore();
		try {
			expect(store.get<{ journal_mode: string }>('PRAGMA journal_mode')?.journal_mode).toBe('memory');
		} finally {
			store.close();
		}
	});
});

describe('transactions', () => {
	let store: StoreCore;
	beforeEach(() => {
		store = open();
	});
	afterEach(() => store.close());

	it('commits what the function wrote and returns its result', () => {
		const result = store.tx(() => {
			store.setMeta('a', '1');
			store.setMeta('b', '2');
			return 'done';
		});
		expect(result).toBe('done');
		expect([metaValue(store, 'a'), metaValue(store, 'b')]).toEqual(['1', '2']);
		expect(store.db.isTransaction).toBe(false);
	});

	it('rolls everything back when the function throws, and rethrows', () => {
		store.setMeta('a', 'before');
		expect(() =>
			store.tx(() => {
				store.setMeta('a', 'changed');
				store.setMeta('b', 'new');
				throw new Error('refused');
			}),
		).toThrow('refused');
		expect(metaValue(store, 'a')).toBe('before');
		expect(metaValue(store, 'b')).toBeUndefined();
		expect(store.db.isTransaction).toBe(false);
	});

	it('a transaction inside one joins it: the outer one decides', () => {
		expect(() =>
			store.tx(() => {
				store.tx(() => store.setMeta('inner', 'x'));
				expect(store.db.isTransaction).toBe(true); // the inner one did not commit
				throw new Error('outer fails');
			}),
		).toThrow('outer fails');
		expect(metaValue(store, 'inner')).toBeUndefined();
	});

	it('is seen by a second connection only once committed', () => {
		const other = open();
		try {
			store.tx(() => {
				store.setMeta('seen', 'later');
				expect(metaValue(other, 'seen')).toBeUndefined();
			});
			expect(metaValue(other, 'seen')).toBe('later');
		} finally {
			other.close();
		}
	});
});

describe('statements', () => {
	it('binds undefined as NULL, and reports changes and the last row id', () => {
		const store = new StoreCore();
		try {
			store.db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
			const res = store.run('INSERT INTO t (v) VALUES (?)', undefined);
			expect(res.changes).toBe(1);
			expect(Number(res.lastInsertRowid)).toBe(1);
			expect(store.get<{ v: unknown }>('SELECT v FROM t WHERE id = ?', 1)?.v).toBeNull();
			expect(store.run('UPDATE t SET v = ? WHERE id = ?', 'x', 2).changes).toBe(0);
			expect(store.all<{ id: number }>('SELECT id FROM t').map((r) => r.id)).toEqual([1]);
		} finally {
			store.close();
		}
	});

	it('a closed store says so, and closing it again is harmless', () => {
		const store = new StoreCore();
		expect(store.open).toBe(true);
		store.close();
		expect(store.open).toBe(false);
		expect(() => store.close()).not.toThrow();
	});
});
