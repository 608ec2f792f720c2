import Foundation
import TestSupport

/// A repository whose jobs really run on this machine: a cluster, an environment without
/// packages (a bare virtual environment builds in about a second), an entry script whose
/// failures, slowness and flakiness are set per test, and a folder of small input files.
struct LocalRunFixture {
    let repo: ScratchRepository
    let state: String
    /// A folder outside the repository where the entry script leaves markers (first attempts).
    let markers: String

    init() throws {
        repo = try ScratchRepository()
        state = repo.path + "/.state"
        markers = repo.path + "/.markers"
        try FileManager.default.createDirectory(atPath: markers, withIntermediateDirectories: true)
        try repo.write("ml/clusters/cpu.yml", """
            name: cpu-cluster
            type: amlcompute
            size: Standard_DS3_v2
            min_instances: 0
            max_instances: 4
            """)
        try repo.write("ml/environments/local.yml", """
            name: local-env
            image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:20240908.v1
            """)
        try repo.write("ml/src/entry.py", Self.entryScript)
    }

    /// Item files `item-000.txt` ... under `ml/data/items`.
    func writeItems(_ count: Int, bad: Set<Int> = []) throws {
        for index in 0..<count {
            let name = bad.contains(index) ? String(format: "bad-%03d.txt", index) : String(format: "item-%03d.txt", index)
            try repo.write("ml/data/items/\(name)", "\(index)\n")
        }
    }

    /// A pipeline with one parallel step over the items, gathering one row per item.
    func writeParallelPipeline(
        name: String = "score", batchSize: Int = 1, workers: Int = 2, maxRetries: Int = 2, timeout: Int = 30,
        miniBatchErrorThreshold: Int = -1, errorThreshold: Int = -1, allowedFailedPercent: Int? = nil,
        compute: String = "azureml:cpu-cluster", variables: [String: String] = [:]
    ) throws {
        var environment = variables
        environment["MARKERS"] = markers
        let variableLines = environment.sorted { $0.key < $1.key }.map { "        \($0.key): \"\($0.value)\"" }
            .joined(separator: "\n")
        let arguments = allowedFailedPercent.map { "--allowed_failed_percent \($0)" } ?? "--resource_monitor_interval 0"
        try repo.write("ml/pipelines/\(name).yml", """
            type: pipeline
            settings:
              default_compute: \(compute)
            inputs:
              items:
                type: uri_folder
                path: ../data/items
            outputs:
              rows:
                type: uri_file
            jobs:
              score:
                type: parallel
                inputs:
                  items:
                    type: uri_folder
                    path: ${{parent.inputs.items}}
                outputs:
                  rows: ${{parent.outputs.rows}}
                input_data: ${{inputs.items}}
                mini_batch_size: "\(batchSize)"
                resources:
                  instance_count: 1
                max_concurrency_per_instance: \(workers)
                mini_batch_error_threshold: \(miniBatchErrorThreshold)
                error_threshold: \(errorThreshold)
                retry_settings:
                  max_retries: \(maxRetries)
                  timeout: \(timeout)
                logging_level: INFO
                environment_variables:
            \(variableLines)
                task:
                  type: run_function
                  code: ../src
                  entry_script: entry.py
                  environment: azureml:local-env@latest
                  program_arguments: \(arguments)
                  append_row_to: ${{outputs.rows}}
            """)
    }

    /// A command job on `cpu-cluster`.
    /// `serverless: true` runs it on serverless Standard_DS3_v2 nodes (4 cores each), which
    /// the quota policy limits at run time.
    func writeCommandJob(name: String, command: String, instances: Int = 1, timeout: Int? = nil, serverless: Bool = false) throws {
        try repo.write("ml/jobs/\(name).yml", """
            $schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
            type: command
            command: \(command)
            code: ../src
            environment: azureml:local-env@latest
            compute: \(serverless ? "serverless" : "azureml:cpu-cluster")
            resources:
              instance_count: \(instances)\(serverless ? "\n  instance_type: Standard_DS3_v2" : "")
            \(timeout.map { "limits:\n  timeout: \($0)" } ?? "")
            """)
    }

    /// A quota policy for the local workspace's location; the cluster (max_instances 4 of
    /// 4 cores) is removed so that the plan does not block it.
    func writeQuota(dedicatedCores: Int) throws {
        try repo.remove("ml/clusters/cpu.yml")
        try repo.write("ml/policies/quota.yml", """
            type: quota_policy
            name: local-quota
            location: local
            scope: workspace
            limits:
              families:
                - family: standardDSv2Family
                  dedicated_cores: \(dedicatedCores)
            """)
    }

    func commit() throws { _ = try repo.commitAll("desired state") }

    func mlgitops(_ arguments: [String]) async throws -> MLGitOpsBinary.Result {
        try await MLGitOpsBinary.run(arguments, in: repo.path)
    }

    /// `reconcile --wait`: applies, runs everything submitted, waits.
    func reconcileAndWait() async throws -> MLGitOpsBinary.Result {
        try await mlgitops(["reconcile", "--repo", repo.path, "--path", "ml", "--state", state, "--wait"])
    }

    func reconcile() async throws -> MLGitOpsBinary.Result {
        try await mlgitops(["reconcile", "--repo", repo.path, "--path", "ml", "--state", state])
    }

    /// `jobs show NAME --output json`, decoded.
    func show(_ name: String) async throws -> [String: Any] {
        let result = try await mlgitops(["jobs", "show", name, "--state", state, "--output", "json"])
        return (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
    }

    func step(_ document: [String: Any], _ name: String) -> [String: Any] {
        (document["steps"] as? [[String: Any]])?.first { $0["name"] as? String == name } ?? [:]
    }

    /// The rows `append_row_to` gathered.
    func rows(of document: [String: Any], step: String = "score", output: String = "rows") -> [String] {
        guard let path = (self.step(document, step)["outputs"] as? [String: String])?[output],
              let text = try? String(contentsOfFile: path, encoding: .utf8)
        else { return [] }
        return text.split(separator: "\n").map(String.init)
    }

    func log(_ document: [String: Any], step: String = "score", file: String = "std_log.txt") -> String {
        guard let folder = self.step(document, step)["logs"] as? String else { return "" }
        return (try? String(contentsOfFile: folder + "/" + file, encoding: .utf8)) ?? ""
    }

    /// The entry script: one row per item (its file name). `ALWAYS_FAIL` raises on any item
    /// whose name contains it; `FAIL_ONCE` and `SLOW_ONCE` act on the first attempt only (a
    /// marker remembers it); `FEWER_ROWS` returns no row for such items; `SLEEP` slows every item.
    static let entryScript = """
        import os, time
        from pathlib import Path

        def init():
            pass

        def _first_time(kind, name):
            marker = Path(os.environ["MARKERS"]) / f"{kind}-{name}"
            if marker.exists():
                return False
            marker.write_text("seen")
            return True

        def run(mini_batch):
            rows = []
            for path in mini_batch:
                name = Path(path).name
                always = os.environ.get("ALWAYS_FAIL")
                if always and always in name:
                    raise ValueError(f"cannot score {name}")
                once = os.environ.get("FAIL_ONCE")
                if once and once in name and _first_time("fail", name):
                    raise RuntimeError(f"transient failure on {name}")
                slow = os.environ.get("SLOW_ONCE")
                if slow and slow in name and _first_time("slow", name):
                    time.sleep(60)
                fewer = os.environ.get("FEWER_ROWS")
                if fewer and fewer in name:
                    continue
                time.sleep(float(os.environ.get("SLEEP", "0")))
                rows.append(name)
            return rows

        def shutdown():
            pass
        """
}
