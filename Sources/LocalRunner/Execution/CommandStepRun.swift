import EmbeddedWorkspace
import Foundation

/// A command step: its command, with inputs and outputs substituted, run by `/bin/sh` in the
/// step's copy of its code, in its own process group, its output in `logs/std_log.txt`.
struct CommandStepRun: Sendable {
    var job: String
    var step: String
    var command: String
    var directory: String
    var environment: [String: String]
    var timeout: Int?
    var layout: StepLayout
    var workspace: LocalWorkspace
    var pollInterval: Duration

    func run() async -> StepOutcome {
        append("$ \(command)\n")
        let child: ChildProcess
        do {
            child = try ChildProcess.launch(
                "/bin/sh", ["-c", command], in: directory, environment: environment, logFile: layout.standardLog)
        } catch {
            return .failed(error.description)
        }
        try? await workspace.recordProcess(child.pid, job: job, step: step)
        let watched = await StepWatch.run(
            job: job, step: step, workspace: workspace, pollInterval: pollInterval, timeout: timeout
        ) {
            await withTaskCancellationHandler {
                await child.wait()
            } onCancel: {
                child.killGroup()
            }
        }
        // Whatever the command left running in the background ends with it.
        child.killGroup()
        try? await workspace.recordProcess(nil, job: job, step: step)
        if Task.isCancelled { return .canceled }
        switch watched {
        case .preempted:
            append("pre-empted: the node was reclaimed; the step starts again\n")
            return .preempted
        case .timedOut(let seconds):
            append("killed: limits.timeout of \(seconds) s passed\n")
            return .failed("the command ran longer than limits.timeout (\(seconds) s) and was killed")
        case .finished(.exited(0)):
            return .completed
        case .finished(let termination):
            let how: String
            switch termination {
            case .exited(let status): how = "exited with status \(status)"
            case .signaled(let signal): how = "was killed by signal \(signal)"
            }
            let tail = LogTail.of(layout.standardLog, lines: 6)
            return .failed("the command \(how) (log: \(layout.standardLog))" + (tail.isEmpty ? "" : "; last lines:\n\(tail)"))
        }
    }

    private func append(_ text: String) {
        let manager = FileManager.default
        if !manager.fileExists(atPath: layout.standardLog) { _ = manager.createFile(atPath: layout.standardLog, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: layout.standardLog) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data(text.utf8))
    }
}
