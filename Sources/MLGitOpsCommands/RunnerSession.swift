import Dispatch
import EmbeddedWorkspace
import Foundation
import LocalRunner
import Rendering
import Workspaces

#if canImport(Glibc)
    import Glibc
#endif

/// A runner in the foreground of a command (`jobs run`, `reconcile --wait`): live progress on
/// a terminal (redrawn in place), one plain line per change when piped, and a signal (Ctrl-C,
/// SIGTERM) that gives the work back to the queue instead of leaving it half-done.
struct RunnerSession {
    var workspace: LocalWorkspace
    var stop: RunnerStop
    /// Which jobs the progress shows; nil for every job that is not finished.
    var watched: Set<String>?
    /// Progress goes to standard error when standard output carries JSON.
    var progressToStandardError: Bool
    var keepRunningNote: Bool = false

    func run() async throws {
        // What the command printed before (the plan, the apply) comes first.
        fflush(nil)
        let stream: Int32 = progressToStandardError ? STDERR_FILENO : STDOUT_FILENO
        let terminal = isatty(stream) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        let style = TerminalStyle(colors: terminal)
        let runner = JobRunner(
            workspace: workspace,
            options: RunnerOptions(stop: stop, log: { line in Self.write(style.dim(line) + "\n", to: stream) }))
        let signals = Self.trapSignals(runner: runner)
        defer { signals.forEach { $0.cancel() } }
        let work = Task { () async -> String? in
            do {
                try await runner.run()
                return nil
            } catch {
                return String(describing: error)
            }
        }
        let progress = Task { await show(style: style, terminal: terminal, stream: stream) }
        defer { progress.cancel() }
        if let failure = await work.value {
            progress.cancel()
            throw CommandError.runner(failure)
        }
        progress.cancel()
        _ = await progress.value
        await render(style: style, terminal: terminal, stream: stream)
    }

    private func show(style: TerminalStyle, terminal: Bool, stream: Int32) async {
        var previous: [JobRun] = []
        var drawn = 0
        while !Task.isCancelled {
            let runs = await current()
            if terminal {
                let lines = JobProgressText(style: style).lines(runs)
                var text = drawn > 0 ? "\u{1B}[\(drawn)F\u{1B}[J" : ""
                text += lines.map { $0 + "\n" }.joined()
                Self.write(text, to: stream)
                drawn = lines.count
            } else {
                for line in JobProgressText(style: style).changes(from: previous, to: runs) {
                    Self.write(line + "\n", to: stream)
                }
            }
            previous = runs
            try? await Task.sleep(for: .milliseconds(terminal ? 300 : 500))
        }
        if terminal, drawn > 0 { Self.write("\u{1B}[\(drawn)F\u{1B}[J", to: stream) }
        lastSeen.value = previous
    }

    private let lastSeen = Box<[JobRun]>([])

    /// The last picture: the whole table on a terminal, what changed since the last poll otherwise.
    private func render(style: TerminalStyle, terminal: Bool, stream: Int32) async {
        let runs = await current()
        if terminal {
            Self.write(JobProgressText(style: style).lines(runs).map { $0 + "\n" }.joined(), to: stream)
        } else {
            for line in JobProgressText(style: style).changes(from: lastSeen.value, to: runs) {
                Self.write(line + "\n", to: stream)
            }
        }
    }

    private func current() async -> [JobRun] {
        let runs = (try? await workspace.jobRuns()) ?? []
        if let watched {
            return runs.filter { watched.contains($0.name) || watched.contains($0.logicalName) }
        }
        return runs.filter { !$0.state.isTerminal || ($0.endedAt.map { Date().timeIntervalSince($0) < 3600 } ?? false) }
    }

    static func write(_ text: String, to stream: Int32) {
        FileHandle(fileDescriptor: stream, closeOnDealloc: false).write(Data(text.utf8))
    }

    /// SIGINT and SIGTERM hand the runner's work back (its processes killed, its steps
    /// re-queued) and end the command with 130 or 143, as shells expect.
    private static func trapSignals(runner: JobRunner) -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                Task {
                    await runner.abandon()
                    write("\nstopped: running steps go back to the queue; `mlgitops jobs run` resumes them\n", to: STDERR_FILENO)
                    exit(128 + number)
                }
            }
            source.resume()
            return source
        }
    }
}

/// A value shared between the progress task and the session.
final class Box<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
