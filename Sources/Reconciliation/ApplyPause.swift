import Foundation

/// A test hook that makes an apply slow and observable, so a test can kill it at a known
/// point: with `MLGITOPS_TEST_PAUSE_MS=N`, the applier writes `mlgitops-test-pause: <point> <seq>`
/// to standard error and sleeps N milliseconds after journalling each action (`started`) and
/// after the workspace performed it (`performed`), before the history records the result.
/// With `MLGITOPS_TEST_PAUSE_GATE=PATH` too, it also waits at each point for as long as that file
/// exists, so a test can hold an apply in the middle for as long as it needs.
/// Unset (always, outside tests), it does nothing.
public struct ApplyPause: Sendable {
    /// The pause after each point, in milliseconds; nil when off.
    public var milliseconds: Int?
    /// A file whose existence holds the apply at each point.
    public var gate: String?

    public init(milliseconds: Int?, gate: String? = nil) {
        self.milliseconds = milliseconds
        self.gate = gate
    }

    /// The pause the environment asks for.
    public static var fromEnvironment: ApplyPause {
        let environment = ProcessInfo.processInfo.environment
        return ApplyPause(
            milliseconds: environment["MLGITOPS_TEST_PAUSE_MS"].flatMap(Int.init), gate: environment["MLGITOPS_TEST_PAUSE_GATE"])
    }

    /// Marks `point` of action `seq` and pauses.
    func at(_ point: String, _ seq: Int) async {
        guard let milliseconds else { return }
        FileHandle.standardError.write(Data("mlgitops-test-pause: \(point) \(seq)\n".utf8))
        try? await Task.sleep(nanoseconds: UInt64(max(0, milliseconds)) * 1_000_000)
        while let gate, FileManager.default.fileExists(atPath: gate) {
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
    }
}
