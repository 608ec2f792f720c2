import Foundation
public import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// The log handler of `sync`: one line per event on standard error, a JSON object per line
/// when standard error is not a terminal (for log collectors), `time level message key=value`
/// otherwise. Secrets never reach it: the controller logs revisions, resources and counts, and
/// URLs only with their user information removed (``LogLines/redacted(_:)``).
public struct LogLines: LogHandler {
    /// Metadata added to every event.
    public var metadata: Logger.Metadata = [:]
    /// The lowest level written.
    public var logLevel: Logger.Level
    /// Metadata computed per event.
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let json: Bool

    /// A handler for `label`; `json` nil decides by whether standard error is a terminal.
    public init(label: String, level: Logger.Level = .info, json: Bool? = nil) {
        self.label = label
        self.logLevel = level
        self.json = json ?? (isatty(STDERR_FILENO) != 1)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let line = json
            ? Self.jsonLine(level: event.level, message: event.message.description, label: label, metadata: merged)
            : Self.textLine(level: event.level, message: event.message.description, metadata: merged)
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func jsonLine(level: Logger.Level, message: String, label: String, metadata: Logger.Metadata) -> String {
        var object: [String: Any] = [
            "time": ISO8601DateFormatter.withFractions.string(from: Date()), "level": level.rawValue,
            "message": message, "logger": label,
        ]
        for (key, value) in metadata where object[key] == nil { object[key] = plain(value) }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func textLine(level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        let time = ISO8601DateFormatter.withFractions.string(from: Date())
        let pairs = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "\(time) \(level.rawValue.uppercased()) \(message)" + (pairs.isEmpty ? "" : " " + pairs)
    }

    private static func plain(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let value): value.description
        case .array(let values): values.map(plain)
        case .dictionary(let values): values.mapValues(plain)
        }
    }

    /// `url` without a user name or password (`https://token@host/x` -> `https://host/x`).
    public static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@"),
            !url[scheme.upperBound..<at].contains("/")
        else { return url }
        return String(url[..<scheme.upperBound]) + String(url[url.index(after: at)...])
    }
}

extension ISO8601DateFormatter {
    /// `2026-12-04T15:04:05.123Z`.
    nonisolated(unsafe) static let withFractions: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
}
