/**
 * The insight store in a SQLite file, on sql.js (SQLite compiled to WebAssembly: the same
 * package runs on every Node version with nothing compiled or downloaded; docs/PRIVACY.md says
 * why not a native addon). The database lives in memory and is written back to the file, whole
 * and atomically, shortly after each change. One process owns a file at a time (a lock file).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import initSqlJs from 'sql.js';
import type { Database, SqlValue } from 'sql.js';
import type { InsightStore, StoredFeedback, StoredTurn, Subject } from '../insights/types.js';

export interface SqliteInsightOptions {
  /** Read only (the report): no lock, never written back. */
  readOnly?: boolean;
  /** How long after a change the file is written (default 250 ms). */
  saveDelayMs?: number;
}

const SCHEMA = `
create table if not exists turns (
  id integer primary key, site text not null, session_id text not null, visitor text, at integer not null,
  question text not null, searches text not null, citations text not null, response_ids text not null, cost_usd real not null);
create index if not exists turns_site_at on turns (site, at);
create index if not exists turns_session on turns (session_id);
create index if not exists turns_visitor on turns (visitor);
create table if not exists feedback (
  id integer primary key, site text not null, session_id text not null, response_id text not null,
  rating text not null, reason text, at integer not null);
create index if not exists feedback_site_at on feedback (site, at);
create index if not exists feedback_session on feedback (session_id);`;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Takes `<file>.lock` for this process; refuses when another live process holds it. */
function takeLock(lockPath: string): void {
  if (existsSync(lockPath)) {
    const pid = Number(readFileSync(lockPath, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
      throw new Error(`the insight store ${lockPath.slice(0, -5)} is open in process ${pid} (a running gateway?); stop it first, or use insights.store: redis`);
  }
  writeFileSync(lockPath, String(process.pid));
}

function rows(db: Database, sql: string, params: SqlValue[]): Array<Record<string, SqlValue>> {
  const [result] = db.exec(sql, params);
  if (!result) return [];
  return result.values.map((values) => Object.fromEntries(result.columns.map((column, i) => [column, values[i]!])));
}

const toTurn = (row: Record<string, SqlValue>): StoredTurn => ({
  site: String(row.site),
  sessionId: String(row.session_id),
  ...(row.visitor === null ? {} : { visitor: String(row.visitor) }),
  at: Number(row.at),
  question: String(row.question),
  searches: JSON.parse(String(row.searches)) as StoredTurn['searches'],
  citations: JSON.parse(String(row.citations)) as StoredTurn['citations'],
  responseIds: JSON.parse(String(row.response_ids)) as string[],
  costUsd: Number(row.cost_usd),
});

const toFeedback = (row: Record<string, SqlValue>): StoredFeedback => ({
  site: String(row.site),
  sessionId: String(row.session_id),
  responseId: String(row.response_id),
  rating: row.rating === 'down' ? 'down' : 'up',
  ...(row.reason === null ? {} : { reason: String(row.reason) }),
  at: Number(row.at),
});

/** Opens (or creates) the store in `file`. */
export async function openSqliteInsightStore(file: string, options: SqliteInsightOptions = {}): Promise<InsightStore> {
  const SQL = await initSqlJs();
  const lockPath = `${file}.lock`;
  if (!options.readOnly) {
    mkdirSync(dirname(file), { recursive: true });
    takeLock(lockPath);
  }
  const db = existsSync(file) ? new SQL.Database(readFileSync(file)) : new SQL.Database();
  db.exec(SCHEMA);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  // Whole-file write to a temporary name, then a rename: a crash leaves the old file or the new one.
  const save = () => {
    timer = undefined;
    if (options.readOnly) return;
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, db.export(), { mode: 0o600 });
    renameSync(temporary, file);
  };
  const changed = () => {
    if (options.readOnly || closed) return;
    timer ??= setTimeout(save, options.saveDelayMs ?? 250);
    timer.unref?.();
  };
  const deleteWhere = (where: string, params: SqlValue[]): number => {
    db.run(`delete from turns where ${where}`, params);
    let count = db.getRowsModified();
    db.run(`delete from feedback where ${where}`, params);
    count += db.getRowsModified();
    if (count > 0) changed();
    return count;
  };

  return {
    async addTurn(turn) {
      db.run(
        'insert into turns (site, session_id, visitor, at, question, searches, citations, response_ids, cost_usd) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [turn.site, turn.sessionId, turn.visitor ?? null, turn.at, turn.question, JSON.stringify(turn.searches), JSON.stringify(turn.citations), JSON.stringify(turn.responseIds), turn.costUsd],
      );
      changed();
    },
    async addFeedback(feedback) {
      db.run('insert into feedback (site, session_id, response_id, rating, reason, at) values (?, ?, ?, ?, ?, ?)', [
        feedback.site, feedback.sessionId, feedback.responseId, feedback.rating, feedback.reason ?? null, feedback.at,
      ]);
      changed();
    },
    async turns(site, since) {
      return rows(db, 'select * from turns where site = ? and at >= ? order by at, id', [site, since]).map(toTurn);
    },
    async feedback(site, since) {
      return rows(db, 'select * from feedback where site = ? and at >= ? order by at, id', [site, since]).map(toFeedback);
    },
    async deleteBefore(site, before) {
      return deleteWhere('site = ? and at < ?', [site, before]);
    },
    async deleteSubject(subject: Subject) {
      if (subject.sessionId !== undefined) return deleteWhere('session_id = ?', [subject.sessionId]);
      // A visitor's ratings carry no visitor id: they go with the sessions of the visitor's turns.
      const sessions = rows(db, 'select distinct session_id from turns where visitor = ?', [subject.visitor]).map((row) => row.session_id!);
      if (sessions.length === 0) return 0;
      return deleteWhere(`session_id in (${sessions.map(() => '?').join(', ')})`, sessions);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (timer !== undefined) {
        clearTimeout(timer);
        save();
      }
      db.close();
      if (!options.readOnly) rmSync(lockPath, { force: true });
    },
  };
}
