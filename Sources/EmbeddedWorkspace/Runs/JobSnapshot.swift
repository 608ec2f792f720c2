import Foundation
import Manifests
import Workspaces

/// The committed files a job runs: its code folders and data inputs, written from the commit
/// into `<state>/snapshots/<job hash>/<repository path>` before the job is recorded. A job never
/// runs a working tree; every run of one definition (a retry, a schedule's next trigger) finds
/// the same files.
enum JobSnapshot {
    /// The folder of `job`'s snapshot, relative to the state directory.
    static func relativeDirectory(of job: Job) -> String { "snapshots/\(job.hash.hex.prefix(16))" }

    /// Every repository path `job` reads: code folders and data inputs, sorted.
    static func repositoryPaths(of job: Job) -> [String] {
        var paths: Set<String> = []
        func add(_ code: CodeReference?) {
            if case .repository(let path, _) = code { paths.insert(path) }
        }
        func add(_ inputs: [String: JobInput]) {
            for input in inputs.values {
                if case .data(_, let path?, _) = input, case .repository(let repositoryPath, _) = path {
                    paths.insert(repositoryPath)
                }
            }
        }
        switch job.spec {
        case .command(let task):
            add(task.code)
            add(task.inputs)
        case .pipeline(let pipeline):
            add(pipeline.inputs)
            for step in pipeline.steps {
                switch step.body {
                case .command(let task):
                    add(task.code)
                    add(task.inputs)
                case .parallel(let task):
                    add(task.code)
                    add(task.inputs)
                case .other: break
                }
            }
        }
        return paths.sorted()
    }

    /// Writes the snapshot unless it exists; a half-written one (a crash) is never seen, since
    /// it is written aside and renamed into place.
    static func materialise(
        _ job: Job, stateDirectory: String, from commit: any CommitReader
    ) async throws(WorkspaceError) -> String {
        let relative = relativeDirectory(of: job)
        let final = URL(fileURLWithPath: stateDirectory).appendingPathComponent(relative)
        let manager = FileManager.default
        if manager.fileExists(atPath: final.path) { return relative }
        let snapshots = URL(fileURLWithPath: stateDirectory).appendingPathComponent("snapshots")
        let partialPrefix = ".partial-\(job.hash.hex.prefix(16))-"
        // A process killed while writing this snapshot left its partial folder: applies run one
        // at a time (the apply lease), so any partial of this job is an orphan.
        for orphan in (try? manager.contentsOfDirectory(atPath: snapshots.path)) ?? [] where orphan.hasPrefix(partialPrefix) {
            try? manager.removeItem(at: snapshots.appendingPathComponent(orphan))
        }
        let partial = snapshots.appendingPathComponent(partialPrefix + UUID().uuidString.prefix(8))
        do {
            try manager.createDirectory(at: partial, withIntermediateDirectories: true)
            var folders: Set<String> = []
            for path in repositoryPaths(of: job) {
                let files = try await commit.files(under: path)
                let isSingleFile = files.count == 1 && files[0].path == (path.split(separator: "/").last.map(String.init) ?? path)
                    && !(files[0].path.contains("/"))
                for file in files {
                    let target =
                        isSingleFile && files.count == 1
                        ? partial.appendingPathComponent(path)
                        : partial.appendingPathComponent(path).appendingPathComponent(file.path)
                    let folder = target.deletingLastPathComponent().path
                    if folders.insert(folder).inserted {
                        try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
                    }
                    try FileContents.write(file.bytes, to: target.path, executable: file.isExecutable)
                }
            }
            // Unsynced writes (FileContents): the rename below makes the snapshot appear whole
            // or not at all, and it is derived from the commit, never the only copy of anything.
            if manager.fileExists(atPath: final.path) {
                try? manager.removeItem(at: partial)
            } else {
                try manager.moveItem(at: partial, to: final)
            }
        } catch let error as WorkspaceError {
            try? manager.removeItem(at: partial)
            throw error
        } catch {
            try? manager.removeItem(at: partial)
            throw .storage(
                detail: "cannot write the files of job \(job.name) under \(final.path): \(error.localizedDescription); check free disk space and permissions")
        }
        return relative
    }
}
