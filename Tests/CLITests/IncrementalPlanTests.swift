import Foundation
import TestSupport
import Testing

/// `plan` after a commit starts from the last plan (plan-baseline.sqlite) and reloads only what
/// the tree diff reaches. Every step checks the one promise that matters: the plan is the same,
/// byte for byte, as a whole plan (`--full`) of the same commit; and that the fast path was
/// taken where it should be and declined where a splice could differ.
@Suite("Incremental plan", .serialized)
struct IncrementalPlanTests {
    let repo: ScratchRepository
    let state: String

    init() throws {
        repo = try ScratchRepository()
        try MLRepositoryFixture.write(into: repo)
        // A pinned environment version named by `name:version`, and a component two pipelines share.
        try repo.write("ml/environments/pinned.yml", """
            name: pinned-env
            version: "3"
            image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:20240908.v1
            """)
        try repo.write("ml/components/featurize.yml", """
            $schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
            type: command
            name: featurize
            inputs:
              depth:
                type: integer
                default: 3
            code: ../src/score
            environment: azureml:pinned-env:3
            command: python score.py --depth ${{inputs.depth}}
            """)
        for name in ["features-a", "features-b"] {
            try repo.write("ml/pipelines/\(name).yml", """
                $schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
                type: pipeline
                settings:
                  default_compute: azureml:cpu-cluster
                jobs:
                  featurize:
                    type: command
                    component: ../components/featurize.yml
                """)
        }
        try repo.commitAll("initial desired state")
        state = repo.path + "/.state"
    }

    var common: [String] { ["--repo", repo.path, "--path", "ml", "--state", state] }

    /// Plans the head three times: as text (to see which path it took), as JSON from the
    /// baseline, and as JSON in whole (which also makes the head the next baseline).
    /// Returns whether the first plan declined, with the reason it printed.
    func planBothWays(expectStatus: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) async throws -> (declined: Bool, stderr: String, json: String) {
        let text = try await MLGitOpsBinary.run(["plan"] + common, in: repo.path)
        let incremental = try await MLGitOpsBinary.run(["plan", "--output", "json"] + common, in: repo.path)
        let whole = try await MLGitOpsBinary.run(["plan", "--output", "json", "--full"] + common, in: repo.path)
        #expect(text.status == expectStatus, "\(text.output)", sourceLocation: sourceLocation)
        #expect(incremental.status == whole.status, sourceLocation: sourceLocation)
        #expect(incremental.stdout == whole.stdout, "the plan from the baseline differs from the whole plan", sourceLocation: sourceLocation)
        return (text.stderr.contains("planning every manifest"), text.stderr, whole.stdout)
    }

    @Test func everyKindOfChangeGivesTheWholePlan() async throws {
        let applied = try await MLGitOpsBinary.run(["reconcile"] + common, in: repo.path)
        #expect(applied.status == 0, "\(applied.output)")
        // After an apply the workspace changed: the first plan is whole and makes the baseline.
        let first = try await MLGitOpsBinary.run(["plan"] + common, in: repo.path)
        #expect(first.stdout.contains("No changes"), "\(first.output)")
        #expect(FileManager.default.fileExists(atPath: state + "/plan-baseline.sqlite"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: state).filter { $0.contains(".new-") }.isEmpty, "no new file left behind")

        // The head did not move: the baseline is the plan.
        var step = try await planBothWays()
        #expect(!step.declined, "\(step.stderr)")

        // A pipeline's own file: reloaded alone.
        try repo.write("ml/pipelines/train.yml", try String(contentsOfFile: repo.path + "/ml/pipelines/train.yml", encoding: .utf8)
            .replacingOccurrences(of: "rate: 0.5", with: "rate: 0.7"))
        try repo.commitAll("train at 0.7")
        step = try await planBothWays()
        #expect(!step.declined, "\(step.stderr)")
        #expect(step.json.contains("\"job/pipelines-train\""))

        // Code a pipeline uploads: the pipeline that reads the folder is replanned.
        try repo.write("ml/src/score/score.py", "print('score v2')\n")
        try repo.commitAll("new scoring code")
        step = try await planBothWays()
        #expect(!step.declined, "\(step.stderr)")

        // A component two pipelines use: both are replanned, from the baseline.
        try repo.write("ml/components/featurize.yml", try String(contentsOfFile: repo.path + "/ml/components/featurize.yml", encoding: .utf8)
            .replacingOccurrences(of: "default: 3", with: "default: 4"))
        try repo.commitAll("deeper features")
        step = try await planBothWays()
        #expect(!step.declined, "\(step.stderr)")
        #expect(step.json.contains("\"job/pipelines-features-a\"") && step.json.contains("\"job/pipelines-features-b\""))

        // A new job file, then its removal.
        try repo.write("ml/jobs/extra.yml", """
            $schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
            type: command
            name: extra
            command: python score.py
            code: ../src/score
            environment: azureml:pinned-env:3
            compute: azureml:cpu-cluster
            """)
        try repo.commitAll("an extra job")
        step = try await planBothWays()
        #expect(!step.declined, "\(step.stderr)")
        #expect(step.json.contains("\"job/extra\""))
        try repo.remove("ml/jobs/extra.yml")
        try repo.commitAll("no extra job")
        step = try await planBothWays()
        #expect(!step.declined, "\(step.stderr)")
        #expect(!step.json.contains("\"job/extra\""))

        // A broken job: the same errors, exit 1, either way.
        try repo.write("ml/jobs/broken.yml", """
            type: command
            name: broken
            command: python score.py
            environment: azureml:score-env@latest
            compute: azureml:cpu-cluster
            resources:
              instance_count: many
            """)
        try repo.commitAll("a broken job")
        step = try await planBothWays(expectStatus: 1)
        #expect(!step.declined, "\(step.stderr)")
        try repo.remove("ml/jobs/broken.yml")
        try repo.commitAll("fixed")
        _ = try await planBothWays()

        // A job taking a name another file declares: the whole plan reports the duplicate.
        try repo.write("ml/jobs/twin.yml", """
            type: command
            name: pipelines-train
            command: python score.py
            environment: azureml:score-env@latest
            compute: azureml:cpu-cluster
            """)
        try repo.commitAll("a twin")
        step = try await planBothWays(expectStatus: 1)
        #expect(step.declined, "a name another file declares needs the whole plan")
        try repo.remove("ml/jobs/twin.yml")
        try repo.commitAll("no twin")
        _ = try await planBothWays()

        // An environment's conda file: environments are planned whole.
        try repo.write("ml/environments/conda/train.yml", MLRepositoryFixture.trainConda + "\n      - scipy==1.13.0\n")
        try repo.commitAll("scipy")
        step = try await planBothWays()
        #expect(step.declined)
        #expect(step.stderr.contains("environment/train-env"), "\(step.stderr)")

        // The workspace changed since the baseline: whole again.
        #expect(try await MLGitOpsBinary.run(["reconcile"] + common, in: repo.path).status == 0)
        step = try await planBothWays()
        #expect(step.declined)
        #expect(step.stderr.contains("the workspace changed"), "\(step.stderr)")
    }

    @Test func aPlanWithOtherOptionsDoesNotReuseTheBaseline() async throws {
        _ = try await MLGitOpsBinary.run(["plan"] + common, in: repo.path)
        let pruning = try await MLGitOpsBinary.run(["plan", "--prune"] + common, in: repo.path)
        #expect(pruning.stderr.contains("other options"), "\(pruning.output)")
    }

    /// A dry run that died mid-save leaves its new file behind; the next one removes it (its
    /// process is gone) and leaves that of a dry run still running.
    @Test func newFilesOfDeadDryRunsAreRemoved() async throws {
        let first = try await MLGitOpsBinary.run(["plan"] + common, in: repo.path)
        #expect(first.status == 0, "\(first.output)")
        let dead = state + "/plan-baseline.sqlite.new-2147483646", running = state + "/plan-baseline.sqlite.new-1"
        for leftover in [dead, running] { #expect(FileManager.default.createFile(atPath: leftover, contents: Data("partial".utf8))) }
        let again = try await MLGitOpsBinary.run(["plan", "--full"] + common, in: repo.path)
        #expect(again.status == 0, "\(again.output)")
        #expect(!FileManager.default.fileExists(atPath: dead), "pid 2147483646 is no process")
        #expect(FileManager.default.fileExists(atPath: running), "pid 1 is running")
    }
}
