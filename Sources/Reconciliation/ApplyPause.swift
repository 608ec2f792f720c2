import Foundation

/// A test hook that makes an apply slow and observable, so a test can kill it at a known
/// point: with `MLGITOPS_TEST_PAUSE_MS=N`, the applier writes `mlgitops-test-pause: <point> <seq>`
/// to standard error and sleeps N milliseconds after journalling each action (`started`) and
/// after the workspace performed it (`performed`), before the history records the result.
/// Unset (always, outside tests), it does nothing.
public struct ApplyPause: Sendable {
    /// The pause after each point, in milliseconds; nil when off.
    public var milliseconds: Int?

    public init(milliseconds: Int?) { self.milliseconds = milliseconds }

    /// The pause the environment asks for.
    public static var fromEnvironment: ApplyPause {
        ApplyPause(milliseconds: ProcessInfo.processInfo.environment["MLGITOPS_TEST_PAUSE_MS"].flatMap(Int.init))
    }

    /// Marks `point` of action `seq` and pauses.
    func at(_ point: String, _ seq: Int) async {
        guard let milliseconds else { return }
        FileHandle.standardError.write(Data("mlgitops-test-pause: \(point) \(seq)\n".utf8))
        try? await Task.sleep(nanoseconds: UInt64(max(0, milliseconds)) * 1_000_000)
    }
}
