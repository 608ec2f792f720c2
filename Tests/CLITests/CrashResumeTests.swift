import Foundation
import TestSupport
import Testing

/// A reconcile killed with SIGKILL at many points of an apply (51 trials): right after an
/// action is journalled, right after the workspace made it (before the history knows), and at
/// random moments (start-up, planning, inside a transaction, writing a job's files). The next
/// run takes over the dead process's lease, converges with no duplicate cluster, build or
/// submission, and the history is complete: every killed apply is `interrupted`, nothing is
/// left `running` or `started`, and no effect is recorded as done twice.
@Suite("Crash and resume")
struct CrashResumeTests {
    static let jobCount = 30
    static let rounds = 3
    static let trialsPerRound = 17
    /// The hook's pause at each marker: long enough for the kill to land in it.
    static let pauseMilliseconds = 15

    func writeManyResources(into repo: ScratchRepository) throws {
        try MLRepositoryFixture.write(into: repo)
        for index in 0..<Self.jobCount {
            try repo.write("ml/jobs/job\(index).yml", """
                $schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
                type: command
                command: python run.py --index \(index)
                code: ../src/train
                environment: azureml:env-\(index)@latest
                compute: azureml:cpu-cluster
                """)
            try repo.write("ml/environments/env\(index).yml", """
                name: env-\(index)
                image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:20240908.v\(index)
                """)
        }
    }

    /// Trial `index`'s kill: a third after a journalled action, a third after a performed one,
    /// a third at a random delay.
    static func kill(for index: Int, using generator: inout some RandomNumberGenerator) -> PausedApply.Kill {
        switch index % 3 {
        case 0: .atMarker(point: "started", count: Int.random(in: 1...3, using: &generator))
        case 1: .atMarker(point: "performed", count: Int.random(in: 1...3, using: &generator))
        default: .afterMicroseconds(Int.random(in: 5_000...250_000, using: &generator))
        }
    }

    @Test func killedReconcilesConvergeWithoutDuplicates() async throws {
        let repo = try ScratchRepository()
        try writeManyResources(into: repo)
        try repo.commitAll("many resources")
        var generator = SystemRandomNumberGenerator()
        for round in 0..<Self.rounds {
            // A fresh state each round, so every trial lands in the middle of an apply.
            let state = repo.path + "/.state-\(round)"
            let arguments = ["reconcile", "--repo", repo.path, "--path", "ml", "--state", state]
            var killedMidApply = 0
            for trial in 0..<Self.trialsPerRound {
                let kill = Self.kill(for: round * Self.trialsPerRound + trial, using: &generator)
                let run = try PausedApply(arguments, in: repo.path, pauseMilliseconds: Self.pauseMilliseconds, kill: kill)
                let outcome = try await run.finish()
                // A run that was not killed finished: it must have succeeded. Exit 1 here would be
                // a lease not taken over from the dead process before it.
                if !outcome.killed {
                    #expect(outcome.status == 0, "round \(round) trial \(trial) (\(kill)): \(outcome.stderr)")
                }
                if outcome.killed && !outcome.markers.isEmpty { killedMidApply += 1 }
            }
            #expect(killedMidApply >= Self.trialsPerRound / 2, "most kills land inside an apply")
            try await checkConverged(state: state, arguments: arguments, repo: repo, killedMidApply: killedMidApply)
        }
    }

    func checkConverged(state: String, arguments: [String], repo: ScratchRepository, killedMidApply: Int) async throws {
        let final = try await MLGitOpsBinary.run(arguments, in: repo.path)
        #expect(final.status == 0, "\(final.output)")
        let again = try await MLGitOpsBinary.run(arguments + ["--dry-run", "--detailed-exitcode"], in: repo.path)
        #expect(again.status == 0, "converged: \(again.output)")

        let (_, status) = try await MLGitOpsBinary.json(["status", "--state", state], in: repo.path)
        let current = status["current"] as? [String: Any] ?? [:]
        let jobs = current["jobs"] as? [[String: Any]] ?? []
        let environments = current["environments"] as? [[String: Any]] ?? []
        let clusters = current["clusters"] as? [[String: Any]] ?? []
        #expect(jobs.count == Self.jobCount + 2, "one submission per job definition")
        #expect(clusters.count == 1)
        // One version per environment: a build repeated after a crash would add a version 2.
        #expect(environments.count == Self.jobCount + 2)
        #expect(environments.allSatisfy { $0["version"] as? String == "1" })
        let builds = Set(environments.compactMap { $0["buildID"] as? String })
        #expect(builds.count == Self.jobCount + 2, "one build per definition")

        // No half-written job snapshot is left behind.
        let snapshots = (try? FileManager.default.contentsOfDirectory(atPath: state + "/snapshots")) ?? []
        #expect(!snapshots.contains { $0.hasPrefix(".partial-") }, "\(snapshots)")
        #expect(snapshots.count == Self.jobCount + 2, "one snapshot per job definition: \(snapshots)")

        // The history, as written.
        let records = try await HistoryDatabase.query(state, "SELECT id, status FROM reconciles ORDER BY id")
        let statuses = records.map { $0[1] as? String ?? "" }
        #expect(!statuses.contains("running"))
        #expect(statuses.last == "succeeded")
        #expect(statuses.filter { $0 == "interrupted" }.count >= killedMidApply, "every killed apply is marked interrupted: \(statuses)")
        let open = try await HistoryDatabase.query(state, "SELECT COUNT(*) FROM action_results WHERE status = 'started'")
        #expect(open.first?.first as? Int == 0)
        // An effect is recorded as done by at most one reconcile; later ones found it done.
        let twice = try await HistoryDatabase.query(
            state, "SELECT resource, COUNT(*) FROM action_results WHERE status = 'done' GROUP BY resource HAVING COUNT(*) > 1")
        #expect(twice.isEmpty, "done twice: \(twice)")
        let interruptedActions = try await HistoryDatabase.query(
            state, "SELECT COUNT(*) FROM action_results WHERE status = 'failed' AND message LIKE 'interrupted:%'")
        #expect((interruptedActions.first?.first as? Int ?? 0) > 0, "actions cut short are closed as interrupted")

        let (_, history) = try await MLGitOpsBinary.json(["history", "--state", state, "--limit", "1000"], in: repo.path)
        let listed = history["reconciles"] as? [[String: Any]] ?? []
        #expect(listed.count == records.count)
        #expect(listed.allSatisfy { $0["durationSeconds"] is Double }, "every record is closed with a duration")
    }
}
