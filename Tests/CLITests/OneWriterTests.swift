import Foundation
import TestSupport
import Testing

/// Two reconciles on one state never apply at once: the second waits for the lease (or, without
/// `--lease-wait`, exits 1 naming the holder), and the history's applies never overlap in time.
@Suite("One writer")
struct OneWriterTests {
    @Test func secondReconcileWaitsOrNamesTheHolder() async throws {
        let repo = try ScratchRepository()
        try MLRepositoryFixture.write(into: repo)
        for index in 0..<12 {
            try repo.write("ml/environments/env\(index).yml", """
                name: env-\(index)
                image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:20240908.v\(index)
                """)
        }
        try repo.commitAll("resources")
        let state = repo.path + "/.state"
        let arguments = ["reconcile", "--repo", repo.path, "--path", "ml", "--state", state]

        // The first stops at its first journal point for as long as the gate file exists.
        let gate = repo.path + "/gate"
        FileManager.default.createFile(atPath: gate, contents: nil)
        let first = try PausedApply(arguments, in: repo.path, pauseMilliseconds: 20, gate: gate)
        await first.waitForMarkers(1)

        // Meanwhile, one that will not wait is refused, naming the holder; it changed nothing.
        let refused = try await MLGitOpsBinary.run(arguments, in: repo.path)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("another apply is in progress"), "\(refused.stderr)")
        #expect(refused.stderr.contains("pid \(first.pid)"), "\(refused.stderr)")
        #expect(refused.stderr.contains("reconcile"), "the holder's command: \(refused.stderr)")

        // One that waits starts after the first and applies (its own pause hook on too).
        let second = try PausedApply(arguments + ["--lease-wait", "120"], in: repo.path, pauseMilliseconds: 20)
        await second.waitForOutput(containing: "waiting up to 120s")
        #expect(second.process.isRunning, "the second waits while the first holds the lease")
        try FileManager.default.removeItem(atPath: gate)
        let firstOutcome = try await first.finish()
        let secondOutcome = try await second.finish()
        #expect(firstOutcome.status == 0, "\(firstOutcome.stderr)")
        #expect(secondOutcome.status == 0, "\(secondOutcome.stderr)")
        #expect(secondOutcome.stderr.contains("waiting up to 120s for the apply lease held by pid \(first.pid)"), "\(secondOutcome.stderr)")
        // The second planned after the first had applied: nothing left for it to do.
        #expect(secondOutcome.markers.isEmpty, "\(secondOutcome.markers)")

        // The history: two applies by two processes, one after the other, each action inside its own.
        let reconciles = try await HistoryDatabase.query(
            state, "SELECT id, started_at, finished_at, holder, status FROM reconciles ORDER BY started_at")
        #expect(reconciles.count == 2, "the refused one recorded nothing: \(reconciles)")
        let holders = Set(reconciles.map { $0[3] as? String ?? "" })
        #expect(holders == ["pid \(first.pid) on \(ProcessInfo.processInfo.hostName)", "pid \(second.pid) on \(ProcessInfo.processInfo.hostName)"])
        let spans = reconciles.map { (id: $0[0] as? Int ?? -1, start: $0[1] as? Double ?? 0, end: $0[2] as? Double ?? .infinity) }
        for (a, b) in zip(spans, spans.dropFirst()) {
            #expect(a.end <= b.start, "reconcile \(b.id) started before \(a.id) ended")
        }
        let actions = try await HistoryDatabase.query(state, "SELECT reconcile_id, at FROM action_results")
        #expect(actions.count >= 16)
        for row in actions {
            let span = spans.first { $0.id == row[0] as? Int }
            let at = row[1] as? Double ?? -1
            #expect(span.map { $0.start <= at && at <= $0.end } == true, "action at \(at) outside its reconcile \(String(describing: span))")
        }
        #expect(reconciles.allSatisfy { $0[4] as? String == "succeeded" })

        // The lease was released: a third runs at once.
        let third = try await MLGitOpsBinary.run(arguments, in: repo.path)
        #expect(third.status == 0, "\(third.output)")
    }
}
