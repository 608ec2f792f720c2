import GRDB

/// The `mini_batches` table: each finished mini-batch of a parallel step, recorded once.
enum MiniBatchTable {
    static func all(job: String, step: String, _ db: Database) throws -> [MiniBatchRecord] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT batch, succeeded, items, rows_returned, attempts, failures, rows_file FROM mini_batches
                WHERE job = ? AND step = ? ORDER BY batch
                """, arguments: [job, step]
        ).map { row in
            MiniBatchRecord(
                batch: try row.decode(forColumn: "batch"), succeeded: try row.decode(forColumn: "succeeded"),
                items: try row.decode(forColumn: "items"), rowsReturned: try row.decode(forColumn: "rows_returned"),
                attempts: try row.decode(forColumn: "attempts"),
                failures: try JSONColumn.decode(
                    [String].self, from: try row.decode(forColumn: "failures"), column: "mini_batches.failures"),
                rowsFile: try row.decode(forColumn: "rows_file"))
        }
    }

    /// Done, failed, total-known and items done, per step of a job.
    static func progress(job: String, _ db: Database) throws -> [String: (succeeded: Int, failed: Int, items: Int)] {
        var result: [String: (Int, Int, Int)] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT step, sum(succeeded) AS ok, sum(1 - succeeded) AS bad, sum(CASE WHEN succeeded THEN items ELSE 0 END) AS items
                FROM mini_batches WHERE job = ? GROUP BY step
                """, arguments: [job])
        {
            result[try row.decode(forColumn: "step")] = (
                try row.decode(forColumn: "ok"), try row.decode(forColumn: "bad"), try row.decode(forColumn: "items")
            )
        }
        return result
    }
}
