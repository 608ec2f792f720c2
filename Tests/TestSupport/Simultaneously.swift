import Foundation

/// Runs `body` on `times` threads at once and returns what each failure said, for tests of
/// what several processes do to one state directory together.
public func simultaneously(_ times: Int, _ body: @Sendable () throws -> Void) -> [String] {
    let failures = FailureMessages()
    DispatchQueue.concurrentPerform(iterations: times) { _ in
        do { try body() } catch { failures.add("\(error)") }
    }
    return failures.all
}

private final class FailureMessages: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []
    func add(_ message: String) { lock.withLock { messages.append(message) } }
    var all: [String] { lock.withLock { messages } }
}
