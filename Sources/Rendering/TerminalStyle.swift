import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Colors for people on a terminal; plain text when piped or when `NO_COLOR` is set.
public struct TerminalStyle: Sendable {
    /// Whether escape codes are written.
    public let colors: Bool

    public init(colors: Bool) { self.colors = colors }

    /// Colors when standard output is a terminal and `NO_COLOR` is unset.
    public static var standardOutput: TerminalStyle {
        TerminalStyle(colors: isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
    }

    /// Plain text.
    public static let plain = TerminalStyle(colors: false)

    private func wrap(_ text: String, _ code: String) -> String { colors ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    public func green(_ text: String) -> String { wrap(text, "32") }
    public func yellow(_ text: String) -> String { wrap(text, "33") }
    public func red(_ text: String) -> String { wrap(text, "31") }
    public func cyan(_ text: String) -> String { wrap(text, "36") }
    public func bold(_ text: String) -> String { wrap(text, "1") }
    public func dim(_ text: String) -> String { wrap(text, "2") }
}
