import Foundation

/// Where one step of one job keeps its files: `<job>/steps/<step>/` with the step's own copy
/// of its code, one entry per output, its logs and its mini-batch work. Two jobs never share a
/// folder, so a re-run of one cannot overwrite another's outputs.
struct StepLayout: Sendable {
    /// The step's folder.
    let root: String

    init(jobDirectory: String, step: String) {
        root = jobDirectory + "/steps/" + step
    }

    var code: String { root + "/code" }
    var outputs: String { root + "/outputs" }
    var logs: String { root + "/logs" }
    /// Split tabular chunks and the rows each finished mini-batch returned.
    var miniBatches: String { root + "/mini-batches" }
    /// The log of the step's command (Azure ML's `std_log.txt`).
    var standardLog: String { logs + "/std_log.txt" }
    /// The parallel step's summary (Azure ML's `job_result.txt`).
    var jobResult: String { logs + "/job_result.txt" }

    func output(_ name: String) -> String { outputs + "/" + name }
    func rowsFile(batch: Int) -> String { miniBatches + "/rows-" + String(format: "%06d", batch) + ".txt" }

    /// Creates the folders a run writes to.
    func create() throws {
        for folder in [outputs, logs, miniBatches] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
    }
}
