import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A reconcile killed with SIGKILL at arbitrary points: the next run converges with no
/// duplicate build or submission and a history with nothing left `running`.
@Suite("Crash and resume")
struct CrashResumeTests {
    static let jobCount = 24

    func writeManyResources(into repo: ScratchRepository) throws {
        try MLRepositoryFixture.write(into: repo)
        for index in 0..<Self.jobCount {
            try repo.write("ml/jobs/job\(index).yml", """
                $schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
                type: command
                command: python run.py --index \(index)
                code: ../src/train
                environment: azureml:train-env@latest
                compute: azureml:cpu-cluster
                """)
            try repo.write("ml/environments/env\(index).yml", """
                name: env-\(index)
                image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:20240908.v\(index)
                """)
        }
    }

    @Test func killedReconcilesConvergeWithoutDuplicates() async throws {
        let repo = try ScratchRepository()
        try writeManyResources(into: repo)
        try repo.commitAll("many resources")
        let state = repo.path + "/.state"
        let arguments = ["reconcile", "--repo", repo.path, "--path", "ml", "--state", state]

        var generator = SystemRandomNumberGenerator()
        for trial in 0..<10 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: MLGitOpsBinary.path)
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let exited = AsyncStream<Void> { continuation in
                process.terminationHandler = { _ in continuation.yield(); continuation.finish() }
            }
            try process.run()
            // Spread the kills over start-up, planning and the apply itself.
            let delay = 20_000 + trial * 15_000 + Int.random(in: 0..<15_000, using: &generator)
            try await Task.sleep(nanoseconds: UInt64(delay) * 1_000)
            kill(process.processIdentifier, SIGKILL)
            for await _ in exited { break }
        }
        let final = try await MLGitOpsBinary.run(arguments, in: repo.path)
        #expect(final.status == 0, "\(final.output)")
        let again = try await MLGitOpsBinary.run(arguments + ["--dry-run", "--detailed-exitcode"], in: repo.path)
        #expect(again.status == 0, "converged: \(again.output)")

        let (_, status) = try await MLGitOpsBinary.json(["status", "--state", state], in: repo.path)
        let current = status["current"] as? [String: Any] ?? [:]
        let jobs = current["jobs"] as? [[String: Any]] ?? []
        let environments = current["environments"] as? [[String: Any]] ?? []
        #expect(jobs.count == Self.jobCount + 2, "one submission per job definition")
        // One version per environment: a build repeated after a crash would add a version 2.
        #expect(environments.count == Self.jobCount + 2)
        #expect(environments.allSatisfy { $0["version"] as? String == "1" })

        let (_, history) = try await MLGitOpsBinary.json(["history", "--state", state, "--limit", "100"], in: repo.path)
        let records = history["reconciles"] as? [[String: Any]] ?? []
        #expect(!records.contains { $0["status"] as? String == "running" })
        #expect(records.first?["status"] as? String == "succeeded")
    }
}
