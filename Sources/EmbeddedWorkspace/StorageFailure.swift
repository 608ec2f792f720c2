import GRDB
import Workspaces

/// Turns whatever the storage threw into a ``WorkspaceError`` that names the file and says
/// what to do; errors that already are workspace errors (a refused operation) pass through.
struct StorageFailure {
    /// The database file, for the message.
    var path: String

    func workspaceError(from error: any Error) -> WorkspaceError {
        switch error {
        case let error as WorkspaceError:
            return error
        case let error as DatabaseError:
            return databaseError(error)
        case let error as CorruptColumn:
            return .storage(
                detail:
                    "\(path): \(error.column) holds a value mlgitops cannot read (\(error.detail)); fix or remove the row, or move the file aside to start afresh"
            )
        case let error as RowDecodingError:
            return .storage(
                detail: "\(path): a row holds a value of the wrong type (\(error)); fix or remove the row, or move the file aside to start afresh")
        default:
            return .storage(detail: "\(path): \(error)")
        }
    }

    private func databaseError(_ error: DatabaseError) -> WorkspaceError {
        let reason = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            // Another mlgitops process held the write lock past the busy timeout.
            return .transient(
                detail: "\(path) is busy (\(reason)); another mlgitops process is writing to it, retry when it is done")
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return .storage(
                detail:
                    "\(path): \(reason); the file is not a usable workspace database, move it aside to start a new one")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
            return .storage(
                detail: "\(path): \(reason); check that the state directory exists and is writable by this user")
        case .SQLITE_FULL, .SQLITE_IOERR:
            return .storage(detail: "\(path): \(reason); check free disk space and the file system")
        default:
            return .storage(detail: "\(path): \(reason)")
        }
    }
}
