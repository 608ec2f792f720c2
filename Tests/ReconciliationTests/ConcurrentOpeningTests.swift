import Foundation
import Reconciliation
import TestSupport
import Testing

@Suite("Opening one history from many processes at once")
struct ConcurrentOpeningTests {
    /// A `sync` starting while `history` reads the same fresh state directory: both migrate
    /// history.sqlite. Before the migration lock one of them failed on `CREATE TABLE` or on
    /// switching to WAL.
    @Test func historiesOpenedTogetherAllMigrate() throws {
        for _ in 0..<12 {
            let state = try ScratchDirectory()
            let path = state.path
            let failures = simultaneously(6) { _ = try HistoryStore(stateDirectory: path) }
            #expect(failures.isEmpty, "\(failures)")
            #expect(try HistoryStore(stateDirectory: path).records(limit: 1).isEmpty)
        }
    }
}
