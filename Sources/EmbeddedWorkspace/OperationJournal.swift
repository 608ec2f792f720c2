import Foundation
import GRDB

/// The `operations` table: which effects this workspace has made, by idempotency key.
///
/// A key is written in the same transaction as its effect, so a key present means the effect
/// was made and a key absent means it was not. Keys name effects, not moments: `create:compute/x`
/// is the same key after a delete and a re-create. So the journal keeps, per resource, only the
/// operation that last changed it; an earlier key of that resource is forgotten, and an old
/// operation performed again is judged against the current rows instead of being skipped.
/// Beside each key the journal keeps the operation's ``OperationFingerprint``: a key found with
/// another fingerprint is a changed definition under a key that does not show the change.
enum OperationJournal {
    /// The message of the earlier performance of this very operation, if there was one.
    static func earlierMessage(for key: String, fingerprint: String, _ db: Database) throws -> String? {
        try String.fetchOne(
            db, sql: "SELECT message FROM operations WHERE idempotency_key = ? AND fingerprint = ?",
            arguments: [key, fingerprint])
    }

    /// Records `key` as the latest operation on `resource`.
    static func record(
        _ key: String, fingerprint: String, resource: String, message: String, at date: Date, _ db: Database
    ) throws {
        try forget(resource: resource, db)
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO operations (idempotency_key, fingerprint, resource, message, performed_at)
                VALUES (?, ?, ?, ?, ?)
                """,
            arguments: [key, fingerprint, resource, message, date])
    }

    /// Forgets every operation on `resource`: its rows were changed by something else.
    static func forget(resource: String, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM operations WHERE resource = ?", arguments: [resource])
    }
}
