/// How one attempt at a step ended.
enum StepOutcome: Sendable, Equatable {
    case completed
    case failed(String)
    /// The job was canceled while the step ran.
    case canceled
    /// An injected pre-emption stopped it; it starts again.
    case preempted
}

/// The last lines of a log, for a reason people read.
enum LogTail {
    static func of(_ path: String, lines: Int = 8) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "" }
        return text.split(separator: "\n", omittingEmptySubsequences: true).suffix(lines).joined(separator: "\n")
    }
}
